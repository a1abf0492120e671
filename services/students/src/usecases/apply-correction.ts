import type { CorrectionRefusal, CorrectionRequest } from '@hocbaso/service-kit';
import { correctionFieldOf, parsePersonalCorrection } from '../domain/corrections';
import type { CorrectionRecord } from '../model/student.model';
import type { StudentsDeps } from './deps';
import { schoolYearsOf, writeInYears } from './record-locks';
import { personalDataChange, personalDataContext } from './update-student-personal-data';

/** VALIDATION_FAILED, with details `field: message` (a field may have several problems). */
function invalid(details: string[]): CorrectionRefusal {
  const fields = new Set(details.map((d) => d.split(':')[0])).size;
  return {
    code: 'VALIDATION_FAILED',
    message: `Đề nghị chỉnh sửa có ${fields} trường không hợp lệ; không có gì được sửa.`,
    details,
  };
}

/**
 * Applies an approved correction of a student's personal data (R8) on signatures' request, even
 * though a year lock covers it (a lock of any of the student's years does): through the same rules,
 * history and `studentPersonalDataChanged` event as the homeroom teacher's update, with the
 * correction's actor. The record keeps the correction with every value before and after, and the
 * same document write publishes the change and `studentsCorrectionApplied`, which names the fields
 * only (personal values never travel on Kafka). Idempotent by correction id. Returns why not when
 * the request cannot be applied (unknown field, bad value, unknown student or year): nothing is
 * written then, and the service kit answers REFUSED.
 *
 * The kit runs this inside the gate of the request's school year; the student's other years are
 * entered here, so that no lock of any of them is decided half-way through (locks are decided by
 * the same consumer, one event at a time, so the years read first are the years to gate).
 */
export async function applyCorrection(
  deps: StudentsDeps,
  request: CorrectionRequest,
): Promise<CorrectionRefusal | null> {
  const parsed = parsePersonalCorrection(request.changes);
  if (!parsed.ok) return invalid(parsed.details);
  const seen = await deps.students.findById(request.studentId);
  const requestYear = (y: { schoolId: string; schoolYear: string }) =>
    y.schoolId === request.schoolId && y.schoolYear === request.schoolYear;
  const notFound: CorrectionRefusal = {
    code: 'NOT_FOUND',
    message: `Không tìm thấy học sinh (mã ${request.studentId}) học tại trường trong năm học ${request.schoolYear}.`,
    details: [],
  };
  if (!seen || !seen.enrolments.some(requestYear)) return notFound;
  const context = await personalDataContext(deps, seen);
  const otherYears = schoolYearsOf(seen).filter((y) => !requestYear(y));

  let refusal: CorrectionRefusal | null = null;
  const result = await writeInYears(deps, otherYears, () =>
    deps.students.modify(seen._id, (current) => {
      // Redelivered: applied already, and answered then.
      if (current.corrections?.some((c) => c.correctionId === request.correctionId)) return null;
      const at = deps.now();
      const change = personalDataChange(current, parsed.patch, context, {
        changedBy: request.actor.accountId,
        requestId: null,
        actor: request.actor,
        at,
      });
      if (change && !change.ok) {
        refusal = invalid(change.problems.map((p) => `${correctionFieldOf(p.field)}: ${p.message}`));
        return null;
      }
      // Values equal to the current ones change nothing, yet the correction is applied and kept.
      const after = change ? change.next : current;
      const record: CorrectionRecord = {
        correctionId: request.correctionId,
        changes: parsed.fields.map(({ field, personal }) => ({
          field,
          before: current[personal],
          after: after[personal],
        })),
        reason: request.reason,
        appliedAt: at,
        appliedBy: request.actor.accountId,
      };
      const answer = deps.corrections.applied(
        request,
        parsed.fields.map(({ field }) => ({ field, before: null, after: null })),
        at,
      );
      return {
        update: {
          $set: change?.update.$set ?? {},
          $push: { ...change?.update.$push, corrections: record },
        },
        events: [...(change ? [change.event] : []), answer],
      };
    }),
  );
  return result ? refusal : notFound;
}
