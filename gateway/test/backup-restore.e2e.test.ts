import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createBackup,
  KafkaAdminPositions,
  restoreBackup,
  verifyRestore,
  type PartitionOffset,
} from '@hocbaso/backup';
import { backupCompleted, restoreCompleted } from '@hocbaso/events';
import { createSchoolPki, sealKeyRef, splitPemChain } from '@hocbaso/signing';
import { EventCollector, eventually, infra, testLogger } from '@hocbaso/testkit';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import {
  COMPLETE_SUBJECTS,
  FullStack,
  openClassTaughtByItsHomeroomTeacher,
  recordYearOfMarks,
  type FullStackStores,
} from './full-stack';

jest.setTimeout(120_000);

const YEAR = '2025-2026';
const logger = testLogger('backup-e2e');
const client = new MongoClient(infra().mongodbUri);
const kafka = new Kafka({
  clientId: 'backup-e2e',
  brokers: infra().kafkaBrokers,
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const positions = new KafkaAdminPositions({ brokers: infra().kafkaBrokers, logger });
const events = new EventCollector([backupCompleted.topic]);
let stack: FullStack | undefined;
let stores: FullStackStores;
let backupRoot: string;

const databasesOf = (s: FullStackStores) => Object.values(s.databases);
const groupsOf = (s: FullStackStores) => [
  ...Object.values(s.consumerGroups),
  `${s.consumerGroups.signatures}-answers`,
  `${s.consumerGroups.signatures}-audit`,
];
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

beforeAll(async () => {
  backupRoot = await mkdtemp(path.join(tmpdir(), 'hocbaso-backup-e2e-'));
  await client.connect();
  await admin.connect();
  await events.start();
});

afterAll(async () => {
  await stack?.stop();
  await events.stop();
  if (stores) {
    for (const name of databasesOf(stores))
      await client
        .db(name)
        .dropDatabase()
        .catch(() => undefined);
    await admin.deleteGroups(groupsOf(stores)).catch(() => undefined);
  }
  await admin.disconnect();
  await positions.close();
  await client.close();
  await rm(backupRoot, { recursive: true, force: true });
});

interface SignatureView {
  id: string;
  state: string;
  verification: { valid: boolean; sealValid: boolean | null };
}
const SIGNATURE = `id state verification { valid sealValid }`;
const BOOK = `query($id: ID!, $y: String!) {
  student(id: $id) {
    fullName dateOfBirth currentClass { name }
    results(schoolYear: $y) { subject { code } year { average result } }
    conduct(schoolYear: $y) { term1 term2 year outcome }
    recordStatus(schoolYear: $y) { version state approval { id } }
  }
}`;

/** Every signature's content hash, the hash of its canonical text, and its seal's, by id. */
async function signatureHashes(database: string) {
  const stored = await client
    .db(database)
    .collection<{
      _id: string;
      signed: { canonical: string; contentHash: string } | null;
      seal: { contentHash: string } | null;
    }>('signatures')
    .find({}, { sort: { _id: 1 } })
    .toArray();
  return stored.map((s) => ({
    id: s._id,
    contentHash: s.signed?.contentHash ?? null,
    canonicalHash: s.signed ? sha256(s.signed.canonical) : null,
    sealHash: s.seal?.contentHash ?? null,
  }));
}

async function committedOffsets(groups: string[]): Promise<Record<string, PartitionOffset[]>> {
  const all: Record<string, PartitionOffset[]> = {};
  for (const group of groups) all[group] = await positions.committedOffsets(group);
  return all;
}

it('backs up a signed class, wipes every store, restores, verifies and serves the same record book again', async () => {
  stack = await FullStack.startAll();
  stores = stack.stores;

  // ── A school with its PKI, and a class of one student signed through the whole chain ──────
  const { school, admin: schoolAdmin } = await stack.createSchoolWithAdmin('saoluu');
  const schoolId = school._id;
  const principal = await stack.createAccount(schoolId, 'hieutruong', 'PRINCIPAL');
  const staff = await stack.createAccount(schoolId, 'giaovu', 'ACADEMIC_STAFF');
  const homeroom = await stack.createAccount(schoolId, 'gvcn', 'SUBJECT_TEACHER');
  const token = async (a: { username: string; password: string }) =>
    (await stack!.login(a.username, a.password)).accessToken;
  const [adminT, principalT, staffT] = await Promise.all([schoolAdmin, principal, staff].map(token));
  const pki = await createSchoolPki({
    outDir: stack.keystoreDir,
    schoolId,
    schoolName: school.name,
    staff: [principal, homeroom].map((a) => ({ accountId: a.id, name: a.username })),
  });
  const ca = await stack.query(
    `mutation($s: ID!, $pem: String!) { registerCertificateAuthority(schoolId: $s, certificatePem: $pem) { kind } }`,
    { s: schoolId, pem: pki.caPem },
    adminT,
  );
  expect(ca.errors).toBeUndefined();
  for (const keyRef of [principal.id, homeroom.id, sealKeyRef(schoolId)]) {
    const chain = splitPemChain(await readFile(path.join(stack.keystoreDir, `${keyRef}.chain.pem`), 'utf8'));
    const registered = await stack.query(
      `mutation($s: ID!, $a: ID, $c: [String!]!) { registerSigningCertificate(schoolId: $s, accountId: $a, certificateChainPem: $c) { kind } }`,
      { s: schoolId, a: keyRef.startsWith('seal-') ? null : keyRef, c: chain },
      adminT,
    );
    expect(registered.errors).toBeUndefined();
  }
  await stack.query(
    `mutation($s: ID!, $y: String!, $a: ID!) { assignGradeApprover(schoolId: $s, schoolYear: $y, grade: 10, accountId: $a) { grade } }`,
    { s: schoolId, y: YEAR, a: principal.id },
    principalT,
  );
  const { classId, students } = await openClassTaughtByItsHomeroomTeacher(stack, {
    schoolId,
    schoolYear: YEAR,
    staffToken: staffT!,
    teacherId: homeroom.id,
    subjects: COMPLETE_SUBJECTS,
    size: 1,
  });
  const studentId = students[0]!.id;
  const teacherT = await token(homeroom);
  await recordYearOfMarks(stack, teacherT, {
    classId,
    schoolYear: YEAR,
    subjects: COMPLETE_SUBJECTS,
    students,
  });
  for (const period of ['TERM_1', 'TERM_2']) {
    await eventually(async () => {
      const result = await stack!.query(
        `mutation($i: RecordConductInput!) { recordConduct(input: $i) { term1 } }`,
        { i: { studentId, schoolYear: YEAR, period, level: 'TOT' } },
        teacherT,
      );
      return !result.errors;
    }, 30_000);
  }
  const sign = async (mutation: string, variables: Record<string, unknown>, as: string) =>
    eventually(async () => {
      const result = await stack!.query<Record<string, SignatureView>>(mutation, variables, as);
      const view = Object.values(result.data ?? {})[0];
      // The owners' events may still be on their way (NOT_FOUND, incomplete): try again.
      return view?.state === 'SIGNED' ? view : null;
    }, 30_000);
  // A homeroom page needs every subject with marks signed; the subject signatures are the chain's first step.
  for (const subjectCode of COMPLETE_SUBJECTS) {
    const signed = await sign(
      `mutation($c: ID!, $s: String!, $y: String!) { signSubjectResults(classId: $c, subjectCode: $s, schoolYear: $y, period: YEAR) { ${SIGNATURE} } }`,
      { c: classId, s: subjectCode, y: YEAR },
      teacherT,
    );
    expect(signed.verification.valid).toBe(true);
  }
  const homeroomSigned = await sign(
    `mutation($c: ID!, $y: String!) { signClassConduct(classId: $c, schoolYear: $y, period: YEAR) { ${SIGNATURE} } }`,
    { c: classId, y: YEAR },
    teacherT,
  );
  expect(homeroomSigned.verification.valid).toBe(true);
  const approval = await sign(
    `mutation($c: ID!, $st: ID!, $y: String!) { approveStudentRecord(classId: $c, studentId: $st, schoolYear: $y) { ${SIGNATURE} } }`,
    { c: classId, st: studentId, y: YEAR },
    principalT!,
  );
  expect(approval.verification).toEqual({ valid: true, sealValid: true });
  const book = await stack.query(BOOK, { id: studentId, y: YEAR }, principalT);
  expect(book.errors).toBeUndefined();
  expect(book.data).toMatchObject({
    student: { recordStatus: { state: 'APPROVED', approval: { id: approval.id } } },
  });

  // ── The audit trail holds every event every service published, then the stack stops ───────
  const signaturesDb = client.db(stores.databases.signatures);
  const published = async () => {
    const ids: string[] = [];
    for (const name of databasesOf(stores)) {
      ids.push(...(await client.db(name).collection<{ _id: string }>('event_log').distinct('_id')));
    }
    return ids;
  };
  await eventually(async () => {
    const ids = await published();
    const audited = await signaturesDb
      .collection('audit_event_ids')
      .countDocuments({ _id: { $in: ids } } as never);
    return audited === ids.length;
  }, 30_000);
  await stack.stop();
  stack = undefined;

  const hashesBefore = await signatureHashes(stores.databases.signatures);
  const auditEntries = await signaturesDb.collection('audit_trail').countDocuments();
  const offsetsBefore = await committedOffsets(groupsOf(stores));
  expect(hashesBefore.filter((h) => h.contentHash)).toHaveLength(COMPLETE_SUBJECTS.length + 2);
  for (const group of groupsOf(stores)) expect(offsetsBefore[group]!.length).toBeGreaterThan(0);

  // ── Back up, wipe every store and the consumer positions, restore ─────────────────────────
  const backupStarted = performance.now();
  const backup = await createBackup({
    mongoUri: infra().mongodbUri,
    databases: databasesOf(stores),
    kafkaBrokers: infra().kafkaBrokers,
    consumerGroups: groupsOf(stores),
    outDir: backupRoot,
    logger,
  });
  const backupMs = Math.round(performance.now() - backupStarted);
  expect(backup.manifest.kafka.consumerGroups.map((g) => g.offsets)).toEqual(
    groupsOf(stores).map((g) => offsetsBefore[g]),
  );
  for (const name of databasesOf(stores)) await client.db(name).dropDatabase();
  await admin.deleteGroups(groupsOf(stores));
  for (const name of databasesOf(stores))
    expect(await client.db(name).listCollections().toArray()).toEqual([]);
  expect(await committedOffsets(groupsOf(stores))).toEqual(
    Object.fromEntries(groupsOf(stores).map((g) => [g, []])),
  );

  const started = performance.now();
  const restored = await restoreBackup(backup.directory, {
    mongoUri: infra().mongodbUri,
    kafkaBrokers: infra().kafkaBrokers,
    logger,
  });
  const wallClockMs = Math.round(performance.now() - started);
  expect(restored.warnings).toEqual([]);

  // ── Verify: same hashes, every signature and seal valid, audit chain intact, offsets back ──
  const verifyStarted = performance.now();
  const verification = await verifyRestore({
    backupDir: backup.directory,
    mongoUri: infra().mongodbUri,
    signaturesDatabase: stores.databases.signatures,
    positions,
  });
  const verifyMs = Math.round(performance.now() - verifyStarted);
  console.log(
    `restore of ${backup.manifest.totals.documents} documents (${backup.manifest.totals.collections} collections, ` +
      `${(backup.manifest.totals.bytes / 1024).toFixed(0)} KiB) in ${backup.manifest.totals.databases} databases ` +
      `and ${groupsOf(stores).length} consumer groups: ${wallClockMs} ms wall clock (the backup took ${backupMs} ms, the verification ${verifyMs} ms)`,
  );
  expect(verification).toMatchObject({
    ok: true,
    collections: { mismatches: [] },
    signatures: {
      checked: COMPLETE_SUBJECTS.length + 2,
      valid: COMPLETE_SUBJECTS.length + 2,
      // Every signature's canonical text and the approval's seal.
      contentHashesMatching: COMPLETE_SUBJECTS.length + 3,
      seals: { checked: 1, valid: 1 },
      failures: [],
    },
    audit: { intact: true, entriesVerified: auditEntries, firstBroken: null },
    consumerOffsets: { groupsChecked: groupsOf(stores).length, matching: groupsOf(stores).length },
  });
  expect(verification.collections.checked).toBe(backup.manifest.totals.collections);
  expect(await signatureHashes(stores.databases.signatures)).toEqual(hashesBefore);
  expect(hashesBefore.every((h) => h.contentHash === h.canonicalHash)).toBe(true);
  expect(await committedOffsets(groupsOf(stores))).toEqual(offsetsBefore);
  await events.waitFor(
    (e) => e.type === backupCompleted.type && e.subject === `backups/${backup.manifest.backupId}`,
  );
  await events.waitFor(
    (e) => e.type === restoreCompleted.type && e.subject === `backups/${backup.manifest.backupId}`,
  );

  // ── The stack starts again on the restored stores and answers the same ────────────────────
  stack = await FullStack.startAll(stores);
  const principalAgain = await stack.login(principal.username, principal.password);
  const bookAgain = await stack.query(BOOK, { id: studentId, y: YEAR }, principalAgain.accessToken);
  expect(bookAgain.errors).toBeUndefined();
  expect(bookAgain.data).toEqual(book.data);
});
