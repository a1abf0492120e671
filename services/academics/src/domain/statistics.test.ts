import { cellKey, countsOf, type Counts } from '@hocbaso/statistics';
import type { GradebookDocument, GradebookRow, Mark, TermEntry } from '../model/gradebook.model';
import type { RosterStudentDocument } from '../model/roster.model';
import {
  classFigures,
  classPart,
  countingEnrolment,
  distinctParts,
  SCORE_BANDS,
  scoreBand,
  studentParts,
} from './statistics';
import { subjectRules } from './subjects';

const YEAR = '2025-2026';
const at = (iso: string) => new Date(iso);

/** The demo timetable: 9 scored subjects and 3 comment subjects. */
const SCORED = [
  'NGU_VAN',
  'TOAN',
  'NGOAI_NGU_1',
  'LICH_SU',
  'GDQP_AN',
  'VAT_LI',
  'HOA_HOC',
  'SINH_HOC',
  'TIN_HOC',
];
const COMMENTED = ['GD_THE_CHAT', 'HD_TRAI_NGHIEM_HUONG_NGHIEP', 'GD_DIA_PHUONG'];

/** Every assessment of the term the same mark: the term's average is that mark. */
function uniform(subjectCode: string, mark: Mark): TermEntry {
  return {
    regular: Array.from({ length: subjectRules(subjectCode)!.regularCount }, () => mark),
    midterm: mark,
    final: mark,
    comment: null,
    recordedAt: at('2025-12-20'),
    recordedBy: 'gv',
  };
}

const row = (studentId: string, term1: TermEntry | null, term2: TermEntry | null = null): GradebookRow => ({
  studentId,
  term1,
  term2,
  reassessment: null,
  exemption: null,
});

function gradebook(classId: string, subjectCode: string, rows: GradebookRow[]): GradebookDocument {
  const rules = subjectRules(subjectCode)!;
  return {
    _id: `${YEAR}/${classId}/${subjectCode}`,
    schoolId: 'truong',
    classId,
    grade: 10,
    schoolYear: YEAR,
    subjectCode,
    kind: rules.subject.kind,
    regularCount: rules.regularCount,
    rows,
    createdAt: at('2025-09-05'),
    updatedAt: at('2025-09-05'),
    _outbox: [],
    _outboxPending: false,
    _rev: 0,
  };
}

function student(
  id: string,
  classes: Array<[classId: string, enrolledOn: string, leftOn: string | null]>,
  status = 'STUDYING',
): RosterStudentDocument {
  return {
    _id: id,
    fullName: 'Nguyễn Văn An',
    status,
    enrollments: classes.map(([classId, enrolledOn, leftOn]) => ({
      classId,
      schoolId: 'truong',
      schoolYear: YEAR,
      grade: 10,
      enrolledOn,
      enrolledAt: at(`${enrolledOn}T00:00:00Z`),
      leftOn,
    })),
    updatedAt: at('2025-09-05'),
  };
}

const key = (table: string, term: 'TERM_1' | 'TERM_2' | 'YEAR', column: string, item?: string) =>
  cellKey({ table, term, grade: 10, column, ...(item ? { item } : {}) });

describe('score bands', () => {
  it('puts an average in [b, b + 1), and 10 with the nines', () => {
    expect([0, 0.9, 1, 4.9, 5, 6.5, 8.9, 9, 9.9, 10].map(scoreBand)).toEqual([
      'B0',
      'B0',
      'B1',
      'B4',
      'B5',
      'B6',
      'B8',
      'B9',
      'B9',
      'B9',
    ]);
  });

  it('labels ten bands from "0–<1" to "9–10"', () => {
    expect(SCORE_BANDS).toHaveLength(10);
    expect(SCORE_BANDS[0]).toEqual({ key: 'B0', label: '0–<1' });
    expect(SCORE_BANDS[5]?.label).toBe('5–<6');
    expect(SCORE_BANDS[9]).toEqual({ key: 'B9', label: '9–10' });
  });
});

describe('who counts in a class', () => {
  it('counts a student in the last class they were in that year', () => {
    const mover = student('hs', [
      ['10A2', '2026-01-15', null],
      ['10A1', '2025-09-05', '2026-01-15'],
    ]);
    expect(countingEnrolment(mover, YEAR)?.classId).toBe('10A2');
    expect(countingEnrolment(mover, '2026-2027')).toBeNull();
  });

  it('still counts a student who left for the next school year, not one who left the school', () => {
    expect(countingEnrolment(student('hs', [['10A1', '2025-09-05', '2026-06-01']]), YEAR)?.classId).toBe(
      '10A1',
    );
    for (const status of ['TRANSFERRED', 'DROPPED_OUT'])
      expect(
        countingEnrolment(student('hs', [['10A1', '2025-09-05', '2025-11-01']], status), YEAR),
      ).toBeNull();
  });

  it('marks every class of the student that year, once each', () => {
    const mover = student('hs', [
      ['10A1', '2025-09-05', '2026-01-15'],
      ['10A2', '2026-01-15', null],
    ]);
    expect(studentParts(mover, YEAR)).toEqual([
      { schoolId: 'truong', schoolYear: YEAR, group: '10A1', part: '10A1' },
      { schoolId: 'truong', schoolYear: YEAR, group: '10A2', part: '10A2' },
    ]);
    expect(studentParts(mover, '2026-2027')).toEqual([]);
    expect(studentParts(null)).toEqual([]);
    expect(distinctParts([classPart('truong', YEAR, '10A1'), ...studentParts(mover, YEAR)])).toHaveLength(2);
  });
});

describe('a class’s figures', () => {
  // Term I only, every scored subject at one mark and every comment subject ĐẠT (TT22 Điều 9):
  // 9.0 everywhere → TỐT (all ≥ 6.5, 9 subjects ≥ 8.0); 7.0 → KHÁ (all ≥ 5.0, 9 ≥ 6.5);
  // 3.0 → CHƯA ĐẠT (below 3.5, and removing one subject leaves others below 3.5 too).
  const marks: Record<string, number> = { hs1: 9, hs2: 7, hs3: 3 };
  const students = Object.keys(marks).map((id) => student(id, [['10A1', '2025-09-05', null]]));
  const books = [
    ...SCORED.map((code) =>
      gradebook(
        '10A1',
        code,
        Object.entries(marks).map(([id, mark]) => row(id, uniform(code, mark))),
      ),
    ),
    ...COMMENTED.map((code) =>
      gradebook(
        '10A1',
        code,
        Object.keys(marks).map((id) => row(id, uniform(code, id === 'hs3' ? 'CHUA_DAT' : 'DAT'))),
      ),
    ),
  ];
  const { figures, students: counted } = classFigures({
    classId: '10A1',
    schoolYear: YEAR,
    grade: 10,
    students,
    gradebooks: books,
  });
  const counts: Counts = countsOf(figures);

  it('counts each student once per period by learning level, and not yet complete apart', () => {
    expect(counted).toBe(3);
    const learning = Object.fromEntries(
      Object.entries(counts).filter(([k]) => k.startsWith('learningResults~')),
    );
    expect(learning).toEqual({
      [key('learningResults', 'TERM_1', 'TOT')]: 1,
      [key('learningResults', 'TERM_1', 'KHA')]: 1,
      [key('learningResults', 'TERM_1', 'CHUA_DAT')]: 1,
      [key('learningResults', 'TERM_2', 'INCOMPLETE')]: 3,
      [key('learningResults', 'YEAR', 'INCOMPLETE')]: 3,
    });
  });

  it('puts each scored subject’s term average in its band, with the sum for the mean', () => {
    for (const code of SCORED) {
      expect(counts[key('subjectScores', 'TERM_1', 'B9', code)]).toBe(1);
      expect(counts[key('subjectScores', 'TERM_1', 'B7', code)]).toBe(1);
      expect(counts[key('subjectScores', 'TERM_1', 'B3', code)]).toBe(1);
      expect(counts[key('subjectScores', 'TERM_1', 'SUM', code)]).toBe(9 + 7 + 3);
      // No term II marks: nobody has a term II or a year average.
      expect(counts[key('subjectScores', 'TERM_2', 'SUM', code)]).toBeUndefined();
      expect(counts[key('subjectScores', 'YEAR', 'SUM', code)]).toBeUndefined();
    }
  });

  it('counts comment subjects ĐẠT / CHƯA ĐẠT, and none in the scored table', () => {
    for (const code of COMMENTED) {
      expect(counts[key('subjectPasses', 'TERM_1', 'DAT', code)]).toBe(2);
      expect(counts[key('subjectPasses', 'TERM_1', 'CHUA_DAT', code)]).toBe(1);
      expect(Object.keys(counts).some((k) => k.startsWith('subjectScores') && k.includes(code))).toBe(false);
    }
  });
});

describe('a student who changed class, and students who left', () => {
  const mover = student('mover', [
    ['10A1', '2025-09-05', '2026-01-15'],
    ['10A2', '2026-01-15', null],
  ]);
  const transferred = student('gone', [['10A1', '2025-09-05', '2025-11-01']], 'TRANSFERRED');
  const nextYear = student('stays', [['10A1', '2025-09-05', '2026-06-01']]);
  const toan1 = gradebook('10A1', 'TOAN', [
    row('mover', uniform('TOAN', 6)),
    row('gone', uniform('TOAN', 5)),
    row('stays', uniform('TOAN', 4), uniform('TOAN', 4)),
  ]);
  const toan2 = gradebook('10A2', 'TOAN', [
    { ...row('mover', null, uniform('TOAN', 8)), reassessment: null },
  ]);
  const input = {
    schoolYear: YEAR,
    grade: 10,
    students: [mover, transferred, nextYear],
    gradebooks: [toan1, toan2],
  };

  it('counts the mover in the new class with the marks of both: term I 6.0, term II 8.0, year 7.3', () => {
    const counts = countsOf(classFigures({ ...input, classId: '10A2' }).figures);
    const scores = Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith('subjectScores~')));
    // (6.0 + 2 × 8.0) / 3 = 7.33 → 7.3
    expect(scores).toEqual({
      [key('subjectScores', 'TERM_1', 'B6', 'TOAN')]: 1,
      [key('subjectScores', 'TERM_1', 'SUM', 'TOAN')]: 6,
      [key('subjectScores', 'TERM_2', 'B8', 'TOAN')]: 1,
      [key('subjectScores', 'TERM_2', 'SUM', 'TOAN')]: 8,
      [key('subjectScores', 'YEAR', 'B7', 'TOAN')]: 1,
      [key('subjectScores', 'YEAR', 'SUM', 'TOAN')]: 7.3,
    });
  });

  it('counts in the old class only who is still there or left for the next year', () => {
    const result = classFigures({ ...input, classId: '10A1' });
    expect(result.students).toBe(1);
    const counts = countsOf(result.figures);
    expect(counts[key('subjectScores', 'YEAR', 'B4', 'TOAN')]).toBe(1);
    expect(counts[key('subjectScores', 'TERM_1', 'SUM', 'TOAN')]).toBe(4);
  });

  it('shows the year after a summer re-assessment: 4.0 re-assessed at 6.0 moves to band 6', () => {
    const reassessed = gradebook('10A1', 'TOAN', [
      {
        ...row('stays', uniform('TOAN', 4), uniform('TOAN', 4)),
        reassessment: { average: 6, result: null, recordedAt: at('2026-07-20'), recordedBy: 'gv' },
      },
    ]);
    const counts = countsOf(classFigures({ ...input, classId: '10A1', gradebooks: [reassessed] }).figures);
    expect(counts[key('subjectScores', 'YEAR', 'B6', 'TOAN')]).toBe(1);
    expect(counts[key('subjectScores', 'YEAR', 'B4', 'TOAN')]).toBeUndefined();
    expect(counts[key('subjectScores', 'TERM_2', 'B4', 'TOAN')]).toBe(1);
  });
});
