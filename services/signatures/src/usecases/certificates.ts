import { AppError, forbidden, validationFailed, fieldProblem } from '@hocbaso/errors';
import { certificateRegistered, gradeApproverAssigned } from '@hocbaso/events';
import { certificateFingerprint, describeCertificate, verifyCertificateChain } from '@hocbaso/signing';
import { isAdminOf, isPrincipalOf } from '../domain/access';
import { accountIdProblems, gradeProblems, schoolYearProblems } from '../domain/school-input';
import {
  gradeApproverId,
  type CertificateDocument,
  type GradeApproverDocument,
} from '../model/registry.model';
import { actorOf, signaturesEvent, type Caller, type SignaturesDeps } from './deps';

/** The PEM of every CA the school registered. */
export async function registeredAuthorities(deps: SignaturesDeps, schoolId: string): Promise<string[]> {
  const authorities = await deps.records.certificatesOf(schoolId, 'CERTIFICATE_AUTHORITY');
  return authorities.map((a) => a.chain[0]!).filter(Boolean);
}

/**
 * The registered certificate of a signer valid at `at`: a person's (accountId) or, with accountId
 * null, the school's seal. The latest registered wins (a renewed certificate replaces the old).
 */
export async function registeredSignerCertificate(
  deps: SignaturesDeps,
  schoolId: string,
  accountId: string | null,
  at: Date,
): Promise<CertificateDocument | null> {
  const kind = accountId ? 'PERSON' : 'ORGANISATION_SEAL';
  const certificates = await deps.records.certificatesOf(schoolId, kind);
  const valid = certificates.filter(
    (c) => (accountId === null || c.accountId === accountId) && c.notBefore <= at && at <= c.notAfter,
  );
  return valid.at(-1) ?? null;
}

function describe(pem: string, field: string) {
  try {
    return describeCertificate(pem);
  } catch {
    throw validationFailed([
      fieldProblem(field, 'CERTIFICATE_INVALID', 'Không đọc được chứng thư (cần định dạng PEM).'),
    ]);
  }
}

/** Đăng ký tổ chức chứng thực: the school admin registers the CA its staff certificates come from. */
export async function registerCertificateAuthority(
  deps: SignaturesDeps,
  caller: Caller,
  input: { schoolId: string; certificatePem: string },
): Promise<CertificateDocument> {
  if (!isAdminOf(caller.principal, input.schoolId)) throw forbidden();
  const description = describe(input.certificatePem, 'certificatePem');
  return register(deps, caller, {
    schoolId: input.schoolId,
    kind: 'CERTIFICATE_AUTHORITY',
    accountId: null,
    chain: [input.certificatePem],
    description,
  });
}

/**
 * Đăng ký chứng thư số of a signer (a staff member, or the school's seal): the chain must lead to
 * a CA the school registered. Only public certificates come here; the private key stays with the
 * signer (a token, a remote signing service, or the development keystore).
 */
export async function registerSigningCertificate(
  deps: SignaturesDeps,
  caller: Caller,
  input: { schoolId: string; accountId: string | null; certificateChainPem: string[] },
): Promise<CertificateDocument> {
  if (!isAdminOf(caller.principal, input.schoolId)) throw forbidden();
  const leaf = input.certificateChainPem[0];
  if (!leaf)
    throw validationFailed([fieldProblem('certificateChainPem', 'VALIDATION_FAILED', 'Thiếu chứng thư.')]);
  const description = describe(leaf, 'certificateChainPem');
  const chainCheck = await verifyCertificateChain({
    chain: input.certificateChainPem,
    registeredCas: await registeredAuthorities(deps, input.schoolId),
    at: deps.now(),
  });
  if (!chainCheck.valid) {
    throw new AppError('CERTIFICATE_INVALID', {
      message: `Chứng thư không được chấp nhận: ${chainCheck.problems.map((p) => p.message).join('; ')}`,
    });
  }
  if (input.accountId && description.accountId && description.accountId !== input.accountId) {
    throw new AppError('CERTIFICATE_INVALID', { message: 'Chứng thư được cấp cho một tài khoản khác.' });
  }
  return register(deps, caller, {
    schoolId: input.schoolId,
    kind: input.accountId ? 'PERSON' : 'ORGANISATION_SEAL',
    accountId: input.accountId,
    chain: input.certificateChainPem,
    description,
  });
}

async function register(
  deps: SignaturesDeps,
  caller: Caller,
  input: {
    schoolId: string;
    kind: CertificateDocument['kind'];
    accountId: string | null;
    chain: string[];
    description: ReturnType<typeof describeCertificate>;
  },
): Promise<CertificateDocument> {
  const fingerprint = certificateFingerprint(input.chain[0]!);
  const existing = await deps.records.certificate(fingerprint);
  if (existing) return existing;
  const now = deps.now();
  const { description } = input;
  const document = await deps.records.create(
    deps.records.models.certificates,
    {
      _id: fingerprint,
      schoolId: input.schoolId,
      kind: input.kind,
      accountId: input.accountId,
      chain: input.chain,
      subject: description.commonName,
      notBefore: new Date(description.notBefore),
      notAfter: new Date(description.notAfter),
      registeredBy: caller.principal?.accountId ?? null,
      registeredAt: now,
    },
    [
      signaturesEvent(certificateRegistered, `certificates/${fingerprint}`, input.schoolId, {
        schoolId: input.schoolId,
        kind: input.kind,
        fingerprint,
        accountId: input.accountId,
        subject: description.commonName,
        notBefore: new Date(description.notBefore).toISOString(),
        notAfter: new Date(description.notAfter).toISOString(),
        actor: actorOf(caller),
      }),
    ],
  );
  deps.changed();
  return document;
}

/** Phân công phê duyệt: the principal names the approver of a grade (R4, R12). */
export async function assignGradeApprover(
  deps: SignaturesDeps,
  caller: Caller,
  input: { schoolId: string; schoolYear: string; grade: number; accountId: string },
): Promise<GradeApproverDocument> {
  if (!isPrincipalOf(caller.principal, input.schoolId))
    throw forbidden('Chỉ Hiệu trưởng phân công người phê duyệt.');
  const problems = [
    ...schoolYearProblems(input.schoolYear),
    ...gradeProblems(input.grade),
    ...accountIdProblems(input.accountId),
  ];
  if (problems.length > 0) throw validationFailed(problems);
  const id = gradeApproverId(input.schoolId, input.schoolYear, input.grade);
  const now = deps.now();
  const event = signaturesEvent(gradeApproverAssigned, `approvers/${id}`, input.schoolId, {
    ...input,
    actor: actorOf(caller),
  });
  const changed = await deps.records.change(deps.records.models.gradeApprovers, id, () => ({
    set: { accountId: input.accountId, assignedBy: caller.principal!.accountId, assignedAt: now },
    events: [event],
  }));
  const document =
    changed ??
    (await deps.records.create(
      deps.records.models.gradeApprovers,
      { _id: id, ...input, assignedBy: caller.principal!.accountId, assignedAt: now },
      [event],
    ));
  deps.changed();
  return document;
}
