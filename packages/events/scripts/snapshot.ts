/**
 * `npm run events:snapshot -w @hocbaso/events`: writes the JSON Schema of every contract version
 * that has no snapshot yet. Existing snapshots are never rewritten: a published version is frozen.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_EVENTS } from '../src/registry';
import { publishedShape, snapshotFileName } from '../src/compatibility';

const dir = path.join(__dirname, '..', 'compat');
for (const contract of ALL_EVENTS) {
  const file = path.join(dir, snapshotFileName(contract));
  if (existsSync(file)) continue;
  writeFileSync(file, `${JSON.stringify(publishedShape(contract), null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
