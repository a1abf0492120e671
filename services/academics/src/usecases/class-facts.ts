import type { ClassFacts } from '../domain/access';
import type { RosterClassDocument, RosterStudentDocument } from '../model/roster.model';

/** What the roster says about a class in a school year: its school, grade, name and members. */
export interface ClassInYear extends ClassFacts {
  schoolYear: string;
  grade: number | null;
  name: string;
  /** Known to the roster (created, or someone enrolled in it). */
  known: boolean;
  /** Who is, or was, in the class that year. */
  members: RosterStudentDocument[];
  /** Who is in the class now (not left). */
  current: Set<string>;
}

export function classInYear(
  classId: string,
  schoolYear: string,
  rosterClass: RosterClassDocument | null,
  students: readonly RosterStudentDocument[],
): ClassInYear {
  const members = students.filter((s) =>
    s.enrollments.some((e) => e.classId === classId && e.schoolYear === schoolYear),
  );
  const enrolment = members
    .flatMap((s) => s.enrollments)
    .find((e) => e.classId === classId && e.schoolYear === schoolYear);
  const sameYear = !rosterClass || rosterClass.schoolYear === schoolYear;
  return {
    classId,
    schoolYear,
    schoolId: rosterClass?.schoolId ?? enrolment?.schoolId ?? null,
    grade: rosterClass?.grade ?? enrolment?.grade ?? null,
    name: rosterClass?.name ?? classId,
    homeroomTeacherId: rosterClass?.homeroomTeacherId ?? null,
    known: sameYear && (!!rosterClass || members.length > 0),
    members,
    current: new Set(
      members
        .filter((s) =>
          s.enrollments.some(
            (e) => e.classId === classId && e.schoolYear === schoolYear && e.leftOn === null,
          ),
        )
        .map((s) => s._id),
    ),
  };
}

/** Vietnamese class-list order: by given name (the last word), then the full name. */
export function byVietnameseName(a: { fullName: string; id: string }, b: { fullName: string; id: string }) {
  const given = (name: string) => name.trim().split(/\s+/).at(-1) ?? '';
  return (
    given(a.fullName).localeCompare(given(b.fullName), 'vi') ||
    a.fullName.localeCompare(b.fullName, 'vi') ||
    a.id.localeCompare(b.id)
  );
}
