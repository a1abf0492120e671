import type { SubjectRules } from '../domain/subjects';

export const Subject = {
  code: (s: SubjectRules) => s.subject.code,
  name: (s: SubjectRules) => s.subject.name,
  kind: (s: SubjectRules) => s.subject.kind,
  periodsPerYear: (s: SubjectRules) => s.subject.periodsPerYear,
  group: (s: SubjectRules) => s.subject.group,
  regularAssessmentsPerTerm: (s: SubjectRules) => s.regularCount,
  exemptible: (s: SubjectRules) => s.exemptible,
};
