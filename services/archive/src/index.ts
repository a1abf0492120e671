import { createLogger, runUntilSignal, startTracing } from '@hocbaso/service-kit';
import { readArchiveConfig } from './env';
import { createArchiveService } from './server';

const config = readArchiveConfig();
const logger = createLogger({ service: 'archive', level: config.LOG_LEVEL });
startTracing('archive', config);

runUntilSignal(logger, async () => {
  const service = await createArchiveService(config, logger);
  const port = await service.listen();
  logger.info({ port }, 'archive subgraph listening');
  return service;
});
