import type { CorrectionRefusal, CorrectionRequest, OutboxEntry } from '@hocbaso/service-kit';
import { planCorrection } from '../domain/corrections';
import { studentSubjectResults } from '../domain/subject-result';
import { subjectRules } from '../domain/subjects';
import { gradebookId, type CorrectionRecord, type GradebookRow } from '../model/gradebook.model';
import type { GradebookChange } from '../model/gradebook.repository';
import { subjectResultEvent, type AcademicsDeps } from './deps';
import { marksOf } from './record-gradebook';

/**
 * Applies an approved correction of one student's marks in one subject (R8) on signatures' request,
 * even though the gradebook is locked (run by `deps.corrections`, which answers a refusal): the row
 * gets the new values, the gradebook keeps the correction with every value before and after (the
 * earlier version stays readable), and the same document write publishes `subjectResultRecorded`
 * (per corrected term, then for the re-assessment) and `academicsCorrectionApplied`. Idempotent by
 * correction id. Returns why a request cannot be applied (no subject, bad field or value, unknown
 * gradebook or student), having changed nothing.
 */
export async function applyCorrection(
  deps: AcademicsDeps,
  request: CorrectionRequest,
): Promise<CorrectionRefusal | null> {
  const { subjectCode, schoolYear, studentId } = request;
  if (!subjectCode) {
    return {
      code: 'VALIDATION_FAILED',
      message: 'Đề nghị chỉnh sửa điểm phải nêu môn học.',
      details: [],
    };
  }
  const rules = subjectRules(subjectCode);
  if (!rules) {
    return {
      code: 'VALIDATION_FAILED',
      message: `Môn học ${subjectCode} không có trong danh mục.`,
      details: [],
    };
  }
  const student = await deps.roster.findStudent(studentId);
  const id = gradebookId(request.classId, subjectCode, schoolYear);
  let refusal: CorrectionRefusal | null = null;
  await deps.gradebooks.change({ id, subjectCode, schoolYear }, async (current) => {
    if (!current || current.schoolId !== request.schoolId) {
      refusal = {
        code: 'NOT_FOUND',
        message: `Không có sổ điểm môn ${rules.subject.name} của lớp ${request.classId} năm học ${schoolYear}.`,
        details: [],
      };
      return null;
    }
    // Redelivered: applied already, and answered then.
    if (current.corrections?.some((c) => c.correctionId === request.correctionId)) return null;
    const row = current.rows.find((r) => r.studentId === studentId);
    if (!row) {
      refusal = {
        code: 'NOT_FOUND',
        message: `Học sinh (mã ${studentId}) không có trong sổ điểm môn ${rules.subject.name} của lớp ${request.classId}.`,
        details: [],
      };
      return null;
    }
    const at = deps.now();
    const plan = planCorrection({
      rules,
      schoolYear,
      row,
      changes: request.changes,
      at,
      by: request.actor.accountId,
    });
    if (!plan.ok) {
      refusal = { code: plan.code, message: plan.message, details: plan.details };
      return null;
    }

    // One event per corrected term, then one for the re-assessment, each with the student's merged
    // result as it stands after that step (their rows in other classes of the year count too).
    const others = (await deps.gradebooks.findForStudents(schoolYear, [studentId], subjectCode)).filter(
      (b) => b._id !== current._id,
    );
    const resultWith = (stepRow: GradebookRow) => {
      const rows = current.rows.map((r) => (r.studentId === studentId ? stepRow : r));
      const [merged] = studentSubjectResults(studentId, schoolYear, student, [
        { ...current, rows },
        ...others,
      ]);
      if (!merged) throw new Error(`no merged result for ${studentId}`);
      return merged;
    };
    const by = { actor: request.actor };
    const events: OutboxEntry[] = [];
    let step: GradebookRow = row;
    for (const term of plan.terms) {
      step = { ...step, [term]: plan.row[term] };
      events.push(
        subjectResultEvent(resultWith(step), current.classId, current.schoolId, by, {
          change: 'MARKS',
          marks: {
            term: term === 'term1' ? 'TERM_1' : 'TERM_2',
            before: marksOf(row[term]),
            after: marksOf(plan.row[term]),
          },
        }),
      );
    }
    if (plan.reassessment) {
      step = { ...step, reassessment: plan.row.reassessment };
      events.push(
        subjectResultEvent(resultWith(step), current.classId, current.schoolId, by, {
          change: 'REASSESSMENT',
        }),
      );
    }
    events.push(deps.corrections.applied(request, plan.changes, at));

    const record: CorrectionRecord = {
      correctionId: request.correctionId,
      studentId,
      changes: plan.changes,
      reason: request.reason,
      appliedAt: at,
      appliedBy: request.actor.accountId,
    };
    const change: GradebookChange = {
      create: current,
      rows: current.rows.map((r) => (r.studentId === studentId ? plan.row : r)),
      events,
      corrections: [...(current.corrections ?? []), record],
    };
    return change;
  });
  return refusal;
}
