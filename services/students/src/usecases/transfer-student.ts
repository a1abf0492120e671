import { AppError, fieldProblem, notFound, validationFailed } from '@hocbaso/errors';
import type { IsoDate } from '../domain/calendar';
import { checkPersonalId, normalizePersonalId } from '../domain/personal-id';
import { normalizeText } from '../domain/text';
import type { ClassDocument } from '../model/class.model';
import type { DocumentChange } from '../model/modify';
import type { EnrolmentRecord, StatusChangeRecord, StudentDocument } from '../model/student.model';
import { type Caller, type StudentsDeps } from './deps';
import {
  assertAfterOpenEnrolment,
  assertSamePlacement,
  closeOpenEnrolment,
  enrolledEvent,
  leftClassEvent,
  loadManagedStudent,
  newEnrolment,
  openEnrolment,
  statusChange,
  statusChangedEvent,
} from './enrolment';
import { loadDestinationClass, requireEnrolmentManager } from './manage-classes';
import { effectiveDateProblems, reasonProblems } from './student-input';

export interface TransferStudentInInput {
  /** The student's personal ID: the record is found by it, wherever it is kept now. */
  personalId: string;
  /** Confirms the identity: a mistyped personal ID must not move someone else's record. */
  dateOfBirth: string;
  classId: string;
  /** Ngày chuyển đến. */
  effectiveOn: string;
  /** e.g. the school the student comes from, the decision's number. */
  reason?: string | null;
}

export interface TransferStudentOutInput {
  studentId: string;
  /** Ngày chuyển đi. */
  effectiveOn: string;
  reason: string;
  /** The school the student goes to, when known. */
  destination?: string | null;
}

const NOT_FOUND_FOR_TRANSFER =
  'Không tìm thấy học sinh có mã định danh cá nhân và ngày sinh này. Học sinh chưa có hồ sơ thì tiếp nhận bằng chức năng nhập học.';

/**
 * Tiếp nhận học sinh chuyển đến: the student's existing record (found by personal ID, confirmed by
 * date of birth) moves into a class of the caller's school. The same record, never a second one
 * (R1); from now on the new school manages it (R6). If the former school had not yet recorded the
 * transfer out, the student leaves its class on the same day.
 */
export async function transferStudentIn(
  deps: StudentsDeps,
  caller: Caller,
  input: TransferStudentInInput,
): Promise<StudentDocument> {
  requireEnrolmentManager(caller);
  const target = await loadDestinationClass(deps, caller, input.classId);
  const personalId = normalizePersonalId(input.personalId);
  const effectiveOn = input.effectiveOn.trim();
  const reason = input.reason ? normalizeText(input.reason) || null : null;
  const idProblem = checkPersonalId(personalId);
  const problems = [
    ...(idProblem ? [idProblem] : []),
    ...effectiveDateProblems(effectiveOn, target.schoolYear, 'effectiveOn'),
    ...(reason ? reasonProblems(reason) : []),
  ];
  if (problems.length) throw validationFailed(problems);

  const seen = await deps.students.findByPersonalId(personalId);
  if (!seen || seen.dateOfBirth !== input.dateOfBirth.trim()) throw notFound(NOT_FOUND_FOR_TRANSFER);
  const now = deps.now();
  const result = await deps.students.modify(seen._id, (current) => {
    assertSamePlacement(seen, current);
    return transferInChange(current, { target, effectiveOn, reason, transferId: null }, caller, now);
  });
  if (!result) throw notFound(NOT_FOUND_FOR_TRANSFER);
  deps.changed();
  return result.after;
}

/** A transfer in as decided: where the student goes, from when, why, and which package moved them. */
export interface TransferIn {
  target: ClassDocument;
  /** Ngày chuyển đến, already checked against the target's school year. */
  effectiveOn: IsoDate;
  reason: string | null;
  /** The archive's transfer that imported the student's package (null: received interactively). */
  transferId: string | null;
}

/**
 * The one write of a transfer in (interactive, or the archive's import): the student leaves the
 * former school's class if it had not recorded the transfer out, joins `target`, is STUDYING, and
 * the receiving school manages the record from now on (R6). Throws (CONFLICT, VALIDATION_FAILED)
 * when the student cannot be received; `caller` is who the records and events name.
 */
export function transferInChange(
  current: StudentDocument,
  move: TransferIn,
  caller: Caller,
  now: Date,
): DocumentChange<StudentDocument> {
  const { target, effectiveOn, reason } = move;
  if (current.schoolId === target.schoolId && current.classId !== null) {
    throw new AppError('CONFLICT', {
      message: 'Học sinh đang học tại trường: hãy dùng chức năng chuyển lớp thay vì tiếp nhận chuyển đến.',
    });
  }
  if (current.status === 'GRADUATED') {
    throw new AppError('CONFLICT', { message: 'Học sinh đã tốt nghiệp trung học phổ thông.' });
  }
  const open = openEnrolment(current);
  assertAfterOpenEnrolment(open, effectiveOn);
  if (open && open.schoolYear === target.schoolYear && open.grade !== target.grade) {
    throw validationFailed([
      fieldProblem(
        'classId',
        'VALIDATION_FAILED',
        `Năm học ${target.schoolYear} học sinh học khối ${open.grade}: chỉ tiếp nhận vào một lớp khối ${open.grade}.`,
      ),
    ]);
  }
  const studying: StatusChangeRecord | null =
    current.status === 'STUDYING'
      ? null
      : statusChange('STUDYING', current.status, reason ?? 'Chuyển đến', effectiveOn, caller, now);
  const enrolment: EnrolmentRecord = {
    ...newEnrolment(target, 'TRANSFERRED_IN', effectiveOn, caller, now),
    ...(move.transferId ? { transferId: move.transferId } : {}),
  };
  return {
    update: {
      $set: {
        schoolId: target.schoolId,
        classId: target._id,
        status: 'STUDYING',
        enrolments: [...closeOpenEnrolment(current.enrolments, effectiveOn), enrolment],
        ...(studying ? { statusHistory: [...current.statusHistory, studying] } : {}),
      },
    },
    events: [
      ...(open ? [leftClassEvent(current._id, open, 'TRANSFERRED_OUT', effectiveOn, caller)] : []),
      enrolledEvent(current, target, 'TRANSFERRED_IN', effectiveOn, caller),
      ...(studying
        ? [
            statusChangedEvent(
              current._id,
              target.schoolId,
              { ...studying, previousStatus: current.status },
              caller,
            ),
          ]
        : []),
    ],
  };
}

/**
 * Chuyển đi: the student leaves the school. Their class is closed in the history and their status
 * becomes TRANSFERRED; the school keeps the record until the new school receives it.
 */
export async function transferStudentOut(
  deps: StudentsDeps,
  caller: Caller,
  input: TransferStudentOutInput,
): Promise<StudentDocument> {
  const seen = await loadManagedStudent(deps, caller, input.studentId);
  const effectiveOn = input.effectiveOn.trim();
  const reason = normalizeText(input.reason);
  const destination = input.destination ? normalizeText(input.destination) || null : null;
  const open = openEnrolment(seen);
  const problems = [
    ...effectiveDateProblems(effectiveOn, open?.schoolYear ?? '', 'effectiveOn'),
    ...reasonProblems(reason),
  ];
  if (problems.length) throw validationFailed(problems);
  const now = deps.now();
  const result = await deps.students.modify(seen._id, (current) => {
    assertSamePlacement(seen, current);
    const currentOpen = openEnrolment(current);
    if (!current.classId || !currentOpen || !['STUDYING', 'REPEATING'].includes(current.status)) {
      throw new AppError('CONFLICT', {
        message: 'Học sinh hiện không còn học tại trường: không thể chuyển đi.',
      });
    }
    assertAfterOpenEnrolment(currentOpen, effectiveOn);
    const change = statusChange(
      'TRANSFERRED',
      current.status,
      destination ? `${reason} (chuyển đến: ${destination})` : reason,
      effectiveOn,
      caller,
      now,
    );
    return {
      update: {
        $set: {
          classId: null,
          status: 'TRANSFERRED',
          enrolments: closeOpenEnrolment(current.enrolments, effectiveOn),
          statusHistory: [...current.statusHistory, change],
        },
      },
      events: [
        leftClassEvent(current._id, currentOpen, 'TRANSFERRED_OUT', effectiveOn, caller),
        statusChangedEvent(
          current._id,
          current.schoolId,
          { ...change, previousStatus: current.status },
          caller,
        ),
      ],
    };
  });
  if (!result) throw notFound('Không tìm thấy học sinh.');
  deps.changed();
  return result.after;
}
