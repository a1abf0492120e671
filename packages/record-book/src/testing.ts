import { copyFile, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attestation } from '@hocbaso/events';
import {
  certificateFingerprint,
  createSchoolPki,
  LocalKeystoreSigner,
  sealKeyRef,
  sealStatement,
  signSnapshot,
  type SignedSnapshot,
} from '@hocbaso/signing';
import type { SignedYear } from './record-book';
import type { ConductPage, PersonalPage, SubjectPage } from './year-page';

/**
 * Real signed years for tests of exports, sync and transfers: a school PKI in a temporary
 * keystore, an approver and the school's seal signing a year page in exactly the snapshot format
 * the signatures service signs (`hocbaso.record-snapshot/2`). Test support only.
 */
export interface TestSchool {
  schoolId: string;
  schoolName: string;
  /** The school CA (PEM): the trust anchor a verifier is given. */
  caPem: string;
  keystoreDir: string;
  approverAccountId: string;
  approverName: string;
}

export async function createTestSchool(
  options: { schoolId?: string; schoolName?: string; approverName?: string } = {},
): Promise<TestSchool> {
  const schoolId = options.schoolId ?? 'school-test';
  const schoolName = options.schoolName ?? 'Trường THPT Nguyễn Trãi';
  const approverName = options.approverName ?? 'Nguyễn Thị Hương';
  const keystoreDir = await mkdtemp(join(tmpdir(), 'hocbaso-record-book-'));
  const approverAccountId = `approver-${schoolId}`;
  const pki = await createSchoolPki({
    outDir: keystoreDir,
    schoolId,
    schoolName,
    staff: [{ accountId: approverAccountId, name: approverName }],
  });
  return { schoolId, schoolName, caPem: pki.caPem, keystoreDir, approverAccountId, approverName };
}

/**
 * Copies a test school's signing keys (not its CA key) into another keystore, so one signer holds
 * several schools' keys (a keystore holds one CA: `createSchoolPki` writes one per directory).
 */
export async function copySigningKeys(school: TestSchool, keystoreDir: string): Promise<void> {
  for (const file of await readdir(school.keystoreDir)) {
    if (file.endsWith('.key.pem') && !file.startsWith('ca.')) {
      const keyRef = file.slice(0, -'.key.pem'.length);
      await copyFile(join(school.keystoreDir, file), join(keystoreDir, file));
      await copyFile(
        join(school.keystoreDir, `${keyRef}.chain.pem`),
        join(keystoreDir, `${keyRef}.chain.pem`),
      );
    }
  }
}

export const samplePersonal = (overrides: Partial<PersonalPage> = {}): PersonalPage => ({
  personalId: '001208012345',
  fullName: 'Nguyễn Thị Ánh Dương',
  dateOfBirth: '2008-03-14',
  gender: 'FEMALE',
  placeOfBirth: 'Hà Nội',
  ethnicity: 'Kinh',
  policyCategory: null,
  address: 'Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội',
  guardians: [
    { relationship: 'FATHER', fullName: 'Nguyễn Văn Đức', occupation: 'Kỹ sư', phone: '0912345678' },
    { relationship: 'MOTHER', fullName: 'Trần Thị Thủy', occupation: 'Giáo viên', phone: null },
  ],
  ...overrides,
});

const term = (regular: number[], midterm: number, final: number, average: number) => ({
  regular,
  midterm,
  final,
  average,
  result: null,
  comment: { progress: 'Tiến bộ rõ rệt', strengths: 'Chăm chỉ, cẩn thận', limitations: null },
});

export const sampleSubjects = (): SubjectPage[] => [
  {
    subjectCode: 'NGU_VAN',
    kind: 'SCORE',
    term1: term([7, 8], 7.5, 8, 7.8),
    term2: term([8, 8.5], 8, 8.5, 8.3),
    year: { average: 8.1, result: null },
    reassessment: null,
    exemption: null,
  },
  {
    subjectCode: 'TOAN',
    kind: 'SCORE',
    term1: term([9, 8], 8.5, 9, 8.7),
    term2: term([9, 9.5], 9, 9.5, 9.3),
    year: { average: 9.1, result: null },
    reassessment: null,
    exemption: null,
  },
  {
    subjectCode: 'GD_THE_CHAT',
    kind: 'COMMENT',
    term1: {
      regular: ['DAT', 'DAT'],
      midterm: 'DAT',
      final: 'DAT',
      average: null,
      result: 'DAT',
      comment: null,
    },
    term2: {
      regular: ['DAT', 'DAT'],
      midterm: 'DAT',
      final: 'DAT',
      average: null,
      result: 'DAT',
      comment: null,
    },
    year: { average: null, result: 'DAT' },
    reassessment: null,
    exemption: null,
  },
];

export const sampleConduct = (overrides: Partial<ConductPage> = {}): ConductPage => ({
  conductTerm1: 'TOT',
  conductTerm2: 'TOT',
  conductYear: 'TOT',
  summerConduct: null,
  absences: { total: 3, excused: 2, unexcused: 1 },
  awards: [{ id: 'aw-1', kind: 'EXCELLENT', title: 'Học sinh Xuất sắc', grantedOn: '2026-05-25' }],
  discipline: [],
  learningResult: 'TOT',
  outcome: 'PROMOTED',
  title: 'EXCELLENT',
  outcomeConfirmed: true,
  homeroomComment: 'Em ngoan, lễ phép, học tập chăm chỉ; cần mạnh dạn phát biểu hơn.',
  ...overrides,
});

export interface SignedYearInput {
  school: TestSchool;
  studentId?: string;
  schoolYear?: string;
  classId?: string;
  className?: string;
  grade?: number;
  recordVersion?: number;
  personal?: PersonalPage;
  subjects?: SubjectPage[];
  conduct?: ConductPage;
  attestations?: Attestation[];
  signedAt?: Date;
  signatureId?: string;
}

/** An approved and sealed year, signed for real with the test school's keys. */
export async function signTestYear(input: SignedYearInput): Promise<SignedYear> {
  const { school } = input;
  const studentId = input.studentId ?? 'student-1';
  const schoolYear = input.schoolYear ?? '2025-2026';
  const classId = input.classId ?? 'class-10a1';
  const recordVersion = input.recordVersion ?? 1;
  const signatureId = input.signatureId ?? `approval-${studentId}-${schoolYear}-v${recordVersion}`;
  const signedAt = input.signedAt ?? new Date(Date.now() - 60_000);
  const unit = { unit: 'STUDENT_YEAR' as const, schoolId: school.schoolId, schoolYear, classId, studentId };
  const snapshot = {
    format: 'hocbaso.record-snapshot/2',
    unit,
    role: 'APPROVER',
    recordVersion,
    content: {
      academics: { schoolYear, studentId, subjects: input.subjects ?? sampleSubjects() },
      conduct: { schoolYear, classId, studentId, ...(input.conduct ?? sampleConduct()) },
      students: {
        schoolYear,
        studentId,
        classId,
        className: input.className ?? '10A1',
        grade: input.grade ?? 10,
        personal: input.personal ?? samplePersonal(),
      },
    },
    attestations: input.attestations ?? [],
  };
  const signer = new LocalKeystoreSigner(school.keystoreDir);
  const approval = await signSnapshot(signer, school.approverAccountId, snapshot, signedAt);
  const seal = await signSnapshot(
    signer,
    sealKeyRef(school.schoolId),
    sealStatement(signatureId, approval),
    signedAt,
  );
  return {
    signatureId,
    school: { id: school.schoolId, code: null, name: school.schoolName },
    schoolYear,
    classId,
    studentId,
    recordVersion,
    approval: evidence(approval, school.approverName),
    seal: evidence(seal, school.schoolName),
  };
}

const evidence = (signed: SignedSnapshot, signerName: string) => ({
  ...signed,
  certificateFingerprint: certificateFingerprint(signed.certificateChain[0] as string),
  signerName,
});
