import { eventually } from '@hocbaso/testkit';
import {
  FullStack,
  openClassTaughtByItsHomeroomTeacher,
  recordYearOfMarks,
  type ClassStudent,
} from './full-stack';

jest.setTimeout(240_000);

const YEAR = '2025-2026';
const CHILD = `query($id: ID!, $y: String!) {
  student(id: $id) { id fullName guardians { fullName } results(schoolYear: $y) { studentId subject { code } } }
}`;
const ISSUE = `mutation($studentId: ID!, $guardianIndex: Int) {
  issueFamilyLinkCode(studentId: $studentId, relation: PARENT, guardianIndex: $guardianIndex) {
    code studentId relation guardianName expiresAt
  }
}`;
const REDEEM = `mutation($code: String!) {
  redeemFamilyLinkCode(code: $code) { id studentId accountId relation guardianName revokedAt }
}`;

type Child = {
  student: {
    id: string;
    fullName: string;
    guardians: Array<{ fullName: string }>;
    results: Array<{ studentId: string; subject: { code: string } }>;
  } | null;
};

describe('a parent reaches a child only through a link the school verified', () => {
  let stack: FullStack;
  let schoolId: string;
  let adminToken: string;
  let teacherToken: string;
  let students: ClassStudent[];

  beforeAll(async () => {
    stack = await FullStack.startAll();
    const { school, admin } = await stack.createSchoolWithAdmin('lienket');
    schoolId = school._id;
    const staff = await stack.createAccount(schoolId, 'lienket.giaovu', 'ACADEMIC_STAFF');
    const teacher = await stack.createAccount(schoolId, 'lienket.gvcn', 'SUBJECT_TEACHER');
    adminToken = (await stack.login(admin.username, admin.password)).accessToken;
    const staffToken = (await stack.login(staff.username, staff.password)).accessToken;
    let classId: string;
    ({ classId, students } = await openClassTaughtByItsHomeroomTeacher(stack, {
      schoolId,
      schoolYear: YEAR,
      staffToken,
      teacherId: teacher.id,
      subjects: ['TOAN'],
      size: 2,
    }));
    teacherToken = (await stack.login(teacher.username, teacher.password)).accessToken;
    await recordYearOfMarks(stack, teacherToken, { classId, schoolYear: YEAR, subjects: ['TOAN'], students });
  });
  afterAll(() => stack?.stop());

  it('refuses the role by hand, links by code, shows only that child, and ends with the link', async () => {
    const [child, other] = students as [ClassStudent, ClassStudent];
    const parent = await stack.createAccount(schoolId, 'lienket.phuhuynh');
    const parentToken = (await stack.login(parent.username, parent.password)).accessToken;

    // An administrator can no longer make someone a parent.
    const byHand = await stack.query(
      `mutation($i: GrantRoleInput!) { grantRole(input: $i) { id } }`,
      { i: { accountId: parent.id, role: 'PARENT', scope: { schoolId, studentId: child.id } } },
      adminToken,
    );
    expect(byHand.errors?.map((e) => e.extensions?.code)).toEqual(['FAMILY_LINK_REQUIRED']);

    // Without a link, the account reaches nothing of the child.
    const before = await stack.query<Child>(CHILD, { id: child.id, y: YEAR }, parentToken);
    expect(before.data?.student ?? null).toBeNull();

    // The homeroom teacher issues a code for the first recorded guardian (the father).
    const issued = await stack.query<{
      issueFamilyLinkCode: { code: string; studentId: string; relation: string; guardianName: string };
    }>(ISSUE, { studentId: child.id, guardianIndex: 0 }, teacherToken);
    expect(issued.errors).toBeUndefined();
    const teacherView = await stack.query<Child>(CHILD, { id: child.id, y: YEAR }, teacherToken);
    const father = teacherView.data!.student!.guardians[0]!.fullName;
    expect(issued.data!.issueFamilyLinkCode).toMatchObject({
      studentId: child.id,
      relation: 'PARENT',
      guardianName: father,
    });
    const { code } = issued.data!.issueFamilyLinkCode;

    // The parent types it in, as read from paper.
    const redeemed = await stack.query<{ redeemFamilyLinkCode: { id: string; accountId: string } }>(
      REDEEM,
      { code: code.toLowerCase().replace(/-/g, ' ') },
      parentToken,
    );
    expect(redeemed.errors).toBeUndefined();
    expect(redeemed.data!.redeemFamilyLinkCode).toMatchObject({ accountId: parent.id });
    const linkId = redeemed.data!.redeemFamilyLinkCode.id;

    // identity grants the role from the link's event; it counts from the next request on.
    const mine = await eventually(async () => {
      const read = await stack.query<Child>(CHILD, { id: child.id, y: YEAR }, parentToken);
      return read.data?.student ? read : null;
    }, 60_000);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.student).toMatchObject({ id: child.id, guardians: expect.any(Array) });
    expect(mine.data!.student!.results.map((r) => [r.studentId, r.subject.code])).toEqual([
      [child.id, 'TOAN'],
    ]);
    const me = await stack.query<{ me: { roles: Array<{ role: string; scope: { studentId: string } }> } }>(
      `{ me { roles { role scope { studentId } } } }`,
      {},
      parentToken,
    );
    expect(me.data!.me.roles).toEqual([{ role: 'PARENT', scope: { studentId: child.id } }]);
    const links = await stack.query<{ student: { familyLinks: Array<{ id: string; accountId: string }> } }>(
      `query($id: ID!) { student(id: $id) { familyLinks { id accountId } } }`,
      { id: child.id },
      parentToken,
    );
    expect(links.data!.student.familyLinks).toEqual([{ id: linkId, accountId: parent.id }]);

    // Not another child of the class.
    const notMine = await stack.query<Child>(CHILD, { id: other.id, y: YEAR }, parentToken);
    expect(notMine.data?.student ?? null).toBeNull();

    // The code worked once.
    const again = await stack.query(REDEEM, { code }, parentToken);
    expect(again.errors?.map((e) => e.extensions?.code)).toEqual(['FAMILY_LINK_INVALID']);

    // Guessing: five wrong codes, then the account must wait.
    const guesser = await stack.createAccount(schoolId, 'lienket.doanma');
    const guesserToken = (await stack.login(guesser.username, guesser.password)).accessToken;
    const answers: unknown[] = [];
    for (const guess of [
      '2345-6789-ABCD',
      'ABCD-EFGH-JKLM',
      'ZZZZ-ZZZZ-ZZZZ',
      '9999-9999-9999',
      'QQQQ-RRRR-SSSS',
      'TTTT-UUUU-VVVV',
    ]) {
      const answer = await stack.query(REDEEM, { code: guess }, guesserToken);
      answers.push(answer.errors?.[0]?.extensions?.code);
    }
    expect(answers).toEqual([...Array(5).fill('FAMILY_LINK_INVALID'), 'RATE_LIMITED']);

    // The school revokes the link: on the next request (once identity has the event) nothing.
    const revoked = await stack.query<{ revokeFamilyLink: { revokedAt: string | null } }>(
      `mutation($id: ID!) { revokeFamilyLink(linkId: $id) { revokedAt } }`,
      { id: linkId },
      teacherToken,
    );
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeFamilyLink.revokedAt).not.toBeNull();
    await eventually(async () => {
      const read = await stack.query<Child>(CHILD, { id: child.id, y: YEAR }, parentToken);
      return read.data?.student === null;
    }, 60_000);
    const after = await stack.query<{ me: { roles: unknown[] } }>(
      `{ me { roles { role } } }`,
      {},
      parentToken,
    );
    expect(after.data!.me.roles).toEqual([]);
  });
});
