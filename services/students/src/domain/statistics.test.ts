import { countsOf } from '@hocbaso/statistics';
import { ENROLMENT_TABLE, enrolmentFigures, type StudentStanding } from './statistics';

const SCHOOL = 'school-a';
const OTHER_SCHOOL = 'school-b';
const YEAR = '2025-2026';
const NEXT_YEAR = '2026-2027';

const at = (day: string) => new Date(`${day}T08:00:00.000Z`);

type Enrolment = StudentStanding['enrolments'][number];
const enrolment = (
  classId: string,
  grade: 10 | 11 | 12,
  kind: Enrolment['kind'],
  recordedOn: string,
  leftOn: string | null = null,
  schoolYear = YEAR,
  schoolId = SCHOOL,
): Enrolment => ({ schoolId, classId, schoolYear, grade, kind, leftOn, recordedAt: at(recordedOn) });

/** One student's figures, as cell → value, for one class of a school year. */
const cellsOf = (student: StudentStanding, classId: string, schoolYear = YEAR, schoolId = SCHOOL) => {
  const figures = enrolmentFigures(student, { schoolId, schoolYear, classId });
  return figures && countsOf(figures);
};

/** The cells a student counted once under `status` in `grade` adds: one per term and the year. */
const once = (grade: number, status: string) => ({
  [`enrolment~TERM_1~${grade}~~${status}`]: 1,
  [`enrolment~TERM_2~${grade}~~${status}`]: 1,
  [`enrolment~YEAR~${grade}~~${status}`]: 1,
});

describe('the enrolment table (sĩ số học sinh)', () => {
  it('has a column per student status, labelled as in the schema, and their total', () => {
    expect(ENROLMENT_TABLE.columns).toEqual([
      { key: 'STUDYING', label: 'Đang học' },
      { key: 'TRANSFERRED', label: 'Đã chuyển trường' },
      { key: 'REPEATING', label: 'Lưu ban' },
      { key: 'COMPLETED', label: 'Hoàn thành chương trình lớp học' },
      { key: 'GRADUATED', label: 'Tốt nghiệp trung học phổ thông' },
      { key: 'DROPPED_OUT', label: 'Thôi học' },
    ]);
    expect(ENROLMENT_TABLE).toMatchObject({ name: 'enrolment', title: 'Sĩ số học sinh' });
  });
});

describe('enrolmentFigures', () => {
  const admitted: StudentStanding = {
    status: 'STUDYING',
    enrolments: [enrolment('10A1', 10, 'ADMITTED', '2025-08-15')],
    statusHistory: [{ status: 'STUDYING', recordedAt: at('2025-08-15') }],
  };

  it('counts a student of the class once, under their status, in the class grade, for both terms and the year', () => {
    expect(cellsOf(admitted, '10A1')).toEqual(once(10, 'STUDYING'));
  });

  it('does not count a student in a class they were never in (another class, year or school)', () => {
    expect(cellsOf(admitted, '10A2')).toBeNull();
    expect(cellsOf(admitted, '10A1', NEXT_YEAR)).toBeNull();
    expect(cellsOf(admitted, '10A1', YEAR, OTHER_SCHOOL)).toBeNull();
  });

  it('counts a student who dropped out, still in the class, under DROPPED_OUT', () => {
    const droppedOut: StudentStanding = {
      ...admitted,
      status: 'DROPPED_OUT',
      statusHistory: [...admitted.statusHistory, { status: 'DROPPED_OUT', recordedAt: at('2026-01-10') }],
    };
    expect(cellsOf(droppedOut, '10A1')).toEqual(once(10, 'DROPPED_OUT'));
  });

  it('moves a student who changed class: the new class counts them, the old one no more', () => {
    const moved: StudentStanding = {
      ...admitted,
      enrolments: [
        enrolment('10A1', 10, 'ADMITTED', '2025-08-15', '2025-10-01'),
        enrolment('10A2', 10, 'CLASS_CHANGE', '2025-10-01'),
      ],
    };
    expect(cellsOf(moved, '10A1')).toBeNull();
    expect(cellsOf(moved, '10A2')).toEqual(once(10, 'STUDYING'));
  });

  it('counts a student back in a class they left and came back to', () => {
    const back: StudentStanding = {
      ...admitted,
      enrolments: [
        enrolment('10A1', 10, 'ADMITTED', '2025-08-15', '2025-10-01'),
        enrolment('10A2', 10, 'CLASS_CHANGE', '2025-10-01', '2025-11-01'),
        enrolment('10A1', 10, 'CLASS_CHANGE', '2025-11-01'),
      ],
    };
    expect(cellsOf(back, '10A1')).toEqual(once(10, 'STUDYING'));
    expect(cellsOf(back, '10A2')).toBeNull();
  });

  it('no longer counts a student who transferred out, in the class they left', () => {
    const transferred: StudentStanding = {
      status: 'TRANSFERRED',
      enrolments: [enrolment('10A1', 10, 'ADMITTED', '2025-08-15', '2026-02-01')],
      statusHistory: [...admitted.statusHistory, { status: 'TRANSFERRED', recordedAt: at('2026-02-01') }],
    };
    expect(cellsOf(transferred, '10A1')).toBeNull();
  });

  it('counts a student received from another school in the new class only', () => {
    const received: StudentStanding = {
      status: 'STUDYING',
      enrolments: [
        enrolment('10B3', 10, 'ADMITTED', '2025-08-15', '2026-02-01', YEAR, OTHER_SCHOOL),
        enrolment('10A1', 10, 'TRANSFERRED_IN', '2026-02-01'),
      ],
      statusHistory: admitted.statusHistory,
    };
    expect(cellsOf(received, '10B3', YEAR, OTHER_SCHOOL)).toBeNull();
    expect(cellsOf(received, '10A1')).toEqual(once(10, 'STUDYING'));
  });

  it("keeps a student who went on to the next year in last year's class, under the status they ended it with", () => {
    // Lưu ban at the end of 2025-2026, then studying grade 10 again in 2026-2027.
    const repeating: StudentStanding = {
      status: 'STUDYING',
      enrolments: [
        enrolment('10A1', 10, 'ADMITTED', '2025-08-15', '2026-08-20'),
        enrolment('10A3', 10, 'NEW_SCHOOL_YEAR', '2026-08-20', null, NEXT_YEAR),
      ],
      statusHistory: [
        { status: 'STUDYING', recordedAt: at('2025-08-15') },
        { status: 'REPEATING', recordedAt: at('2026-05-30') },
        { status: 'STUDYING', recordedAt: at('2026-08-20') },
      ],
    };
    expect(cellsOf(repeating, '10A1')).toEqual(once(10, 'REPEATING'));
    expect(cellsOf(repeating, '10A3', NEXT_YEAR)).toEqual(once(10, 'STUDYING'));

    // Promoted without a status change: studying at the end of the year, in grade 11 now.
    const promoted: StudentStanding = {
      status: 'STUDYING',
      enrolments: [
        enrolment('10A1', 10, 'ADMITTED', '2025-08-15', '2026-08-20'),
        enrolment('11A1', 11, 'NEW_SCHOOL_YEAR', '2026-08-20', null, NEXT_YEAR),
      ],
      statusHistory: admitted.statusHistory,
    };
    expect(cellsOf(promoted, '10A1')).toEqual(once(10, 'STUDYING'));
    expect(cellsOf(promoted, '11A1', NEXT_YEAR)).toEqual(once(11, 'STUDYING'));
  });
});
