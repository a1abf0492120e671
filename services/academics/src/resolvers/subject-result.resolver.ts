import type { LearningOutcome, MergedSubjectResult } from '../domain/subject-result';
import { subjectRules } from '../domain/subjects';
import type { ReassessmentRecord } from '../model/gradebook.model';
import type { TermMarksSource } from './term-marks.resolver';

const marks = (r: MergedSubjectResult, term: 'term1' | 'term2'): TermMarksSource => ({
  entry: r[term],
  kind: r.kind,
  regularCount: r.regularCount,
  result: term === 'term1' ? r.term1Result : r.term2Result,
});

export const SubjectResult = {
  id: (r: MergedSubjectResult) => `${r.studentId}/${r.schoolYear}/${r.subjectCode}`,
  subject: (r: MergedSubjectResult) => subjectRules(r.subjectCode),
  classIds: (r: MergedSubjectResult) => r.sources.map((s) => s.classId),
  term1: (r: MergedSubjectResult) => marks(r, 'term1'),
  term2: (r: MergedSubjectResult) => marks(r, 'term2'),
};

export const Reassessment = {
  score: (r: ReassessmentRecord) => r.average,
};

export const LearningResult = {
  reassessmentSubjects: (o: LearningOutcome) =>
    o.reassessmentSubjects.flatMap((code) => subjectRules(code) ?? []),
};
