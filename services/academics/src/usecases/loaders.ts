import DataLoader from 'dataloader';
import type { GradebookDocument } from '../model/gradebook.model';
import type { RosterClassDocument, RosterStudentDocument } from '../model/roster.model';
import type { AcademicsDeps } from './deps';

/**
 * Per-request loaders: every read a response needs is batched into one query per kind, so a
 * class-wide query costs the same number of database round trips for 10 students as for 45.
 */
export interface AcademicsLoaders {
  rosterClass: DataLoader<string, RosterClassDocument | null>;
  rosterStudent: DataLoader<string, RosterStudentDocument | null>;
  /** Who is or was in the class (any school year; filter by enrolment). */
  classMembers: DataLoader<string, RosterStudentDocument[]>;
  gradebook: DataLoader<string, GradebookDocument | null>;
  /** Key: `${schoolYear}\n${classId}`. */
  classGradebooks: DataLoader<string, GradebookDocument[]>;
  /** Key: `${schoolYear}\n${studentId}`: every gradebook of that year with a row of the student. */
  studentGradebooks: DataLoader<string, GradebookDocument[]>;
}

export const loaderKey = (schoolYear: string, id: string) => `${schoolYear}\n${id}`;

function splitKey(key: string): [string, string] {
  const at = key.indexOf('\n');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** Groups keys `${year}\n${id}` by year: one query per school year asked (usually one). */
function byYear(keys: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const key of keys) {
    const [year, id] = splitKey(key);
    groups.set(year, [...(groups.get(year) ?? []), id]);
  }
  return groups;
}

export function createLoaders(deps: AcademicsDeps): AcademicsLoaders {
  return {
    rosterClass: new DataLoader(async (ids) => {
      const found = new Map((await deps.roster.findClasses(ids)).map((c) => [c._id, c]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    rosterStudent: new DataLoader(async (ids) => {
      const found = new Map((await deps.roster.findStudents(ids)).map((s) => [s._id, s]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    classMembers: new DataLoader(async (classIds) => {
      const students = await deps.roster.membersOf(classIds);
      return classIds.map((classId) =>
        students.filter((s) => s.enrollments.some((e) => e.classId === classId)),
      );
    }),
    gradebook: new DataLoader(async (ids) => {
      const found = new Map((await deps.gradebooks.findManyByIds(ids)).map((g) => [g._id, g]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    classGradebooks: new DataLoader(async (keys) => {
      const books: GradebookDocument[] = [];
      for (const [year, classIds] of byYear(keys))
        books.push(...(await deps.gradebooks.findByClasses(classIds, year)));
      return keys.map((key) => {
        const [year, classId] = splitKey(key);
        return books.filter((b) => b.schoolYear === year && b.classId === classId);
      });
    }),
    studentGradebooks: new DataLoader(async (keys) => {
      const books: GradebookDocument[] = [];
      for (const [year, studentIds] of byYear(keys)) {
        books.push(...(await deps.gradebooks.findForStudents(year, studentIds)));
      }
      return keys.map((key) => {
        const [year, studentId] = splitKey(key);
        return books.filter((b) => b.schoolYear === year && b.rows.some((r) => r.studentId === studentId));
      });
    }),
  };
}
