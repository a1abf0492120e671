import type { LockScope } from '@hocbaso/events';
import type { LockDecision } from '@hocbaso/service-kit';

/**
 * The students service's side of the lock protocol (packages/events/src/signatures.ts). Of the
 * lock units only STUDENT_YEAR concerns students: it locks the student's personal data and their
 * class in that school year. Status changes and transfers are facts of administration, not of the
 * signed year page: no lock refuses them.
 */

/** A user write the locks judge. */
export type StudentWrite =
  /** Personal data (sơ yếu lý lịch): in every year page of the student, so any of their year locks covers it. */
  | { kind: 'PERSONAL_DATA'; studentId: string }
  /** The student's class in a school year (a class change, the new school year's class). */
  | { kind: 'CLASS'; studentId: string; schoolYear: string };

/** The first lock in force that covers the write, or null when the write may go ahead. */
export function lockCovering(locks: readonly LockScope[], write: StudentWrite): LockScope | null {
  return (
    locks.find(
      (lock) =>
        lock.unit === 'STUDENT_YEAR' &&
        lock.studentId === write.studentId &&
        (write.kind === 'PERSONAL_DATA' || lock.schoolYear === write.schoolYear),
    ) ?? null
  );
}

/** What the content needs of a student: the personal data and the enrolment history. */
export interface StudentYearSource {
  _id: string;
  personalId: string;
  fullName: string;
  dateOfBirth: string;
  gender: string;
  placeOfBirth: string;
  ethnicity: string;
  policyCategory: string | null;
  address: string;
  guardians: ReadonlyArray<{
    relationship: string;
    fullName: string;
    occupation: string | null;
    phone: string | null;
  }>;
  /** Oldest first. */
  enrolments: ReadonlyArray<{
    schoolId: string;
    classId: string;
    className: string;
    schoolYear: string;
    grade: number;
  }>;
}

/** The personal page of the record book in the canonical form signatures signs. */
export interface StudentYearContent {
  schoolYear: string;
  studentId: string;
  classId: string;
  className: string;
  grade: number;
  personal: {
    personalId: string;
    fullName: string;
    dateOfBirth: string;
    gender: string;
    placeOfBirth: string;
    ethnicity: string;
    policyCategory: string | null;
    address: string;
    guardians: Array<{
      relationship: string;
      fullName: string;
      occupation: string | null;
      phone: string | null;
    }>;
  };
}

const RELATIONSHIP_ORDER = ['FATHER', 'MOTHER', 'GUARDIAN'];
const relationshipRank = (relationship: string) => {
  const rank = RELATIONSHIP_ORDER.indexOf(relationship);
  return rank === -1 ? RELATIONSHIP_ORDER.length : rank;
};

/**
 * STUDENT_YEAR: the student's personal page and their class of that year at that school (the
 * latest, after a class change). Refused when the student or such a year is not known here.
 */
export function studentYearDecision(
  scope: Extract<LockScope, { unit: 'STUDENT_YEAR' }>,
  student: StudentYearSource | null,
): LockDecision {
  const enrolment = student?.enrolments.findLast(
    (e) => e.schoolYear === scope.schoolYear && e.schoolId === scope.schoolId,
  );
  if (!student || !enrolment) {
    return {
      outcome: 'REFUSED',
      code: 'NOT_FOUND',
      message: `Không tìm thấy học sinh học tại trường trong năm học ${scope.schoolYear}.`,
      details: [scope.studentId],
    };
  }
  const guardians = student.guardians
    .map((g) => ({
      relationship: g.relationship,
      fullName: g.fullName,
      occupation: g.occupation,
      phone: g.phone,
    }))
    .sort((a, b) => {
      const byRank = relationshipRank(a.relationship) - relationshipRank(b.relationship);
      if (byRank !== 0) return byRank;
      return a.fullName === b.fullName ? 0 : a.fullName < b.fullName ? -1 : 1;
    });
  const content: StudentYearContent = {
    schoolYear: scope.schoolYear,
    studentId: student._id,
    classId: enrolment.classId,
    className: enrolment.className,
    grade: enrolment.grade,
    personal: {
      personalId: student.personalId,
      fullName: student.fullName,
      dateOfBirth: student.dateOfBirth,
      gender: student.gender,
      placeOfBirth: student.placeOfBirth,
      ethnicity: student.ethnicity,
      policyCategory: student.policyCategory,
      address: student.address,
      guardians,
    },
  };
  return { outcome: 'APPLIED', content };
}
