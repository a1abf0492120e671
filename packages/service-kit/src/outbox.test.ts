import { createEvent, defineEvent } from '@hocbaso/events';
import { z } from 'zod';
import { newDocumentOutbox, toOutboxEntry, withEvents, type OutboxEntry } from './outbox';

const gradeRecorded = defineEvent({
  type: 'vn.hocbaso.test.grade.recorded',
  topic: 'hocbaso.test.grade',
  version: 2,
  schema: z.object({ studentId: z.string(), score: z.number() }),
});

function entry(score: number): OutboxEntry {
  const event = createEvent(gradeRecorded, {
    source: 'hocbaso/test',
    subject: 'student/s-1',
    key: 's-1',
    data: { studentId: 's-1', score },
    time: new Date('2025-09-05T01:02:03.000Z'),
  });
  return toOutboxEntry(gradeRecorded.topic, event);
}

describe('toOutboxEntry', () => {
  it('keeps the event id, key, type and the exact serialised envelope', () => {
    const event = createEvent(gradeRecorded, {
      source: 'hocbaso/test',
      subject: 'student/s-9',
      key: 's-9',
      data: { studentId: 's-9', score: 8.5 },
    });
    const result = toOutboxEntry('hocbaso.test.grade', event);
    expect(result).toEqual({
      id: event.id,
      topic: 'hocbaso.test.grade',
      key: 's-9',
      type: 'vn.hocbaso.test.grade.recorded',
      payload: JSON.stringify(event),
      createdAt: new Date(event.time),
    });
    expect(JSON.parse(result.payload)).toEqual(event);
  });
});

describe('newDocumentOutbox', () => {
  it('marks a document born with events as pending at revision 0', () => {
    const entries = [entry(1), entry(2)];
    expect(newDocumentOutbox(entries)).toEqual({ _outbox: entries, _outboxPending: true, _rev: 0 });
  });

  it('is not pending without events', () => {
    expect(newDocumentOutbox([])).toEqual({ _outbox: [], _outboxPending: false, _rev: 0 });
  });
});

describe('withEvents', () => {
  const entries = [entry(7), entry(8)];

  it('adds push, pending flag and revision bump to a bare $set', () => {
    const update = { $set: { score: 8 } };
    expect(withEvents(update, entries)).toEqual({
      $set: { score: 8, _outboxPending: true },
      $push: { _outbox: { $each: entries } },
      $inc: { _rev: 1 },
    });
    // The caller's object is not changed.
    expect(update).toEqual({ $set: { score: 8 } });
  });

  it('keeps existing $set, $push and $inc fields beside its own', () => {
    const update = {
      $set: { status: 'LOCKED', 'grades.0.score': 9 },
      $push: { history: { at: 'now' } },
      $inc: { attempts: 1, version: 2 },
      $unset: { draft: '' },
    };
    const merged = withEvents(update, entries);
    expect(merged).toEqual({
      $set: { status: 'LOCKED', 'grades.0.score': 9, _outboxPending: true },
      $push: { history: { at: 'now' }, _outbox: { $each: entries } },
      $inc: { attempts: 1, version: 2, _rev: 1 },
      $unset: { draft: '' },
    });
    expect(update.$set).toEqual({ status: 'LOCKED', 'grades.0.score': 9 });
    expect(update.$push).toEqual({ history: { at: 'now' } });
    expect(update.$inc).toEqual({ attempts: 1, version: 2 });
  });

  it('works on an empty update', () => {
    expect(withEvents({}, entries)).toEqual({
      $set: { _outboxPending: true },
      $push: { _outbox: { $each: entries } },
      $inc: { _rev: 1 },
    });
  });

  it('keeps the entries in the order given', () => {
    const merged = withEvents({}, entries) as { $push: { _outbox: { $each: OutboxEntry[] } } };
    expect(merged.$push._outbox.$each.map((e) => JSON.parse(e.payload).data.score)).toEqual([7, 8]);
  });
});
