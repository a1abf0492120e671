/**
 * `npm run seed:demo -w @hocbaso/identity`: loads the demo school and staff into the identity
 * database (once) and writes their generated passwords to the file named by DEMO_CREDENTIALS_FILE.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createLogger } from '@hocbaso/service-kit';
import { readIdentityConfig, readSeedOutputPath } from '../env';
import { createIdentityService } from '../server';
import { resetDemoPasswords, seedDemoData } from './demo-data';

async function main() {
  const config = readIdentityConfig();
  const logger = createLogger({ service: 'identity-seed', level: config.LOG_LEVEL });
  const service = await createIdentityService(config, logger, { consumeFamilyLinks: false });
  try {
    const output = readSeedOutputPath();
    const hadPasswords = !!output && existsSync(output);
    let credentials = await seedDemoData(service.deps);
    // Accounts whose passwords are not in the file (it was deleted, or the staff list grew): new ones for all.
    if (output && (!hadPasswords || credentials.length > 0))
      credentials = await resetDemoPasswords(service.deps);
    if (credentials.length > 0 && output) {
      writeFileSync(output, JSON.stringify(credentials, null, 2), { mode: 0o600 });
      logger.info({ accounts: credentials.length }, 'demo data loaded');
    } else {
      logger.info('demo data already present');
    }
  } finally {
    await service.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
