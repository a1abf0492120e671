import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { ERROR_CATALOGUE } from '@hocbaso/errors';
import { createEvent, type EventContract } from '@hocbaso/events';
import { Schema, type Connection, type Model } from 'mongoose';
import { actorOf, type Caller } from './caller';
import { addOutbox, newDocumentOutbox, toOutboxEntry, type OutboxEntry, type OutboxFields } from './outbox';
import type { RequestContext } from './subgraph-server';

/** What one request of one reader read: the students and the personal fields (never the values). */
export interface PersonalDataRead {
  studentIds: string[];
  fields: string[];
}

/** The personal fields one request has read (noted by the field resolvers), for one log entry. */
export class PersonalReadCollector {
  private readonly studentIds = new Set<string>();
  private readonly fields = new Set<string>();

  note(studentId: string, field: string): void {
    this.studentIds.add(studentId);
    this.fields.add(field);
  }

  get empty(): boolean {
    return this.studentIds.size === 0;
  }

  read(): PersonalDataRead {
    return { studentIds: [...this.studentIds].sort(), fields: [...this.fields].sort() };
  }
}

/**
 * One staff read of students' personal data (R11): who read which fields of which students, in
 * which request. Never the values. Its own document, born with its event, so the read reaches the
 * audit trail like every change. Each service keeps its own in its own database.
 */
export interface PersonalDataReadDocument extends OutboxFields {
  _id: string;
  readerAccountId: string;
  studentIds: string[];
  fields: string[];
  requestId: string | null;
  readAt: Date;
}

export type NewPersonalDataRead = Omit<PersonalDataReadDocument, keyof OutboxFields>;

const personalDataReadSchema = new Schema<PersonalDataReadDocument>(
  {
    _id: { type: String, required: true },
    readerAccountId: { type: String, required: true },
    studentIds: { type: [String], required: true },
    fields: { type: [String], required: true },
    requestId: { type: String, default: null },
    readAt: { type: Date, required: true },
  },
  { collection: 'personal_data_reads', versionKey: false },
);
addOutbox(personalDataReadSchema);

export type PersonalDataReadModel = Model<PersonalDataReadDocument>;

export function personalDataReadModel(connection: Connection): PersonalDataReadModel {
  return (
    (connection.models.PersonalDataRead as PersonalDataReadModel | undefined) ??
    connection.model<PersonalDataReadDocument>('PersonalDataRead', personalDataReadSchema)
  );
}

/** The only code that touches the personal_data_reads collection: append-only. */
export class PersonalDataReadRepository {
  constructor(readonly model: PersonalDataReadModel) {}

  /** A new entry with its event; a fresh id, so no other write can race it (no write lock needed). */
  async record(entry: NewPersonalDataRead, events: OutboxEntry[]): Promise<void> {
    await this.model.create({ ...entry, ...newDocumentOutbox(events) });
  }
}

/** The event a service publishes for a read: its own contract with this data. */
export type PersonalDataReadEvent = EventContract & { topic: string };

export interface PersonalDataReadLog {
  repository: PersonalDataReadRepository;
  event: PersonalDataReadEvent;
  source: string;
  now: () => Date;
}

/**
 * Records a staff member's read of personal data with its event, committed before the answer
 * leaves. Not followed by a relay wake-up: reads are frequent, and the relay's next poll publishes
 * the entry (the record itself is already kept).
 */
export async function logPersonalDataRead(
  log: PersonalDataReadLog,
  caller: Caller,
  read: PersonalDataRead,
): Promise<void> {
  const readerAccountId = caller.principal?.accountId;
  if (!readerAccountId || read.studentIds.length === 0 || read.fields.length === 0) return;
  const id = randomUUID();
  const studentIds = [...new Set(read.studentIds)].sort();
  const fields = [...new Set(read.fields)].sort();
  const event = createEvent(log.event, {
    source: log.source,
    subject: `personal-data-reads/${id}`,
    // One reader's reads stay in order.
    key: readerAccountId,
    data: { readerAccountId, studentIds, fields, actor: actorOf(caller) },
  });
  await log.repository.record(
    { _id: id, readerAccountId, studentIds, fields, requestId: caller.requestId ?? null, readAt: log.now() },
    [toOutboxEntry(log.event.topic, event)],
  );
}

/** What the plugin needs from a service's request context. */
export interface PersonalReadContext extends RequestContext {
  personalReads: PersonalReadCollector;
}

/**
 * Logs what the request read of personal data, once per request, before the answer leaves. An
 * answer whose read could not be logged is withheld (R11: no unlogged staff read of personal data).
 */
export function personalReadLogPlugin<TContext extends PersonalReadContext>(
  logOf: (context: TContext) => PersonalDataReadLog,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: async () => ({
      willSendResponse: async ({ contextValue, response }) => {
        const reads = contextValue.personalReads;
        if (reads.empty) return;
        try {
          await logPersonalDataRead(
            logOf(contextValue),
            { principal: contextValue.principal, requestId: contextValue.requestId },
            reads.read(),
          );
        } catch (error) {
          contextValue.logger.error(
            { err: (error as Error).message },
            'personal-data read could not be logged; answer withheld',
          );
          if (response.body.kind === 'single') {
            response.body.singleResult = {
              errors: [{ message: ERROR_CATALOGUE.INTERNAL.vi, extensions: { code: 'INTERNAL' } }],
            };
          }
        }
      },
    }),
  };
}
