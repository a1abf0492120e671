import { createHash, randomUUID } from 'node:crypto';
import { startMinistrySimulator, type MinistrySimulator } from '@hocbaso/ministry-simulator';
import { recordBookExported, recordShareAccessed } from '@hocbaso/events';
import { recordBookTesting, verifyRecordBookCredential } from '@hocbaso/record-book';
import type { Principal } from '@hocbaso/service-kit';
import { EventCollector } from '@hocbaso/testkit';
import { ArchiveHarness } from './harness';

/**
 * Sharing a record book with a third party, on the real store and broker: only with the consent
 * of the student and a parent, read with a code kept only as a hash, every read logged as an
 * export and an access, withdrawn at once.
 */
const API_TOKEN = `ministry-${randomUUID()}`;
let ministry: MinistrySimulator;
let harness: ArchiveHarness;
let events: EventCollector;
let school: recordBookTesting.TestSchool;
const studentId = randomUUID();

const family = (role: 'PARENT' | 'STUDENT', child = studentId): Principal => ({
  accountId: `${role.toLowerCase()}-${child}`,
  username: role.toLowerCase(),
  schoolId: school.schoolId,
  roles: [{ role, scope: { schoolId: school.schoolId, studentId: child } }],
  teaching: [],
});
const principalOfSchool = (): Principal => ({
  accountId: 'principal-1',
  username: 'hieutruong',
  schoolId: school.schoolId,
  roles: [{ role: 'PRINCIPAL', scope: { schoolId: school.schoolId } }],
  teaching: [],
});

const SHARE_FIELDS = 'id state accessCode consents { relation accountId } recipient purpose';
type Share = {
  id: string;
  state: string;
  accessCode: string | null;
  consents: Array<{ relation: string; accountId: string }>;
};

beforeAll(async () => {
  ministry = await startMinistrySimulator({ port: 0, apiToken: API_TOKEN });
  events = await new EventCollector([recordShareAccessed.topic, recordBookExported.topic]).start();
  harness = await ArchiveHarness.start('archive-shares', { url: ministry.url, apiToken: API_TOKEN });
  school = await harness.schoolWithApprovedStudent({
    schoolName: 'Trường THPT Lê Quý Đôn',
    className: '10A1',
    studentId,
    fullName: 'Trần Minh Khoa',
  });
}, 90_000);

afterAll(async () => {
  await harness?.close();
  await events?.stop();
  await ministry?.close();
}, 30_000);

const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString();

async function request(by: Principal, input: Record<string, unknown> = {}) {
  return harness.graphql<{ requestRecordShare: Share }>(
    `mutation ($i: RecordShareInput!) { requestRecordShare(input: $i) { ${SHARE_FIELDS} } }`,
    {
      i: {
        studentId,
        recipient: 'Trường Đại học Bách khoa Hà Nội',
        purpose: 'Xét tuyển đại học năm 2026',
        validUntil: inAMonth(),
        ...input,
      },
    },
    by,
  );
}
const consent = (shareId: string, by: Principal) =>
  harness.graphql<{ consentToRecordShare: Share }>(
    `mutation ($s: ID!) { consentToRecordShare(shareId: $s) { ${SHARE_FIELDS} } }`,
    { s: shareId },
    by,
  );
const read = (accessCode: string, by: Principal | null = null) =>
  harness.graphql<{ sharedRecordBook: { credential: string; recipient: string } | null }>(
    `query ($c: String!) { sharedRecordBook(accessCode: $c) { credential recipient purpose validUntil studentId } }`,
    { c: accessCode },
    by,
  );

describe('a record share', () => {
  it('is active only with both consents, opens with its code only, and stops when withdrawn', async () => {
    const requested = await request(family('PARENT'));
    expect(requested.errors).toBeUndefined();
    const share = requested.data!.requestRecordShare;
    expect(share).toMatchObject({ state: 'AWAITING_CONSENT', accessCode: null });

    // The school's principal cannot consent for the family; another student's parent neither.
    for (const other of [principalOfSchool(), family('PARENT', randomUUID())]) {
      expect((await consent(share.id, other)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    // A second parent's consent is not the student's.
    const second = await consent(share.id, { ...family('PARENT'), accountId: 'bo-khoa' });
    expect(second.data!.consentToRecordShare).toMatchObject({ state: 'AWAITING_CONSENT', accessCode: null });

    const activated = (await consent(share.id, family('STUDENT'))).data!.consentToRecordShare;
    expect(activated.state).toBe('ACTIVE');
    expect(activated.consents.map((c) => c.relation).sort()).toEqual(['PARENT', 'STUDENT']);
    const code = activated.accessCode!;
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);

    // Only the hash is stored; later reads do not show the code.
    const stored = await harness.db.collection('record_shares').findOne({ _id: share.id as never });
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(code.replace(/-/g, ''));
    const listed = await harness.graphql<{ recordShares: Share[] }>(
      `query ($s: ID!) { recordShares(studentId: $s) { ${SHARE_FIELDS} } }`,
      { s: studentId },
      principalOfSchool(),
    );
    expect(listed.data!.recordShares).toEqual([expect.objectContaining({ id: share.id, accessCode: null })]);

    // Anyone holding the code, without an account, reads a credential that verifies.
    const opened = await read(code.toLowerCase());
    expect(opened.errors).toBeUndefined();
    const credential = JSON.parse(opened.data!.sharedRecordBook!.credential) as {
      export: { exportId: string; requester: { accountId: string; role: string; name: string } };
    };
    expect(verifyRecordBookCredential(credential, { trustedCas: [school.caPem] }).valid).toBe(true);
    expect(credential.export.requester).toEqual({
      accountId: `record-share:${share.id}`,
      name: 'Trường Đại học Bách khoa Hà Nội',
      role: 'RECORD_SHARE',
    });
    // Logged as an export (with the share), published, and the access published with the export's id.
    const exportId = credential.export.exportId;
    const logged = await harness.db.collection('record_exports').findOne({ _id: exportId as never });
    expect(logged).toMatchObject({
      studentId,
      format: 'CREDENTIAL',
      requestedBy: `record-share:${share.id}`,
      share: { shareId: share.id, recipient: 'Trường Đại học Bách khoa Hà Nội' },
      contentHash: createHash('sha256').update(opened.data!.sharedRecordBook!.credential).digest('hex'),
    });
    const [accessed] = await events.waitFor(
      (e) => e.type === recordShareAccessed.type && (e.data as { shareId?: string }).shareId === share.id,
    );
    expect(accessed!.event.data).toMatchObject({ shareId: share.id, studentId, exportId });
    await events.waitFor(
      (e) => e.type === recordBookExported.type && (e.data as { exportId?: string }).exportId === exportId,
    );

    // A made-up code and, after withdrawal, the real one: the same SHARE_INVALID.
    expect((await read('ABCD-EFGH-JKMN-PQRS-TVWX-YZ01')).errors?.[0]?.extensions?.code).toBe('SHARE_INVALID');
    const withdrawn = await harness.graphql<{ withdrawRecordShare: Share }>(
      `mutation ($s: ID!) { withdrawRecordShare(shareId: $s) { ${SHARE_FIELDS} } }`,
      { s: share.id },
      family('STUDENT'),
    );
    expect(withdrawn.data!.withdrawRecordShare.state).toBe('WITHDRAWN');
    expect((await read(code)).errors?.[0]?.extensions?.code).toBe('SHARE_INVALID');
  });

  it('refuses bad terms and staff requesters; another family, a teacher and anonymous callers list nothing', async () => {
    const past = await request(family('STUDENT'), { validUntil: new Date(Date.now() - 1000).toISOString() });
    expect(past.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    const tooLong = await request(family('STUDENT'), {
      validUntil: new Date(Date.now() + 400 * 86_400_000).toISOString(),
      recipient: '',
    });
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(
      (tooLong.errors?.[0]?.extensions?.fieldErrors as Array<{ field: string }>).map((f) => f.field),
    ).toEqual(['recipient', 'validUntil']);
    expect((await request(principalOfSchool())).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const teacher: Principal = {
      ...principalOfSchool(),
      accountId: 'teacher-1',
      roles: [{ role: 'SUBJECT_TEACHER', scope: { schoolId: school.schoolId } }],
    };
    for (const other of [family('PARENT', randomUUID()), teacher, null]) {
      const listed = await harness.graphql(
        `query ($s: ID!) { recordShares(studentId: $s) { id } }`,
        { s: studentId },
        other,
      );
      expect(listed.errors?.[0]?.extensions?.code).toBe(other ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
  });

  it("gives the family their own copy of the book, logged with who asked, and not another child's", async () => {
    const own = await harness.graphql<{ exportRecordBook: { exportId: string; content: string } }>(
      `mutation ($s: ID!) { exportRecordBook(studentId: $s, format: PDF) { exportId content } }`,
      { s: studentId },
      family('PARENT'),
    );
    expect(own.errors).toBeUndefined();
    expect(Buffer.from(own.data!.exportRecordBook.content, 'base64').subarray(0, 5).toString('latin1')).toBe(
      '%PDF-',
    );
    const logged = await harness.db
      .collection('record_exports')
      .findOne({ _id: own.data!.exportRecordBook.exportId as never });
    expect(logged).toMatchObject({
      requestedBy: `parent-${studentId}`,
      requesterRole: 'PARENT',
      share: null,
    });
    const others = await harness.graphql(
      `mutation ($s: ID!) { exportRecordBook(studentId: $s, format: PDF) { exportId } }`,
      { s: studentId },
      family('PARENT', randomUUID()),
    );
    expect(others.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
