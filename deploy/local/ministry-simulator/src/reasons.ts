import type { YearProblemCode } from '@hocbaso/record-book';

/**
 * Why the Ministry refuses a record. Stable codes the sender can act on; the message is Vietnamese,
 * for the school staff who read the sync report; `path` names the field when there is one.
 */
export type RejectionCode =
  /** The body does not follow the published JSON Schema. */
  | 'SCHEMA_VIOLATION'
  /** The signed year does not verify (content changed, signature, certificate, seal...). */
  | `SIGNATURE_${YearProblemCode}`
  /** The readable page is not the page the approver signed. */
  | 'PAGE_MISMATCH'
  /** A top-level field (studentId, schoolYear, recordVersion, personalId, school.id, recordKey, wave) differs from the signed page. */
  | 'FIELD_MISMATCH'
  /** Not a 12-digit personal identification number (số định danh cá nhân, CCCD). */
  | 'PERSONAL_ID_INVALID'
  /** The national population database does not know this number. */
  | 'PERSONAL_ID_UNKNOWN'
  | 'DATE_OF_BIRTH_INVALID'
  | 'AGE_OUT_OF_RANGE'
  /** `replacesVersion` is not lower than `recordVersion`. */
  | 'REPLACES_VERSION_INVALID'
  /** The Ministry holds a version of this student-year and the record does not say it replaces one. */
  | 'REPLACES_VERSION_MISSING'
  /** The Ministry already holds this or a newer version of this student-year. */
  | 'VERSION_NOT_NEWER';

export interface RejectionReason {
  code: RejectionCode;
  message: string;
  path?: string;
}
