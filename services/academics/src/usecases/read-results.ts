import type { Principal } from '@hocbaso/service-kit';
import { canReadStudentYear, canReadSubjectResult, type ClassFacts } from '../domain/access';
import {
  learningOutcomes,
  studentSubjectResults,
  type LearningOutcome,
  type MergedSubjectResult,
} from '../domain/subject-result';
import { loaderKey, type AcademicsLoaders } from './loaders';

export interface StudentYear {
  /** Every subject result of the year (merged across classes), unfiltered. */
  all: MergedSubjectResult[];
  /** The classes the student was in that year (roster enrolments and gradebooks). */
  classes: ClassFacts[];
}

/**
 * One student's year: three batched loads (roster student, gradebooks, classes) shared by every
 * student of the response, so a class-wide query costs the same whatever the class size.
 */
export async function loadStudentYear(
  loaders: AcademicsLoaders,
  studentId: string,
  schoolYear: string,
): Promise<StudentYear> {
  const [student, books] = await Promise.all([
    loaders.rosterStudent.load(studentId),
    loaders.studentGradebooks.load(loaderKey(schoolYear, studentId)),
  ]);
  const enrolments = (student?.enrollments ?? []).filter((e) => e.schoolYear === schoolYear);
  const classIds = [...new Set([...enrolments.map((e) => e.classId), ...books.map((b) => b.classId)])];
  const rosterClasses = await loaders.rosterClass.loadMany(classIds);
  const classes = classIds.map((classId, index): ClassFacts => {
    const found = rosterClasses[index];
    const rosterClass = found && !(found instanceof Error) ? found : null;
    return {
      classId,
      schoolId:
        rosterClass?.schoolId ??
        enrolments.find((e) => e.classId === classId)?.schoolId ??
        books.find((b) => b.classId === classId)?.schoolId ??
        null,
      homeroomTeacherId: rosterClass?.homeroomTeacherId ?? null,
    };
  });
  return { all: studentSubjectResults(studentId, schoolYear, student, books), classes };
}

/** Student.results: the subject results the caller may read (others look absent). */
export async function readSubjectResults(
  loaders: AcademicsLoaders,
  principal: Principal | null,
  studentId: string,
  schoolYear: string,
): Promise<MergedSubjectResult[]> {
  if (!principal) return [];
  const year = await loadStudentYear(loaders, studentId, schoolYear);
  return year.all.filter((result) => canReadSubjectResult(principal, studentId, year.classes, result));
}

/**
 * Student.learningResults: term I, term II and the year, for those who may read all the student's
 * subjects (the student, parents, homeroom teacher, the school's readers); empty for anyone else.
 */
export async function readLearningResults(
  loaders: AcademicsLoaders,
  principal: Principal | null,
  studentId: string,
  schoolYear: string,
): Promise<LearningOutcome[]> {
  if (!principal) return [];
  const year = await loadStudentYear(loaders, studentId, schoolYear);
  if (!canReadStudentYear(principal, studentId, year.classes)) return [];
  return learningOutcomes(year.all);
}
