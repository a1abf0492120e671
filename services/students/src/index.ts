import { createLogger, runUntilSignal, startTracing } from '@hocbaso/service-kit';
import { readStudentsConfig } from './env';
import { createStudentsService } from './server';

const config = readStudentsConfig();
const logger = createLogger({ service: 'students', level: config.LOG_LEVEL });
startTracing('students', config);

runUntilSignal(logger, async () => {
  const service = await createStudentsService(config, logger);
  const port = await service.listen();
  logger.info({ port }, 'students subgraph listening');
  return service;
});
