import { AppError, fieldProblem, forbidden, validationFailed } from '@hocbaso/errors';
import { canRecordExemption } from '../domain/access';
import { coveringLock, exemptionPeriods, recordLocked } from '../domain/lock-coverage';
import { studentSubjectResults, type MergedSubjectResult } from '../domain/subject-result';
import { subjectRules } from '../domain/subjects';
import {
  gradebookId,
  type ExemptionPeriod,
  type ExemptionRecord,
  type GradebookDocument,
  type GradebookRow,
} from '../model/gradebook.model';
import { subjectResultEvent, type AcademicsDeps, type Caller } from './deps';

export interface ExemptionInput {
  studentId: string;
  subjectCode: string;
  schoolYear: string;
}

export const MAX_REASON_LENGTH = 500;
const PERIODS: readonly ExemptionPeriod[] = ['TERM_1', 'TERM_2', 'YEAR'];

/**
 * Records (or, with `cancel`, cancels) a student's exemption from the practical part of physical
 * education or defence education (Điều 10 TT22) for a term or the year, in the gradebook of the
 * student's current class. The student is still assessed, on theory, with the same number of
 * assessments. Recorded by the class's homeroom teacher or the school's academic staff. One event.
 */
async function saveExemption(
  deps: AcademicsDeps,
  caller: Caller,
  input: ExemptionInput,
  exemption: (recordedBy: string, recordedAt: Date) => ExemptionRecord,
): Promise<MergedSubjectResult> {
  const principal = caller.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  const rules = subjectRules(input.subjectCode);
  if (!rules?.exemptible) {
    throw new AppError('EXEMPTION_NOT_ALLOWED', {
      fieldErrors: [fieldProblem('subjectCode', 'EXEMPTION_NOT_ALLOWED')],
    });
  }
  const student = await deps.roster.findStudent(input.studentId);
  const enrolment = (student?.enrollments ?? [])
    .filter((e) => e.schoolYear === input.schoolYear)
    .sort(
      (a, b) =>
        a.enrolledOn.localeCompare(b.enrolledOn) ||
        new Date(a.enrolledAt).getTime() - new Date(b.enrolledAt).getTime(),
    )
    .at(-1);
  const rosterClass = enrolment ? await deps.roster.findClass(enrolment.classId) : null;
  if (
    !enrolment ||
    !canRecordExemption(principal, {
      classId: enrolment.classId,
      schoolId: enrolment.schoolId,
      homeroomTeacherId: rosterClass?.homeroomTeacherId ?? null,
    })
  ) {
    // Without a class that year nobody can be entitled; the caller learns nothing more either way.
    throw forbidden();
  }
  const id = gradebookId(enrolment.classId, input.subjectCode, input.schoolYear);
  let after: MergedSubjectResult | undefined;
  const classIds = (student?.enrollments ?? [])
    .filter((e) => e.schoolYear === input.schoolYear)
    .map((e) => e.classId);
  await deps.locks.write(enrolment.schoolId, input.schoolYear, (locks) =>
    deps.gradebooks.change(
      { id, subjectCode: input.subjectCode, schoolYear: input.schoolYear },
      async (current) => {
        const now = deps.now();
        const record = exemption(principal.accountId, now);
        const rows: GradebookRow[] = (current?.rows ?? []).map((r) => ({ ...r }));
        const row = rows.find((r) => r.studentId === input.studentId);
        const lock = coveringLock(locks, {
          gradebook: {
            schoolYear: input.schoolYear,
            classId: enrolment.classId,
            subjectCode: input.subjectCode,
            grade: enrolment.grade,
          },
          periods: exemptionPeriods(row?.exemption ?? null, record),
          studentId: input.studentId,
          studentClassIds: classIds,
        });
        if (lock) throw recordLocked(lock);
        if (row) row.exemption = record;
        else
          rows.push({
            studentId: input.studentId,
            term1: null,
            term2: null,
            reassessment: null,
            exemption: record,
          });
        const create = {
          schoolId: enrolment.schoolId,
          classId: enrolment.classId,
          grade: enrolment.grade,
          schoolYear: input.schoolYear,
          subjectCode: input.subjectCode,
          kind: rules.subject.kind,
          regularCount: rules.regularCount,
          createdAt: now,
          updatedAt: now,
        };
        const next: GradebookDocument = current
          ? { ...current, rows }
          : { ...create, _id: id, rows, _outbox: [], _outboxPending: false, _rev: 0 };
        const others = await deps.gradebooks.findForStudents(
          input.schoolYear,
          [input.studentId],
          input.subjectCode,
        );
        after = studentSubjectResults(input.studentId, input.schoolYear, student, [
          next,
          ...others.filter((b) => b._id !== id),
        ])[0];
        if (!after) throw new Error('exempted result vanished');
        return {
          create,
          rows,
          events: [
            subjectResultEvent(after, enrolment.classId, enrolment.schoolId, caller, { change: 'EXEMPTION' }),
          ],
        };
      },
    ),
  );
  deps.changed();
  return after as MergedSubjectResult;
}

export function recordExemption(
  deps: AcademicsDeps,
  caller: Caller,
  input: ExemptionInput & { period: ExemptionPeriod; reason: string },
): Promise<MergedSubjectResult> {
  const reason = input.reason?.trim() ?? '';
  const problems = [
    ...(PERIODS.includes(input.period)
      ? []
      : [fieldProblem('period', 'VALIDATION_FAILED', 'Thời gian miễn là học kì I, học kì II hoặc cả năm.')]),
    ...(reason && reason.length <= MAX_REASON_LENGTH
      ? []
      : [
          fieldProblem(
            'reason',
            'VALIDATION_FAILED',
            `Cần ghi lí do miễn (tối đa ${MAX_REASON_LENGTH} kí tự).`,
          ),
        ]),
  ];
  if (problems.length) return Promise.reject(validationFailed(problems));
  return saveExemption(deps, caller, input, (recordedBy, recordedAt) => ({
    part: 'PRACTICAL',
    period: input.period,
    reason,
    cancelled: false,
    recordedAt,
    recordedBy,
  }));
}

/** Cancels the exemption in force (recorded as a cancelled exemption: the latest record wins). */
export function cancelExemption(
  deps: AcademicsDeps,
  caller: Caller,
  input: ExemptionInput,
): Promise<MergedSubjectResult> {
  return saveExemption(deps, caller, input, (recordedBy, recordedAt) => ({
    part: 'PRACTICAL',
    period: 'YEAR',
    reason: 'Huỷ miễn',
    cancelled: true,
    recordedAt,
    recordedBy,
  }));
}
