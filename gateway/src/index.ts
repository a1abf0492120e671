import { createLogger, runUntilSignal, startTracing } from '@hocbaso/service-kit';
import { readGatewayConfig } from './env';
import { createGatewayServer } from './server';

const config = readGatewayConfig();
const logger = createLogger({ service: 'gateway', level: config.LOG_LEVEL });
startTracing('gateway', config);

runUntilSignal(logger, async () => {
  const gateway = await createGatewayServer(config, logger);
  const port = await gateway.listen();
  logger.info({ url: `http://localhost:${port}/graphql` }, 'gateway listening');
  return gateway;
});
