import { verifySignedYear, type SignedYear, type YearVerification } from '@hocbaso/record-book';
import { hasSchoolRole } from '@hocbaso/service-kit';
import { isInspector } from '../domain/access';
import type { SignedYearDocument } from '../model/sync.model';
import type { ArchiveDeps, Caller } from './deps';
import { signedYearOf } from './sync';
import { currentYears, platformTrust } from './transfers';

/** Who reads the signed record book: the school's board, academic staff and admin. */
const BOOK_READERS = ['PRINCIPAL', 'VICE_PRINCIPAL', 'ACADEMIC_STAFF', 'SYSTEM_ADMIN'] as const;

/**
 * The years of a student's signed record book this caller may read: all of them for the school
 * that manages the student now and for inspectors; for a school the student left, the years it
 * approved (its read-only history, R6). Nothing for anyone else.
 */
export function visibleYears(
  caller: Caller,
  managingSchoolId: string | null,
  years: readonly SignedYearDocument[],
): SignedYearDocument[] {
  if (isInspector(caller.principal)) return [...years];
  if (managingSchoolId && hasSchoolRole(caller.principal, managingSchoolId, ...BOOK_READERS))
    return [...years];
  return years.filter((y) => hasSchoolRole(caller.principal, y.schoolId, ...BOOK_READERS));
}

export interface SignedYearView {
  document: SignedYearDocument;
  /** The year as it leaves the platform (school named), what was verified. */
  signed: SignedYear;
  schoolName: string;
  verification: YearVerification;
}

/** The current version of each year the caller may read, each verified now against the registered CAs. */
export async function readRecordBook(
  deps: ArchiveDeps,
  caller: Caller,
  studentId: string,
): Promise<SignedYearView[] | null> {
  const [student, all] = await Promise.all([
    deps.facts.student(studentId),
    deps.sync.signedYearsOf(studentId),
  ]);
  const years = visibleYears(caller, student?.schoolId ?? null, currentYears(all));
  if (years.length === 0) return null;
  const trust = await platformTrust(deps);
  const now = deps.now();
  return Promise.all(
    years.map(async (document) => {
      const signed = await signedYearOf(deps, document);
      return {
        document,
        signed,
        schoolName: signed.school.name,
        verification: verifySignedYear(signed, trust, now),
      };
    }),
  );
}
