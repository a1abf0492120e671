import type { YearOutcome } from '@hocbaso/assessment';
import {
  absenceRecorded,
  conductAssessed,
  conductCorrectionApplied,
  outcomeComputed,
  studentEnrolled,
  studentLeftClass,
  type CloudEvent,
  type EventData,
} from '@hocbaso/events';
import { SCHOOL_PLACES_TOPIC, type Figure, type PartRef } from '@hocbaso/statistics';
import { schoolYearsAround, studentConductFigures } from '../domain/statistics';
import type { ConductRepository } from '../model/conduct.repository';
import type { MembershipDocument } from '../model/read-model.model';

/** A student's part of the statistics: the student (part) in the class of that year (group). */
export function studentPart(place: {
  studentId: string;
  schoolId: string;
  schoolYear: string;
  classId: string;
}): PartRef {
  return {
    schoolId: place.schoolId,
    schoolYear: place.schoolYear,
    group: place.classId,
    part: place.studentId,
  };
}

function partOfMembership(membership: MembershipDocument | null): PartRef[] {
  return membership?.classId ? [studentPart({ ...membership, classId: membership.classId })] : [];
}

/**
 * A student's figures now, from the roster read model and the conduct page (two reads by _id).
 * Null when the student is no longer in that class of that school: the part leaves the group.
 */
export async function computeStudentFigures(
  repository: ConductRepository,
  ref: PartRef,
): Promise<Figure[] | null> {
  const [membership, record] = await Promise.all([
    repository.findMembership(ref.part, ref.schoolYear),
    repository.findRecord(ref.part, ref.schoolYear),
  ]);
  if (!membership || membership.schoolId !== ref.schoolId || membership.classId !== ref.group) return null;
  return studentConductFigures({
    grade: membership.grade,
    record: record && {
      conductTerm1: record.conductTerm1,
      conductTerm2: record.conductTerm2,
      absences: record.absences,
      standing: record.standing && {
        conduct: record.standing.conduct,
        outcome: record.standing.outcome as YearOutcome | null,
        title: record.standing.title,
      },
    },
  });
}

/** What the statistics consumer reads: the school directory and the topics of `statisticsTriggers`. */
export const STATISTICS_TOPICS = [
  ...new Set([
    SCHOOL_PLACES_TOPIC,
    conductAssessed.topic,
    conductCorrectionApplied.topic,
    studentEnrolled.topic,
  ]),
];

/**
 * Which parts an event touches. Conduct's own events do not name the class, so the student's
 * class is read from the roster. A student joining or leaving a class is marked by the roster
 * consumer once its read model has moved (see `conductEventHandlers`), and here as well, so that a
 * new statistics group catching up counts every student the roster knows.
 */
export function statisticsTriggers(
  repository: ConductRepository,
): Record<string, (event: CloudEvent) => Promise<PartRef[]>> {
  const ofRosterChange = async (change: Parameters<typeof studentPart>[0]) =>
    (await repository.findMembership(change.studentId, change.schoolYear)) ? [studentPart(change)] : [];
  const ofPage = async (event: CloudEvent) => {
    const { studentId, schoolYear } = event.data as { studentId: string; schoolYear: string };
    return partOfMembership(await repository.findMembership(studentId, schoolYear));
  };
  return {
    [conductAssessed.type]: ofPage,
    [absenceRecorded.type]: ofPage,
    // The year conduct (after summer re-training), the outcome and the title.
    [outcomeComputed.type]: ofPage,
    // A cleared rating has no conduct.assessed; the answer is keyed by the student but names no year.
    [conductCorrectionApplied.type]: async (event) => {
      const answer = event.data as EventData<typeof conductCorrectionApplied>;
      if (answer.outcome !== 'APPLIED') return [];
      const memberships = await Promise.all(
        schoolYearsAround(new Date(answer.appliedAt)).map((year) =>
          repository.findMembership(event.partitionkey, year),
        ),
      );
      return memberships.flatMap(partOfMembership);
    },
    // For a new statistics group (backfill): students the roster already knows. One it does not
    // know yet is marked by the roster consumer once it does (and a stranger is never counted).
    [studentEnrolled.type]: async (event) => ofRosterChange(event.data as EventData<typeof studentEnrolled>),
    [studentLeftClass.type]: async (event) =>
      ofRosterChange(event.data as EventData<typeof studentLeftClass>),
  };
}
