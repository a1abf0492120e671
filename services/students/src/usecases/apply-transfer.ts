import { AppError, fieldProblem, isAppError, validationFailed, type FieldProblem } from '@hocbaso/errors';
import {
  createEvent,
  STUDENTS_SOURCE,
  studentTransferApplied,
  transferImported,
  type Actor,
  type EventData,
} from '@hocbaso/events';
import { toOutboxEntry, type EventHandler, type OutboxEntry } from '@hocbaso/service-kit';
import type { ClassDocument } from '../model/class.model';
import type { StudentDocument } from '../model/student.model';
import type { TransferRefusal } from '../model/transfer-refusal.model';
import type { Caller, StudentsDeps } from './deps';
import { openEnrolment } from './enrolment';
import { effectiveDateProblems } from './student-input';
import { transferInChange } from './transfer-student';

/**
 * The students service's side of the archive's transfers (issue 5; contracts in
 * packages/events/src/archive.ts). The receiving school imported the student's transfer package and
 * every signature verified (`transferImported`): the same student record (R1) moves into the
 * receiving school's class, exactly as `transferStudentIn` moves it, and the receiving school
 * manages it from then on (R6). The move and the APPLIED answer (`studentTransferApplied`) commit
 * in one write of the student document. A transfer that cannot be applied changes nothing and is
 * answered REFUSED from `transfer_refusals`, which also keeps the answer the same for a redelivery.
 * Idempotent per transfer id: a transfer applied or refused already is answered again, the same way.
 *
 * Not gated by the record locks: a transfer is a fact of administration, which no STUDENT_YEAR lock
 * refuses (src/domain/record-locks.ts), like the interactive transfer in.
 */

export type TransferImport = EventData<typeof transferImported>;

/** The answer to the archive (key: the student id, so it follows the student's own events). */
export function transferAnswer(
  transferId: string,
  studentId: string,
  at: Date,
  refusal: TransferRefusal | null,
): OutboxEntry {
  return toOutboxEntry(
    studentTransferApplied.topic,
    createEvent(studentTransferApplied, {
      source: STUDENTS_SOURCE,
      subject: `transfers/${transferId}`,
      key: studentId,
      data: {
        transferId,
        studentId,
        outcome: refusal ? 'REFUSED' : 'APPLIED',
        refusal,
        appliedAt: at.toISOString(),
      },
    }),
  );
}

/**
 * Who the records and events of an import name: the receiving school's user who imported the
 * package (the archive authorised them). A name only: it grants nothing here.
 */
export function authorOf(actor: Actor): Caller {
  const principal =
    actor.kind === 'user' && actor.accountId
      ? { accountId: actor.accountId, username: actor.accountId, schoolId: null, roles: [], teaching: [] }
      : null;
  return { principal, ...(actor.requestId ? { requestId: actor.requestId } : {}) };
}

/**
 * When the transfer was applied, if it was: the enrolment it made, or (received otherwise, e.g.
 * interactively) the student already in that class of the receiving school.
 */
export function appliedAt(student: StudentDocument, request: TransferImport): Date | null {
  const made = student.enrolments.find((e) => e.transferId === request.transferId);
  if (made) return made.recordedAt;
  if (student.schoolId === request.toSchoolId && student.classId === request.classId) {
    return openEnrolment(student)?.recordedAt ?? student.updatedAt;
  }
  return null;
}

/** Problems with the receiving class: it must exist and be a class of the receiving school. */
export function receivingClassProblems(
  target: Pick<ClassDocument, 'schoolId' | 'schoolYear'> | null,
  request: Pick<TransferImport, 'toSchoolId' | 'effectiveOn'>,
): FieldProblem[] {
  if (!target) {
    return [fieldProblem('classId', 'NOT_FOUND', 'Không tìm thấy lớp tiếp nhận học sinh.')];
  }
  if (target.schoolId !== request.toSchoolId) {
    return [
      fieldProblem(
        'classId',
        'VALIDATION_FAILED',
        'Lớp tiếp nhận không phải là một lớp của trường tiếp nhận.',
      ),
    ];
  }
  return effectiveDateProblems(request.effectiveOn, target.schoolYear, 'effectiveOn');
}

/** An AppError thrown while deciding, as the refusal the archive reads (like the kit's corrections). */
function refusalOf(error: AppError): TransferRefusal {
  return {
    code: error.code,
    message: error.message,
    details: error.fieldErrors.map((p) => `${p.field}: ${p.message}`),
  };
}

/**
 * The archive publishes a transfer only for a student it knows from this service's events, so a
 * student unknown here belongs to another deployment reading the same broker (a parallel test
 * run): it is not ours to answer, and answering NOT_FOUND would race the real answer.
 */
const UNKNOWN_STUDENT = 'UNKNOWN_STUDENT' as const;

/** Moves the student, or says why not (having written nothing). */
async function receiveStudent(
  deps: StudentsDeps,
  request: TransferImport,
): Promise<TransferRefusal | null | typeof UNKNOWN_STUDENT> {
  const notFound: TransferRefusal = {
    code: 'NOT_FOUND',
    message: `Không tìm thấy học sinh (mã ${request.studentId}) trên hệ thống: không thể tiếp nhận chuyển đến.`,
    details: [],
  };
  const seen = await deps.students.findById(request.studentId);
  if (!seen) return UNKNOWN_STUDENT;
  const target = await deps.classes.findById(request.classId);
  const caller = authorOf(request.actor);
  const now = deps.now();
  const result = await deps.students.modify(seen._id, (current) => {
    // Applied already (a redelivery): answered again below, nothing changes.
    if (appliedAt(current, request)) return null;
    const problems = receivingClassProblems(target, request);
    if (!target || problems.length) throw validationFailed(problems);
    // The package comes from the school that manages the record (its history is what was signed).
    if (current.schoolId !== request.fromSchoolId && current.schoolId !== request.toSchoolId) {
      throw new AppError('CONFLICT', {
        message:
          'Hồ sơ học sinh hiện do một trường khác với trường chuyển đi quản lý: không thể tiếp nhận theo hồ sơ chuyển trường này.',
      });
    }
    const move = { target, effectiveOn: request.effectiveOn, reason: null, transferId: request.transferId };
    const change = transferInChange(current, move, caller, now);
    return {
      update: change.update,
      events: [...change.events, transferAnswer(request.transferId, current._id, now, null)],
    };
  });
  if (!result) return notFound;
  if (!result.changed) {
    const at = appliedAt(result.before, request) ?? now;
    await deps.students.publish(seen._id, [transferAnswer(request.transferId, seen._id, at, null)]);
  }
  return null;
}

/**
 * Handles one `transferImported`: a refused transfer is answered REFUSED again from its stored
 * refusal; otherwise the student is received (or found received already) and answered APPLIED, or
 * the refusal is stored with its answer. Returns the outcome answered.
 */
export async function applyTransfer(
  deps: StudentsDeps,
  request: TransferImport,
): Promise<'APPLIED' | 'REFUSED' | 'IGNORED'> {
  const refused = await deps.transferRefusals.findById(request.transferId);
  if (refused) {
    const answer = transferAnswer(refused._id, refused.studentId, refused.refusedAt, refused.refusal);
    await deps.transferRefusals.answerAgain(refused._id, answer, deps.now());
    return 'REFUSED';
  }
  let refusal: TransferRefusal | null;
  try {
    const received = await receiveStudent(deps, request);
    if (received === UNKNOWN_STUDENT) return 'IGNORED';
    refusal = received;
  } catch (error) {
    if (!isAppError(error)) throw error;
    refusal = refusalOf(error);
  }
  if (!refusal) return 'APPLIED';
  const at = deps.now();
  await deps.transferRefusals.insertIfAbsent(
    {
      _id: request.transferId,
      studentId: request.studentId,
      fromSchoolId: request.fromSchoolId,
      toSchoolId: request.toSchoolId,
      classId: request.classId,
      refusal,
      refusedAt: at,
      answeredAt: at,
    },
    [transferAnswer(request.transferId, request.studentId, at, refusal)],
  );
  return 'REFUSED';
}

/** The consumer handler of `transferImported` (on the locks group); `changed` wakes the relay. */
export function transferHandlers(deps: StudentsDeps): Record<string, EventHandler> {
  return {
    [transferImported.type]: async (event) => {
      await applyTransfer(deps, event.data as TransferImport);
      deps.changed();
    },
  };
}
