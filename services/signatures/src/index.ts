import { createLogger, runUntilSignal, startTracing } from '@hocbaso/service-kit';
import { readSignaturesConfig } from './env';
import { createSignaturesService } from './server';

const config = readSignaturesConfig();
const logger = createLogger({ service: 'signatures', level: config.LOG_LEVEL });
startTracing('signatures', config);

runUntilSignal(logger, async () => {
  const service = await createSignaturesService(config, logger);
  const port = await service.listen();
  logger.info({ port }, 'signatures subgraph listening');
  return service;
});
