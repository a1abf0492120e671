import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CloudEvent, EventContract } from '@hocbaso/events';
import type { EventPublisher, Logger } from '@hocbaso/service-kit';

/** The backup directory's outbox: events written here before they are published, removed after. */
export const PENDING_EVENTS_DIR = 'events';

interface PendingEvent {
  topic: string;
  event: CloudEvent;
}

const message = ({ topic, event }: PendingEvent) => ({
  topic,
  key: event.partitionkey,
  value: JSON.stringify(event),
  headers: {
    'content-type': 'application/cloudevents+json; charset=utf-8',
    ce_id: event.id,
    ce_type: event.type,
  },
});

/**
 * Publishes a backup's or a restore's event the way the services' outbox does (ADR 0004): the
 * event is first written into the backup directory, then published, then removed. A broker that
 * is down delays the event (publishPendingEvents sends it on the next run), never loses it.
 * Returns whether it was published now.
 */
export async function publishBackupEvent(
  backupDir: string,
  publisher: EventPublisher,
  contract: EventContract,
  event: CloudEvent,
  logger?: Logger,
): Promise<boolean> {
  const pending: PendingEvent = { topic: contract.topic, event };
  const file = path.join(backupDir, PENDING_EVENTS_DIR, `${event.id}.json`);
  let kept = true;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(pending));
  } catch (error) {
    // A backup on read-only media can still be restored; its restore event is then sent directly.
    kept = false;
    logger?.warn({ err: (error as Error).message, file }, 'could not keep the event beside the backup');
  }
  try {
    await publisher.publish([message(pending)]);
  } catch (error) {
    logger?.warn(
      { err: (error as Error).message, eventId: event.id, type: event.type },
      kept ? 'event not published yet; kept for the next run' : 'event not published',
    );
    if (!kept) throw error;
    return false;
  }
  if (kept) await rm(file, { force: true });
  return true;
}

/** Publishes the events a backup directory still holds (a broker was down); returns how many. */
export async function publishPendingEvents(
  backupDir: string,
  publisher: EventPublisher,
  logger?: Logger,
): Promise<number> {
  const dir = path.join(backupDir, PENDING_EVENTS_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let published = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const pending = JSON.parse(await readFile(file, 'utf8')) as PendingEvent;
    await publisher.publish([message(pending)]);
    await rm(file, { force: true });
    published++;
    logger?.info({ eventId: pending.event.id, type: pending.event.type }, 'published a pending backup event');
  }
  return published;
}
