import { commandShape } from './mongo';

describe('commandShape (the slow-command log)', () => {
  it('keeps the command, the collection and the filter fields and operators, never a value', () => {
    const shape = commandShape('find', {
      find: 'roster_students',
      filter: { 'enrollments.classId': { $in: ['c1', 'c2'] }, fullName: 'Nguyễn Văn An' },
      projection: { _id: 1 },
    });
    expect(shape).toEqual({
      command: 'find',
      collection: 'roster_students',
      filter: { 'enrollments.classId': { $in: '[2]' }, fullName: '?' },
    });
    expect(JSON.stringify(shape)).not.toContain('Nguyễn');
    expect(JSON.stringify(shape)).not.toContain('c1');
  });

  it('reads the filter of an update or a delete, and names the stages of a pipeline', () => {
    expect(
      commandShape('update', {
        update: 'gradebooks',
        updates: [{ q: { _id: 'g1', _rev: 3 }, u: { $set: { rows: [] } } }],
      }),
    ).toEqual({ command: 'update', collection: 'gradebooks', filter: { _id: '?', _rev: '?' }, updates: 1 });
    expect(
      commandShape('delete', { delete: 'sessions', deletes: [{ q: { accountId: 'a' }, limit: 0 }] }),
    ).toEqual({ command: 'delete', collection: 'sessions', filter: { accountId: '?' } });
    expect(
      commandShape('aggregate', {
        aggregate: 'records',
        pipeline: [{ $match: { a: 1 } }, { $group: { _id: '$b' } }],
      }),
    ).toEqual({ command: 'aggregate', collection: 'records', pipeline: ['$match', '$group'] });
    expect(commandShape('insert', { insert: 'event_log', documents: [{}, {}, {}] })).toEqual({
      command: 'insert',
      collection: 'event_log',
      documents: 3,
    });
  });
});
