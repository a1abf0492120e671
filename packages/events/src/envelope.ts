import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * CloudEvents 1.0 (structured JSON mode) plus two extension attributes:
 * `schemaversion` (the version of `data`'s schema) and `partitionkey` (the Kafka key: the
 * aggregate, usually the student, so that one aggregate's events stay in order).
 */
export interface CloudEvent<TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  schemaversion: number;
  partitionkey: string;
  data: TData;
}

export const cloudEventEnvelopeSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z.literal('application/json'),
  schemaversion: z.number().int().positive(),
  partitionkey: z.string().min(1),
  data: z.unknown(),
});

/** Who made a change: every event carries it so that the event log is the audit trail (R2). */
export const actorSchema = z.object({
  accountId: z.string().nullable(),
  /** `system` for start-up bootstrap and seeding, `user` for a request through the gateway. */
  kind: z.enum(['user', 'system']),
  requestId: z.string().optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const SYSTEM_ACTOR: Actor = { accountId: null, kind: 'system' };

/** One kind of event: its CloudEvents type, Kafka topic, schema version and data schema. */
export interface EventContract<TSchema extends z.ZodType = z.ZodType> {
  type: string;
  topic: string;
  version: number;
  schema: TSchema;
}

export function defineEvent<TSchema extends z.ZodType>(
  contract: EventContract<TSchema>,
): EventContract<TSchema> {
  return contract;
}

export type EventData<C extends EventContract> = z.infer<C['schema']>;

export class EventValidationError extends Error {
  constructor(
    readonly eventType: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(
      `event ${eventType} does not match its schema: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
    this.name = 'EventValidationError';
  }
}

export interface NewEvent<C extends EventContract> {
  source: string;
  subject: string;
  key: string;
  data: EventData<C>;
  id?: string;
  time?: Date;
}

/** Builds a validated envelope; a producer never sends data its contract does not describe. */
export function createEvent<C extends EventContract>(
  contract: C,
  input: NewEvent<C>,
): CloudEvent<EventData<C>> {
  const parsed = contract.schema.safeParse(input.data);
  if (!parsed.success) throw new EventValidationError(contract.type, parsed.error.issues);
  return {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    source: input.source,
    type: contract.type,
    subject: input.subject,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    schemaversion: contract.version,
    partitionkey: input.key,
    data: parsed.data as EventData<C>,
  };
}

/** Parses a raw message value into an envelope and, when the contract is known, validates its data. */
export function parseEvent(raw: string | Buffer, contracts: ReadonlyMap<string, EventContract>): CloudEvent {
  const json: unknown = JSON.parse(raw.toString());
  const envelope = cloudEventEnvelopeSchema.parse(json) as CloudEvent;
  const contract = contracts.get(envelope.type);
  if (contract) {
    const parsed = contract.schema.safeParse(envelope.data);
    if (!parsed.success) throw new EventValidationError(envelope.type, parsed.error.issues);
  }
  return envelope;
}
