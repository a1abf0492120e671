import { SUBJECT_CODES } from '@hocbaso/assessment';
import { subjectResultRecorded, type CloudEvent, type EventData } from '@hocbaso/events';
import type { Logger } from '@hocbaso/service-kit';
import type { Figure, PartRef } from '@hocbaso/statistics';
import { classFigures, classPart, distinctParts, studentParts } from '../domain/statistics';
import type { ClassMembersRepository } from '../model/class-members.repository';
import { gradebookId } from '../model/gradebook.model';
import type { GradebookRepository } from '../model/gradebook.repository';
import type { RosterRepository } from '../model/roster.repository';

/** What the statistics read: the gradebooks and the roster, by id only (no scans). */
export interface StatisticsReaders {
  gradebooks: GradebookRepository;
  roster: RosterRepository;
  classMembers: ClassMembersRepository;
  logger: Logger;
}

/** Every gradebook a class can have in a year, by id: one per catalogue subject. */
const classGradebookIds = (classId: string, schoolYear: string) =>
  SUBJECT_CODES.map((code) => gradebookId(classId, code, schoolYear));

/**
 * One class's figures, recomputed from its gradebooks (read by their ids), its students' roster
 * documents and, for students who changed class that year, the gradebooks of their other classes:
 * four or five reads whatever happened. Null when nobody counts in the class (the part goes).
 */
export async function computeClassStatistics(
  readers: StatisticsReaders,
  ref: PartRef,
): Promise<Figure[] | null> {
  const started = performance.now();
  const { part: classId, schoolYear } = ref;
  const [rosterClass, members, books] = await Promise.all([
    readers.roster.findClass(classId),
    readers.classMembers.findMany([classId]),
    readers.gradebooks.findManyByIds(classGradebookIds(classId, schoolYear)),
  ]);
  if (rosterClass && (rosterClass.schoolId !== ref.schoolId || rosterClass.schoolYear !== schoolYear))
    return null;
  // The member list, and anyone with marks here (a roster built before the list existed).
  const studentIds = new Set([
    ...members.flatMap((m) => m.studentIds),
    ...books.flatMap((b) => b.rows.map((r) => r.studentId)),
  ]);
  const students = studentIds.size ? await readers.roster.findStudents([...studentIds]) : [];
  const enrolment = students
    .flatMap((s) => s.enrollments)
    .find((e) => e.classId === classId && e.schoolYear === schoolYear);
  const grade = rosterClass?.grade ?? enrolment?.grade ?? books[0]?.grade;
  if (grade === undefined) return null;
  const otherClasses = new Set(
    students.flatMap((s) =>
      s.enrollments.filter((e) => e.schoolYear === schoolYear && e.classId !== classId).map((e) => e.classId),
    ),
  );
  const others = otherClasses.size
    ? await readers.gradebooks.findManyByIds(
        [...otherClasses].flatMap((other) => classGradebookIds(other, schoolYear)),
      )
    : [];
  const { figures, students: counted } = classFigures({
    classId,
    schoolYear,
    grade,
    students,
    gradebooks: [...books, ...others],
  });
  readers.logger.debug(
    {
      classId,
      students: counted,
      gradebooks: books.length + others.length,
      ms: Math.round(performance.now() - started),
    },
    'class statistics recomputed',
  );
  return counted ? figures : null;
}

/**
 * Which classes a subject result touches: the class whose gradebook changed and every class of the
 * student that year (the one the student counts in may be another, after a change of class). None
 * for a student the roster does not know: no gradebook takes such a student, and when the roster
 * learns of them (a rebuild), its consumer marks their classes itself.
 */
export function statisticsTriggers(
  readers: Pick<StatisticsReaders, 'roster'>,
): Record<string, (event: CloudEvent) => Promise<PartRef[]>> {
  return {
    [subjectResultRecorded.type]: async (event) => {
      const data = event.data as EventData<typeof subjectResultRecorded>;
      const student = await readers.roster.findStudent(data.studentId);
      if (!student) return [];
      return distinctParts([
        classPart(data.schoolId, data.schoolYear, data.classId),
        ...studentParts(student, data.schoolYear),
      ]);
    },
  };
}

/** The classes to recompute after the roster recorded a change of where a student counts. */
export async function placementParts(
  roster: RosterRepository,
  studentId: string,
  schoolYear?: string,
): Promise<PartRef[]> {
  return studentParts(await roster.findStudent(studentId), schoolYear);
}
