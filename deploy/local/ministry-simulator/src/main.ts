import { readFile } from 'node:fs/promises';
import { createLogger, runUntilSignal } from '@hocbaso/service-kit';
import { readSimulatorConfig } from './env';
import { startMinistrySimulator } from './simulator';

const config = readSimulatorConfig();
const logger = createLogger({ service: 'ministry-simulator', level: config.LOG_LEVEL });

runUntilSignal(logger, async () => {
  const trustedCas =
    config.MINISTRY_TRUSTED_CA_FILES.length > 0
      ? await Promise.all(config.MINISTRY_TRUSTED_CA_FILES.map((file) => readFile(file, 'utf8')))
      : undefined;
  const simulator = await startMinistrySimulator({
    host: config.MINISTRY_SIMULATOR_HOST,
    port: config.MINISTRY_SIMULATOR_PORT,
    apiToken: config.MINISTRY_API_TOKEN,
    trustedCas,
    logger,
  });
  logger.info(
    { url: simulator.url, trustedCas: trustedCas?.length ?? 'chain roots' },
    'Ministry database simulator (CSDL ngành) listening',
  );
  return simulator;
});
