import { verifySignedYear, type SignedYear, type YearVerification } from '@hocbaso/record-book';
import { overseesSchool } from '@hocbaso/service-kit';
import type { SignedYearDocument } from '../model/sync.model';
import type { ArchiveDeps, Caller } from './deps';
import { signedYearOf } from './sync';
import { currentYears, platformTrust } from './transfers';

/**
 * The years of a student's signed record book this caller may read: all of them for those who
 * oversee the school that manages the student now (its board, academic staff and admin, and the
 * inspectors reaching it); for a school the student left, the years it approved (its read-only
 * history, R6). Nothing for anyone else.
 */
export function visibleYears(
  caller: Caller,
  managingSchoolId: string | null,
  years: readonly SignedYearDocument[],
): SignedYearDocument[] {
  if (managingSchoolId && overseesSchool(caller.principal, managingSchoolId)) return [...years];
  return years.filter((y) => overseesSchool(caller.principal, y.schoolId));
}

export interface SignedYearView {
  document: SignedYearDocument;
  /** The year as it leaves the platform (school named), what was verified. */
  signed: SignedYear;
  schoolName: string;
  verification: YearVerification;
}

/** The current version of each year the caller may read, each verified now against the registered CAs. */
export function readRecordBook(
  deps: ArchiveDeps,
  caller: Caller,
  studentId: string,
): Promise<SignedYearView[] | null> {
  return readYears(deps, studentId, (managingSchoolId, years) =>
    visibleYears(caller, managingSchoolId, years),
  );
}

/**
 * Every current year of the student's record book, whichever school approved it: for the student's
 * own family (their copy) and for a share they both consented to. Verified like any other read.
 */
export function readWholeRecordBook(deps: ArchiveDeps, studentId: string): Promise<SignedYearView[] | null> {
  return readYears(deps, studentId, (_, years) => [...years]);
}

async function readYears(
  deps: ArchiveDeps,
  studentId: string,
  select: (managingSchoolId: string | null, years: readonly SignedYearDocument[]) => SignedYearDocument[],
): Promise<SignedYearView[] | null> {
  const [student, all] = await Promise.all([
    deps.facts.student(studentId),
    deps.sync.signedYearsOf(studentId),
  ]);
  const years = select(student?.schoolId ?? null, currentYears(all));
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
