import { createLogger, runUntilSignal, startTracing } from '@hocbaso/service-kit';
import { readIdentityConfig } from './env';
import { createIdentityService } from './server';

const config = readIdentityConfig();
const logger = createLogger({ service: 'identity', level: config.LOG_LEVEL });
startTracing('identity', config);

runUntilSignal(logger, async () => {
  const service = await createIdentityService(config, logger);
  const port = await service.listen();
  logger.info({ port }, 'identity subgraph listening');
  return service;
});
