import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_EVENTS } from './registry';
import { publishedShape, snapshotFileName } from './compatibility';

const COMPAT_DIR = path.join(__dirname, '..', 'compat');

describe('event contracts stay backward compatible', () => {
  const snapshots = new Set(readdirSync(COMPAT_DIR).filter((f) => f.endsWith('.json')));

  it.each(ALL_EVENTS.map((c) => [snapshotFileName(c), c] as const))(
    '%s matches its published snapshot',
    (file, contract) => {
      // A missing snapshot: run `npm run events:snapshot -w @hocbaso/events` and commit it.
      expect(snapshots.has(file)).toBe(true);
      // A different shape under the same version breaks consumers: bump the version instead.
      expect(publishedShape(contract)).toEqual(JSON.parse(readFileSync(path.join(COMPAT_DIR, file), 'utf8')));
    },
  );

  it('keeps every published version of a type that is still produced, and no version goes backwards', () => {
    const current = new Map(ALL_EVENTS.map((c) => [c.type, c.version]));
    for (const file of snapshots) {
      const match = /^(.+)\.v(\d+)\.json$/.exec(file);
      expect(match).not.toBeNull();
      const [, type, version] = match!;
      const produced = current.get(type!);
      // A snapshot of a type no longer produced is history: allowed. Otherwise it is not newer than the contract.
      if (produced !== undefined) expect(Number(version)).toBeLessThanOrEqual(produced);
    }
  });
});
