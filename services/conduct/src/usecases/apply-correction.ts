import { notFound, validationFailed } from '@hocbaso/errors';
import { conductAssessed } from '@hocbaso/events';
import type { CorrectionRefusal, CorrectionRequest } from '@hocbaso/service-kit';
import { planConductCorrection } from '../domain/corrections';
import type { ConductCorrectionRecord } from '../model/conduct-record.model';
import { conductEvent, type ConductDeps } from './deps';
import { applyChange } from './record-conduct';

/**
 * Applies an approved correction of one student's conduct page (R8) on signatures' request, even
 * though a lock covers it (run by `deps.corrections`, through the locks' gate, which answers a
 * refusal): the same write as the homeroom teacher's, bypassing only the lock check. The page gets
 * the new values and keeps the correction with every value before and after; the standing is
 * recomputed; one document write commits `conductAssessed` per changed rating, `outcome.computed`
 * when the standing moved, and `conductCorrectionApplied`. Idempotent by correction id. Throws
 * (nothing written) when the student or page is unknown or a field or value is not valid.
 */
export async function applyCorrection(
  deps: ConductDeps,
  request: CorrectionRequest,
): Promise<CorrectionRefusal | null> {
  const { studentId, schoolYear } = request;
  const unknown = () =>
    notFound(`Không có kết quả rèn luyện của học sinh (mã ${studentId}) trong năm học ${schoolYear}.`);
  const membership = await deps.repository.findMembership(studentId, schoolYear);
  if (!membership || membership.schoolId !== request.schoolId) throw unknown();
  const by = { actor: request.actor };
  await applyChange(deps, by, membership, (current) => {
    if (!current || current.schoolId !== request.schoolId) throw unknown();
    // Redelivered: applied already, and answered then.
    if (current.corrections?.some((c) => c.correctionId === request.correctionId)) return null;
    const plan = planConductCorrection(current, request.changes);
    if (!plan.ok) {
      throw validationFailed(
        plan.problems.map((p) => ({ field: p.field, code: 'VALIDATION_FAILED', message: p.message })),
        `Đề nghị chỉnh sửa có ${plan.problems.length} giá trị không hợp lệ; không có gì được sửa.`,
      );
    }
    const at = deps.now();
    const record: ConductCorrectionRecord = {
      correctionId: request.correctionId,
      changes: plan.changes,
      reason: request.reason,
      appliedAt: at,
      appliedBy: request.actor.accountId,
    };
    return {
      set: plan.set,
      push: { corrections: record },
      events: plan.assessed.map((rating) =>
        conductEvent(conductAssessed, studentId, schoolYear, {
          studentId,
          schoolId: membership.schoolId,
          schoolYear,
          ...rating,
          actor: request.actor,
        }),
      ),
      answers: [deps.corrections.applied(request, plan.changes, at)],
    };
  });
  return null;
}
