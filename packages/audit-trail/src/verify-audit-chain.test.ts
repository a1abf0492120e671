import { auditEntryHash, GENESIS_HASH, type AuditEntry } from './audit-entry';
import { verifyAuditChain } from './verify-audit-chain';

/** A well-formed chain of `length` entries, seq 1..length. */
function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const entry = withHash({
      seq,
      eventId: `evt-${seq}`,
      at: new Date(Date.UTC(2025, 9, 1, 8, 0, seq)),
      recordedAt: new Date(Date.UTC(2025, 9, 1, 8, 0, seq, 500)),
      service: 'hocbaso/academics',
      type: 'vn.hocbaso.academics.subject-result.recorded',
      subject: `students/stu-${seq % 2}`,
      actor: { accountId: 'acc-1', kind: 'user', requestId: `req-${seq}` },
      roles: ['SUBJECT_TEACHER'],
      before: seq > 2 ? `{"n":${seq - 2}}` : null,
      after: `{"n":${seq}}`,
      prevHash,
      hash: '',
    });
    entries.push(entry);
    prevHash = entry.hash;
  }
  return entries;
}

function withHash(entry: AuditEntry): AuditEntry {
  return { ...entry, hash: auditEntryHash(entry) };
}

const at = (entries: AuditEntry[], seq: number): AuditEntry => {
  const entry = entries.find((e) => e.seq === seq);
  if (!entry) throw new Error(`no entry ${seq}`);
  return entry;
};

describe('verifyAuditChain', () => {
  it('finds an intact chain intact and returns its head hash', async () => {
    const entries = chain(5);
    expect(await verifyAuditChain(entries)).toEqual({
      intact: true,
      checked: 5,
      firstBroken: null,
      lastHash: at(entries, 5).hash,
    });
  });

  it('finds an empty chain intact, at the genesis hash', async () => {
    expect(await verifyAuditChain([])).toEqual({
      intact: true,
      checked: 0,
      firstBroken: null,
      lastHash: GENESIS_HASH,
    });
  });

  it('names an entry changed in place, and only that one', async () => {
    const entries = chain(5);
    entries[2] = { ...at(entries, 3), after: '{"n":99}' };
    const result = await verifyAuditChain(entries);
    expect(result).toMatchObject({
      intact: false,
      checked: 3,
      firstBroken: { seq: 3, eventId: 'evt-3', reason: 'ALTERED', missing: null },
      lastHash: at(entries, 2).hash,
    });
  });

  it.each([
    ['actor', { actor: { accountId: 'acc-2', kind: 'user' as const, requestId: 'req-2' } }],
    ['roles', { roles: ['PRINCIPAL'] }],
    ['at', { at: new Date(Date.UTC(2024, 0, 1)) }],
    ['before', { before: '{"n":0}' }],
    ['prevHash', { prevHash: GENESIS_HASH }],
    ['hash', { hash: 'f'.repeat(64) }],
  ])('names an entry whose %s was changed', async (_field, change) => {
    const entries = chain(4);
    entries[1] = { ...at(entries, 2), ...change };
    const result = await verifyAuditChain(entries);
    expect(result.firstBroken).toMatchObject({ seq: 2, reason: 'ALTERED' });
  });

  it('calls an entry changed into something unhashable altered instead of failing', async () => {
    const entries = chain(3);
    entries[1] = { ...at(entries, 2), at: new Date('garbage'), roles: undefined as unknown as string[] };
    expect((await verifyAuditChain(entries)).firstBroken).toMatchObject({ seq: 2, reason: 'ALTERED' });
  });

  it('names the entry after removed ones, with the missing numbers', async () => {
    const entries = chain(6).filter((e) => e.seq !== 3 && e.seq !== 4);
    const result = await verifyAuditChain(entries);
    expect(result).toMatchObject({
      intact: false,
      checked: 3,
      firstBroken: { seq: 5, eventId: 'evt-5', reason: 'MISSING_BEFORE', missing: { from: 3, to: 4 } },
    });
    expect(result.firstBroken?.message).toContain('từ số 3 đến số 4');
  });

  it('notices a removed first entry', async () => {
    const result = await verifyAuditChain(chain(3).slice(1));
    expect(result.firstBroken).toMatchObject({
      seq: 2,
      reason: 'MISSING_BEFORE',
      missing: { from: 1, to: 1 },
    });
    expect(result.firstBroken?.message).toContain('số 1');
  });

  it('names the entry after one that was changed and re-hashed', async () => {
    const entries = chain(5);
    entries[1] = withHash({ ...at(entries, 2), after: '{"n":99}' });
    expect(await verifyAuditChain(entries)).toMatchObject({
      intact: false,
      checked: 3,
      firstBroken: { seq: 3, eventId: 'evt-3', reason: 'CHAIN_MISMATCH' },
      lastHash: at(entries, 2).hash,
    });
  });

  it('notices a repeated entry', async () => {
    const entries = chain(3);
    const result = await verifyAuditChain([entries[0]!, entries[1]!, entries[1]!, entries[2]!]);
    expect(result.firstBroken).toMatchObject({ seq: 2, reason: 'CHAIN_MISMATCH' });
    expect(result.checked).toBe(3);
  });

  describe('with the recorded chain head', () => {
    it('notices removed last entries', async () => {
      const entries = chain(5);
      const head = { seq: 5, hash: at(entries, 5).hash };
      const result = await verifyAuditChain(entries.slice(0, 3), { head });
      expect(result).toMatchObject({
        intact: false,
        checked: 3,
        firstBroken: { seq: 4, eventId: null, reason: 'TRUNCATED', missing: { from: 4, to: 5 } },
      });
    });

    it('notices a rewritten tail that chains consistently', async () => {
      const entries = chain(4);
      const head = { seq: 4, hash: at(entries, 4).hash };
      entries[3] = withHash({ ...at(entries, 4), after: '{"n":99}' });
      // Without the head a re-hashed last entry cannot be told apart (see the README).
      expect((await verifyAuditChain(entries)).intact).toBe(true);
      expect((await verifyAuditChain(entries, { head })).firstBroken).toMatchObject({
        seq: 4,
        reason: 'CHAIN_MISMATCH',
      });
    });

    it('accepts entries appended after the head was read', async () => {
      const entries = chain(5);
      const head = { seq: 3, hash: at(entries, 3).hash };
      expect(await verifyAuditChain(entries, { head })).toMatchObject({ intact: true, checked: 5 });
    });
  });

  it('reads an async stream and stops at the first break', async () => {
    const entries = chain(6);
    entries[1] = { ...at(entries, 2), subject: 'changed' };
    let pulled = 0;
    async function* stream() {
      for (const entry of entries) {
        pulled++;
        if (entry.seq > 2) throw new Error('read past the first break');
        yield entry;
      }
    }
    expect((await verifyAuditChain(stream())).firstBroken).toMatchObject({ seq: 2, reason: 'ALTERED' });
    expect(pulled).toBe(2);
  });
});
