import {
  verifyRecordBookCredential,
  verifyTransferPackage,
  type TransferPackage,
} from '@hocbaso/record-book';
import { eventually } from '@hocbaso/testkit';
import { FullStack, schoolWithApprovedClass } from './full-stack';

jest.setTimeout(600_000);

const YEAR = '2025-2026';

/**
 * What follows an approval, through the gateway with every service running: the approved year
 * reaches the archive and the Ministry (simulator), official copies are handed out, and the
 * student transfers to another school, record book and all (R1, R5, R6, R11).
 */
describe('archive: sync, exports and a transfer between two schools', () => {
  let stack: FullStack;
  beforeAll(async () => {
    stack = await FullStack.startAll();
  });
  afterAll(() => stack?.stop());

  it('syncs the approved year, exports it, and moves the student with the record book to a new school', async () => {
    const a = await schoolWithApprovedClass(stack, { prefix: 'chuyendi', schoolYear: YEAR, size: 1 });
    const studentId = a.students[0]!.id;

    // ── The approved and sealed year reaches the Ministry ────────────────────────────────────
    const synced = await eventually(async () => {
      const result = await stack.query<{
        student: { syncState: { state: string; recordVersion: number; receiptId: string } | null };
      }>(
        `query($s: ID!) { student(id: $s) { syncState(schoolYear: "${YEAR}") { state recordVersion receiptId } } }`,
        { s: studentId },
        a.principalT,
      );
      return result.data?.student.syncState?.state === 'ACCEPTED' ? result.data.student.syncState : null;
    }, 60_000);
    expect(synced.recordVersion).toBe(1);
    expect(stack.ministry.control.records().map((r) => r.studentId)).toContain(studentId);

    // ── An official copy: a credential that verifies offline with the school's CA ────────────
    const exported = await stack.query<{ exportRecordBook: { content: string; verificationCode: string } }>(
      `mutation($s: ID!) { exportRecordBook(studentId: $s, format: CREDENTIAL) { content verificationCode } }`,
      { s: studentId },
      a.principalT,
    );
    expect(exported.errors).toBeUndefined();
    const credential = JSON.parse(exported.data!.exportRecordBook.content) as unknown;
    expect(verifyRecordBookCredential(credential, { trustedCas: [a.pki.caPem] }).valid).toBe(true);
    // A teacher may not hand out copies (the gateway's field rule).
    const byTeacher = await stack.query(
      `mutation($s: ID!) { exportRecordBook(studentId: $s, format: PDF) { exportId } }`,
      { s: studentId },
      a.teacherT,
    );
    expect(byTeacher.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // ── Transfer out of school A: the package carries the signed book ────────────────────────
    const out = await stack.query(
      `mutation($i: TransferStudentOutInput!) { transferStudentOut(input: $i) { status } }`,
      {
        i: {
          studentId,
          effectiveOn: '2026-06-30',
          reason: 'Gia đình chuyển nơi ở',
          destination: 'THPT Chuyển Đến',
        },
      },
      a.staffT,
    );
    expect(out.errors).toBeUndefined();
    const issued = await stack.query<{ issueTransferPackage: { transferId: string; package: string } }>(
      `mutation($s: ID!) { issueTransferPackage(studentId: $s) { transferId package } }`,
      { s: studentId },
      a.staffT,
    );
    expect(issued.errors).toBeUndefined();
    const pkg = JSON.parse(issued.data!.issueTransferPackage.package) as TransferPackage;
    expect(pkg.recordBook.years.map((y) => y.schoolYear)).toEqual([YEAR]);
    expect(verifyTransferPackage(pkg, { trustedCas: [a.pki.caPem] }).valid).toBe(true);

    // ── School B receives it into a grade-11 class of the next year ──────────────────────────
    const { school: schoolB } = await stack.createSchoolWithAdmin('chuyenden');
    const staffB = await stack.createAccount(schoolB._id, 'chuyenden.giaovu', 'ACADEMIC_STAFF');
    const principalB = await stack.createAccount(schoolB._id, 'chuyenden.hieutruong', 'PRINCIPAL');
    const staffBT = (await stack.login(staffB.username, staffB.password)).accessToken;
    const principalBT = (await stack.login(principalB.username, principalB.password)).accessToken;
    const classB = await stack.query<{ createClass: { id: string } }>(
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: { schoolId: schoolB._id, schoolYear: '2026-2027', grade: 11, name: '11A2' } },
      staffBT,
    );
    expect(classB.errors).toBeUndefined();
    const classBId = classB.data!.createClass.id;
    const imported = await eventually(async () => {
      // The archive learns school B's class from the students events.
      const result = await stack.query<{ importTransferPackage: { state: string; problems: unknown[] } }>(
        `mutation($i: ImportTransferPackageInput!) { importTransferPackage(input: $i) { state problems { code message } } }`,
        {
          i: {
            package: issued.data!.issueTransferPackage.package,
            classId: classBId,
            effectiveOn: '2026-09-07',
          },
        },
        staffBT,
      );
      return result.errors?.[0]?.extensions?.code === 'NOT_FOUND' ? null : result;
    }, 30_000);
    expect(imported.errors).toBeUndefined();
    const transferId = issued.data!.issueTransferPackage.transferId;
    await eventually(async () => {
      const result = await stack.query<{ transferImport: { state: string } | null }>(
        `query($t: ID!) { transferImport(transferId: $t) { state } }`,
        { t: transferId },
        staffBT,
      );
      return result.data?.transferImport?.state === 'COMPLETED';
    }, 30_000);

    // One student, one identity: the same id, now in school B's class, with school A's years.
    const atB = await stack.query<{
      student: {
        id: string;
        status: string;
        currentClass: { id: string } | null;
        enrolments: Array<{ className: string; kind: string }>;
      };
    }>(
      `query($s: ID!) { student(id: $s) { id status currentClass { id } enrolments { className kind } } }`,
      { s: studentId },
      principalBT,
    );
    expect(atB.errors).toBeUndefined();
    expect(atB.data!.student).toMatchObject({
      id: studentId,
      status: 'STUDYING',
      currentClass: { id: classBId },
    });
    expect(atB.data!.student.enrolments.map((e) => e.kind)).toEqual(['ADMITTED', 'TRANSFERRED_IN']);
    const book = await eventually(async () => {
      const result = await stack.query<{
        student: { recordBook: Array<{ schoolYear: string; schoolName: string; valid: boolean }> | null };
      }>(
        `query($s: ID!) { student(id: $s) { recordBook { schoolYear schoolName valid } } }`,
        { s: studentId },
        principalBT,
      );
      return result.data?.student.recordBook ?? null;
    }, 30_000);
    expect(book).toEqual([{ schoolYear: YEAR, schoolName: a.school.name, valid: true }]);

    // School A can no longer write: not the personal page, not another package.
    const edit = await stack.query(
      `mutation($i: UpdateStudentPersonalDataInput!) { updateStudentPersonalData(input: $i) { id } }`,
      { i: { studentId, address: 'Số 1 phố Huế, Hà Nội' } },
      a.teacherT,
    );
    expect(edit.errors?.[0]?.extensions?.code).toMatch(/NOT_FOUND|FORBIDDEN/);
    const again = await stack.query(
      `mutation($s: ID!) { issueTransferPackage(studentId: $s) { transferId } }`,
      { s: studentId },
      a.staffT,
    );
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // School A no longer reads the student (management moved) but keeps its read-only history:
    // the year it approved.
    const history = await stack.query<{ recordBook: Array<{ schoolYear: string; valid: boolean }> | null }>(
      `query($s: ID!) { recordBook(studentId: $s) { schoolYear valid } }`,
      { s: studentId },
      a.principalT,
    );
    expect(history.data!.recordBook).toEqual([{ schoolYear: YEAR, valid: true }]);
    const stranger = await stack.createSchoolWithAdmin('khac');
    const strangerPrincipal = await stack.createAccount(stranger.school._id, 'khac.hieutruong', 'PRINCIPAL');
    const strangerT = (await stack.login(strangerPrincipal.username, strangerPrincipal.password)).accessToken;
    const nothing = await stack.query<{ recordBook: unknown }>(
      `query($s: ID!) { recordBook(studentId: $s) { schoolYear } }`,
      { s: studentId },
      strangerT,
    );
    expect(nothing.data!.recordBook).toBeNull();
  });
});
