import { createEvent, defineEvent } from '@hocbaso/events';
import { infra, uniqueDbName, uniqueId } from '@hocbaso/testkit';
import { Schema, type Connection } from 'mongoose';
import { z } from 'zod';
import { addOutbox, connectMongo, toOutboxEntry, type Logger, type OutboxEntry } from '../src';

export const SOURCE = 'hocbaso/service-kit-test';

/** A small contract of our own, on a topic only this test uses. */
export function counterContract(topic = uniqueId('hocbaso.test.counter')) {
  return defineEvent({
    type: 'vn.hocbaso.test.counter.changed',
    topic,
    version: 1,
    schema: z.object({ counterId: z.string(), seq: z.number().int().min(0), writer: z.string().optional() }),
  });
}

export type CounterContract = ReturnType<typeof counterContract>;

export function counterEntry(
  contract: CounterContract,
  counterId: string,
  seq: number,
  writer?: string,
): OutboxEntry {
  const event = createEvent(contract, {
    source: SOURCE,
    subject: `counter/${counterId}`,
    key: counterId,
    data: { counterId, seq, ...(writer ? { writer } : {}) },
  });
  return toOutboxEntry(contract.topic, event);
}

export interface CounterDocument {
  _id: string;
  value: number;
  label?: string;
  /** Ids of the events whose change this document kept (a test of concurrent writers compares them with what arrived). */
  applied: string[];
  _outbox: OutboxEntry[];
  _outboxPending: boolean;
  _rev: number;
}

export function counterModel(connection: Connection, configure?: (schema: Schema<CounterDocument>) => void) {
  const schema = new Schema<CounterDocument>({
    _id: String,
    value: { type: Number, default: 0 },
    label: String,
    applied: { type: [String], default: [] },
  });
  addOutbox(schema);
  configure?.(schema);
  return connection.model<CounterDocument>('Counter', schema, 'counters');
}

/** A connection to a database of the test's own. */
export async function ownDatabase(prefix: string, logger: Logger): Promise<Connection> {
  return connectMongo({ uri: infra().mongodbUri, dbName: uniqueDbName(prefix), logger, timeoutMs: 20_000 });
}

export async function dropAndClose(connection: Connection | undefined): Promise<void> {
  if (!connection) return;
  await connection.dropDatabase().catch(() => undefined);
  await connection.close().catch(() => undefined);
}
