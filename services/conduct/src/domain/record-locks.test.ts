import type { LockScope } from '@hocbaso/events';
import {
  classConductDecision,
  lockCovering,
  missingForPeriod,
  studentYearDecision,
  type ConductPage,
  type ConductWrite,
} from './record-locks';

const YEAR = '2025-2026';
const write = (parts: ConductWrite['parts'], overrides: Partial<ConductWrite> = {}): ConductWrite => ({
  studentId: 'st-1',
  schoolId: 's1',
  schoolYear: YEAR,
  classId: 'c1',
  grade: 11,
  parts,
  ...overrides,
});
type ClassConductScope = Extract<LockScope, { unit: 'CLASS_CONDUCT' }>;
type StudentYearScope = Extract<LockScope, { unit: 'STUDENT_YEAR' }>;

const classLock = (period: 'TERM_1' | 'TERM_2' | 'YEAR', classId = 'c1'): ClassConductScope => ({
  unit: 'CLASS_CONDUCT',
  schoolId: 's1',
  schoolYear: YEAR,
  period,
  classId,
});
const windowLock = (period: 'TERM_1' | 'TERM_2' | 'YEAR', grade: number | null): LockScope => ({
  unit: 'WINDOW',
  schoolId: 's1',
  schoolYear: YEAR,
  period,
  grade,
});
const studentLock = (studentId: string, schoolYear = YEAR): StudentYearScope => ({
  unit: 'STUDENT_YEAR',
  schoolId: 's1',
  schoolYear,
  classId: 'c1',
  studentId,
});

describe('which locks cover a conduct write', () => {
  it('a class lock of a term covers that term’s rating of its students only', () => {
    const lock = classLock('TERM_1');
    expect(lockCovering([lock], write(['TERM_1']))).toBe(lock);
    expect(lockCovering([lock], write(['TERM_2']))).toBeNull();
    // Absences, awards, discipline, the comment, the summer rating: not in a term's content.
    expect(lockCovering([lock], write(['YEAR']))).toBeNull();
    expect(lockCovering([lock], write(['TERM_1'], { classId: 'c2' }))).toBeNull();
    expect(lockCovering([lock], write(['TERM_1'], { schoolYear: '2024-2025' }))).toBeNull();
    // A rating with a comment touches the term: refused.
    expect(lockCovering([lock], write(['TERM_1', 'YEAR']))).toBe(lock);
  });

  it('a class lock of the year covers every part of the page', () => {
    const lock = classLock('YEAR');
    for (const parts of [['TERM_1'], ['TERM_2'], ['YEAR']] as const)
      expect(lockCovering([lock], write(parts))).toBe(lock);
    expect(lockCovering([lock], write(['YEAR'], { classId: null }))).toBeNull();
  });

  it('a student-year lock covers everything of that student in that year', () => {
    const lock = studentLock('st-1');
    for (const parts of [['TERM_1'], ['TERM_2'], ['YEAR']] as const)
      expect(lockCovering([lock], write(parts))).toBe(lock);
    expect(lockCovering([lock], write(['YEAR'], { studentId: 'st-2' }))).toBeNull();
    expect(lockCovering([studentLock('st-1', '2024-2025')], write(['YEAR']))).toBeNull();
  });

  it('a window covers its school, its grade (or all) and its period', () => {
    expect(lockCovering([windowLock('TERM_2', null)], write(['TERM_2']))).not.toBeNull();
    expect(lockCovering([windowLock('TERM_2', 11)], write(['TERM_2']))).not.toBeNull();
    expect(lockCovering([windowLock('TERM_2', 12)], write(['TERM_2']))).toBeNull();
    expect(lockCovering([windowLock('TERM_2', null)], write(['TERM_1']))).toBeNull();
    expect(lockCovering([windowLock('YEAR', 11)], write(['YEAR']))).not.toBeNull();
    expect(lockCovering([windowLock('YEAR', null)], write(['TERM_1'], { schoolId: 's2' }))).toBeNull();
  });

  it('a subject lock never covers conduct, and no lock means the write goes ahead', () => {
    const subject: LockScope = {
      unit: 'SUBJECT',
      schoolId: 's1',
      schoolYear: YEAR,
      period: 'YEAR',
      classId: 'c1',
      subjectCode: 'TOAN',
    };
    expect(lockCovering([subject], write(['YEAR']))).toBeNull();
    expect(lockCovering([], write(['TERM_1']))).toBeNull();
  });
});

const page = (overrides: Partial<ConductPage> = {}): ConductPage => ({
  conductTerm1: 'KHA',
  conductTerm2: 'TOT',
  summerConduct: null,
  homeroomComment: 'Chăm ngoan.',
  absences: [{ excused: true }, { excused: false }, { excused: true }],
  awards: [
    { _id: 'a-2', kind: 'COMMENDATION', title: 'Giải Nhì Olympic', grantedOn: '2026-03-01' },
    { _id: 'a-1', kind: 'COMMENDATION', title: 'Giải Nhất Toán', grantedOn: '2025-12-01' },
  ],
  discipline: [{ _id: 'd-1', form: 'Khiển trách', reason: 'Đi học muộn', decidedOn: '2025-11-02' }],
  standing: { learning: 'TOT', conduct: 'TOT', outcome: 'PROMOTED', title: 'GOOD' },
  confirmedOutcome: { outcome: 'PROMOTED' },
  ...overrides,
});

describe('what a period needs before it can be locked', () => {
  it('names the missing fields', () => {
    expect(missingForPeriod('TERM_1', null)).toEqual(['conductTerm1']);
    expect(missingForPeriod('TERM_2', page({ conductTerm2: null }))).toEqual(['conductTerm2']);
    expect(missingForPeriod('TERM_1', page({ conductTerm2: null }))).toEqual([]);
    expect(missingForPeriod('YEAR', null)).toEqual([
      'conductTerm1',
      'conductTerm2',
      'conductYear',
      'outcome',
    ]);
    expect(
      missingForPeriod(
        'YEAR',
        page({ standing: { learning: null, conduct: 'TOT', outcome: null, title: null } }),
      ),
    ).toEqual(['outcome']);
    expect(missingForPeriod('YEAR', page())).toEqual([]);
  });
});

describe('the content conduct confirms', () => {
  it('a term: each student’s rating of that term, by student id', () => {
    const decision = classConductDecision(classLock('TERM_2'), [
      { studentId: 'st-b', record: page({ conductTerm2: 'DAT' }) },
      { studentId: 'st-a', record: page() },
    ]);
    expect(decision).toEqual({
      outcome: 'APPLIED',
      content: {
        schoolYear: YEAR,
        classId: 'c1',
        period: 'TERM_2',
        students: [
          { studentId: 'st-a', conductTerm2: 'TOT' },
          { studentId: 'st-b', conductTerm2: 'DAT' },
        ],
      },
    });
  });

  it('the year: the whole page, awards and discipline in date order, plain JSON', () => {
    const decision = classConductDecision(classLock('YEAR'), [{ studentId: 'st-a', record: page() }]);
    expect(decision).toEqual({
      outcome: 'APPLIED',
      content: {
        schoolYear: YEAR,
        classId: 'c1',
        period: 'YEAR',
        students: [
          {
            studentId: 'st-a',
            conductTerm1: 'KHA',
            conductTerm2: 'TOT',
            conductYear: 'TOT',
            summerConduct: null,
            absences: { total: 3, excused: 2, unexcused: 1 },
            awards: [
              { id: 'a-1', kind: 'COMMENDATION', title: 'Giải Nhất Toán', grantedOn: '2025-12-01' },
              { id: 'a-2', kind: 'COMMENDATION', title: 'Giải Nhì Olympic', grantedOn: '2026-03-01' },
            ],
            discipline: [{ id: 'd-1', form: 'Khiển trách', reason: 'Đi học muộn', decidedOn: '2025-11-02' }],
            learningResult: 'TOT',
            outcome: 'PROMOTED',
            title: 'GOOD',
            outcomeConfirmed: true,
            homeroomComment: 'Chăm ngoan.',
          },
        ],
      },
    });
    // Survives a JSON round trip unchanged: nothing but plain JSON values.
    expect(JSON.parse(JSON.stringify(decision))).toEqual(decision);
  });

  it('an outcome confirmed before it changed is not confirmed', () => {
    const decision = classConductDecision(classLock('YEAR'), [
      {
        studentId: 'st-a',
        record: page({
          standing: { learning: 'CHUA_DAT', conduct: 'TOT', outcome: 'SUMMER_REASSESSMENT', title: null },
        }),
      },
    ]);
    expect(decision.outcome === 'APPLIED' && decision.content).toMatchObject({
      students: [{ outcome: 'SUMMER_REASSESSMENT', outcomeConfirmed: false }],
    });
  });

  it('refuses an incomplete class with CONDUCT_INCOMPLETE naming each student and what is missing', () => {
    const decision = classConductDecision(classLock('YEAR'), [
      { studentId: 'st-c', record: null },
      { studentId: 'st-a', record: page() },
      {
        studentId: 'st-b',
        record: page({ standing: { learning: null, conduct: 'TOT', outcome: null, title: null } }),
      },
    ]);
    expect(decision).toMatchObject({
      outcome: 'REFUSED',
      code: 'CONDUCT_INCOMPLETE',
      details: ['st-b: outcome', 'st-c: conductTerm1, conductTerm2, conductYear, outcome'],
    });
    expect(classConductDecision(classLock('TERM_1'), [])).toMatchObject({
      outcome: 'REFUSED',
      code: 'CONDUCT_INCOMPLETE',
    });
  });

  it('a student’s year: the page with its class, refused while the year is not finished', () => {
    const scope = studentLock('st-a');
    const applied = studentYearDecision(scope, {
      classId: 'c1',
      record: page({ awards: [], discipline: [] }),
    });
    expect(applied).toEqual({
      outcome: 'APPLIED',
      content: {
        schoolYear: YEAR,
        classId: 'c1',
        studentId: 'st-a',
        conductTerm1: 'KHA',
        conductTerm2: 'TOT',
        conductYear: 'TOT',
        summerConduct: null,
        absences: { total: 3, excused: 2, unexcused: 1 },
        awards: [],
        discipline: [],
        learningResult: 'TOT',
        outcome: 'PROMOTED',
        title: 'GOOD',
        outcomeConfirmed: true,
        homeroomComment: 'Chăm ngoan.',
      },
    });
    expect(studentYearDecision(scope, { classId: 'c1', record: page({ conductTerm2: null }) })).toMatchObject(
      {
        outcome: 'REFUSED',
        code: 'CONDUCT_INCOMPLETE',
        details: ['st-a: conductTerm2'],
      },
    );
    expect(studentYearDecision(scope, null)).toMatchObject({ outcome: 'REFUSED', code: 'NOT_FOUND' });
  });
});
