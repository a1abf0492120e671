import { recordBookExported, recordShareAccessed } from '@hocbaso/events';
import { verifyRecordBookCredential } from '@hocbaso/record-book';
import { EventCollector } from '@hocbaso/testkit';
import { demoSchoolYear } from '../../services/students/src/seed/demo-data';
import { FullStack, schoolWithApprovedClass } from './full-stack';

jest.setTimeout(600_000);

const YEAR = '2025-2026';
const RECIPIENT = 'Trường Đại học Bách khoa Hà Nội';

/**
 * A record book leaves for a third party only with the recorded consent of the student and of a
 * parent (Luật Bảo vệ dữ liệu cá nhân 2025, Nghị định 13/2023), through the gateway with every
 * service running: the university, which has no account, reads it with the code the family gives
 * it; every read is logged; a withdrawal stops it at once. The family may also copy their own book.
 */
describe('sharing a record book with a third party, by consent', () => {
  let stack: FullStack;
  let events: EventCollector;
  beforeAll(async () => {
    events = await new EventCollector([recordShareAccessed.topic, recordBookExported.topic]).start();
    stack = await FullStack.startAll();
  });
  afterAll(async () => {
    await stack?.stop();
    await events?.stop();
  });

  it('activates only with both consents, opens to the code holder, logs each read and stops when withdrawn', async () => {
    // One approved student (each one more is one more signature to wait for on a busy machine).
    const a = await schoolWithApprovedClass(stack, { prefix: 'chiase', schoolYear: YEAR, size: 1 });
    const schoolId = a.school._id;
    const child = a.students[0]!.id;
    // Another student of the school, in another class, with a parent of their own.
    const grade11 = demoSchoolYear(schoolId, YEAR).find((c) => c.grade === 11)!;
    const otherClass = await stack.query<{ createClass: { id: string } }>(
      `mutation($i: CreateClassInput!) { createClass(input: $i) { id } }`,
      { i: { schoolId, schoolYear: YEAR, grade: 11, name: grade11.name } },
      a.staffT,
    );
    expect(otherClass.errors).toBeUndefined();
    const admitted = await stack.query<{ admitStudent: { id: string } }>(
      `mutation($i: AdmitStudentInput!) { admitStudent(input: $i) { id } }`,
      { i: { ...grade11.students[0]!, classId: otherClass.data!.createClass.id } },
      a.staffT,
    );
    expect(admitted.errors).toBeUndefined();
    const otherChild = admitted.data!.admitStudent.id;
    const token = async (account: { username: string; password: string }) =>
      (await stack.login(account.username, account.password)).accessToken;
    const parentT = await token(
      await stack.createAccount(schoolId, 'chiase.me', 'PARENT', { studentId: child }),
    );
    const studentT = await token(
      await stack.createAccount(schoolId, 'chiase.hocsinh', 'STUDENT', { studentId: child }),
    );
    const otherParentT = await token(
      await stack.createAccount(schoolId, 'chiase.me-khac', 'PARENT', { studentId: otherChild }),
    );

    const SHARE = 'id state accessCode validUntil consents { relation }';
    type Share = {
      id: string;
      state: string;
      accessCode: string | null;
      consents: Array<{ relation: string }>;
    };
    const validUntil = new Date(Date.now() + 60 * 86_400_000).toISOString();

    // ── The parent asks: their consent is recorded, no code yet ─────────────────────────────
    const requested = await stack.query<{ requestRecordShare: Share }>(
      `mutation($i: RecordShareInput!) { requestRecordShare(input: $i) { ${SHARE} } }`,
      { i: { studentId: child, recipient: RECIPIENT, purpose: 'Xét tuyển đại học năm 2026', validUntil } },
      parentT,
    );
    expect(requested.errors).toBeUndefined();
    const share = requested.data!.requestRecordShare;
    expect(share).toMatchObject({
      state: 'AWAITING_CONSENT',
      accessCode: null,
      consents: [{ relation: 'PARENT' }],
    });

    // The recipient with a made-up code, signed in or not, gets nothing.
    const READ = `query($c: String!) { sharedRecordBook(accessCode: $c) { studentId recipient purpose validUntil credential } }`;
    const madeUp = await stack.query(READ, { c: 'K7QW-2MZD-9XRT-4BHN-P3VE-6YJA' });
    expect(madeUp.errors?.[0]?.extensions?.code).toBe('SHARE_INVALID');

    // Staff cannot consent for the family; the parent of another student cannot see or consent.
    const CONSENT = `mutation($s: ID!) { consentToRecordShare(shareId: $s) { ${SHARE} } }`;
    for (const staffT of [a.principalT, a.staffT, a.adminT]) {
      const byStaff = await stack.query(CONSENT, { s: share.id }, staffT);
      expect(byStaff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const byOtherParent = await stack.query(CONSENT, { s: share.id }, otherParentT);
    expect(byOtherParent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const LIST = `query($s: ID!) { recordShares(studentId: $s) { ${SHARE} } }`;
    const seenByOtherParent = await stack.query(LIST, { s: child }, otherParentT);
    expect(seenByOtherParent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // ── The student consents: ACTIVE, and the code is handed to the family once ─────────────
    const consented = await stack.query<{ consentToRecordShare: Share }>(CONSENT, { s: share.id }, studentT);
    expect(consented.errors).toBeUndefined();
    const activated = consented.data!.consentToRecordShare;
    expect(activated.state).toBe('ACTIVE');
    expect(activated.consents.map((c) => c.relation).sort()).toEqual(['PARENT', 'STUDENT']);
    const code = activated.accessCode!;
    expect(code.replace(/-/g, '')).toHaveLength(24);
    // The school's principal follows the share, without the code.
    const seenBySchool = await stack.query<{ recordShares: Share[] }>(LIST, { s: child }, a.principalT);
    expect(seenBySchool.data!.recordShares).toEqual([
      expect.objectContaining({ id: share.id, state: 'ACTIVE', accessCode: null }),
    ]);

    // ── The university, without an account, reads a credential that verifies ───────────────
    const opened = await stack.query<{
      sharedRecordBook: { studentId: string; recipient: string; credential: string };
    }>(READ, { c: code });
    expect(opened.errors).toBeUndefined();
    expect(opened.data!.sharedRecordBook).toMatchObject({ studentId: child, recipient: RECIPIENT });
    const credential = JSON.parse(opened.data!.sharedRecordBook.credential) as {
      export: { exportId: string; verificationCode: string; requester: { accountId: string; name: string } };
    };
    expect(verifyRecordBookCredential(credential, { trustedCas: [a.pki.caPem] }).valid).toBe(true);
    expect(credential.export.requester).toMatchObject({
      accountId: `record-share:${share.id}`,
      name: RECIPIENT,
    });

    // The copy is in the export log (found by the code printed on it) and the access is published.
    const logged = await stack.query<{ exportByCode: { exportId: string; format: string } | null }>(
      `query($c: String!) { exportByCode(verificationCode: $c) { exportId format } }`,
      { c: credential.export.verificationCode },
      a.principalT,
    );
    expect(logged.data!.exportByCode).toEqual({ exportId: credential.export.exportId, format: 'CREDENTIAL' });
    const [accessed] = await events.waitFor(
      (e) => e.type === recordShareAccessed.type && (e.data as { shareId?: string }).shareId === share.id,
    );
    expect(accessed!.event.data).toMatchObject({
      studentId: child,
      recipient: RECIPIENT,
      exportId: credential.export.exportId,
    });
    const [exported] = await events.waitFor(
      (e) =>
        e.type === recordBookExported.type &&
        (e.data as { exportId?: string }).exportId === credential.export.exportId,
    );
    expect(exported!.event.data).toMatchObject({
      studentId: child,
      requestedBy: { accountId: `record-share:${share.id}`, role: 'RECORD_SHARE' },
    });

    // ── The parent withdraws: the same code now opens nothing ───────────────────────────────
    const withdrawn = await stack.query<{ withdrawRecordShare: Share }>(
      `mutation($s: ID!) { withdrawRecordShare(shareId: $s) { ${SHARE} } }`,
      { s: share.id },
      parentT,
    );
    expect(withdrawn.data!.withdrawRecordShare.state).toBe('WITHDRAWN');
    expect((await stack.query(READ, { c: code })).errors?.[0]?.extensions?.code).toBe('SHARE_INVALID');

    // ── The parent copies their own child's book, not another child's ───────────────────────
    const EXPORT = `mutation($s: ID!) { exportRecordBook(studentId: $s, format: PDF) { exportId content } }`;
    const own = await stack.query<{ exportRecordBook: { content: string } }>(EXPORT, { s: child }, parentT);
    expect(own.errors).toBeUndefined();
    expect(Buffer.from(own.data!.exportRecordBook.content, 'base64').subarray(0, 5).toString('latin1')).toBe(
      '%PDF-',
    );
    const others = await stack.query(EXPORT, { s: otherChild }, parentT);
    expect(others.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
