import { expectedBirthYear } from '../domain/calendar';
import { checkPersonalId } from '../domain/personal-id';
import { isPlausibleFullName } from '../domain/text';
import { DEMO_STUDENTS_PER_CLASS, demoSchoolYear } from './demo-data';

describe('demo school year (pure generation)', () => {
  const year = demoSchoolYear('school-demo', '2025-2026');
  const students = year.flatMap((c) => c.students.map((s) => ({ ...s, grade: c.grade })));

  it('has two classes per grade with forty students each', () => {
    expect(year.map((c) => [c.name, c.grade])).toEqual([
      ['10A1', 10],
      ['10A2', 10],
      ['11A1', 11],
      ['11A2', 11],
      ['12A1', 12],
      ['12A2', 12],
    ]);
    for (const c of year) expect(c.students).toHaveLength(DEMO_STUDENTS_PER_CLASS);
  });

  it('is deterministic: the same school and year give the same people, another school others', () => {
    expect(demoSchoolYear('school-demo', '2025-2026')).toEqual(year);
    const other = demoSchoolYear('another-school', '2025-2026');
    expect(other.flatMap((c) => c.students.map((s) => s.fullName))).not.toEqual(
      students.map((s) => s.fullName),
    );
  });

  it('gives unique, valid personal IDs that agree with gender and year of birth', () => {
    expect(new Set(students.map((s) => s.personalId)).size).toBe(students.length);
    for (const s of students) {
      expect(checkPersonalId(s.personalId, { gender: s.gender, dateOfBirth: s.dateOfBirth })).toBeNull();
    }
  });

  it('makes realistic people: three-part NFC names, birth years of the grade, guardians, addresses', () => {
    for (const s of students) {
      expect(isPlausibleFullName(s.fullName)).toBe(true);
      expect(s.fullName).toBe(s.fullName.normalize('NFC'));
      expect(s.fullName.split(' ')).toHaveLength(3);
      const expected = expectedBirthYear(s.grade, 2025);
      expect([expected - 1, expected]).toContain(Number(s.dateOfBirth.slice(0, 4)));
      expect(s.guardians.length).toBeGreaterThanOrEqual(1);
      expect(s.address).toMatch(/^Số \d+, /);
    }
    expect(new Set(students.map((s) => s.gender)).size).toBe(2);
    expect(new Set(students.map((s) => s.fullName.split(' ')[0])).size).toBeGreaterThan(8);
    expect(students.filter((s) => s.ethnicity === 'Kinh').length).toBeGreaterThan(180);
  });

  it('refuses something that is not a school year', () => {
    expect(() => demoSchoolYear('x', '2025')).toThrow('not a school year');
  });
});
