import { randomUUID } from 'node:crypto';
import type { Principal } from '@hocbaso/service-kit';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import { UPDATE_PERSONAL } from './fragments';
import {
  adminOf,
  errorCodes,
  homeroomTeacherOf,
  parentOf,
  principalWith,
  staffOf,
  StudentsHarness,
  subjectTeacherOf,
} from './harness';

jest.setTimeout(90_000);

const ROSTER = `query($classId: ID!) {
  students(classId: $classId) {
    id fullName gender status currentClass { name }
    personalId dateOfBirth placeOfBirth ethnicity policyCategory address guardians { fullName phone }
  }
}`;
const ONE = `query($id: ID!) { student(id: $id) { id fullName personalId dateOfBirth address guardians { phone } } }`;
const CLASS = `query($id: ID!) { class(id: $id) { id name students { id fullName } } }`;
const PERSONAL_FIELDS = [
  'personalId',
  'dateOfBirth',
  'placeOfBirth',
  'ethnicity',
  'policyCategory',
  'address',
  'guardians',
];

describe('row scope: who reads and edits which student', () => {
  let harness: StudentsHarness;
  const schoolA = `school-a-${randomUUID()}`;
  const schoolB = `school-b-${randomUUID()}`;
  let a1: ClassDocument;
  let a2: ClassDocument;
  let b1: ClassDocument;
  let inA1: StudentDocument[];
  let inA2: StudentDocument;
  let inB1: StudentDocument;

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_scope');
    a1 = await harness.createClass(schoolA, '10A1');
    a2 = await harness.createClass(schoolA, '10A2');
    b1 = await harness.createClass(schoolB, '10A1');
    inA1 = [
      await harness.admit(a1, { fullName: 'Trần Văn Bình', gender: 'MALE', personalId: '001210000101' }),
      await harness.admit(a1, { fullName: 'Lê Thị An', personalId: '001310000102' }),
    ];
    inA2 = await harness.admit(a2, { fullName: 'Phạm Minh Đức', gender: 'MALE', personalId: '001210000103' });
    inB1 = await harness.admit(b1, { fullName: 'Võ Thị Yến', personalId: '001310000104' });
  });
  afterAll(() => harness?.close());

  const roster = (principal: Principal | null, classId: string) =>
    harness.as<{ students: Array<Record<string, unknown>> }>(principal, ROSTER, { classId });
  const one = (principal: Principal | null, id: string) =>
    harness.as<{ student: Record<string, unknown> | null }>(principal, ONE, { id });

  describe('the school’s leadership and administration', () => {
    it.each([
      ['academic staff', () => staffOf(schoolA)],
      ['the principal', () => principalWith([['PRINCIPAL', { schoolId: schoolA, grade: 10 }]])],
      ['a vice principal', () => principalWith([['VICE_PRINCIPAL', { schoolId: schoolA, grade: 11 }]])],
      ['the system admin', () => adminOf(schoolA)],
      ['an inspector', () => principalWith([['INSPECTOR', { schoolId: null }]])],
    ])(
      '%s reads every student of the school with personal data, ordered by given name',
      async (_who, make) => {
        const result = await roster(make(), a1._id);
        expect(result.errors).toBeUndefined();
        expect(result.data?.students.map((s) => s.fullName)).toEqual(['Lê Thị An', 'Trần Văn Bình']);
        expect(result.data?.students[0]).toMatchObject({
          personalId: '001310000102',
          address: expect.any(String),
        });
        expect((await one(make(), inA2._id)).data?.student).toMatchObject({
          id: inA2._id,
          personalId: '001210000103',
        });
      },
    );

    it('staff of another school see none of them, not even by personal ID', async () => {
      const staffB = staffOf(schoolB);
      expect((await roster(staffB, a1._id)).data).toEqual({ students: [] });
      expect((await one(staffB, inA1[0]!._id)).data).toEqual({ student: null });
      expect((await harness.as(staffB, CLASS, { id: a1._id })).data).toEqual({ class: null });
      const byId = `query($p: String!) { studentByPersonalId(personalId: $p) { id } }`;
      expect((await harness.as(staffB, byId, { p: inA1[0]!.personalId })).data).toEqual({
        studentByPersonalId: null,
      });
      expect((await harness.as(staffOf(schoolA), byId, { p: '001 210 000101' })).data).toEqual({
        studentByPersonalId: { id: inA1[0]!._id },
      });
      expect(
        (await harness.as(homeroomTeacherOf(schoolA, a1._id), byId, { p: inA1[0]!.personalId })).data,
      ).toEqual({
        studentByPersonalId: null,
      });
    });
  });

  describe('a homeroom teacher', () => {
    const homeroom = () => homeroomTeacherOf(schoolA, a1._id);

    it('reads their own class with personal data, and nothing of another class', async () => {
      const own = await roster(homeroom(), a1._id);
      expect(own.errors).toBeUndefined();
      expect(own.data?.students).toHaveLength(2);
      expect(own.data?.students[1]).toMatchObject({ fullName: 'Trần Văn Bình', personalId: '001210000101' });
      expect((await roster(homeroom(), a2._id)).data).toEqual({ students: [] });
      expect((await one(homeroom(), inA2._id)).data).toEqual({ student: null });
    });

    it('edits the personal data of a student of their class: NFC, only what was given, audited', async () => {
      const target = inA1[0]!;
      const result = await harness.as<{ updateStudentPersonalData: Record<string, unknown> }>(
        homeroom(),
        UPDATE_PERSONAL,
        {
          input: {
            studentId: target._id,
            fullName: 'Tra\u0302\u0300n Va\u0306n Bi\u0300nh Minh',
            address: 'Số 5, đường Nguyễn Trãi, phường An Phú, Hà Nội',
            policyCategory: 'Con thương binh',
          },
        },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.updateStudentPersonalData).toMatchObject({
        id: target._id,
        fullName: 'Trần Văn Bình Minh',
        address: 'Số 5, đường Nguyễn Trãi, phường An Phú, Hà Nội',
        policyCategory: 'Con thương binh',
        dateOfBirth: target.dateOfBirth,
        placeOfBirth: target.placeOfBirth,
        guardians: target.guardians,
      });
      await harness.settle();
      const stored = await harness.db.collection<StudentDocument>('students').findOne({ _id: target._id });
      expect(stored?.personalDataHistory).toEqual([
        {
          changedAt: expect.any(Date),
          changedBy: expect.any(String),
          requestId: expect.any(String),
          changes: [
            { field: 'fullName', before: 'Trần Văn Bình', after: 'Trần Văn Bình Minh' },
            { field: 'policyCategory', before: null, after: 'Con thương binh' },
            {
              field: 'address',
              before: target.address,
              after: 'Số 5, đường Nguyễn Trãi, phường An Phú, Hà Nội',
            },
          ],
        },
      ]);
    });

    it('cannot edit a student of another class (it looks absent), nor another school’s', async () => {
      for (const student of [inA2, inB1]) {
        const result = await harness.as(homeroom(), UPDATE_PERSONAL, {
          input: { studentId: student._id, address: 'Số 1, đường Lê Lợi, Hà Nội' },
        });
        expect(result.data).toBeNull();
        expect(errorCodes(result)).toEqual(['NOT_FOUND']);
        const stored = await harness.db.collection<StudentDocument>('students').findOne({ _id: student._id });
        expect(stored?.address).toBe(student.address);
        expect(stored?.personalDataHistory).toEqual([]);
      }
    });

    it('refuses a date of birth that contradicts the personal ID, changing nothing', async () => {
      const target = inA1[1]!;
      const result = await harness.as(homeroom(), UPDATE_PERSONAL, {
        input: { studentId: target._id, dateOfBirth: '2009-05-05' },
      });
      expect(errorCodes(result)).toEqual(['VALIDATION_FAILED']);
      expect(result.errors?.[0]?.extensions?.fieldErrors).toEqual([
        expect.objectContaining({ field: 'dateOfBirth', code: 'INVALID_PERSONAL_ID' }),
      ]);
      const stored = await harness.db.collection<StudentDocument>('students').findOne({ _id: target._id });
      expect(stored?.dateOfBirth).toBe(target.dateOfBirth);
    });

    it('others may read but not edit personal data: staff, the principal, a parent, a subject teacher', async () => {
      for (const principal of [
        staffOf(schoolA),
        principalWith([['PRINCIPAL', { schoolId: schoolA }]]),
        parentOf(schoolA, inA1[1]!._id),
      ]) {
        const result = await harness.as(principal, UPDATE_PERSONAL, {
          input: { studentId: inA1[1]!._id, address: 'Số 9, đường Lê Lợi, Hà Nội' },
        });
        expect(errorCodes(result)).toEqual(['FORBIDDEN']);
      }
      const teacher = await harness.as(subjectTeacherOf(schoolA, a1._id), UPDATE_PERSONAL, {
        input: { studentId: inA1[1]!._id, address: 'Số 9, đường Lê Lợi, Hà Nội' },
      });
      expect(errorCodes(teacher)).toEqual(['FORBIDDEN']);
    });
  });

  describe('a subject teacher', () => {
    const teacher = () => subjectTeacherOf(schoolA, a1._id);

    it('sees the names of the class they teach, but personal fields come back null with FORBIDDEN', async () => {
      const result = await roster(teacher(), a1._id);
      expect(result.data?.students).toHaveLength(2);
      for (const student of result.data!.students) {
        expect(student).toMatchObject({
          fullName: expect.any(String),
          status: 'STUDYING',
          currentClass: { name: '10A1' },
        });
        for (const field of PERSONAL_FIELDS) expect(student[field]).toBeNull();
      }
      const forbidden = (result.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN');
      expect(forbidden).toHaveLength(2 * PERSONAL_FIELDS.length);
      expect(forbidden.map((e) => e.path?.at(-1)).sort()).toEqual(
        [...PERSONAL_FIELDS, ...PERSONAL_FIELDS].sort(),
      );
      expect(result.errors?.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
    });

    it('sees nothing of a class they do not teach', async () => {
      expect((await roster(teacher(), a2._id)).data).toEqual({ students: [] });
      expect((await one(teacher(), inA2._id)).data).toEqual({ student: null });
      expect((await harness.as(teacher(), CLASS, { id: a2._id })).data).toEqual({ class: null });
      const classes = await harness.as<{ classes: Array<{ name: string }> }>(
        teacher(),
        `query { classes(schoolYear: "2025-2026") { name } }`,
      );
      expect(classes.data?.classes.map((c) => c.name)).toEqual(['10A1']);
    });

    it('sees nothing once the teacher role is revoked, even with the teaching assignment left', async () => {
      const stale = subjectTeacherOf(schoolA, a1._id);
      stale.roles = [];
      expect((await roster(stale, a1._id)).data).toEqual({ students: [] });
    });
  });

  describe('a parent or the student', () => {
    it('reads that one student, read-only, and no other', async () => {
      const child = inA1[1]!;
      for (const principal of [
        parentOf(schoolA, child._id),
        principalWith([['STUDENT', { schoolId: schoolA, studentId: child._id }]]),
      ]) {
        const own = await one(principal, child._id);
        expect(own.errors).toBeUndefined();
        expect(own.data?.student).toMatchObject({ id: child._id, personalId: child.personalId });
        expect((await one(principal, inA1[0]!._id)).data).toEqual({ student: null });
        expect((await roster(principal, a1._id)).data).toEqual({ students: [] });
        // Through their own record they see their class, whose roster shows only them.
        const through = await harness.as<{ student: { currentClass: { students: Array<{ id: string }> } } }>(
          principal,
          `query($id: ID!) { student(id: $id) { currentClass { name students { id } } } }`,
          { id: child._id },
        );
        expect(through.data?.student.currentClass).toEqual({ name: '10A1', students: [{ id: child._id }] });
      }
    });
  });

  describe('a department analyst and an anonymous caller', () => {
    it('the analyst sees no student and no class', async () => {
      const analyst = principalWith([['DEPARTMENT_ANALYST', { schoolId: null }]]);
      expect((await one(analyst, inA1[0]!._id)).data).toEqual({ student: null });
      expect((await roster(analyst, a1._id)).data).toEqual({ students: [] });
      const classes = await harness.as(
        analyst,
        `query($s: ID) { classes(schoolId: $s, schoolYear: "2025-2026") { id } }`,
        {
          s: schoolA,
        },
      );
      expect(classes.data).toEqual({ classes: [] });
    });

    it('an anonymous caller is refused as UNAUTHENTICATED', async () => {
      const result = await one(null, inA1[0]!._id);
      expect(errorCodes(result)).toEqual(['UNAUTHENTICATED']);
    });
  });
});
