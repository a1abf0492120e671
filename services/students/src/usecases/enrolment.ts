import { AppError, fieldProblem, forbidden, notFound, validationFailed } from '@hocbaso/errors';
import { studentEnrolled, studentLeftClass, studentStatusChanged, type StudentStatus } from '@hocbaso/events';
import type { OutboxEntry } from '@hocbaso/service-kit';
import { canManageEnrolment, studentAccess } from '../domain/access';
import type { IsoDate } from '../domain/calendar';
import type { ClassDocument } from '../model/class.model';
import type {
  EnrolmentKind,
  EnrolmentRecord,
  StatusChangeRecord,
  StudentDocument,
} from '../model/student.model';
import { actorOf, recordedBy, studentsEvent, type Caller, type StudentsDeps } from './deps';

/** The enrolment the student is in now (no leaving date), if any. */
export function openEnrolment(student: Pick<StudentDocument, 'enrolments'>): EnrolmentRecord | undefined {
  return student.enrolments.findLast((e) => e.leftOn === null);
}

/** The history with the open enrolment closed on `leftOn`. */
export function closeOpenEnrolment(enrolments: EnrolmentRecord[], leftOn: IsoDate): EnrolmentRecord[] {
  return enrolments.map((e) => (e.leftOn === null ? { ...e, leftOn } : e));
}

export function newEnrolment(
  target: ClassDocument,
  kind: EnrolmentKind,
  enrolledOn: IsoDate,
  caller: Caller,
  now: Date,
): EnrolmentRecord {
  return {
    schoolId: target.schoolId,
    classId: target._id,
    className: target.name,
    schoolYear: target.schoolYear,
    grade: target.grade,
    kind,
    enrolledOn,
    leftOn: null,
    recordedAt: now,
    recordedBy: recordedBy(caller),
  };
}

export function statusChange(
  status: StudentStatus,
  previousStatus: StudentStatus | null,
  reason: string | null,
  effectiveOn: IsoDate,
  caller: Caller,
  now: Date,
): StatusChangeRecord {
  return { status, previousStatus, reason, effectiveOn, recordedAt: now, recordedBy: recordedBy(caller) };
}

export function enrolledEvent(
  student: Pick<StudentDocument, '_id' | 'fullName'>,
  target: ClassDocument,
  kind: EnrolmentKind,
  effectiveOn: IsoDate,
  caller: Caller,
): OutboxEntry {
  return studentsEvent(studentEnrolled, 'students', student._id, {
    studentId: student._id,
    fullName: student.fullName,
    schoolId: target.schoolId,
    classId: target._id,
    schoolYear: target.schoolYear,
    grade: target.grade,
    kind,
    effectiveOn,
    actor: actorOf(caller),
  });
}

export function leftClassEvent(
  studentId: string,
  left: EnrolmentRecord,
  kind: 'CLASS_CHANGE' | 'TRANSFERRED_OUT' | 'NEW_SCHOOL_YEAR',
  effectiveOn: IsoDate,
  caller: Caller,
): OutboxEntry {
  return studentsEvent(studentLeftClass, 'students', studentId, {
    studentId,
    schoolId: left.schoolId,
    classId: left.classId,
    schoolYear: left.schoolYear,
    effectiveOn,
    kind,
    actor: actorOf(caller),
  });
}

export function statusChangedEvent(
  studentId: string,
  schoolId: string,
  change: StatusChangeRecord & { previousStatus: StudentStatus },
  caller: Caller,
): OutboxEntry {
  return studentsEvent(studentStatusChanged, 'students', studentId, {
    studentId,
    schoolId,
    before: change.previousStatus,
    after: change.status,
    reason: change.reason,
    effectiveOn: change.effectiveOn,
    actor: actorOf(caller),
  });
}

/**
 * Loads a student whose administrative record the caller keeps: one it may not read looks
 * absent; one it reads but does not manage (another role, another school) is forbidden.
 */
export async function loadManagedStudent(
  deps: StudentsDeps,
  caller: Caller,
  studentId: string,
): Promise<StudentDocument> {
  const student = await deps.students.findById(studentId);
  if (!student || (caller.principal && studentAccess(caller.principal, placementOf(student)) === 'NONE'))
    throw notFound('Không tìm thấy học sinh.');
  if (caller.principal && !canManageEnrolment(caller.principal, student.schoolId)) throw forbidden();
  return student;
}

export function placementOf(student: Pick<StudentDocument, '_id' | 'schoolId' | 'classId'>) {
  return { id: student._id, schoolId: student.schoolId, classId: student.classId };
}

/** Inside the write lock: the student must still be where the caller saw them. */
export function assertSamePlacement(
  seen: Pick<StudentDocument, 'schoolId' | 'classId'>,
  current: Pick<StudentDocument, 'schoolId' | 'classId'>,
): void {
  if (seen.schoolId !== current.schoolId || seen.classId !== current.classId) throw new AppError('CONFLICT');
}

/**
 * Inside the write lock: the student's history has no school year the caller's lock check did not
 * see (the locks were checked for the years of the history as first read).
 */
export function assertSameHistory(
  seen: Pick<StudentDocument, 'enrolments'>,
  current: Pick<StudentDocument, 'enrolments'>,
): void {
  if (seen.enrolments.length !== current.enrolments.length) throw new AppError('CONFLICT');
}

/** A move cannot take effect before the student entered their current class. */
export function assertAfterOpenEnrolment(open: EnrolmentRecord | undefined, effectiveOn: IsoDate): void {
  if (open && effectiveOn < open.enrolledOn) {
    throw validationFailed([
      fieldProblem(
        'effectiveOn',
        'VALIDATION_FAILED',
        `Ngày hiệu lực không thể trước ngày học sinh vào lớp ${open.className} (${open.enrolledOn}).`,
      ),
    ]);
  }
}
