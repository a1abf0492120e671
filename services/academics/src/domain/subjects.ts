import {
  assessmentsPerTerm,
  regularAssessmentCount,
  SUBJECTS,
  subjectByCode,
  type Subject,
} from '@hocbaso/assessment';

/** The subjects whose practical part a student may be exempted from (Điều 10 TT22). */
export const EXEMPTIBLE_SUBJECTS: ReadonlySet<string> = new Set(['GD_THE_CHAT', 'GDQP_AN']);

/** A catalogue subject with the counts the gradebook needs, all from @hocbaso/assessment. */
export interface SubjectRules {
  subject: Subject;
  /** ĐĐGtx per term. */
  regularCount: number;
  /** Every assessment of a term: ĐĐGtx + ĐĐGgk + ĐĐGck. */
  assessmentsPerTerm: number;
  exemptible: boolean;
}

export function rulesOf(subject: Subject): SubjectRules {
  return {
    subject,
    regularCount: regularAssessmentCount(subject.periodsPerYear, subject.kind),
    assessmentsPerTerm: assessmentsPerTerm(subject.periodsPerYear, subject.kind),
    exemptible: EXEMPTIBLE_SUBJECTS.has(subject.code),
  };
}

/** The rules of a subject code, or undefined for a code outside the catalogue. */
export function subjectRules(code: string): SubjectRules | undefined {
  const subject = subjectByCode(code);
  return subject ? rulesOf(subject) : undefined;
}

/** The whole catalogue, in record-book order. */
export function catalogue(): SubjectRules[] {
  return SUBJECTS.map(rulesOf);
}

/** Sort key of a subject code in record-book order (unknown codes last). */
export function subjectOrder(code: string): number {
  const index = SUBJECTS.findIndex((s) => s.code === code);
  return index === -1 ? SUBJECTS.length : index;
}
