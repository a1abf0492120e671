import { randomUUID } from 'node:crypto';
import { startMinistrySimulator, type MinistrySimulator } from '@hocbaso/ministry-simulator';
import { transferImported, transferRefused } from '@hocbaso/events';
import { recordBookTesting, verifyTransferPackage, type TransferPackage } from '@hocbaso/record-book';
import type { Principal } from '@hocbaso/service-kit';
import { certificateFingerprint } from '@hocbaso/signing';
import { eventually, EventCollector } from '@hocbaso/testkit';
import { ArchiveHarness } from './harness';

/**
 * Transfer packages through the archive on the real store and broker: school A issues the sealed
 * record book, school B imports it (every signature verified against the CAs registered on the
 * platform), the students service's answer completes it; tampered packages are refused with the reason.
 */
const API_TOKEN = `ministry-${randomUUID()}`;
let ministry: MinistrySimulator;
let harness: ArchiveHarness;
let events: EventCollector;
let schoolA: recordBookTesting.TestSchool;
let schoolB: recordBookTesting.TestSchool;
let classB: string;
const studentId = randomUUID();

const staffOf = (schoolId: string, role = 'ACADEMIC_STAFF'): Principal => ({
  accountId: `${role.toLowerCase()}-${schoolId}`,
  username: `giaovu-${schoolId}`,
  schoolId,
  roles: [{ role: role as Principal['roles'][number]['role'], scope: { schoolId } }],
  teaching: [],
});

const ISSUE = `mutation ($studentId: ID!) {
  issueTransferPackage(studentId: $studentId) { transferId packageHash schoolYears package }
}`;
const IMPORT = `mutation ($input: ImportTransferPackageInput!) {
  importTransferPackage(input: $input) { transferId studentId fromSchoolId toSchoolId state problems { code message } schoolYears }
}`;
const BOOK = `query ($id: ID!) {
  _entities(representations: [{ __typename: "Student", id: $id }]) {
    ... on Student { recordBook { schoolYear schoolName recordVersion approvedBy valid problems { code message } } }
  }
}`;

beforeAll(async () => {
  ministry = await startMinistrySimulator({ port: 0, apiToken: API_TOKEN });
  events = await new EventCollector([transferImported.topic]).start();
  harness = await ArchiveHarness.start('archive-transfer', { url: ministry.url, apiToken: API_TOKEN });
  const a = randomUUID();
  const b = randomUUID();
  schoolA = await recordBookTesting.createTestSchool({ schoolId: a, schoolName: 'Trường THPT Lê Quý Đôn' });
  schoolB = await recordBookTesting.createTestSchool({ schoolId: b, schoolName: 'Trường THPT Trần Phú' });
  await recordBookTesting.copySigningKeys(schoolA, harness.keystoreDir);
  await recordBookTesting.copySigningKeys(schoolB, harness.keystoreDir);
  await harness.registerCa(schoolA);
  await harness.registerCa(schoolB);
  const { classId: classA } = await harness.createSchoolClass({
    schoolId: a,
    schoolName: schoolA.schoolName,
    className: '10A1',
    students: [{ studentId, fullName: 'Đặng Quốc Việt', outcome: 'PROMOTED' }],
  });
  ({ classId: classB } = await harness.createSchoolClass({
    schoolId: b,
    schoolName: schoolB.schoolName,
    className: '11B2',
    students: [],
  }));
  const year = await recordBookTesting.signTestYear({ school: schoolA, studentId, classId: classA });
  await harness.approve(year);
  await eventually(
    async () => (await harness.service.deps.sync.signedYearsOf(studentId)).length === 1,
    20_000,
  );
  await eventually(async () => (await harness.service.deps.facts.authorities()).length >= 2, 20_000);
  await eventually(async () => (await harness.service.deps.facts.student(studentId))?.schoolId === a, 20_000);
  await eventually(async () => !!(await harness.service.deps.facts.classById(classB)), 20_000);
}, 90_000);

afterAll(async () => {
  await harness?.close();
  await events?.stop();
  await ministry?.close();
}, 30_000);

async function issue(principal: Principal) {
  return harness.graphql<{
    issueTransferPackage: { transferId: string; packageHash: string; schoolYears: string[]; package: string };
  }>(ISSUE, { studentId }, principal);
}

async function importPackage(pkg: string, principal: Principal) {
  return harness.graphql<{
    importTransferPackage: { transferId: string; state: string; fromSchoolId: string; schoolYears: string[] };
  }>(IMPORT, { input: { package: pkg, classId: classB, effectiveOn: '2026-09-10' } }, principal);
}

describe('transfer between schools', () => {
  let issued: { transferId: string; package: string };

  it('lets only the school that manages the student issue the package, sealed by that school', async () => {
    const refused = await issue(staffOf(schoolB.schoolId));
    expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const result = await issue(staffOf(schoolA.schoolId));
    expect(result.errors).toBeUndefined();
    issued = result.data!.issueTransferPackage;
    expect(result.data!.issueTransferPackage.schoolYears).toEqual(['2025-2026']);
    const pkg = JSON.parse(issued.package) as TransferPackage;
    expect(pkg.studentId).toBe(studentId);
    // Verifiable by anyone holding school A's CA, without the system.
    expect(verifyTransferPackage(pkg, { trustedCas: [schoolA.caPem] }).valid).toBe(true);
    expect(certificateFingerprint(pkg.seal.certificateChain.at(-1)!)).toBe(
      certificateFingerprint(schoolA.caPem),
    );
  });

  it('refuses a tampered package with the reason, and logs the refusal', async () => {
    const pkg = JSON.parse(issued.package) as TransferPackage;
    const year = pkg.recordBook.years[0]!;
    year.approval.canonical = year.approval.canonical.replace('"conductYear":"TOT"', '"conductYear":"KHA"');
    expect(year.approval.canonical).not.toBe(
      (JSON.parse(issued.package) as TransferPackage).recordBook.years[0]!.approval.canonical,
    );
    const result = await importPackage(JSON.stringify(pkg), staffOf(schoolB.schoolId));
    expect(result.errors?.[0]?.extensions?.code).toBe('TRANSFER_INVALID');
    expect(result.errors?.[0]?.message).toContain('Hồ sơ chuyển trường bị từ chối');
    const details = (result.errors?.[0]?.extensions?.details as { problems: string[] }).problems;
    expect(details.some((d) => d.startsWith('CONTENT_CHANGED'))).toBe(true);
    const refusals = await harness.db.collection('transfer_imports').find({ state: 'INVALID' }).toArray();
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.studentId).toBe(studentId);
    // The refusal is on Kafka; nothing was sent to move the student.
    const [refusal] = await events.waitFor(
      (e) => e.type === transferRefused.type && (e.data as { studentId?: string }).studentId === studentId,
    );
    expect((refusal!.event.data as { problems: unknown[] }).problems.length).toBeGreaterThan(0);
    expect(
      events.matching(
        (e) => e.type === transferImported.type && (e.data as { studentId?: string }).studentId === studentId,
      ),
    ).toEqual([]);
  });

  it('refuses a package sealed by a CA the platform does not know for that school', async () => {
    const rogue = await recordBookTesting.createTestSchool({
      schoolId: schoolA.schoolId,
      schoolName: schoolA.schoolName,
    });
    await recordBookTesting.copySigningKeys(rogue, harness.keystoreDir);
    // The rogue keys now stand in for school A's seal: a package they seal must not verify.
    const forged = await issue(staffOf(schoolA.schoolId));
    await recordBookTesting.copySigningKeys(schoolA, harness.keystoreDir);
    const result = await importPackage(forged.data!.issueTransferPackage.package, staffOf(schoolB.schoolId));
    expect(result.errors?.[0]?.extensions?.code).toBe('TRANSFER_INVALID');
    expect(result.errors?.[0]?.message).toMatch(/tổ chức cấp chứng thư|chứng thư/);
  });

  it('imports a verified package into the receiving school; the move completes when students answers', async () => {
    const result = await importPackage(issued.package, staffOf(schoolB.schoolId));
    expect(result.errors).toBeUndefined();
    expect(result.data!.importTransferPackage).toMatchObject({
      transferId: issued.transferId,
      fromSchoolId: schoolA.schoolId,
      state: 'IMPORTED',
      schoolYears: ['2025-2026'],
    });
    const [moved] = await events.waitFor(
      (e) => e.type === transferImported.type && (e.data as { studentId: string }).studentId === studentId,
    );
    expect(moved!.event.data).toMatchObject({
      toSchoolId: schoolB.schoolId,
      classId: classB,
      effectiveOn: '2026-09-10',
    });
    // Importing the same package again changes nothing.
    const again = await importPackage(issued.package, staffOf(schoolB.schoolId));
    expect(again.data!.importTransferPackage.transferId).toBe(issued.transferId);

    await harness.answerTransfer(issued.transferId, studentId, null);
    await eventually(
      async () => (await harness.service.deps.transfers.importById(issued.transferId))?.state === 'COMPLETED',
      20_000,
    );
  }, 30_000);

  it('shows the receiving school the whole verified book once it manages the student; the old school keeps its years', async () => {
    // The students service moved the student: its enrolment at school B reaches the archive.
    const { studentEnrolled } = await import('@hocbaso/events');
    await harness.publish(studentEnrolled, studentId, {
      studentId,
      fullName: 'Đặng Quốc Việt',
      schoolId: schoolB.schoolId,
      classId: classB,
      schoolYear: '2026-2027',
      grade: 11,
      kind: 'TRANSFERRED_IN',
      effectiveOn: '2026-09-10',
      actor: { accountId: 'giaovu-b', kind: 'user' },
    });
    await eventually(
      async () => (await harness.service.deps.facts.student(studentId))?.schoolId === schoolB.schoolId,
      20_000,
    );
    type Book = {
      _entities: Array<{
        recordBook: Array<{ schoolYear: string; valid: boolean; approvedBy: string }> | null;
      }>;
    };
    const forB = await harness.graphql<Book>(BOOK, { id: studentId }, staffOf(schoolB.schoolId, 'PRINCIPAL'));
    expect(forB.errors).toBeUndefined();
    expect(forB.data!._entities[0]!.recordBook).toEqual([
      {
        schoolYear: '2025-2026',
        schoolName: 'Trường THPT Lê Quý Đôn',
        recordVersion: 1,
        approvedBy: schoolA.approverName,
        valid: true,
        problems: [],
      },
    ]);
    const forA = await harness.graphql<Book>(BOOK, { id: studentId }, staffOf(schoolA.schoolId, 'PRINCIPAL'));
    expect(forA.data!._entities[0]!.recordBook?.map((y) => y.schoolYear)).toEqual(['2025-2026']);
    // School A may no longer hand the record over: school B manages it.
    expect((await issue(staffOf(schoolA.schoolId))).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // A school that never had the student sees nothing.
    const other = randomUUID();
    const forOther = await harness.graphql<Book>(BOOK, { id: studentId }, staffOf(other, 'PRINCIPAL'));
    expect(forOther.data!._entities[0]!.recordBook).toBeNull();
  });
});
