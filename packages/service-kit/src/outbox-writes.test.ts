import { Types } from 'mongoose';
import { idOfFilter, setsPending } from './outbox-writes';
import { withEvents, type OutboxEntry } from './outbox';

const entry: OutboxEntry = {
  id: 'e1',
  topic: 't',
  key: 'k',
  type: 'vn.hocbaso.test',
  payload: '{}',
  createdAt: new Date(0),
};

describe('setsPending', () => {
  it('sees the outbox operators that withEvents adds, and a replacement born pending', () => {
    expect(setsPending(withEvents({ $set: { value: 1 } }, [entry]))).toBe(true);
    expect(setsPending({ _id: 'a', _outboxPending: true, _outbox: [entry] })).toBe(true);
  });

  it('ignores writes that leave nothing pending: plain changes and the relay emptying an outbox', () => {
    expect(setsPending({ $set: { value: 1 } })).toBe(false);
    expect(setsPending({ $set: { _outbox: [], _outboxPending: false }, $inc: { _rev: 1 } })).toBe(false);
    expect(setsPending(undefined)).toBe(false);
    expect(setsPending(null)).toBe(false);
  });
});

describe('idOfFilter', () => {
  it('names the one document a filter selects by _id', () => {
    const objectId = new Types.ObjectId();
    expect(idOfFilter({ _id: 'G' })).toBe('G');
    expect(idOfFilter({ _id: 'G', _rev: 3 })).toBe('G');
    expect(idOfFilter({ _id: 7 })).toBe(7);
    expect(idOfFilter({ _id: objectId })).toBe(objectId);
  });

  it('names none when the filter could select several or none by _id', () => {
    expect(idOfFilter({ _id: { $in: ['a', 'b'] } })).toBeUndefined();
    expect(idOfFilter({ schoolId: 's1' })).toBeUndefined();
    expect(idOfFilter({ _id: null })).toBeUndefined();
    expect(idOfFilter(undefined)).toBeUndefined();
  });
});
