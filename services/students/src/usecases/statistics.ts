import {
  studentEnrolled,
  studentLeftClass,
  studentStatusChanged,
  type CloudEvent,
  type EventData,
} from '@hocbaso/events';
import type { Figure, PartRef } from '@hocbaso/statistics';
import { enrolmentFigures } from '../domain/statistics';
import type { StudentRepository } from '../model/student.repository';

/**
 * The students service's share of the dashboards: a part is a student, a group the class of a
 * school year they count in. One change recomputes one student, from their record (read by id).
 */
export function studentsStatistics(students: Pick<StudentRepository, 'findById'>) {
  const compute = async (ref: PartRef): Promise<Figure[] | null> => {
    const student = await students.findById(ref.part);
    if (!student) return null;
    return enrolmentFigures(student, {
      schoolId: ref.schoolId,
      schoolYear: ref.schoolYear,
      classId: ref.group,
    });
  };

  const inClass = (d: {
    studentId: string;
    schoolId: string;
    schoolYear: string;
    classId: string;
  }): PartRef[] => [{ schoolId: d.schoolId, schoolYear: d.schoolYear, group: d.classId, part: d.studentId }];

  const triggers: Record<string, (event: CloudEvent) => Promise<PartRef[]> | PartRef[]> = {
    // A student joins a class, or leaves one: both classes are told (each event names its own).
    [studentEnrolled.type]: (event) => inClass(event.data as EventData<typeof studentEnrolled>),
    [studentLeftClass.type]: (event) => inClass(event.data as EventData<typeof studentLeftClass>),
    // A status names no class: the classes of the student's latest school year, from the record.
    [studentStatusChanged.type]: async (event) => {
      const { studentId } = event.data as EventData<typeof studentStatusChanged>;
      const student = await students.findById(studentId);
      const latestYear = student?.enrolments.at(-1)?.schoolYear;
      if (!student || !latestYear) return [];
      return student.enrolments
        .filter((e) => e.schoolYear === latestYear)
        .map((e) => ({ schoolId: e.schoolId, schoolYear: e.schoolYear, group: e.classId, part: studentId }));
    },
  };

  return { compute, triggers };
}
