import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKeystoreSigner, sealKeyRef } from '@hocbaso/signing';
import { issueRecordBookCredential } from '../credential/record-book-credential';
import { recordBookOf } from '../record-book';
import { createTestSchool, signTestYear } from '../testing';
import { recordBookToXml } from '../xml/record-book-xml';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command as a user runs it: node with tsx on the source file, in a directory of their own. */
function verify(cwd: string, ...args: string[]): Promise<Run> {
  const script = join(__dirname, 'verify.ts');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), script, ...args],
      { cwd },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

let dir: string;
let runs: Record<'credential' | 'xml' | 'tamperedCredential' | 'tamperedXml' | 'noTrust', Run>;

beforeAll(async () => {
  const school = await createTestSchool();
  const book = recordBookOf('student-1', [
    await signTestYear({ school }),
    await signTestYear({ school, schoolYear: '2026-2027', grade: 11, className: '11A1' }),
  ]);
  const meta = {
    exportId: 'export-2026-0003',
    issuedAt: '2026-06-20T02:30:00.000Z',
    requester: { accountId: 'acc-phuhuynh', name: 'Nguyễn Văn Đức', role: 'GUARDIAN' },
    verificationCode: 'HB-5T7R-2KLM',
  };
  const credential = await issueRecordBookCredential(book, {
    signer: new LocalKeystoreSigner(school.keystoreDir),
    keyRef: sealKeyRef(school.schoolId),
    issuer: { id: school.schoolId, name: school.schoolName },
    meta,
  });
  const tampered = structuredClone(credential);
  const year = tampered.credentialSubject.recordBook.years[1]!;
  year.approval.canonical = year.approval.canonical.replace('"average":9.1', '"average":9.9');
  const xml = recordBookToXml(book, meta);

  dir = await mkdtemp(join(tmpdir(), 'hocbaso-verify-'));
  await Promise.all([
    writeFile(join(dir, 'ca.pem'), school.caPem),
    writeFile(join(dir, 'hoc-ba.vc.json'), JSON.stringify(credential, null, 2)),
    writeFile(join(dir, 'hoc-ba-sua.vc.json'), JSON.stringify(tampered)),
    writeFile(join(dir, 'hoc-ba.xml'), xml),
    writeFile(join(dir, 'hoc-ba-sua.xml'), xml.replace('"average":9.1', '"average":9.9')),
  ]);
  // In parallel: each run starts node and tsx afresh.
  const [credentialRun, xmlRun, tamperedCredential, tamperedXml, noTrust] = await Promise.all([
    verify(dir, 'hoc-ba.vc.json', '--trust', 'ca.pem'),
    verify(dir, 'hoc-ba.xml', '--trust', join(dir, 'ca.pem')),
    verify(dir, 'hoc-ba-sua.vc.json', '--trust', 'ca.pem'),
    verify(dir, 'hoc-ba-sua.xml', '--trust', 'ca.pem'),
    verify(dir, 'hoc-ba.vc.json'),
  ]);
  runs = {
    credential: credentialRun!,
    xml: xmlRun!,
    tamperedCredential: tamperedCredential!,
    tamperedXml: tamperedXml!,
    noTrust: noTrust!,
  };
}, 30_000);

describe('hocbaso-verify', () => {
  it('accepts a valid credential and says in Vietnamese what it checked', () => {
    const { code, stdout, stderr } = runs.credential;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('chứng chỉ số W3C');
    expect(stdout).toContain('Đơn vị cấp: Trường THPT Nguyễn Trãi (urn:hocbaso:school:school-test)');
    expect(stdout).toContain('Bản xuất số export-2026-0003 cho Nguyễn Văn Đức (GUARDIAN');
    expect(stdout).toContain('Học sinh: Nguyễn Thị Ánh Dương (mã học sinh student-1), sinh ngày 14/03/2008');
    expect(stdout).toContain('Năm học 2025-2026, lớp 10A1, phiên bản 1: HỢP LỆ');
    expect(stdout).toContain('Năm học 2026-2027, lớp 11A1, phiên bản 1: HỢP LỆ');
    expect(stdout).toMatch(/Phê duyệt: Nguyễn Thị Hương lúc \d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4}/);
    expect(stdout).toContain('Đóng dấu số: Trường THPT Nguyễn Trãi lúc');
    expect(stdout).toContain('KẾT LUẬN: HỢP LỆ');
  });

  it('accepts a valid XML export', () => {
    const { code, stdout } = runs.xml;
    expect(code).toBe(0);
    expect(stdout).toContain('học bạ số dạng XML');
    expect(stdout).toContain('Năm học 2026-2027, lớp 11A1, phiên bản 1: HỢP LỆ');
    expect(stdout).toContain('KẾT LUẬN: HỢP LỆ');
  });

  it('exits 1 for a tampered credential and names the problems', () => {
    const { code, stdout } = runs.tamperedCredential;
    expect(code).toBe(1);
    expect(stdout).toContain('Năm học 2025-2026, lớp 10A1, phiên bản 1: HỢP LỆ');
    expect(stdout).toContain('Năm học 2026-2027, lớp 11A1, phiên bản 1: KHÔNG HỢP LỆ');
    expect(stdout).toContain('[CONTENT_CHANGED]');
    expect(stdout).toContain('[PROOF_INVALID]');
    expect(stdout).toContain('KẾT LUẬN: KHÔNG HỢP LỆ');
  });

  it('exits 1 for a tampered XML export', () => {
    const { code, stdout } = runs.tamperedXml;
    expect(code).toBe(1);
    expect(stdout).toContain('[FORMAT]');
    expect(stdout).toContain('KẾT LUẬN: KHÔNG HỢP LỆ');
  });

  it('exits 2 without --trust', () => {
    const { code, stdout, stderr } = runs.noTrust;
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Thiếu --trust');
    expect(stderr).toContain('Cách dùng: hocbaso-verify');
  });
});
