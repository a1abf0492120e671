export { DATA_INTEGRITY_PROOF, ECDSA_JCS_2019 } from './ecdsa-jcs-2019';
export * from './record-book-credential';
export * from './verify-credential';
