import { createHash } from 'node:crypto';
import {
  academicsLockConfirmed,
  createEvent,
  STUDENTS_SOURCE,
  studentPersonalDataChanged,
} from '@hocbaso/events';
import { actorOfEvent, auditEntryHash, GENESIS_HASH, newAuditEntry, type AuditEntry } from './audit-entry';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const personalDataChanged = createEvent(studentPersonalDataChanged, {
  id: 'evt-1',
  source: STUDENTS_SOURCE,
  subject: 'students/stu-1',
  key: 'stu-1',
  time: new Date('2025-10-01T08:00:00.000Z'),
  data: {
    studentId: 'stu-1',
    changedFields: ['fullName'],
    fullName: 'Nguyễn Văn An',
    actor: { accountId: 'acc-1', kind: 'user', requestId: 'req-1' },
  },
});

describe('newAuditEntry', () => {
  it('records who, when, what and the data without its actor', () => {
    const recordedAt = new Date('2025-10-01T08:00:01.000Z');
    const entry = newAuditEntry({
      event: personalDataChanged,
      roles: ['ACADEMIC_STAFF'],
      seq: 1,
      prevHash: GENESIS_HASH,
      before: null,
      recordedAt,
    });
    expect(entry).toEqual({
      seq: 1,
      eventId: 'evt-1',
      at: new Date('2025-10-01T08:00:00.000Z'),
      recordedAt,
      service: 'hocbaso/students',
      type: 'vn.hocbaso.students.student.personal-data-changed',
      subject: 'students/stu-1',
      actor: { accountId: 'acc-1', kind: 'user', requestId: 'req-1' },
      roles: ['ACADEMIC_STAFF'],
      before: null,
      after: '{"changedFields":["fullName"],"fullName":"Nguyễn Văn An","studentId":"stu-1"}',
      prevHash: GENESIS_HASH,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('keeps the given before and prevHash, and the hash covers them', () => {
    const base = {
      event: personalDataChanged,
      roles: [],
      seq: 2,
      prevHash: 'a'.repeat(64),
      before: '{"x":1}',
      recordedAt: new Date('2025-10-01T08:00:01.000Z'),
    };
    const entry = newAuditEntry(base);
    expect(entry.before).toBe('{"x":1}');
    expect(entry.prevHash).toBe('a'.repeat(64));
    expect(newAuditEntry({ ...base, before: '{"x":2}' }).hash).not.toBe(entry.hash);
    expect(newAuditEntry({ ...base, prevHash: 'b'.repeat(64) }).hash).not.toBe(entry.hash);
  });

  it('refuses an event whose time is no time', () => {
    expect(() =>
      newAuditEntry({
        event: { ...personalDataChanged, time: 'yesterday' },
        roles: [],
        seq: 1,
        prevHash: GENESIS_HASH,
        before: null,
        recordedAt: new Date(),
      }),
    ).toThrow(/invalid time/);
  });
});

describe('actorOfEvent', () => {
  it('takes the actor the data carries; a missing request id is null', () => {
    expect(actorOfEvent({ actor: { accountId: 'acc-2', kind: 'user' } })).toEqual({
      accountId: 'acc-2',
      kind: 'user',
      requestId: null,
    });
  });

  it('treats an event without an actor (a lock confirmation) as the system', () => {
    const confirmed = createEvent(academicsLockConfirmed, {
      source: 'hocbaso/academics',
      subject: 'locks/lock-1',
      key: 'lock-1',
      data: {
        lockId: 'lock-1',
        owner: 'academics',
        outcome: 'APPLIED',
        content: null,
        refusal: null,
        confirmedAt: '2025-10-01T08:00:00.000Z',
      },
    });
    expect(actorOfEvent(confirmed.data)).toEqual({ accountId: null, kind: 'system', requestId: null });
    expect(actorOfEvent('not an object')).toEqual({ accountId: null, kind: 'system', requestId: null });
  });
});

describe('auditEntryHash', () => {
  const entry: AuditEntry = {
    seq: 7,
    eventId: 'evt-7',
    at: new Date('2025-10-01T08:00:00.000Z'),
    recordedAt: new Date('2025-10-01T08:00:02.500Z'),
    service: 'hocbaso/academics',
    type: 'vn.hocbaso.academics.subject-result.recorded',
    subject: 'students/stu-1/results/2025-2026/TOAN',
    actor: { accountId: 'acc-9', kind: 'user', requestId: 'req-9' },
    roles: ['SUBJECT_TEACHER'],
    before: null,
    after: '{"a":1}',
    prevHash: 'f'.repeat(64),
    hash: 'ignored',
  };

  it('is SHA-256 (hex) over the sorted-key JSON of the fields without hash', () => {
    // Written by hand from the documented format, keys in code-unit order.
    const canonical =
      '{"actor":{"accountId":"acc-9","kind":"user","requestId":"req-9"},"after":"{\\"a\\":1}",' +
      '"at":"2025-10-01T08:00:00.000Z","before":null,"eventId":"evt-7",' +
      `"prevHash":"${'f'.repeat(64)}","recordedAt":"2025-10-01T08:00:02.500Z","roles":["SUBJECT_TEACHER"],` +
      '"seq":7,"service":"hocbaso/academics","subject":"students/stu-1/results/2025-2026/TOAN",' +
      '"type":"vn.hocbaso.academics.subject-result.recorded"}';
    expect(auditEntryHash(entry)).toBe(sha256(canonical));
  });

  it('does not depend on the stored hash, nor on the order of keys', () => {
    const reordered = {
      ...entry,
      hash: 'something else',
      actor: { requestId: 'req-9', kind: 'user' as const, accountId: 'acc-9' },
    };
    expect(auditEntryHash(reordered)).toBe(auditEntryHash(entry));
  });

  it.each([
    ['seq', { seq: 8 }],
    ['eventId', { eventId: 'evt-8' }],
    ['at', { at: new Date('2025-10-01T08:00:00.001Z') }],
    ['recordedAt', { recordedAt: new Date('2025-10-01T08:00:02.501Z') }],
    ['service', { service: 'hocbaso/conduct' }],
    ['type', { type: 'other' }],
    ['subject', { subject: 'students/stu-2' }],
    ['actor', { actor: { accountId: 'acc-10', kind: 'user' as const, requestId: 'req-9' } }],
    ['roles', { roles: ['PRINCIPAL'] }],
    ['before', { before: '{}' }],
    ['after', { after: '{"a":2}' }],
    ['prevHash', { prevHash: 'e'.repeat(64) }],
  ])('changes when %s changes', (_field, change) => {
    expect(auditEntryHash({ ...entry, ...change })).not.toBe(auditEntryHash(entry));
  });
});
