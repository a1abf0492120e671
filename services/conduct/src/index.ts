import { createLogger, runUntilSignal, startTracing } from '@hocbaso/service-kit';
import { readConductConfig } from './env';
import { createConductService } from './server';

const config = readConductConfig();
const logger = createLogger({ service: 'conduct', level: config.LOG_LEVEL });
startTracing('conduct', config);

runUntilSignal(logger, async () => {
  const service = await createConductService(config, logger);
  const port = await service.listen();
  logger.info({ port }, 'conduct subgraph listening');
  return service;
});
