import { award } from '@hocbaso/assessment';
import { validateGradebookRows } from '../domain/gradebook-validation';
import { learningOutcomes, studentSubjectResults } from '../domain/subject-result';
import { subjectRules } from '../domain/subjects';
import type { GradebookDocument, TermEntry } from '../model/gradebook.model';
import { DEMO_SUBJECTS, demoGradebooks, demoProfile } from './demo-data';

/** The demo year applied in memory: every entry validated like recordGradebook, then merged and computed. */
function demoYear(size: number) {
  const studentIds = Array.from({ length: size }, (_, i) => `hs-${i}`);
  const entries = demoGradebooks({
    schoolId: 'truong',
    schoolYear: '2025-2026',
    classes: [
      { classId: '10A1', studentIds, teachers: Object.fromEntries(DEMO_SUBJECTS.map((s) => [s, `gv-${s}`])) },
    ],
  });
  const books = new Map<string, GradebookDocument>();
  for (const { input, teacher } of entries) {
    expect(teacher.teaching).toEqual([
      expect.objectContaining({ classId: '10A1', subjectCode: input.subjectCode }),
    ]);
    const rules = subjectRules(input.subjectCode)!;
    const validation = validateGradebookRows({
      rules,
      schoolYear: '2025-2026',
      members: new Set(studentIds),
      rows: input.rows,
    });
    expect(validation.errors).toEqual([]);
    const book =
      books.get(input.subjectCode) ??
      ({
        _id: input.subjectCode,
        classId: '10A1',
        schoolId: 'truong',
        grade: 10,
        schoolYear: '2025-2026',
        subjectCode: input.subjectCode,
        kind: rules.subject.kind,
        regularCount: rules.regularCount,
        rows: studentIds.map((studentId) => ({
          studentId,
          term1: null,
          term2: null,
          reassessment: null,
          exemption: null,
        })),
      } as unknown as GradebookDocument);
    for (const row of validation.rows) {
      const target = book.rows.find((r) => r.studentId === row.studentId)!;
      const entry: TermEntry = {
        ...row,
        comment: row.comment ?? null,
        recordedAt: new Date(),
        recordedBy: 'gv',
      };
      target[input.term === 'TERM_1' ? 'term1' : 'term2'] = entry;
    }
    books.set(input.subjectCode, book);
  }
  return studentIds.map((id) => {
    const results = studentSubjectResults(id, '2025-2026', null, [...books.values()]);
    return { results, year: learningOutcomes(results).find((o) => o.period === 'YEAR')! };
  });
}

describe('demo data', () => {
  it('records every subject, both terms, complete, for every student', () => {
    const year = demoYear(12);
    for (const student of year) {
      expect(student.results.map((r) => r.subjectCode)).toEqual(
        [...DEMO_SUBJECTS].sort(
          (a, b) => DEMO_SUBJECTS.indexOf(a as never) - DEMO_SUBJECTS.indexOf(b as never),
        ),
      );
      expect(student.year.complete).toBe(true);
    }
  });

  it('spans every outcome in a class of 10: TỐT (Xuất sắc too), KHÁ (by the adjustment too), ĐẠT, CHƯA ĐẠT', () => {
    const year = demoYear(10);
    const levels = year.map((s) => s.year.level);
    expect(levels).toEqual(['TOT', 'KHA', 'DAT', 'CHUA_DAT', 'TOT', 'KHA', 'KHA', 'TOT', 'DAT', 'CHUA_DAT']);
    expect(year.map((s, i) => [demoProfile(i), s.year.reassessmentSubjects])).toEqual([
      ['GOOD', []],
      ['FAIR', []],
      ['PASS', []],
      ['REASSESSMENT_SCORES', ['TOAN', 'VAT_LI']],
      ['EXCELLENT', []],
      ['FAIR', []],
      ['ONE_WEAK_SUBJECT', []],
      ['GOOD', []],
      ['ONE_COMMENT_FAILED', []],
      ['REASSESSMENT_COMMENTS', ['GD_THE_CHAT', 'GD_DIA_PHUONG']],
    ]);
    const awards = year.map((s) =>
      s.year.level
        ? award({
            learning: s.year.level,
            conduct: 'TOT',
            subjects: s.results.map((r) =>
              r.kind === 'SCORE'
                ? { kind: 'SCORE', average: r.final.average! }
                : { kind: 'COMMENT', result: r.final.result! },
            ),
          })
        : null,
    );
    expect(awards).toEqual(['GOOD', null, null, null, 'EXCELLENT', null, null, 'GOOD', null, null]);
  });

  it('is deterministic', () => {
    const input = {
      schoolId: 'truong',
      schoolYear: '2025-2026',
      classes: [
        {
          classId: '10A1',
          studentIds: ['a', 'b'],
          teachers: Object.fromEntries(DEMO_SUBJECTS.map((s) => [s, 't'])),
        },
      ],
    };
    expect(JSON.stringify(demoGradebooks(input))).toBe(JSON.stringify(demoGradebooks(input)));
    expect(() => demoGradebooks({ ...input, classes: [{ ...input.classes[0]!, teachers: {} }] })).toThrow(
      /no teacher/,
    );
  });
});
