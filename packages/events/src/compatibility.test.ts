import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_EVENTS } from './registry';
import { incompatibilities, publishedShape, snapshotFileName } from './compatibility';

const COMPAT_DIR = path.join(__dirname, '..', 'compat');

describe('event contracts stay backward compatible', () => {
  const snapshots = new Set(readdirSync(COMPAT_DIR).filter((f) => f.endsWith('.json')));

  it.each(ALL_EVENTS.map((c) => [snapshotFileName(c), c] as const))(
    '%s matches its published snapshot',
    (file, contract) => {
      // A missing snapshot: run `npm run events:snapshot -w @hocbaso/events` and commit it.
      expect(snapshots.has(file)).toBe(true);
      // A different shape under the same version breaks consumers: bump the version instead (a
      // new optional field is the one change a version allows).
      const published: unknown = JSON.parse(readFileSync(path.join(COMPAT_DIR, file), 'utf8'));
      expect(incompatibilities(published, publishedShape(contract))).toEqual([]);
    },
  );

  it('allows a new optional field, and nothing else, under the same version', () => {
    const published = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' } },
      required: ['a'],
      additionalProperties: false,
    };
    const withOptional = { ...published, properties: { ...published.properties, c: { type: 'string' } } };
    expect(incompatibilities(published, withOptional)).toEqual([]);
    expect(incompatibilities(published, { ...withOptional, required: ['a', 'c'] })).toEqual([
      '$: required fields changed',
    ]);
    expect(incompatibilities(published, { ...published, properties: { a: { type: 'string' } } })).toEqual([
      '$.b: removed',
    ]);
    expect(
      incompatibilities(published, {
        ...published,
        properties: { ...published.properties, b: { type: 'string' } },
      }),
    ).toEqual(['$.b.type: changed']);
    expect(incompatibilities(published, { ...published, required: [] })).toEqual([
      '$: required fields changed',
    ]);
  });

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
