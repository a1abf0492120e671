import {
  SUBJECTS,
  award,
  conductYearResult,
  learningResult,
  outcomeAfterSummer,
  summerReassessmentSubjects,
  yearOutcome,
  type Award,
  type BothFailingOutcome,
  type Grade,
  type Level,
  type Pass,
  type SubjectYearResult,
  type YearOutcome,
} from '@hocbaso/assessment';

/** A subject's year result as conduct learns it from academics' events. */
export interface KnownSubjectResult {
  subjectCode: string;
  kind: 'SCORE' | 'COMMENT';
  year: { average: number | null; result: Pass | null };
  reassessment: { average: number | null; result: Pass | null } | null;
}

export interface StandingInput {
  grade: Grade | null;
  conductTerm1: Level | null;
  conductTerm2: Level | null;
  /** The homeroom teacher's re-assessment after summer re-training; replaces the year conduct. */
  summerConduct: Level | null;
  absences: number;
  subjects: KnownSubjectResult[];
  bothFailing: BothFailingOutcome;
}

/** Where a student stands at year end (Điều 12-15): null parts are not known yet. */
export interface Standing {
  learning: Level | null;
  conduct: Level | null;
  outcome: YearOutcome | null;
  title: Award | null;
}

function toYearResult(subject: KnownSubjectResult, use: 'year' | 'reassessment'): SubjectYearResult | null {
  const source = use === 'year' ? subject.year : subject.reassessment;
  if (!source) return null;
  if (subject.kind === 'SCORE')
    return source.average === null ? null : { kind: 'SCORE', average: source.average };
  return source.result === null ? null : { kind: 'COMMENT', result: source.result };
}

/**
 * Computes the year standing from the conduct terms, the absences and the subject results.
 * Summer steps count once every step the outcome asked for has a result: the re-trained conduct
 * for SUMMER_TRAINING, a re-assessment of every subject due for SUMMER_REASSESSMENT.
 */
const COMPULSORY = SUBJECTS.filter((s) => s.group === 'COMPULSORY').map((s) => s.code as string);
const ELECTIVES = new Set(SUBJECTS.filter((s) => s.group === 'ELECTIVE').map((s) => s.code as string));
/** The 2018 programme: every compulsory subject and four electives. */
export const ELECTIVES_PER_STUDENT = 4;

/**
 * Whether the learning result can be computed: every compulsory subject and four electives are
 * known with a year result. Until then the outcome stays open rather than being computed from part
 * of the record book.
 */
export function hasCompleteResults(subjects: readonly KnownSubjectResult[]): boolean {
  const known = new Set(subjects.filter((s) => toYearResult(s, 'year') !== null).map((s) => s.subjectCode));
  const electives = [...known].filter((code) => ELECTIVES.has(code)).length;
  return (
    COMPULSORY.every((code) => known.has(code)) &&
    electives >= ELECTIVES_PER_STUDENT &&
    known.size === subjects.length
  );
}

export function computeStanding(input: StandingInput): Standing {
  const yearResults = input.subjects.map((s) => toYearResult(s, 'year'));
  const complete = hasCompleteResults(input.subjects);
  const subjects = complete ? (yearResults as SubjectYearResult[]) : [];
  const learning = complete ? learningResult(subjects) : null;
  const conduct =
    input.conductTerm1 && input.conductTerm2
      ? conductYearResult(input.conductTerm1, input.conductTerm2)
      : null;
  if (input.grade === null || learning === null || conduct === null)
    return { learning, conduct, outcome: null, title: null };

  const base = yearOutcome(
    { grade: input.grade, learning, conduct, absences: input.absences },
    { bothFailing: input.bothFailing },
  );
  if (base === 'PROMOTED' || base === 'COMPLETED') {
    return { learning, conduct, outcome: base, title: award({ learning, conduct, subjects }) };
  }
  if (base === 'RETAINED') return { learning, conduct, outcome: base, title: null };

  const needsTraining = conduct === 'CHUA_DAT';
  const due = learning === 'CHUA_DAT' ? summerReassessmentSubjects(subjects) : [];
  const trainingDone = !needsTraining || input.summerConduct !== null;
  const reassessed = new Map<number, SubjectYearResult>();
  for (const index of due) {
    const result = toYearResult(input.subjects[index]!, 'reassessment');
    if (result) reassessed.set(index, result);
  }
  // A summer step counts once every part it asked for has a result (nothing due: nothing to wait for).
  if (!trainingDone || reassessed.size < due.length || (!needsTraining && due.length === 0)) {
    return { learning, conduct, outcome: base, title: null };
  }

  const afterSummerSubjects = due.length
    ? subjects.map((subject, index) => reassessed.get(index) ?? subject)
    : subjects;
  const afterConduct = input.summerConduct ?? conduct;
  const outcome = outcomeAfterSummer({
    grade: input.grade,
    absences: input.absences,
    conduct: afterConduct,
    subjects: afterSummerSubjects,
  });
  return { learning: learningResult(afterSummerSubjects), conduct: afterConduct, outcome, title: null };
}
