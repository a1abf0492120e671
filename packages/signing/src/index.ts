export * from './errors';
export * from './canonical-json';
export {
  createCertificateAuthority,
  issueCertificate,
  certificateFingerprint,
  describeCertificate,
  splitPemChain,
} from './certificates';
export type {
  KeyAndCertificate,
  CertificateKind,
  CertificateSubject,
  CertificateAuthorityInput,
  IssueCertificateInput,
  CertificateDescription,
} from './certificates';
export { verifyCertificateChain } from './certificate-chain';
export type { VerifyCertificateChainInput, ChainVerification } from './certificate-chain';
export * from './signer';
export * from './signed-snapshot';
export * from './local-pki';
