/**
 * Restores a backup into empty databases, sets the consumer groups back to its positions, then
 * verifies the restore (issue 5, R7). Stop every service first.
 *
 * Usage: npm run restore -- <backup folder> [--databases a,b] [--consumer-groups x,y]
 *                                           [--verify-only] [--no-verify] [--actor <accountId>]
 * Exit status: 0 restored and verified; 1 refused, failed, or a verification found a problem.
 * Configuration (environment, see packages/backup/src/env.ts): MONGODB_URI, KAFKA_BROKERS,
 * SIGNATURES_DB_NAME (whose signatures, seals and audit chain are verified).
 */
import { parseArgs } from 'node:util';
import { readBackupConfig, restoreBackup, verifyRestore, type RestoreVerification } from '@hocbaso/backup';
import { isAppError } from '@hocbaso/errors';
import { SYSTEM_ACTOR } from '@hocbaso/events';
import { createLogger } from '@hocbaso/service-kit';

const USAGE =
  'Usage: npm run restore -- <backup folder> [--databases a,b] [--consumer-groups x,y] [--verify-only] [--no-verify] [--actor <accountId>]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      databases: { type: 'string' },
      'consumer-groups': { type: 'string' },
      'verify-only': { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
      actor: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [backupDir] = positionals;
  if (values.help || !backupDir || positionals.length > 1) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const config = readBackupConfig();
  const logger = createLogger({ service: 'restore', level: config.LOG_LEVEL });
  const list = (value: string | undefined) =>
    value
      ?.split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const databases = list(values.databases);
  const consumerGroups = list(values['consumer-groups']);

  if (!values['verify-only']) {
    const restored = await restoreBackup(backupDir, {
      mongoUri: config.MONGODB_URI,
      kafkaBrokers: config.KAFKA_BROKERS,
      databases,
      consumerGroups,
      actor: values.actor ? { accountId: values.actor, kind: 'user' } : SYSTEM_ACTOR,
      logger,
    });
    const documents = restored.databases.reduce((sum, d) => sum + d.documents, 0);
    console.log(
      `restored ${restored.backupId}: ${restored.databases.length} databases, ${documents} documents, ` +
        `${restored.consumerGroups.length} consumer groups in ${restored.durationMs} ms`,
    );
    for (const warning of restored.warnings) console.log(`  warning: ${warning}`);
    if (values['no-verify']) return;
  }

  const verification = await verifyRestore({
    backupDir,
    mongoUri: config.MONGODB_URI,
    databases,
    signaturesDatabase:
      !databases || databases.includes(config.SIGNATURES_DB_NAME) ? config.SIGNATURES_DB_NAME : undefined,
    consumerGroups,
    kafkaBrokers: config.KAFKA_BROKERS,
    logger,
  });
  print(verification);
  if (!verification.ok) process.exit(1);
}

function print(v: RestoreVerification): void {
  const { collections, signatures, audit, consumerOffsets } = v;
  console.log(
    `collections: ${collections.matching}/${collections.checked} identical to the backup (${collections.documents} documents)`,
  );
  for (const m of collections.mismatches) console.log(`  ${m.problem} ${m.database}.${m.collection}`);
  if (signatures) {
    console.log(
      `signatures: ${signatures.checked} checked, ${signatures.valid} valid, ${signatures.contentHashesMatching} content hashes recomputed, ` +
        `seals ${signatures.seals.valid}/${signatures.seals.checked} valid`,
    );
    for (const f of signatures.failures) console.log(`  ${f.signatureId}: ${f.problems.join('; ')}`);
  }
  if (audit) {
    console.log(
      `audit trail: ${audit.entriesVerified} entries verified, ${audit.intact ? 'chain intact' : `BROKEN at ${audit.firstBroken?.seq}: ${audit.firstBroken?.message}`}`,
    );
  }
  if (consumerOffsets) {
    console.log(
      `consumer groups: ${consumerOffsets.matching}/${consumerOffsets.groupsChecked} at the backup's offsets`,
    );
    for (const m of consumerOffsets.mismatches) console.log(`  ${m.groupId} differs`);
  }
  console.log(v.ok ? 'verification passed' : 'VERIFICATION FAILED');
}

main().catch((error: unknown) => {
  console.error(isAppError(error) ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
