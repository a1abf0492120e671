import { outcomeComputed } from '@hocbaso/events';
import type { Grade } from '@hocbaso/assessment';
import type { OutboxEntry } from '@hocbaso/service-kit';
import { computeStanding } from '../domain/standing';
import type { ComputedStanding, ConductRecordDocument } from '../model/conduct-record.model';
import { actorFrom, conductEvent, type ChangedBy, type ConductDeps } from './deps';

export type ConductFields = Pick<
  ConductRecordDocument,
  'conductTerm1' | 'conductTerm2' | 'summerConduct' | 'absences'
>;

/** What a student's standing computation needs besides the record: the grade and the subject results. */
export async function loadStandingContext(deps: ConductDeps, studentId: string, schoolYear: string) {
  const [membership, subjects] = await Promise.all([
    deps.repository.findMembership(studentId, schoolYear),
    deps.repository.subjectResults(studentId, schoolYear),
  ]);
  return { grade: (membership?.grade ?? null) as Grade | null, subjects };
}

/**
 * The standing after a change, and the `outcome.computed` event when it differs from the stored
 * one: every change that moves the outcome is published, and nothing else.
 */
export function restand(
  deps: ConductDeps,
  by: ChangedBy,
  record: { studentId: string; schoolId: string; schoolYear: string; standing: ComputedStanding | null },
  fields: ConductFields,
  context: Awaited<ReturnType<typeof loadStandingContext>>,
): { standing: ComputedStanding; events: OutboxEntry[] } {
  const absences = fields.absences.length;
  const computed = computeStanding({
    grade: context.grade,
    conductTerm1: fields.conductTerm1,
    conductTerm2: fields.conductTerm2,
    summerConduct: fields.summerConduct,
    absences,
    subjects: context.subjects,
    bothFailing: deps.bothFailing,
  });
  const standing: ComputedStanding = { ...computed, absences, computedAt: deps.now() };
  const previous = record.standing;
  const same =
    previous !== null &&
    previous.learning === standing.learning &&
    previous.conduct === standing.conduct &&
    previous.absences === standing.absences &&
    previous.outcome === standing.outcome &&
    previous.title === standing.title;
  if (same) return { standing: previous, events: [] };
  return {
    standing,
    events: [
      conductEvent(outcomeComputed, record.studentId, record.schoolYear, {
        studentId: record.studentId,
        schoolId: record.schoolId,
        schoolYear: record.schoolYear,
        learning: standing.learning,
        conduct: standing.conduct,
        absences,
        outcome: standing.outcome as never,
        title: standing.title,
        actor: actorFrom(by),
      }),
    ],
  };
}

export function fieldsOf(record: ConductRecordDocument | null): ConductFields {
  return {
    conductTerm1: record?.conductTerm1 ?? null,
    conductTerm2: record?.conductTerm2 ?? null,
    summerConduct: record?.summerConduct ?? null,
    absences: record?.absences ?? [],
  };
}
