import type { LockScope } from '@hocbaso/events';
import {
  coveringLock,
  exemptionPeriods,
  gradebookLock,
  lockedMessage,
  recordLocked,
  studentLock,
  type StudentWrite,
  type WritePeriod,
} from './lock-coverage';

const YEAR = '2025-2026';
const base = { schoolId: 'school-1', schoolYear: YEAR };

const subject = (classId: string, subjectCode: string, period: 'TERM_1' | 'TERM_2' | 'YEAR'): LockScope => ({
  unit: 'SUBJECT',
  ...base,
  classId,
  subjectCode,
  period,
});
const studentYear = (studentId: string, schoolYear = YEAR): LockScope => ({
  unit: 'STUDENT_YEAR',
  schoolId: 'school-1',
  schoolYear,
  classId: '10A1',
  studentId,
});
const window = (period: 'TERM_1' | 'TERM_2' | 'YEAR', grade: number | null): LockScope => ({
  unit: 'WINDOW',
  ...base,
  period,
  grade,
});
const conduct: LockScope = { unit: 'CLASS_CONDUCT', ...base, period: 'YEAR', classId: '10A1' };

/** A write of student hs-1 (in 10A1 all year) to the 10A1 gradebook of Toán, grade 10. */
const write = (periods: WritePeriod[], overrides: Partial<StudentWrite> = {}): StudentWrite => ({
  gradebook: { schoolYear: YEAR, classId: '10A1', subjectCode: 'TOAN', grade: 10 },
  periods,
  studentId: 'hs-1',
  studentClassIds: ['10A1'],
  ...overrides,
});

const covered = (lock: LockScope, periods: WritePeriod[], overrides: Partial<StudentWrite> = {}) =>
  coveringLock([lock], write(periods, overrides)) !== null;

describe('which lock covers a write', () => {
  it('SUBJECT: the class gradebook of that subject for the term, or both terms for the year', () => {
    expect(covered(subject('10A1', 'TOAN', 'TERM_1'), ['TERM_1'])).toBe(true);
    expect(covered(subject('10A1', 'TOAN', 'TERM_1'), ['TERM_2'])).toBe(false);
    expect(covered(subject('10A1', 'TOAN', 'YEAR'), ['TERM_2'])).toBe(true);
    // An exemption for the year touches the signed term too.
    expect(covered(subject('10A1', 'TOAN', 'TERM_1'), ['YEAR'])).toBe(true);
    expect(covered(subject('10A1', 'NGU_VAN', 'YEAR'), ['TERM_1'])).toBe(false);
    expect(covered(subject('10A2', 'TOAN', 'YEAR'), ['TERM_1'])).toBe(false);
  });

  it('SUBJECT YEAR does not cover the summer re-assessment, which comes after the year', () => {
    expect(covered(subject('10A1', 'TOAN', 'YEAR'), ['SUMMER'])).toBe(false);
  });

  it('SUBJECT also covers the rows, in another class, of a student who was in the signed class', () => {
    const moved = { studentClassIds: ['10A1', '10A2'] };
    const lock = subject('10A1', 'TOAN', 'TERM_1');
    const in10A2 = write(['TERM_1'], { ...moved, gradebook: { ...write([]).gradebook, classId: '10A2' } });
    expect(gradebookLock([lock], in10A2.gradebook, in10A2.periods)).toBeNull();
    expect(studentLock([lock], in10A2)).toBe(lock);
    // Not a student who was never in 10A1, nor another term.
    expect(studentLock([lock], { ...in10A2, studentClassIds: ['10A2'] })).toBeNull();
    expect(studentLock([lock], { ...in10A2, periods: ['TERM_2'] })).toBeNull();
  });

  it('STUDENT_YEAR: every row of that student in the year, the re-assessment included, row by row', () => {
    const lock = studentYear('hs-1');
    for (const period of ['TERM_1', 'TERM_2', 'YEAR', 'SUMMER'] as const) {
      expect(covered(lock, [period])).toBe(true);
    }
    expect(covered(lock, ['TERM_1'], { gradebook: { ...write([]).gradebook, subjectCode: 'NGU_VAN' } })).toBe(
      true,
    );
    expect(covered(lock, ['TERM_1'], { studentId: 'hs-2' })).toBe(false);
    expect(covered(studentYear('hs-1', '2024-2025'), ['TERM_1'])).toBe(false);
    expect(gradebookLock([lock], write([]).gradebook, ['TERM_1'])).toBeNull();
  });

  it('WINDOW: every gradebook of the school or of its grade for the period; the YEAR window covers the summer', () => {
    expect(covered(window('TERM_1', null), ['TERM_1'])).toBe(true);
    expect(covered(window('TERM_1', 10), ['TERM_1'])).toBe(true);
    expect(covered(window('TERM_1', 11), ['TERM_1'])).toBe(false);
    expect(covered(window('TERM_1', null), ['TERM_2'])).toBe(false);
    expect(covered(window('YEAR', null), ['TERM_2'])).toBe(true);
    expect(covered(window('YEAR', 10), ['SUMMER'])).toBe(true);
    expect(covered(window('TERM_2', 10), ['SUMMER'])).toBe(false);
  });

  it('CLASS_CONDUCT is conduct’s: it covers nothing here', () => {
    expect(covered(conduct, ['TERM_1', 'TERM_2', 'YEAR', 'SUMMER'])).toBe(false);
  });

  it('is covered when any of the periods is', () => {
    expect(covered(subject('10A1', 'TOAN', 'TERM_2'), ['TERM_1', 'TERM_2'])).toBe(true);
    expect(coveringLock([], write(['TERM_1']))).toBeNull();
  });

  it('prefers the lock of the whole gradebook over a student’s', () => {
    const whole = subject('10A1', 'TOAN', 'TERM_1');
    expect(coveringLock([studentYear('hs-1'), whole], write(['TERM_1']))).toBe(whole);
  });
});

describe('the periods an exemption change touches', () => {
  const record = (period: 'TERM_1' | 'TERM_2' | 'YEAR', cancelled = false) => ({ period, cancelled });

  it('is the new period, and the period of the exemption it replaces', () => {
    expect(exemptionPeriods(null, record('TERM_2'))).toEqual(['TERM_2']);
    expect(exemptionPeriods(record('TERM_1'), record('TERM_2'))).toEqual(['TERM_1', 'TERM_2']);
    expect(exemptionPeriods(record('TERM_1', true), record('TERM_2'))).toEqual(['TERM_2']);
  });

  it('is the cancelled exemption’s period for a cancellation, the year when nothing was in force', () => {
    expect(exemptionPeriods(record('TERM_1'), record('YEAR', true))).toEqual(['TERM_1']);
    expect(exemptionPeriods(null, record('YEAR', true))).toEqual(['YEAR']);
  });
});

describe('the refusal', () => {
  it('is RECORD_LOCKED, in Vietnamese, naming what was locked', () => {
    const error = recordLocked(window('TERM_1', 10));
    expect(error.extensions.code).toBe('RECORD_LOCKED');
    expect(error.message).toBe(lockedMessage(window('TERM_1', 10)));
    expect(error.message).toContain('học kì I khối 10');
    expect(lockedMessage(subject('10A1', 'TOAN', 'YEAR'))).toContain('cả năm');
    expect(lockedMessage(studentYear('hs-1'))).toContain('đã được phê duyệt và khóa');
  });
});
