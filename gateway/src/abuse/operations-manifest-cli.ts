/**
 * `npm run operations:manifest`: writes gateway/operations/manifest.json from the .graphql files.
 * `npm run operations:manifest -- --check`: fails when an operation is invalid or the committed
 * manifest is not current.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_MANIFEST_PATH, formatManifest, manifestFromOperationFiles } from './operations-manifest';

function main(): number {
  let manifest: string;
  try {
    manifest = formatManifest(manifestFromOperationFiles());
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  if (process.argv.includes('--check')) {
    const current = existsSync(DEFAULT_MANIFEST_PATH) ? readFileSync(DEFAULT_MANIFEST_PATH, 'utf8') : '';
    if (current !== manifest) {
      process.stderr.write(
        'gateway/operations/manifest.json is out of date: run `npm run operations:manifest -w @hocbaso/gateway` and commit it.\n',
      );
      return 1;
    }
    process.stdout.write('persisted operations manifest is current\n');
    return 0;
  }
  writeFileSync(DEFAULT_MANIFEST_PATH, manifest);
  process.stdout.write(`wrote ${DEFAULT_MANIFEST_PATH}\n`);
  return 0;
}

process.exitCode = main();
