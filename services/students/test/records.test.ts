import { randomUUID } from 'node:crypto';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import {
  ADMIT,
  CHANGE_CLASS,
  CREATE_CLASS,
  NEW_SCHOOL_YEAR,
  READ_STUDENT,
  SET_HOMEROOM,
  SET_STATUS,
  TRANSFER_IN,
  TRANSFER_OUT,
} from './fragments';
import {
  errorCodes,
  homeroomTeacherOf,
  principalWith,
  staffOf,
  StudentsHarness,
  studentInput,
  type GraphQLResult,
} from './harness';

jest.setTimeout(90_000);

type StudentView = Record<string, unknown> & { id: string; enrolments: Array<Record<string, unknown>> };

describe('student records: admission, transfers, class changes, status', () => {
  let harness: StudentsHarness;
  const schoolA = `school-a-${randomUUID()}`;
  const schoolB = `school-b-${randomUUID()}`;
  const staffA = staffOf(schoolA);
  const staffB = staffOf(schoolB);
  let a10A1: ClassDocument;
  let a10A2: ClassDocument;
  let a11A1: ClassDocument;
  let b10A1: ClassDocument;

  const count = (filter: Record<string, unknown> = {}) =>
    harness.db.collection('students').countDocuments(filter);
  const stored = (id: string) => harness.db.collection<StudentDocument>('students').findOne({ _id: id });
  const fieldErrors = (result: GraphQLResult) =>
    (result.errors?.[0]?.extensions?.fieldErrors ?? []) as Array<{
      field: string;
      code: string;
      message: string;
    }>;

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_records');
    a10A1 = await harness.createClass(schoolA, '10A1');
    a10A2 = await harness.createClass(schoolA, '10A2');
    a11A1 = await harness.createClass(schoolA, '11A1');
    b10A1 = await harness.createClass(schoolB, '10A1');
  });
  afterAll(() => harness?.close());

  describe('admission', () => {
    it('creates the record, enrols the student and reads it back, name NFC-normalised', async () => {
      const input = {
        ...studentInput(10),
        classId: a10A1._id,
        // Typed on a keyboard that sends decomposed letters, with stray spaces.
        fullName: '  Nguye\u0302\u0303n  Thi\u0323 Hoa\u0300i ',
      };
      const admitted = await harness.as<{ admitStudent: StudentView }>(staffA, ADMIT, { input });
      expect(admitted.errors).toBeUndefined();
      const student = admitted.data!.admitStudent;
      expect(student).toEqual({
        id: expect.any(String),
        fullName: 'Nguyễn Thị Hoài',
        gender: 'FEMALE',
        status: 'STUDYING',
        personalId: input.personalId,
        dateOfBirth: input.dateOfBirth,
        placeOfBirth: 'Hà Nội',
        ethnicity: 'Kinh',
        policyCategory: null,
        address: input.address,
        guardians: input.guardians,
        school: { id: schoolA },
        currentClass: { id: a10A1._id, name: '10A1', grade: 10, schoolYear: '2025-2026' },
        enrolments: [
          {
            schoolYear: '2025-2026',
            grade: 10,
            className: '10A1',
            kind: 'ADMITTED',
            enrolledOn: '2025-08-15',
            leftOn: null,
            school: { id: schoolA },
            class: { id: a10A1._id, name: '10A1' },
          },
        ],
        statusHistory: [
          { status: 'STUDYING', previousStatus: null, reason: 'Nhập học', effectiveOn: '2025-08-15' },
        ],
      });
      const read = await harness.as<{ student: StudentView }>(staffA, READ_STUDENT, { id: student.id });
      expect(read.errors).toBeUndefined();
      expect(read.data?.student).toEqual(student);
      expect((await stored(student.id))?.fullName).toBe('Nguyễn Thị Hoài'.normalize('NFC'));
      await harness.settle();
    });

    it('refuses a second record for the same personal ID, in Vietnamese, and changes nothing', async () => {
      const first = await harness.admit(a10A1);
      const before = await count();
      const again = await harness.as(staffA, ADMIT, {
        input: {
          ...studentInput(10, '2025-2026', 'FEMALE'),
          personalId: first.personalId,
          fullName: 'Lê Thị Khác',
          classId: a10A2._id,
        },
      });
      expect(again.data).toBeNull();
      expect(errorCodes(again)).toEqual(['DUPLICATE_PERSONAL_ID']);
      expect(again.errors?.[0]?.message).toContain('đã có hồ sơ');
      expect(again.errors?.[0]?.message).toContain('chuyển đến');
      expect(fieldErrors(again)).toEqual([
        {
          field: 'personalId',
          code: 'DUPLICATE_PERSONAL_ID',
          message: expect.stringContaining('đã có hồ sơ'),
        },
      ]);
      // Another school's staff get the same answer: the record exists, receive it by transfer.
      const elsewhere = await harness.as(staffB, ADMIT, {
        input: { ...studentInput(10), personalId: first.personalId, classId: b10A1._id },
      });
      expect(errorCodes(elsewhere)).toEqual(['DUPLICATE_PERSONAL_ID']);
      expect(await count()).toBe(before);
      expect(await count({ personalId: first.personalId })).toBe(1);
      expect((await stored(first._id))?.fullName).toBe(first.fullName);
      expect((await stored(first._id))?._outboxPending).toBe(false);
    });

    it('refuses concurrent admissions of the same personal ID but one', async () => {
      const input = { ...studentInput(10), classId: a10A2._id };
      const results = await Promise.all(
        Array.from({ length: 5 }, () => harness.as(staffA, ADMIT, { input })),
      );
      expect(results.filter((r) => !r.errors).length).toBe(1);
      expect(results.filter((r) => errorCodes(r)?.[0] === 'DUPLICATE_PERSONAL_ID').length).toBe(4);
      expect(await count({ personalId: input.personalId })).toBe(1);
      await harness.settle();
    });

    it.each([
      ['a personal ID of 11 digits', { personalId: '00131001234' }, 'personalId'],
      ['a personal ID with an unknown province', { personalId: '003310012345' }, 'personalId'],
      ['a personal ID of a boy for a girl', { personalId: '001210012345' }, 'personalId'],
      ['a date of birth in the future', { dateOfBirth: '2099-01-01' }, 'dateOfBirth'],
      ['a date of birth implausible for grade 10', { dateOfBirth: '2016-01-01' }, 'dateOfBirth'],
      ['an admission date outside the school year', { admittedOn: '2024-01-10' }, 'admittedOn'],
      ['a name with digits', { fullName: 'Nguyễn Văn 7' }, 'fullName'],
      [
        'a guardian phone that is no phone',
        { guardians: [{ relationship: 'MOTHER', fullName: 'Lê Thị Lan', phone: '12' }] },
        'guardians.0.phone',
      ],
    ])('refuses %s with VALIDATION_FAILED on that field, changing nothing', async (_what, change, field) => {
      const before = await count();
      const input = { ...studentInput(10), classId: a10A1._id, ...change };
      const result = await harness.as(staffA, ADMIT, { input });
      expect(result.data).toBeNull();
      expect(errorCodes(result)).toEqual(['VALIDATION_FAILED']);
      expect(fieldErrors(result).map((p) => p.field)).toEqual([field]);
      expect(fieldErrors(result)[0]?.message).toMatch(/[àáảãạăâđèéêìíòóôơùúưỳý]/i);
      expect(await count()).toBe(before);
    });

    it('lists every problem at once', async () => {
      const result = await harness.as(staffA, ADMIT, {
        input: {
          ...studentInput(10),
          classId: a10A1._id,
          personalId: '1',
          dateOfBirth: '2099-01-01',
          address: 'x',
        },
      });
      expect(
        fieldErrors(result)
          .map((p) => p.field)
          .sort(),
      ).toEqual(['address', 'dateOfBirth', 'personalId']);
    });

    it('refuses an unknown class and a class of another school as VALIDATION_FAILED on classId', async () => {
      const before = await count();
      for (const classId of ['khong-co-lop-nay', b10A1._id]) {
        const result = await harness.as(staffA, ADMIT, { input: { ...studentInput(10), classId } });
        expect(errorCodes(result)).toEqual(['VALIDATION_FAILED']);
        expect(fieldErrors(result)).toEqual([
          { field: 'classId', code: 'NOT_FOUND', message: 'Không tìm thấy lớp này trong trường của bạn.' },
        ]);
      }
      expect(await count()).toBe(before);
    });

    it('answers a malformed date with the GraphQL input error, before anything runs', async () => {
      const result = await harness.as(staffA, ADMIT, {
        input: { ...studentInput(10), classId: a10A1._id, dateOfBirth: '15/03/2010' },
      });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    });

    it('lets only academic staff and the school’s admin admit', async () => {
      const before = await count();
      for (const principal of [
        homeroomTeacherOf(schoolA, a10A1._id),
        principalWith([['PRINCIPAL', { schoolId: schoolA }]]),
        principalWith([['INSPECTOR', { schoolId: null }]]),
      ]) {
        const result = await harness.as(principal, ADMIT, {
          input: { ...studentInput(10), classId: a10A1._id },
        });
        expect(errorCodes(result)).toEqual(['FORBIDDEN']);
      }
      const admin = principalWith([['SYSTEM_ADMIN', { schoolId: schoolA }]]);
      const byAdmin = await harness.as(admin, ADMIT, {
        input: { ...studentInput(12), classId: (await harness.createClass(schoolA, '12A1'))._id },
      });
      expect(byAdmin.errors).toBeUndefined();
      expect(await count()).toBe(before + 1);
      await harness.settle();
    });
  });

  describe('class change (chuyển lớp)', () => {
    it('moves the student to another class of the same grade and year, keeping the history', async () => {
      const student = await harness.admit(a10A1);
      const moved = await harness.as<{ changeStudentClass: StudentView }>(staffA, CHANGE_CLASS, {
        input: { studentId: student._id, classId: a10A2._id, effectiveOn: '2025-10-01' },
      });
      expect(moved.errors).toBeUndefined();
      const view = moved.data!.changeStudentClass;
      expect(view.id).toBe(student._id);
      expect(view.currentClass).toEqual({ id: a10A2._id, name: '10A2', grade: 10, schoolYear: '2025-2026' });
      expect(view.enrolments.map((e) => [e.className, e.kind, e.enrolledOn, e.leftOn])).toEqual([
        ['10A1', 'ADMITTED', '2025-08-15', '2025-10-01'],
        ['10A2', 'CLASS_CHANGE', '2025-10-01', null],
      ]);
      await harness.settle();
    });

    it('refuses a class of another grade (grade mismatch), another school or the same class', async () => {
      const student = await harness.admit(a10A1);
      const cases: Array<[string, string]> = [
        [a11A1._id, 'classId'],
        [b10A1._id, 'classId'],
        [a10A1._id, 'classId'],
      ];
      for (const [classId, field] of cases) {
        const result = await harness.as(staffA, CHANGE_CLASS, {
          input: { studentId: student._id, classId, effectiveOn: '2025-10-01' },
        });
        expect(errorCodes(result)).toEqual(['VALIDATION_FAILED']);
        expect(fieldErrors(result).map((p) => p.field)).toEqual([field]);
      }
      const after = await stored(student._id);
      expect(after?.classId).toBe(a10A1._id);
      expect(after?.enrolments).toHaveLength(1);
    });

    it('refuses a date before the student entered the current class', async () => {
      const student = await harness.admit(a10A1, { admittedOn: '2025-09-05' });
      const result = await harness.as(staffA, CHANGE_CLASS, {
        input: { studentId: student._id, classId: a10A2._id, effectiveOn: '2025-09-01' },
      });
      expect(errorCodes(result)).toEqual(['VALIDATION_FAILED']);
      expect((await stored(student._id))?.classId).toBe(a10A1._id);
    });

    it('is not another school’s to make: the student looks absent to them', async () => {
      const student = await harness.admit(a10A1);
      const result = await harness.as(staffB, CHANGE_CLASS, {
        input: { studentId: student._id, classId: a10A2._id, effectiveOn: '2025-10-01' },
      });
      expect(errorCodes(result)).toEqual(['NOT_FOUND']);
      expect((await stored(student._id))?.classId).toBe(a10A1._id);
    });
  });

  describe('transfers', () => {
    it('transfer in moves the same record to the new school: same id, history grows, no second record', async () => {
      const student = await harness.admit(a10A1);
      const before = await count();
      const received = await harness.as<{ transferStudentIn: StudentView }>(staffB, TRANSFER_IN, {
        input: {
          personalId: student.personalId,
          dateOfBirth: student.dateOfBirth,
          classId: b10A1._id,
          effectiveOn: '2025-11-03',
          reason: 'Gia đình chuyển nơi ở',
        },
      });
      expect(received.errors).toBeUndefined();
      const view = received.data!.transferStudentIn;
      expect(view.id).toBe(student._id);
      expect(view.school).toEqual({ id: schoolB });
      expect(view.status).toBe('STUDYING');
      expect(view.enrolments.map((e) => [e.school, e.className, e.kind, e.leftOn])).toEqual([
        [{ id: schoolA }, '10A1', 'ADMITTED', '2025-11-03'],
        [{ id: schoolB }, '10A1', 'TRANSFERRED_IN', null],
      ]);
      expect(await count()).toBe(before);
      expect(await count({ personalId: student.personalId })).toBe(1);
      // Management passed to school B (R6): school A's staff no longer see the record.
      expect((await harness.as(staffA, READ_STUDENT, { id: student._id })).data).toEqual({ student: null });
      expect(
        (await harness.as<{ student: StudentView }>(staffB, READ_STUDENT, { id: student._id })).data?.student
          .id,
      ).toBe(student._id);
      await harness.settle();
    });

    it('transfer in needs the right date of birth, and says not found otherwise, changing nothing', async () => {
      const student = await harness.admit(a10A1);
      for (const input of [
        { personalId: student.personalId, dateOfBirth: '2010-01-01' },
        { personalId: '001310999999', dateOfBirth: student.dateOfBirth },
      ]) {
        const result = await harness.as(staffB, TRANSFER_IN, {
          input: { ...input, classId: b10A1._id, effectiveOn: '2025-11-03' },
        });
        expect(errorCodes(result)).toEqual(['NOT_FOUND']);
      }
      expect((await stored(student._id))?.schoolId).toBe(schoolA);
    });

    it('transfer in within the school is refused: that is a class change', async () => {
      const student = await harness.admit(a10A1);
      const result = await harness.as(staffA, TRANSFER_IN, {
        input: {
          personalId: student.personalId,
          dateOfBirth: student.dateOfBirth,
          classId: a10A2._id,
          effectiveOn: '2025-11-03',
        },
      });
      expect(errorCodes(result)).toEqual(['CONFLICT']);
      expect(result.errors?.[0]?.message).toContain('chuyển lớp');
    });

    it('transfer out closes the class and marks the student TRANSFERRED; the new school then receives them', async () => {
      const student = await harness.admit(a10A1);
      const out = await harness.as<{ transferStudentOut: StudentView }>(staffA, TRANSFER_OUT, {
        input: {
          studentId: student._id,
          effectiveOn: '2025-12-01',
          reason: 'Theo gia đình',
          destination: 'Trường THPT B',
        },
      });
      expect(out.errors).toBeUndefined();
      const view = out.data!.transferStudentOut;
      expect(view.status).toBe('TRANSFERRED');
      expect(view.currentClass).toBeNull();
      expect(view.enrolments).toEqual([expect.objectContaining({ className: '10A1', leftOn: '2025-12-01' })]);
      expect(view.statusHistory).toEqual([
        expect.objectContaining({ status: 'STUDYING' }),
        {
          status: 'TRANSFERRED',
          previousStatus: 'STUDYING',
          reason: 'Theo gia đình (chuyển đến: Trường THPT B)',
          effectiveOn: '2025-12-01',
        },
      ]);
      await harness.settle();
      const again = await harness.as(staffA, TRANSFER_OUT, {
        input: { studentId: student._id, effectiveOn: '2025-12-02', reason: 'Lần hai' },
      });
      expect(errorCodes(again)).toEqual(['CONFLICT']);

      const received = await harness.as<{ transferStudentIn: StudentView }>(staffB, TRANSFER_IN, {
        input: {
          personalId: student.personalId,
          dateOfBirth: student.dateOfBirth,
          classId: b10A1._id,
          effectiveOn: '2025-12-08',
        },
      });
      expect(received.errors).toBeUndefined();
      expect(received.data?.transferStudentIn).toMatchObject({ id: student._id, status: 'STUDYING' });
      expect(received.data?.transferStudentIn.statusHistory).toHaveLength(3);
      expect(received.data?.transferStudentIn.enrolments).toHaveLength(2);
      await harness.settle();
    });
  });

  describe('status (tình trạng)', () => {
    it('records the status with its reason and date, once', async () => {
      const student = await harness.admit(a10A1);
      const input = {
        studentId: student._id,
        status: 'DROPPED_OUT',
        reason: 'Hoàn cảnh gia đình khó khăn',
        effectiveOn: '2026-01-15',
      };
      const result = await harness.as<{ setStudentStatus: StudentView }>(staffA, SET_STATUS, { input });
      expect(result.errors).toBeUndefined();
      expect(result.data?.setStudentStatus).toMatchObject({ status: 'DROPPED_OUT' });
      expect(result.data?.setStudentStatus.statusHistory).toEqual([
        expect.objectContaining({ status: 'STUDYING' }),
        {
          status: 'DROPPED_OUT',
          previousStatus: 'STUDYING',
          reason: 'Hoàn cảnh gia đình khó khăn',
          effectiveOn: '2026-01-15',
        },
      ]);
      await harness.settle();
      // The same status again changes nothing.
      const again = await harness.as<{ setStudentStatus: StudentView }>(staffA, SET_STATUS, { input });
      expect(again.data?.setStudentStatus.statusHistory).toHaveLength(2);
    });

    it('refuses TRANSFERRED (that is a transfer out), a missing reason and a date outside the year', async () => {
      const student = await harness.admit(a10A1);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ status: 'TRANSFERRED', reason: 'Chuyển trường', effectiveOn: '2026-01-15' }, 'status'],
        [{ status: 'REPEATING', reason: '', effectiveOn: '2026-01-15' }, 'reason'],
        [{ status: 'COMPLETED', reason: 'Hoàn thành', effectiveOn: '2027-01-15' }, 'effectiveOn'],
      ];
      for (const [change, field] of cases) {
        const result = await harness.as(staffA, SET_STATUS, { input: { studentId: student._id, ...change } });
        expect(errorCodes(result)).toEqual(['VALIDATION_FAILED']);
        expect(fieldErrors(result).map((p) => p.field)).toEqual([field]);
      }
      expect((await stored(student._id))?.statusHistory).toHaveLength(1);
    });
  });

  describe('new school year (xếp lớp năm học mới)', () => {
    it('moves a student one grade up into the next year’s class, or the same grade when repeating', async () => {
      const next11 = await harness.createClass(schoolA, '11A1', null, '2026-2027');
      const next10 = await harness.createClass(schoolA, '10A1', null, '2026-2027');
      const promoted = await harness.admit(a10A1);
      const result = await harness.as<{ enrolStudentInNewSchoolYear: StudentView }>(staffA, NEW_SCHOOL_YEAR, {
        input: { studentId: promoted._id, classId: next11._id, effectiveOn: '2026-08-20' },
      });
      expect(result.errors).toBeUndefined();
      expect(result.data?.enrolStudentInNewSchoolYear.currentClass).toEqual({
        id: next11._id,
        name: '11A1',
        grade: 11,
        schoolYear: '2026-2027',
      });
      const wrongGrade = await harness.as(staffA, NEW_SCHOOL_YEAR, {
        input: {
          studentId: (await harness.admit(a10A1))._id,
          classId: next10._id,
          effectiveOn: '2026-08-20',
        },
      });
      expect(errorCodes(wrongGrade)).toEqual(['VALIDATION_FAILED']);

      const repeating = await harness.admit(a10A1);
      await harness.as(staffA, SET_STATUS, {
        input: {
          studentId: repeating._id,
          status: 'REPEATING',
          reason: 'Lưu ban theo kết quả cả năm',
          effectiveOn: '2026-06-01',
        },
      });
      await harness.settle();
      const repeated = await harness.as<{ enrolStudentInNewSchoolYear: StudentView }>(
        staffA,
        NEW_SCHOOL_YEAR,
        {
          input: { studentId: repeating._id, classId: next10._id, effectiveOn: '2026-08-20' },
        },
      );
      expect(repeated.errors).toBeUndefined();
      expect(repeated.data?.enrolStudentInNewSchoolYear).toMatchObject({ status: 'STUDYING' });
      await harness.settle();
    });
  });

  describe('classes', () => {
    it('creates a class with its homeroom teacher, lists it, and changes the teacher', async () => {
      const teacher = randomUUID();
      const created = await harness.as<{ createClass: { id: string } }>(staffA, CREATE_CLASS, {
        input: {
          schoolId: schoolA,
          schoolYear: '2025-2026',
          grade: 12,
          name: '12A5',
          homeroomTeacherId: teacher,
        },
      });
      expect(created.errors).toBeUndefined();
      expect(created.data?.createClass).toEqual({
        id: expect.any(String),
        name: '12A5',
        grade: 12,
        schoolYear: '2025-2026',
        school: { id: schoolA },
        homeroomTeacher: { id: teacher },
      });
      const listed = await harness.as<{ classes: Array<{ name: string }> }>(
        staffA,
        `query { classes(schoolYear: "2025-2026", grade: 12) { name } }`,
      );
      expect(listed.data?.classes.map((c) => c.name)).toEqual(['12A1', '12A5']);
      const next = randomUUID();
      const changed = await harness.as(staffA, SET_HOMEROOM, {
        input: { classId: created.data!.createClass.id, homeroomTeacherId: next },
      });
      expect(changed.data).toEqual({
        setClassHomeroomTeacher: { id: created.data!.createClass.id, homeroomTeacher: { id: next } },
      });
      await harness.settle();
    });

    it('refuses a duplicate name in the year, a name of another grade, and another school', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ schoolId: schoolA, grade: 10, name: '10A1' }, 'VALIDATION_FAILED'],
        [{ schoolId: schoolA, grade: 11, name: '10A9' }, 'VALIDATION_FAILED'],
        [{ schoolId: schoolA, grade: 9, name: '9A1' }, 'VALIDATION_FAILED'],
        [{ schoolId: schoolB, grade: 10, name: '10A9' }, 'FORBIDDEN'],
      ];
      for (const [input, code] of cases) {
        const result = await harness.as(staffA, CREATE_CLASS, {
          input: { schoolYear: '2025-2026', ...input },
        });
        expect(errorCodes(result)).toEqual([code]);
      }
      const duplicate = await harness.as(staffA, CREATE_CLASS, {
        input: { schoolId: schoolA, schoolYear: '2025-2026', grade: 10, name: '10A1' },
      });
      expect(fieldErrors(duplicate)).toEqual([expect.objectContaining({ field: 'name', code: 'CONFLICT' })]);
      expect(await harness.db.collection('classes').countDocuments({ schoolId: schoolA, name: '10A9' })).toBe(
        0,
      );
    });
  });
});
