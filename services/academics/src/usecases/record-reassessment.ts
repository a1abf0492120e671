import { isAssessmentError, scoreToTenths } from '@hocbaso/assessment';
import { AppError, fieldProblem, forbidden, validationFailed } from '@hocbaso/errors';
import { canWriteGradebook } from '../domain/access';
import { isPass } from '../domain/gradebook-validation';
import { coveringLock, recordLocked } from '../domain/lock-coverage';
import { learningOutcomes, studentSubjectResults, type MergedSubjectResult } from '../domain/subject-result';
import { subjectRules } from '../domain/subjects';
import type { GradebookDocument, Pass, ReassessmentRecord } from '../model/gradebook.model';
import { subjectResultEvent, type AcademicsDeps, type Caller } from './deps';

export interface RecordReassessmentInput {
  studentId: string;
  subjectCode: string;
  schoolYear: string;
  /** Scored subjects: the re-assessment's score. */
  score?: number | null;
  /** Comment subjects: ĐẠT / CHƯA ĐẠT. */
  result?: Pass | null;
}

const notDue = (message: string) =>
  new AppError('NOT_DUE_FOR_REASSESSMENT', {
    message,
    fieldErrors: [fieldProblem('subjectCode', 'NOT_DUE_FOR_REASSESSMENT', message)],
  });

/** The re-assessment may be recorded only for a subject the rules send to summer re-assessment. */
function assertDue(all: MergedSubjectResult[], subjectCode: string) {
  const year = learningOutcomes(all).find((o) => o.period === 'YEAR');
  if (!year?.levelBeforeReassessment) {
    throw notDue('Chưa đủ kết quả cả năm của mọi môn học để xét kiểm tra lại.');
  }
  if (!year.reassessmentSubjects.includes(subjectCode)) {
    throw notDue(
      year.levelBeforeReassessment === 'CHUA_DAT'
        ? 'Môn học này đã đạt yêu cầu cả năm: học sinh không phải kiểm tra lại môn này.'
        : 'Kết quả học tập cả năm của học sinh không phải Chưa đạt: không có môn nào phải kiểm tra lại.',
    );
  }
}

/**
 * Kiểm tra lại trong kì nghỉ hè: the teacher assigned to the subject in the student's (latest)
 * class records the re-assessment of a subject the assessment rules say the student must re-take
 * (year learning result CHƯA ĐẠT; a comment subject at CHƯA ĐẠT or a scored subject with ĐTBmcn
 * below 5.0). It replaces the subject's year result; one event. Recording again corrects it.
 * (Whether the student goes to summer re-assessment at all also depends on conduct, which the
 * conduct service decides; this service checks the learning side.)
 */
export async function recordReassessment(
  deps: AcademicsDeps,
  caller: Caller,
  input: RecordReassessmentInput,
): Promise<MergedSubjectResult> {
  const principal = caller.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  const rules = subjectRules(input.subjectCode);
  if (!rules)
    throw validationFailed([
      fieldProblem('subjectCode', 'VALIDATION_FAILED', 'Môn học không có trong danh mục.'),
    ]);
  const [student, books] = await Promise.all([
    deps.roster.findStudent(input.studentId),
    deps.gradebooks.findForStudents(input.schoolYear, [input.studentId]),
  ]);
  const before = studentSubjectResults(input.studentId, input.schoolYear, student, books).find(
    (r) => r.subjectCode === input.subjectCode,
  );
  const target = before?.sources.at(-1);
  // Someone who could not write this subject's marks learns nothing more (not even whether it exists).
  if (!before || !target || !canWriteGradebook(principal, target, input.subjectCode, input.schoolYear)) {
    throw forbidden();
  }

  let record: ReassessmentRecord;
  if (rules.subject.kind === 'SCORE') {
    try {
      scoreToTenths(input.score, 'điểm kiểm tra lại', 'score');
    } catch (error) {
      if (!isAssessmentError(error)) throw error;
      throw validationFailed([fieldProblem('score', 'INVALID_SCORE', error.message)]);
    }
    record = {
      average: input.score as number,
      result: null,
      recordedAt: deps.now(),
      recordedBy: principal.accountId,
    };
  } else {
    if (!isPass(input.result)) {
      throw validationFailed([
        fieldProblem(
          'result',
          'INVALID_ASSESSMENT_RESULT',
          'Môn đánh giá bằng nhận xét: nhập Đạt hoặc Chưa đạt.',
        ),
      ]);
    }
    record = { average: null, result: input.result, recordedAt: deps.now(), recordedBy: principal.accountId };
  }

  let after: MergedSubjectResult | undefined;
  const classIds = (student?.enrollments ?? [])
    .filter((e) => e.schoolYear === input.schoolYear)
    .map((e) => e.classId);
  await deps.locks.write(target.schoolId, input.schoolYear, async (locks) => {
    // Summer comes after the year: a subject's YEAR signature does not cover it, the year page does.
    const lock = coveringLock(locks, {
      gradebook: { ...target, schoolYear: input.schoolYear, subjectCode: input.subjectCode },
      periods: ['SUMMER'],
      studentId: input.studentId,
      studentClassIds: classIds,
    });
    if (lock) throw recordLocked(lock);
    await deps.gradebooks.change(
      { id: target.gradebookId, subjectCode: input.subjectCode, schoolYear: input.schoolYear },
      async (current) => {
        if (!current) throw forbidden();
        // Decided again under the lock, on the data as it is now.
        const fresh = await deps.gradebooks.findForStudents(input.schoolYear, [input.studentId]);
        const books: GradebookDocument[] = [current, ...fresh.filter((b) => b._id !== current._id)];
        assertDue(
          studentSubjectResults(input.studentId, input.schoolYear, student, books),
          input.subjectCode,
        );
        const rows = current.rows.map((r) =>
          r.studentId === input.studentId ? { ...r, reassessment: record } : r,
        );
        const next = { ...current, rows };
        after = studentSubjectResults(input.studentId, input.schoolYear, student, [
          next,
          ...fresh.filter((b) => b._id !== current._id),
        ]).find((r) => r.subjectCode === input.subjectCode);
        if (!after) throw new Error('re-assessed result vanished');
        return {
          create: current,
          rows,
          events: [
            subjectResultEvent(after, current.classId, current.schoolId, caller, { change: 'REASSESSMENT' }),
          ],
        };
      },
    );
  });
  deps.changed();
  return after as MergedSubjectResult;
}
