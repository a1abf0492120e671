import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '@hocbaso/service-kit';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import { UPDATE_PERSONAL } from './fragments';
import {
  errorCodes,
  homeroomTeacherOf,
  parentOf,
  principalWith,
  staffOf,
  StudentsHarness,
  subjectTeacherOf,
  type GraphQLResult,
} from './harness';

jest.setTimeout(60_000);

const ISSUE = `mutation($studentId: ID!, $relation: FamilyRelation!, $guardianIndex: Int) {
  issueFamilyLinkCode(studentId: $studentId, relation: $relation, guardianIndex: $guardianIndex) {
    code studentId relation guardianName expiresAt
  }
}`;
const REDEEM = `mutation($code: String!) {
  redeemFamilyLinkCode(code: $code) { id studentId accountId relation guardianName linkedAt revokedAt }
}`;
const REVOKE = `mutation($linkId: ID!) { revokeFamilyLink(linkId: $linkId) { id revokedAt } }`;
const LINKS = `query($id: ID!) { student(id: $id) { id familyLinks { id accountId relation guardianName revokedAt } } }`;

interface IssuedCode {
  code: string;
  studentId: string;
  relation: string;
  guardianName: string | null;
  expiresAt: string;
}
interface Link {
  id: string;
  studentId: string;
  accountId: string;
  relation: string;
  guardianName: string | null;
  linkedAt: string;
  revokedAt: string | null;
}

/** A signed-in account with no role at all (a parent before any link). */
const someone = (): Principal => principalWith([], [], null);

describe('family links: codes issued by the school, redeemed by the family', () => {
  let harness: StudentsHarness;
  const school = `school-${randomUUID()}`;
  const otherSchool = `school-${randomUUID()}`;
  let schoolClass: ClassDocument;
  let student: StudentDocument;
  let classmate: StudentDocument;

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_family');
    schoolClass = await harness.createClass(school, '10A1');
    student = await harness.admit(schoolClass, { fullName: 'Trần Minh Châu' });
    classmate = await harness.admit(schoolClass);
  });
  afterAll(() => harness?.close());

  const issue = (by: Principal, variables: Record<string, unknown>) =>
    harness.as<{ issueFamilyLinkCode: IssuedCode }>(by, ISSUE, variables);
  const redeem = (by: Principal, code: string) =>
    harness.as<{ redeemFamilyLinkCode: Link }>(by, REDEEM, { code });
  const codeFor = async (studentId: string, relation: 'PARENT' | 'STUDENT', guardianIndex?: number) => {
    const issued = await issue(homeroomTeacherOf(school, schoolClass._id), {
      studentId,
      relation,
      guardianIndex,
    });
    expect(issued.errors).toBeUndefined();
    return issued.data!.issueFamilyLinkCode;
  };
  const codeOf = (result: GraphQLResult) => errorCodes(result)?.[0];

  it('issues a code to a recorded guardian, shown once and stored only as a keyed hash', async () => {
    const before = new Date();
    const issued = await issue(homeroomTeacherOf(school, schoolClass._id), {
      studentId: student._id,
      relation: 'PARENT',
      guardianIndex: 1,
    });
    expect(issued.errors).toBeUndefined();
    const code = issued.data!.issueFamilyLinkCode;
    expect(code).toMatchObject({ studentId: student._id, relation: 'PARENT', guardianName: 'Lê Thị Lan' });
    expect(code.code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    // Seven days by default.
    const ttl = new Date(code.expiresAt).getTime() - before.getTime();
    expect(ttl).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(7 * 86_400_000 + 60_000);

    const stored = await harness.db.collection('family_links').findOne({ studentId: student._id });
    const text = JSON.stringify(stored);
    const plain = code.code.replace(/-/g, '');
    expect(text).not.toContain(plain);
    expect(text).not.toContain(code.code);
    // Keyed: not the plain SHA-256 of the code either.
    expect(text).not.toContain(createHash('sha256').update(plain).digest('hex'));
    expect(stored).toMatchObject({ state: 'ISSUED', relation: 'PARENT', accountId: null });

    await harness.settle();
    const [event] = await harness.published('vn.hocbaso.students.family-link.code-issued', {
      studentId: student._id,
    });
    expect(event).toMatchObject({
      studentId: student._id,
      schoolId: school,
      relation: 'PARENT',
      guardianIndex: 1,
    });
    expect(JSON.stringify(event)).not.toContain(plain);
    expect(JSON.stringify(event)).not.toContain('Lê Thị Lan');
  });

  it('is issued by the school board and administration or the homeroom teacher, to someone on the record', async () => {
    const forStudent = { studentId: student._id, relation: 'STUDENT' };
    expect((await issue(staffOf(school), forStudent)).errors).toBeUndefined();
    expect(
      (await issue(principalWith([['VICE_PRINCIPAL', { schoolId: school, grade: 10 }]]), forStudent)).errors,
    ).toBeUndefined();
    // A subject teacher of the class sees the student but links no one.
    expect(codeOf(await issue(subjectTeacherOf(school, schoolClass._id), forStudent))).toBe('FORBIDDEN');
    // Another school, a parent, a stranger: the student looks absent.
    expect(codeOf(await issue(staffOf(otherSchool), forStudent))).toBe('NOT_FOUND');
    expect(codeOf(await issue(parentOf(school, student._id), forStudent))).toBe('FORBIDDEN');
    expect(codeOf(await issue(someone(), forStudent))).toBe('NOT_FOUND');
    // PARENT names one of the recorded guardians; STUDENT none.
    const teacher = homeroomTeacherOf(school, schoolClass._id);
    for (const guardianIndex of [undefined, 2, -1]) {
      const refused = await issue(teacher, { studentId: student._id, relation: 'PARENT', guardianIndex });
      expect(codeOf(refused)).toBe('VALIDATION_FAILED');
    }
    expect(codeOf(await issue(teacher, { ...forStudent, guardianIndex: 0 }))).toBe('VALIDATION_FAILED');
  });

  it('links the account that redeems the code, once, and publishes the link for identity', async () => {
    const { code } = await codeFor(student._id, 'PARENT', 0);
    const father = someone();
    // Typed as read aloud: lower case, spaces instead of dashes.
    const linked = await redeem(father, ` ${code.replace(/-/g, ' ').toLowerCase()} `);
    expect(linked.errors).toBeUndefined();
    const link = linked.data!.redeemFamilyLinkCode;
    expect(link).toMatchObject({
      studentId: student._id,
      accountId: father.accountId,
      relation: 'PARENT',
      guardianName: 'Nguyễn Văn Hùng',
      revokedAt: null,
    });
    // Used: the same code again, by anyone, is refused.
    expect(codeOf(await redeem(someone(), code))).toBe('FAMILY_LINK_INVALID');
    // The same account cannot be linked twice with the same relation.
    const second = await codeFor(student._id, 'PARENT', 1);
    expect(codeOf(await redeem(father, second.code))).toBe('CONFLICT');

    await harness.settle();
    const events = await harness.published('vn.hocbaso.students.family-link.verified', { linkId: link.id });
    expect(events).toEqual([
      {
        linkId: link.id,
        studentId: student._id,
        schoolId: school,
        accountId: father.accountId,
        relation: 'PARENT',
        actor: expect.objectContaining({ accountId: father.accountId, kind: 'user' }),
      },
    ]);
  });

  it('refuses a code replaced by a later one for the same person, and an expired one', async () => {
    const first = await codeFor(classmate._id, 'STUDENT');
    const second = await codeFor(classmate._id, 'STUDENT');
    const self = someone();
    expect(codeOf(await redeem(self, first.code))).toBe('FAMILY_LINK_INVALID');

    const expired = await codeFor(classmate._id, 'PARENT', 0);
    await harness.db
      .collection('family_links')
      .updateOne(
        { studentId: classmate._id, relation: 'PARENT', state: 'ISSUED' },
        { $set: { expiresAt: new Date(Date.now() - 1000) } },
      );
    expect(codeOf(await redeem(someone(), expired.code))).toBe('FAMILY_LINK_INVALID');

    expect((await redeem(self, second.code)).errors).toBeUndefined();
  });

  it('stops an account after five wrong codes, even when the sixth is right', async () => {
    const guesser = someone();
    const { code } = await codeFor(classmate._id, 'PARENT', 1);
    for (const guess of [
      '2345-6789-ABCD',
      'not a code',
      '{"$ne":null}',
      'ZZZZ-ZZZZ-ZZZZ',
      code.slice(0, -1),
    ]) {
      expect(codeOf(await redeem(guesser, guess))).toBe('FAMILY_LINK_INVALID');
    }
    const blocked = await redeem(guesser, code);
    expect(codeOf(blocked)).toBe('RATE_LIMITED');
    expect(blocked.errors?.[0]?.extensions?.details).toEqual({
      limit: 'familyLinkRedeem',
      retryAfterSeconds: expect.any(Number),
    });
    // Fifteen minutes from the last failure, by default.
    const wait = blocked.errors![0]!.extensions!.details as { retryAfterSeconds: number };
    expect(wait.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(wait.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    // Another account is not held up by the guesser.
    expect((await redeem(someone(), code)).errors).toBeUndefined();
  });

  it('shows every link to those who manage them, and a parent only their own', async () => {
    const other = await harness.admit(schoolClass, { fullName: 'Phạm Thị Mai' });
    const mother = someone();
    const father = someone();
    const motherLink = (await redeem(mother, (await codeFor(other._id, 'PARENT', 1)).code)).data!
      .redeemFamilyLinkCode;
    const fatherLink = (await redeem(father, (await codeFor(other._id, 'PARENT', 0)).code)).data!
      .redeemFamilyLinkCode;

    const links = async (by: Principal) =>
      (
        await harness.as<{ student: { familyLinks: Array<{ id: string }> } | null }>(by, LINKS, {
          id: other._id,
        })
      ).data?.student?.familyLinks.map((l) => l.id);
    expect(await links(homeroomTeacherOf(school, schoolClass._id))).toEqual([motherLink.id, fatherLink.id]);
    const staff = staffOf(school);
    expect(await links(staff)).toEqual([motherLink.id, fatherLink.id]);
    // The guardians' names are personal data: a staff read of the links is logged (R11).
    const logged = await harness.db
      .collection('personal_data_reads')
      .findOne({ readerAccountId: staff.accountId });
    expect(logged).toMatchObject({ studentIds: [other._id], fields: ['familyLinks'] });
    // The link's role is what identity grants: a principal holding it sees only its own link.
    const motherNow: Principal = {
      ...parentOf(school, other._id),
      accountId: mother.accountId,
    };
    expect(await links(motherNow)).toEqual([motherLink.id]);
    expect(await links(subjectTeacherOf(school, schoolClass._id))).toEqual([]);
  });

  it('revokes a link (the school), and ends a guardian’s link when they leave the record', async () => {
    const other = await harness.admit(schoolClass, { fullName: 'Đỗ Thị Ngọc' });
    const father = someone();
    const mother = someone();
    const fatherLink = (await redeem(father, (await codeFor(other._id, 'PARENT', 0)).code)).data!
      .redeemFamilyLinkCode;
    const motherLink = (await redeem(mother, (await codeFor(other._id, 'PARENT', 1)).code)).data!
      .redeemFamilyLinkCode;

    const revoke = (by: Principal, linkId: string) =>
      harness.as<{ revokeFamilyLink: { id: string; revokedAt: string | null } }>(by, REVOKE, { linkId });
    expect(codeOf(await revoke(subjectTeacherOf(school, schoolClass._id), fatherLink.id))).toBe('FORBIDDEN');
    expect(codeOf(await revoke(staffOf(otherSchool), fatherLink.id))).toBe('NOT_FOUND');
    expect(codeOf(await revoke(staffOf(school), randomUUID()))).toBe('NOT_FOUND');
    const revoked = await revoke(staffOf(school), fatherLink.id);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeFamilyLink.revokedAt).not.toBeNull();

    // The homeroom teacher replaces the guardians: the mother is no longer on the record.
    const updated = await harness.as(homeroomTeacherOf(school, schoolClass._id), UPDATE_PERSONAL, {
      input: {
        studentId: other._id,
        guardians: [
          { relationship: 'FATHER', fullName: 'Nguyễn Văn Hùng', occupation: 'Kỹ sư', phone: '0912345678' },
        ],
      },
    });
    expect(updated.errors).toBeUndefined();
    const stored = await harness.db.collection('family_links').findOne({ _id: motherLink.id as never });
    expect(stored).toMatchObject({ state: 'REVOKED', revokeReason: 'GUARDIAN_REMOVED' });

    await harness.settle();
    const ended = await harness.published('vn.hocbaso.students.family-link.revoked', {
      studentId: other._id,
    });
    expect(ended).toEqual([
      expect.objectContaining({ linkId: fatherLink.id, accountId: father.accountId, reason: 'REVOKED' }),
      expect.objectContaining({
        linkId: motherLink.id,
        accountId: mother.accountId,
        reason: 'GUARDIAN_REMOVED',
      }),
    ]);
    // Revoking again changes nothing and publishes nothing more.
    expect((await revoke(staffOf(school), fatherLink.id)).errors).toBeUndefined();
    await harness.settle();
    expect(
      await harness.published('vn.hocbaso.students.family-link.revoked', { studentId: other._id }),
    ).toHaveLength(2);
  });
});
