import type { LockScope } from '@hocbaso/events';
import { lockCovering, studentYearDecision, type StudentYearSource } from './record-locks';

type StudentYearScope = Extract<LockScope, { unit: 'STUDENT_YEAR' }>;
const yearLock = (studentId: string, schoolYear = '2025-2026', schoolId = 'school-a'): StudentYearScope => ({
  unit: 'STUDENT_YEAR',
  schoolId,
  schoolYear,
  classId: 'c-11a1',
  studentId,
});

describe('which locks cover a write of a student', () => {
  it('a year lock of the student covers their personal data, whatever the year', () => {
    const lock = yearLock('hs-1', '2024-2025');
    expect(lockCovering([lock], { kind: 'PERSONAL_DATA', studentId: 'hs-1' })).toBe(lock);
    expect(lockCovering([lock], { kind: 'PERSONAL_DATA', studentId: 'hs-2' })).toBeNull();
  });

  it('covers the student’s class of that year only', () => {
    const lock = yearLock('hs-1', '2025-2026');
    expect(lockCovering([lock], { kind: 'CLASS', studentId: 'hs-1', schoolYear: '2025-2026' })).toBe(lock);
    expect(lockCovering([lock], { kind: 'CLASS', studentId: 'hs-1', schoolYear: '2026-2027' })).toBeNull();
    expect(lockCovering([lock], { kind: 'CLASS', studentId: 'hs-2', schoolYear: '2025-2026' })).toBeNull();
  });

  it('other units are not students’ data', () => {
    const others: LockScope[] = [
      { unit: 'WINDOW', schoolId: 'school-a', schoolYear: '2025-2026', period: 'YEAR', grade: null },
      { unit: 'CLASS_CONDUCT', schoolId: 'school-a', schoolYear: '2025-2026', period: 'YEAR', classId: 'c' },
      {
        unit: 'SUBJECT',
        schoolId: 'school-a',
        schoolYear: '2025-2026',
        period: 'YEAR',
        classId: 'c',
        subjectCode: 'TOAN',
      },
    ];
    expect(lockCovering(others, { kind: 'PERSONAL_DATA', studentId: 'hs-1' })).toBeNull();
    expect(lockCovering(others, { kind: 'CLASS', studentId: 'hs-1', schoolYear: '2025-2026' })).toBeNull();
  });
});

const student: StudentYearSource = {
  _id: 'hs-1',
  personalId: '001310012345',
  fullName: 'Nguyễn Thị Thu Hà',
  dateOfBirth: '2010-03-15',
  gender: 'FEMALE',
  placeOfBirth: 'Hà Nội',
  ethnicity: 'Kinh',
  policyCategory: null,
  address: 'Số 12, đường Lê Lợi',
  guardians: [
    { relationship: 'GUARDIAN', fullName: 'Trần Văn An', occupation: null, phone: null },
    { relationship: 'MOTHER', fullName: 'Lê Thị Lan', occupation: 'Giáo viên', phone: '0987654321' },
    { relationship: 'FATHER', fullName: 'Nguyễn Văn Hùng', occupation: 'Kỹ sư', phone: '0912345678' },
  ],
  enrolments: [
    { schoolId: 'school-a', classId: 'c-10a1', className: '10A1', schoolYear: '2024-2025', grade: 10 },
    { schoolId: 'school-a', classId: 'c-11a2', className: '11A2', schoolYear: '2025-2026', grade: 11 },
    { schoolId: 'school-a', classId: 'c-11a1', className: '11A1', schoolYear: '2025-2026', grade: 11 },
    { schoolId: 'school-b', classId: 'c-11b', className: '11B', schoolYear: '2025-2026', grade: 11 },
  ],
};

describe('the content the students service confirms for a student’s year', () => {
  it('the personal page and the latest class of that year at that school, guardians father, mother, guardian', () => {
    expect(studentYearDecision(yearLock('hs-1'), student)).toEqual({
      outcome: 'APPLIED',
      content: {
        schoolYear: '2025-2026',
        studentId: 'hs-1',
        classId: 'c-11a1',
        className: '11A1',
        grade: 11,
        personal: {
          personalId: '001310012345',
          fullName: 'Nguyễn Thị Thu Hà',
          dateOfBirth: '2010-03-15',
          gender: 'FEMALE',
          placeOfBirth: 'Hà Nội',
          ethnicity: 'Kinh',
          policyCategory: null,
          address: 'Số 12, đường Lê Lợi',
          guardians: [
            { relationship: 'FATHER', fullName: 'Nguyễn Văn Hùng', occupation: 'Kỹ sư', phone: '0912345678' },
            { relationship: 'MOTHER', fullName: 'Lê Thị Lan', occupation: 'Giáo viên', phone: '0987654321' },
            { relationship: 'GUARDIAN', fullName: 'Trần Văn An', occupation: null, phone: null },
          ],
        },
      },
    });
    expect(studentYearDecision(yearLock('hs-1', '2024-2025'), student)).toMatchObject({
      outcome: 'APPLIED',
      content: { classId: 'c-10a1', className: '10A1', grade: 10 },
    });
  });

  it('refuses a student or a year not known here', () => {
    expect(studentYearDecision(yearLock('hs-9'), null)).toMatchObject({
      outcome: 'REFUSED',
      code: 'NOT_FOUND',
    });
    expect(studentYearDecision(yearLock('hs-1', '2023-2024'), student)).toMatchObject({
      outcome: 'REFUSED',
      code: 'NOT_FOUND',
    });
    expect(studentYearDecision(yearLock('hs-1', '2024-2025', 'school-b'), student)).toMatchObject({
      outcome: 'REFUSED',
    });
  });
});
