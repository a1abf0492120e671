import { countsOf } from '@hocbaso/statistics';
import {
  absenceBand,
  absencesTable,
  conductResultsTable,
  outcomesTable,
  schoolYearsAround,
  studentConductFigures,
  titlesTable,
  type StudentConductFacts,
} from './statistics';

const sessions = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe('conduct statistics: one student counted once per table and term', () => {
  it('a student with nothing recorded: not assessed in every term, no absence, undecided, no title', () => {
    expect(studentConductFigures({ grade: 11, record: null })).toEqual([
      { table: 'conductResults', term: 'TERM_1', grade: 11, column: 'NOT_ASSESSED', value: 1 },
      { table: 'conductResults', term: 'TERM_2', grade: 11, column: 'NOT_ASSESSED', value: 1 },
      { table: 'conductResults', term: 'YEAR', grade: 11, column: 'NOT_ASSESSED', value: 1 },
      { table: 'absences', term: 'YEAR', grade: 11, column: 'NONE', value: 1 },
      { table: 'outcomes', term: 'YEAR', grade: 11, column: 'UNDECIDED', value: 1 },
      { table: 'titles', term: 'YEAR', grade: 11, column: 'NONE', value: 1 },
    ]);
  });

  it('a complete year: the term ratings, the year conduct, the outcome and the title of the standing', () => {
    const facts: StudentConductFacts = {
      grade: 10,
      record: {
        conductTerm1: 'KHA',
        conductTerm2: 'TOT',
        absences: sessions(3),
        standing: { conduct: 'TOT', outcome: 'PROMOTED', title: 'EXCELLENT' },
      },
    };
    expect(studentConductFigures(facts)).toEqual([
      { table: 'conductResults', term: 'TERM_1', grade: 10, column: 'KHA', value: 1 },
      { table: 'conductResults', term: 'TERM_2', grade: 10, column: 'TOT', value: 1 },
      { table: 'conductResults', term: 'YEAR', grade: 10, column: 'TOT', value: 1 },
      { table: 'absences', term: 'YEAR', grade: 10, column: 'FROM_1_TO_5', value: 1 },
      { table: 'outcomes', term: 'YEAR', grade: 10, column: 'PROMOTED', value: 1 },
      { table: 'titles', term: 'YEAR', grade: 10, column: 'EXCELLENT', value: 1 },
    ]);
  });

  it('after summer re-training the year conduct is the re-assessed one the standing holds, not the terms', () => {
    // Terms CHƯA ĐẠT and ĐẠT give a year CHƯA ĐẠT; re-trained in summer to ĐẠT, then promoted.
    const figures = studentConductFigures({
      grade: 11,
      record: {
        conductTerm1: 'CHUA_DAT',
        conductTerm2: 'DAT',
        absences: sessions(8),
        standing: { conduct: 'DAT', outcome: 'PROMOTED', title: null },
      },
    });
    const column = (table: string, term: string) =>
      figures.find((f) => f.table === table && f.term === term)?.column;
    expect(column('conductResults', 'TERM_1')).toBe('CHUA_DAT');
    expect(column('conductResults', 'YEAR')).toBe('DAT');
    expect(column('absences', 'YEAR')).toBe('FROM_6_TO_20');
    expect(column('outcomes', 'YEAR')).toBe('PROMOTED');
    expect(column('titles', 'YEAR')).toBe('NONE');
  });

  it('a page with a term rated and no standing outcome yet: the other term not assessed, undecided', () => {
    const figures = studentConductFigures({
      grade: 10,
      record: {
        conductTerm1: 'DAT',
        conductTerm2: null,
        absences: [],
        standing: { conduct: null, outcome: null, title: null },
      },
    });
    expect(figures.map((f) => `${f.table}/${f.term}/${f.column}`)).toEqual([
      'conductResults/TERM_1/DAT',
      'conductResults/TERM_2/NOT_ASSESSED',
      'conductResults/YEAR/NOT_ASSESSED',
      'absences/YEAR/NONE',
      'outcomes/YEAR/UNDECIDED',
      'titles/YEAR/NONE',
    ]);
  });

  it('bands the sessions absent at 0, 1–5, 6–20, 21–45 and over 45', () => {
    const cases: Array<[number, string]> = [
      [0, 'NONE'],
      [1, 'FROM_1_TO_5'],
      [5, 'FROM_1_TO_5'],
      [6, 'FROM_6_TO_20'],
      [20, 'FROM_6_TO_20'],
      [21, 'FROM_21_TO_45'],
      [45, 'FROM_21_TO_45'],
      [46, 'OVER_45'],
      [200, 'OVER_45'],
    ];
    for (const [n, band] of cases) expect([n, absenceBand(n)]).toEqual([n, band]);
  });

  it("every figure is a count column of its table, so each table's columns partition the students", () => {
    const columnsOf = new Map(
      [conductResultsTable, absencesTable, outcomesTable, titlesTable].map((t) => [
        t.name,
        new Set(t.columns.map((c) => c.key)),
      ]),
    );
    const pages: StudentConductFacts['record'][] = [
      null,
      {
        conductTerm1: 'TOT',
        conductTerm2: 'CHUA_DAT',
        absences: sessions(21),
        standing: { conduct: 'CHUA_DAT', outcome: 'SUMMER_TRAINING', title: null },
      },
      {
        conductTerm1: 'KHA',
        conductTerm2: 'KHA',
        absences: sessions(7),
        standing: { conduct: 'KHA', outcome: 'SUMMER_REASSESSMENT', title: null },
      },
      {
        conductTerm1: 'TOT',
        conductTerm2: 'TOT',
        absences: [],
        standing: { conduct: 'TOT', outcome: 'COMPLETED', title: 'GOOD' },
      },
    ];
    for (const record of pages)
      for (const f of studentConductFigures({ grade: 12, record }))
        expect(columnsOf.get(f.table)?.has(f.column)).toBe(true);

    // Four students of grade 12 add up by cell: the three term tables and three year-only ones.
    const counts = countsOf(pages.flatMap((record) => studentConductFigures({ grade: 12, record })));
    expect(counts['conductResults~TERM_1~12~~TOT']).toBe(2);
    expect(counts['conductResults~TERM_1~12~~KHA']).toBe(1);
    expect(counts['conductResults~TERM_1~12~~NOT_ASSESSED']).toBe(1);
    expect(counts['conductResults~YEAR~12~~CHUA_DAT']).toBe(1);
    expect(counts['absences~YEAR~12~~NONE']).toBe(2);
    expect(counts['absences~YEAR~12~~FROM_21_TO_45']).toBe(1);
    expect(counts['absences~YEAR~12~~FROM_6_TO_20']).toBe(1);
    expect(counts['outcomes~YEAR~12~~UNDECIDED']).toBe(1);
    expect(counts['outcomes~YEAR~12~~COMPLETED']).toBe(1);
    expect(counts['titles~YEAR~12~~NONE']).toBe(3);
    expect(counts['titles~YEAR~12~~GOOD']).toBe(1);
    // Outcomes and titles are counted for the year only, absences too.
    expect(Object.keys(counts).filter((k) => /^(outcomes|titles|absences)~TERM/.test(k))).toEqual([]);
  });

  it('looks for a correction in the school years that touch the year it was applied in, and the one before', () => {
    expect(schoolYearsAround(new Date('2026-03-10T02:00:00Z'))).toEqual([
      '2024-2025',
      '2025-2026',
      '2026-2027',
    ]);
  });
});
