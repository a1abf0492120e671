import { createHash, randomUUID } from 'node:crypto';
import { startMinistrySimulator, type MinistrySimulator } from '@hocbaso/ministry-simulator';
import { recordBookExported } from '@hocbaso/events';
import {
  recordBookFromXml,
  recordBookTesting,
  verifyRecordBook,
  verifyRecordBookCredential,
} from '@hocbaso/record-book';
import type { Principal } from '@hocbaso/service-kit';
import { EventCollector } from '@hocbaso/testkit';
import { ArchiveHarness } from './harness';

/**
 * Official exports through the archive: each form carries the verified signed years, names its
 * requester, is logged with the hash of the file handed out, and is published.
 */
const API_TOKEN = `ministry-${randomUUID()}`;
let ministry: MinistrySimulator;
let harness: ArchiveHarness;
let events: EventCollector;
let school: recordBookTesting.TestSchool;
const studentId = randomUUID();

const staff = (role: string, schoolId = school.schoolId): Principal => ({
  accountId: `${role.toLowerCase()}-1`,
  username: role === 'PRINCIPAL' ? 'Nguyễn Thị Hương' : 'giaovien',
  schoolId,
  roles: [{ role: role as Principal['roles'][number]['role'], scope: { schoolId } }],
  teaching: [],
});

const EXPORT = `mutation ($studentId: ID!, $format: ExportFormat!) {
  exportRecordBook(studentId: $studentId, format: $format) {
    exportId format fileName mediaType content encoding verificationCode contentHash schoolYears
  }
}`;
type Exported = {
  exportRecordBook: {
    exportId: string;
    format: string;
    content: string;
    encoding: string;
    verificationCode: string;
    contentHash: string;
    schoolYears: string[];
  };
};

beforeAll(async () => {
  ministry = await startMinistrySimulator({ port: 0, apiToken: API_TOKEN });
  events = await new EventCollector([recordBookExported.topic]).start();
  harness = await ArchiveHarness.start('archive-exports', { url: ministry.url, apiToken: API_TOKEN });
  school = await harness.schoolWithApprovedStudent({
    schoolName: 'Trường THPT Chu Văn An',
    className: '10A3',
    studentId,
    fullName: 'Nguyễn Thị Ánh Dương',
  });
}, 90_000);

afterAll(async () => {
  await harness?.close();
  await events?.stop();
  await ministry?.close();
}, 30_000);

const exportAs = (format: string, principal = staff('PRINCIPAL')) =>
  harness.graphql<Exported>(EXPORT, { studentId, format }, principal);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('official exports', () => {
  it('hands out a PDF whose hash is the one logged', async () => {
    const result = await exportAs('PDF');
    expect(result.errors).toBeUndefined();
    const exported = result.data!.exportRecordBook;
    expect(exported.encoding).toBe('BASE64');
    const pdf = Buffer.from(exported.content, 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sha256(pdf)).toBe(exported.contentHash);
    expect(exported.verificationCode).toMatch(
      /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
    );
    const logged = await harness.db.collection('record_exports').findOne({ _id: exported.exportId as never });
    expect(logged).toMatchObject({
      studentId,
      format: 'PDF',
      requestedBy: 'principal-1',
      contentHash: exported.contentHash,
    });
  });

  it('hands out XML that reads back into a record book whose signatures verify, naming the requester', async () => {
    const exported = (await exportAs('XML')).data!.exportRecordBook;
    const { book, meta } = recordBookFromXml(exported.content);
    expect(verifyRecordBook(book, { trustedCas: [school.caPem] }).valid).toBe(true);
    expect(meta.requester.name).toBe('Nguyễn Thị Hương');
    expect(meta.verificationCode).toBe(exported.verificationCode);
    expect(sha256(Buffer.from(exported.content, 'utf8'))).toBe(exported.contentHash);
  });

  it('hands out a credential sealed by the school that verifies offline, and fails once tampered', async () => {
    const exported = (await exportAs('CREDENTIAL')).data!.exportRecordBook;
    const credential = JSON.parse(exported.content) as Record<string, unknown>;
    expect(verifyRecordBookCredential(credential, { trustedCas: [school.caPem] }).valid).toBe(true);
    const tampered = JSON.parse(exported.content.replace('"Nguyễn Thị Hương"', '"Người Khác"')) as unknown;
    expect(verifyRecordBookCredential(tampered, { trustedCas: [school.caPem] }).valid).toBe(false);
  });

  it('logs and publishes every export, and finds it again by the code printed on it', async () => {
    const exported = (await exportAs('XML')).data!.exportRecordBook;
    const [event] = await events.waitFor(
      (e) => (e.data as { exportId?: string }).exportId === exported.exportId,
    );
    expect(event!.event.data).toMatchObject({
      studentId,
      format: 'XML',
      requestedBy: { accountId: 'principal-1', role: 'PRINCIPAL' },
      verificationCode: exported.verificationCode,
      contentHash: exported.contentHash,
    });
    const found = await harness.graphql<{ exportByCode: { exportId: string; contentHash: string } | null }>(
      `query ($code: String!) { exportByCode(verificationCode: $code) { exportId contentHash } }`,
      { code: exported.verificationCode.toLowerCase() },
      staff('SUBJECT_TEACHER', randomUUID()),
    );
    expect(found.data!.exportByCode).toEqual({
      exportId: exported.exportId,
      contentHash: exported.contentHash,
    });
  });

  it('gives nothing to a teacher or to another school', async () => {
    for (const caller of [staff('SUBJECT_TEACHER'), staff('PRINCIPAL', randomUUID())]) {
      const result = await exportAs('PDF', caller);
      expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });
});
