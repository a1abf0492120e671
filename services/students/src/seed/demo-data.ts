import { AppError } from '@hocbaso/errors';
import { expectedBirthYear, parseSchoolYear } from '../domain/calendar';
import { formatPersonalId, PROVINCE_CODES, type Gender } from '../domain/personal-id';
import type { Grade } from '../model/class.model';
import { admitStudent, type AdmitStudentInput } from '../usecases/admit-student';
import { SYSTEM_CALLER, type StudentsDeps } from '../usecases/deps';
import { createClass } from '../usecases/manage-classes';
import type { GuardianInput } from '../usecases/student-input';
import { PersonGenerator } from './name-generator';

export const DEMO_CLASSES: ReadonlyArray<{ name: string; grade: Grade }> = [
  { name: '10A1', grade: 10 },
  { name: '10A2', grade: 10 },
  { name: '11A1', grade: 11 },
  { name: '11A2', grade: 11 },
  { name: '12A1', grade: 12 },
  { name: '12A2', grade: 12 },
];
export const DEMO_STUDENTS_PER_CLASS = 40;

export interface SeedDemoStudentsOptions {
  schoolId: string;
  schoolYear: string;
  /** Class name → the homeroom teacher's account id (from identity's demo seed). */
  homeroomTeachers?: Record<string, string>;
}

export interface DemoStudents {
  /** False when the school already had classes for that year: nothing was created. */
  created: boolean;
  /** Class name → class id. */
  classIds: Record<string, string>;
  studentIds: string[];
}

const OCCUPATIONS = [
  'Công nhân',
  'Kỹ sư',
  'Giáo viên',
  'Kinh doanh',
  'Nông dân',
  'Bác sĩ',
  'Lái xe',
  'Nhân viên văn phòng',
  'Bộ đội',
  'Điều dưỡng',
  'Lao động tự do',
  'Nội trợ',
];
const STREETS = [
  'đường Lê Lợi',
  'đường Trần Hưng Đạo',
  'đường Nguyễn Trãi',
  'đường Hai Bà Trưng',
  'đường Lý Thường Kiệt',
  'đường Phan Đình Phùng',
  'đường Nguyễn Huệ',
  'đường Quang Trung',
  'đường Điện Biên Phủ',
  'đường Võ Thị Sáu',
];
const WARDS = [
  'phường Tân Định',
  'phường Bến Thành',
  'phường An Phú',
  'phường Hòa Bình',
  'phường Phú Hội',
  'xã Tân Lập',
];
const MINORITIES = ['Tày', 'Thái', 'Mường', 'Hoa', 'Khmer', 'Nùng', "H'Mông", 'Dao'];
const POLICY_CATEGORIES = ['Con thương binh', 'Con liệt sĩ', 'Hộ nghèo', 'Hộ cận nghèo', 'Con bệnh binh'];
/** Provinces the demo school's students come from: most from its own. */
const DEMO_PROVINCES = ['001', '079', '048', '031', '092', '038', '040', '075'];

export interface DemoClass {
  name: string;
  grade: Grade;
  students: Array<Omit<AdmitStudentInput, 'classId'>>;
}

/**
 * The demo school year of a school, generated (pure and deterministic: the same school and year
 * give the same people on every machine): six classes, two per grade (10A1 to 12A2), forty
 * students each, with realistic Vietnamese names, birth dates fitting their grade, personal IDs
 * in the national format (unique within the school), guardians and addresses.
 */
export function demoSchoolYear(schoolId: string, schoolYear: string): DemoClass[] {
  const start = parseSchoolYear(schoolYear)?.startYear;
  if (start === undefined) throw new Error(`not a school year: ${schoolYear}`);
  const generator = new PersonGenerator(`${schoolId}/${schoolYear}`);
  const homeProvince = generator.pick(DEMO_PROVINCES);
  const usedIds = new Set<string>();
  return DEMO_CLASSES.map(({ name, grade }) => ({
    name,
    grade,
    students: Array.from({ length: DEMO_STUDENTS_PER_CLASS }, () => {
      const person = demoStudent(generator, { grade, start, homeProvince });
      return {
        ...person.input,
        personalId: uniquePersonalId(generator, person, usedIds),
        admittedOn: `${start}-08-15`,
      };
    }),
  }));
}

/**
 * Loads the demo school year (see demoSchoolYear) through the ordinary use cases, as the yearly
 * initial load would. Idempotent: a school that already has classes that year is left alone (its
 * existing classes and students are returned).
 */
export async function seedDemoStudents(
  deps: StudentsDeps,
  options: SeedDemoStudentsOptions,
): Promise<DemoStudents> {
  const { schoolId, schoolYear } = options;
  if (await deps.classes.existsForSchoolYear(schoolId, schoolYear)) {
    const classes = await deps.classes.list({ schoolId, schoolYear });
    const students = await deps.students.findByClassIds(classes.map((c) => c._id));
    return {
      created: false,
      classIds: Object.fromEntries(classes.map((c) => [c.name, c._id])),
      studentIds: students.map((s) => s._id),
    };
  }
  const classIds: Record<string, string> = {};
  const studentIds: string[] = [];
  for (const demoClass of demoSchoolYear(schoolId, schoolYear)) {
    const schoolClass = await createClass(deps, SYSTEM_CALLER, {
      schoolId,
      schoolYear,
      grade: demoClass.grade,
      name: demoClass.name,
      homeroomTeacherId: options.homeroomTeachers?.[demoClass.name] ?? null,
    });
    classIds[demoClass.name] = schoolClass._id;
    for (const input of demoClass.students) {
      studentIds.push((await admitDemoStudent(deps, { ...input, classId: schoolClass._id }))._id);
    }
  }
  return { created: true, classIds, studentIds };
}

/** Admits one demo student; a personal ID another school's demo already drew is drawn again. */
async function admitDemoStudent(deps: StudentsDeps, input: AdmitStudentInput) {
  const redraw = new PersonGenerator(input.personalId);
  for (let attempt = 0, personalId = input.personalId; ; attempt++) {
    try {
      return await admitStudent(deps, SYSTEM_CALLER, { ...input, personalId });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'DUPLICATE_PERSONAL_ID') || attempt >= 5) throw error;
      personalId = `${personalId.slice(0, 6)}${String(redraw.int(0, 999_999)).padStart(6, '0')}`;
    }
  }
}

interface DemoPerson {
  input: Omit<AdmitStudentInput, 'classId' | 'personalId' | 'admittedOn'>;
  provinceCode: string;
}

function demoStudent(
  generator: PersonGenerator,
  context: { grade: Grade; start: number; homeProvince: string },
): DemoPerson {
  const gender = generator.gender();
  const familyName = generator.familyName();
  // Most were born in the grade's year; a few a year earlier (started late or repeated once).
  const birthYear = expectedBirthYear(context.grade, context.start) - (generator.chance(0.06) ? 1 : 0);
  const provinceCode = generator.chance(0.8) ? context.homeProvince : generator.pick(DEMO_PROVINCES);
  const province = PROVINCE_CODES[provinceCode]!;
  const ethnicity = generator.chance(0.88) ? 'Kinh' : generator.pick(MINORITIES);
  const policyCategory =
    ethnicity !== 'Kinh' && generator.chance(0.5)
      ? 'Người dân tộc thiểu số'
      : generator.chance(0.06)
        ? generator.pick(POLICY_CATEGORIES)
        : null;
  return {
    provinceCode,
    input: {
      fullName: generator.fullName(gender, familyName),
      dateOfBirth: generator.dateIn(birthYear),
      gender,
      placeOfBirth: province,
      ethnicity,
      policyCategory,
      address: `Số ${generator.int(1, 250)}, ${generator.pick(STREETS)}, ${generator.pick(WARDS)}, ${
        PROVINCE_CODES[context.homeProvince]
      }`,
      guardians: demoGuardians(generator, familyName),
    },
  };
}

function demoGuardians(generator: PersonGenerator, familyName: string): GuardianInput[] {
  const parent = (relationship: 'FATHER' | 'MOTHER', gender: Gender, family: string): GuardianInput => ({
    relationship,
    fullName: generator.fullName(gender, family),
    occupation: generator.pick(OCCUPATIONS),
    phone: generator.chance(0.9) ? generator.mobilePhone() : null,
  });
  if (generator.chance(0.05)) {
    // Raised by a grandparent or relative.
    return [
      {
        relationship: 'GUARDIAN',
        fullName: generator.fullName('FEMALE'),
        occupation: 'Hưu trí',
        phone: generator.mobilePhone(),
      },
    ];
  }
  return [parent('FATHER', 'MALE', familyName), parent('MOTHER', 'FEMALE', generator.familyName())];
}

function uniquePersonalId(generator: PersonGenerator, person: DemoPerson, used: Set<string>): string {
  for (;;) {
    const id = formatPersonalId(
      {
        provinceCode: person.provinceCode,
        gender: person.input.gender,
        birthYear: Number(person.input.dateOfBirth.slice(0, 4)),
      },
      generator.int(0, 999_999),
    );
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}
