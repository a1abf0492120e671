import {
  ACADEMICS_SOURCE,
  createEvent,
  subjectResultRecorded,
  type Actor,
  type EventData,
} from '@hocbaso/events';
import {
  actorOf,
  toOutboxEntry,
  type Caller,
  type OutboxEntry,
  type RecordCorrections,
  type RecordLockRegistry,
} from '@hocbaso/service-kit';
import type { StatisticsReader } from '@hocbaso/statistics';
import type { MergedSubjectResult, PeriodResult } from '../domain/subject-result';
import type { GradebookExportRepository } from '../model/gradebook-export.repository';
import type { GradebookRepository } from '../model/gradebook.repository';
import type { RosterRepository } from '../model/roster.repository';
import type { RoundTripCounter } from '../model/round-trips';

/** What the use cases need, passed in so that they can be tested without infrastructure. */
export interface AcademicsDeps {
  gradebooks: GradebookRepository;
  /** Downloads of gradebooks as files, each logged with its event (R11). */
  gradebookExports: GradebookExportRepository;
  roster: RosterRepository;
  /**
   * The locks academics confirmed to signatures: every write of gradebook data runs inside
   * `locks.write` (the outermost gate), which refuses what a lock covers. One per service: the
   * consumer applying locks and the use cases writing must share its gate.
   */
  locks: RecordLockRegistry;
  /** Corrections applied on signatures' request (through `locks`' gate), refusals answered. */
  corrections: RecordCorrections;
  roundTrips: RoundTripCounter;
  /** The dashboard tables, from the schools' aggregates (never from the gradebooks). */
  statisticsReader: StatisticsReader;
  now: () => Date;
  /** Wakes the outbox relay after a write so that its events leave at once. */
  changed: () => void;
}

type RecordedData = EventData<typeof subjectResultRecorded>;

const period = (result: PeriodResult) => ({ average: result.average, result: result.result });

/**
 * The `subjectResultRecorded` event of one student's merged subject result, as an outbox entry
 * (key: the student id, so that one student's events stay in order). `by`: the caller of the
 * request, or the actor of the event being handled (a correction applied on signatures' request).
 */
export function subjectResultEvent(
  result: MergedSubjectResult,
  classId: string,
  schoolId: string,
  by: Caller | { actor: Actor },
  change: Pick<RecordedData, 'change' | 'marks'>,
): OutboxEntry {
  const data: RecordedData = {
    studentId: result.studentId,
    schoolId,
    classId,
    schoolYear: result.schoolYear,
    subjectCode: result.subjectCode,
    kind: result.kind,
    term1: period(result.term1Result),
    term2: period(result.term2Result),
    year: period(result.year),
    reassessment: result.reassessment
      ? { average: result.reassessment.average, result: result.reassessment.result }
      : null,
    ...change,
    exemption: result.exemption ? { period: result.exemption.period } : null,
    actor: 'actor' in by ? by.actor : actorOf(by),
  };
  return toOutboxEntry(
    subjectResultRecorded.topic,
    createEvent(subjectResultRecorded, {
      source: ACADEMICS_SOURCE,
      subject: `students/${result.studentId}/results/${result.schoolYear}/${result.subjectCode}`,
      key: result.studentId,
      data,
    }),
  );
}

export { actorOf, type Caller };
