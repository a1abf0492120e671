import { createLogger, runUntilSignal, startTracing } from '@hocbaso/service-kit';
import { readAcademicsConfig } from './env';
import { createAcademicsService } from './server';

const config = readAcademicsConfig();
const logger = createLogger({ service: 'academics', level: config.LOG_LEVEL });
startTracing('academics', config);

runUntilSignal(logger, async () => {
  const service = await createAcademicsService(config, logger);
  const port = await service.listen();
  logger.info({ port }, 'academics subgraph listening');
  return service;
});
