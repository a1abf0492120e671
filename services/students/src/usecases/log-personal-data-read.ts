import { randomUUID } from 'node:crypto';
import { createEvent, STUDENTS_SOURCE, studentPersonalDataRead } from '@hocbaso/events';
import { toOutboxEntry } from '@hocbaso/service-kit';
import { actorOf, type Caller, type StudentsDeps } from './deps';

/** What one request of one reader read: the students and the personal fields (never the values). */
export interface PersonalDataRead {
  studentIds: string[];
  fields: string[];
}

/**
 * Records a staff member's read of personal data (R11) with its event, committed before the answer
 * leaves. Not followed by a relay wake-up: reads are frequent, and the relay's next poll publishes
 * the entry (the record itself is already kept).
 */
export async function logPersonalDataRead(
  deps: StudentsDeps,
  caller: Caller,
  read: PersonalDataRead,
): Promise<void> {
  const readerAccountId = caller.principal?.accountId;
  if (!readerAccountId || read.studentIds.length === 0 || read.fields.length === 0) return;
  const id = randomUUID();
  const studentIds = [...new Set(read.studentIds)].sort();
  const fields = [...new Set(read.fields)].sort();
  const event = createEvent(studentPersonalDataRead, {
    source: STUDENTS_SOURCE,
    subject: `personal-data-reads/${id}`,
    // One reader's reads stay in order.
    key: readerAccountId,
    data: { readerAccountId, studentIds, fields, actor: actorOf(caller) },
  });
  await deps.personalDataReads.record(
    { _id: id, readerAccountId, studentIds, fields, requestId: caller.requestId ?? null, readAt: deps.now() },
    [toOutboxEntry(studentPersonalDataRead.topic, event)],
  );
}
