import { z } from 'zod';
import {
  createEvent,
  defineEvent,
  EventValidationError,
  parseEvent,
  SYSTEM_ACTOR,
  type CloudEvent,
  type EventContract,
} from './envelope';
import { accountCreated } from './identity';
import { ALL_EVENTS, ALL_TOPICS, EVENT_REGISTRY } from './registry';

const scoreRecorded = defineEvent({
  type: 'vn.hocbaso.test.score.recorded',
  topic: 'hocbaso.test.score',
  version: 3,
  schema: z.object({ studentId: z.string(), score: z.number().min(0).max(10) }),
});

const contracts: ReadonlyMap<string, EventContract> = new Map([[scoreRecorded.type, scoreRecorded]]);

const input = {
  source: 'hocbaso/grades',
  subject: 'student/s-1',
  key: 's-1',
  data: { studentId: 's-1', score: 9.5 },
};

describe('createEvent', () => {
  it('builds a CloudEvents 1.0 envelope with our extension attributes', () => {
    const before = Date.now();
    const event = createEvent(scoreRecorded, input);
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      source: 'hocbaso/grades',
      type: 'vn.hocbaso.test.score.recorded',
      subject: 'student/s-1',
      time: expect.any(String),
      datacontenttype: 'application/json',
      schemaversion: 3,
      partitionkey: 's-1',
      data: { studentId: 's-1', score: 9.5 },
    });
    // ISO 8601 in UTC, and "now".
    expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event.time)).toBeLessThanOrEqual(Date.now());
  });

  it('gives every event its own id unless one is given, and uses the given time', () => {
    const a = createEvent(scoreRecorded, input);
    const b = createEvent(scoreRecorded, input);
    expect(a.id).not.toBe(b.id);
    const fixed = createEvent(scoreRecorded, {
      ...input,
      id: 'evt-1',
      time: new Date('2025-09-05T07:30:00+07:00'),
    });
    expect(fixed.id).toBe('evt-1');
    expect(fixed.time).toBe('2025-09-05T00:30:00.000Z');
  });

  it('keeps only what the contract describes (unknown fields are stripped)', () => {
    const event = createEvent(scoreRecorded, {
      ...input,
      data: { ...input.data, fullName: 'Nguyễn Văn An' } as typeof input.data,
    });
    expect(event.data).toEqual({ studentId: 's-1', score: 9.5 });
  });

  it('throws EventValidationError, and produces nothing, for data that breaks the contract', () => {
    let produced: CloudEvent | undefined;
    let thrown: unknown;
    try {
      produced = createEvent(scoreRecorded, { ...input, data: { studentId: 's-1', score: 11 } });
    } catch (error) {
      thrown = error;
    }
    expect(produced).toBeUndefined();
    expect(thrown).toBeInstanceOf(EventValidationError);
    const error = thrown as EventValidationError;
    expect(error.eventType).toBe(scoreRecorded.type);
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(['score']);
    expect(error.message).toContain('vn.hocbaso.test.score.recorded');

    expect(() =>
      createEvent(scoreRecorded, { ...input, data: { studentId: 42 } as unknown as typeof input.data }),
    ).toThrow(EventValidationError);
  });

  it('validates the platform contracts too', () => {
    const account = (status: string) => ({
      source: 'hocbaso/identity',
      subject: 'account/a-1',
      key: 'a-1',
      data: {
        accountId: 'a-1',
        after: { username: 'u', displayName: 'U', status, schoolId: null },
        actor: SYSTEM_ACTOR,
      },
    });
    expect(createEvent(accountCreated, account('ACTIVE') as never).data).toEqual(account('ACTIVE').data);
    let thrown: unknown;
    try {
      createEvent(accountCreated, account('GONE') as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EventValidationError);
    expect((thrown as EventValidationError).issues.map((i) => i.path.join('.'))).toEqual(['after.status']);
  });
});

describe('parseEvent', () => {
  const event = createEvent(scoreRecorded, input);

  it('round-trips what createEvent produced, from a string or a Buffer', () => {
    expect(parseEvent(JSON.stringify(event), contracts)).toEqual(event);
    expect(parseEvent(Buffer.from(JSON.stringify(event)), contracts)).toEqual(event);
  });

  it.each<[string, unknown]>([
    ['a wrong specversion', { ...event, specversion: '0.3' }],
    ['a missing id', { ...event, id: undefined }],
    ['an empty type', { ...event, type: '' }],
    ['a time that is not ISO 8601', { ...event, time: '05/09/2025 07:30' }],
    ['a schemaversion that is not a positive integer', { ...event, schemaversion: 0 }],
    ['a missing partitionkey', { ...event, partitionkey: undefined }],
    ['another datacontenttype', { ...event, datacontenttype: 'text/plain' }],
    ['an array', [event]],
  ])('rejects an envelope with %s', (_label, value) => {
    expect(() => parseEvent(JSON.stringify(value), contracts)).toThrow();
  });

  it('rejects what is not JSON', () => {
    expect(() => parseEvent('{"specversion":"1.0",', contracts)).toThrow(SyntaxError);
  });

  it('rejects data that does not match its known contract', () => {
    const bad = { ...event, data: { studentId: 's-1', score: 'mười' } };
    expect(() => parseEvent(JSON.stringify(bad), contracts)).toThrow(EventValidationError);
  });

  it('accepts a well-formed envelope of a type it has no contract for, without judging its data', () => {
    const unknown = { ...event, type: 'vn.hocbaso.other.thing', data: { anything: true } };
    expect(parseEvent(JSON.stringify(unknown), contracts)).toEqual(unknown);
  });

  it('checks platform events against the registry', () => {
    const created = createEvent(accountCreated, {
      source: 'hocbaso/identity',
      subject: 'account/a-1',
      key: 'a-1',
      data: {
        accountId: 'a-1',
        after: { username: 'u', displayName: 'U', status: 'ACTIVE', schoolId: null },
        actor: SYSTEM_ACTOR,
      },
    });
    expect(parseEvent(JSON.stringify(created), EVENT_REGISTRY)).toEqual(created);
    const broken = { ...created, data: { accountId: 'a-1' } };
    expect(() => parseEvent(JSON.stringify(broken), EVENT_REGISTRY)).toThrow(EventValidationError);
  });
});

describe('registry', () => {
  it('has one contract per type, each with a topic and a positive version', () => {
    expect(EVENT_REGISTRY.size).toBe(ALL_EVENTS.length);
    for (const contract of ALL_EVENTS) {
      expect(contract.topic).toMatch(/^hocbaso\.[a-z-]+\.[a-z-]+$/);
      expect(contract.version).toBeGreaterThan(0);
      expect(ALL_TOPICS).toContain(contract.topic);
    }
  });
});
