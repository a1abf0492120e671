import { studentEnrolled, type CloudEvent, type EventData } from '@hocbaso/events';
import type { ClassMembersRepository } from '../model/class-members.repository';
import type { RosterRepository } from '../model/roster.repository';

/** The student joins a class: a new enrolment (or the same one again, when replayed). */
export function onStudentEnrolled(roster: RosterRepository, members: ClassMembersRepository) {
  return async (event: CloudEvent): Promise<void> => {
    const data = event.data as EventData<typeof studentEnrolled>;
    await roster.saveStudent(data.studentId, (current) => ({
      fullName: data.fullName,
      status: current?.status ?? 'STUDYING',
      enrollments: [
        ...(current?.enrollments ?? []).filter(
          (e) => !(e.classId === data.classId && e.schoolYear === data.schoolYear),
        ),
        {
          classId: data.classId,
          schoolId: data.schoolId,
          schoolYear: data.schoolYear,
          grade: data.grade,
          enrolledOn: data.effectiveOn,
          enrolledAt: new Date(event.time),
          leftOn: null,
        },
      ],
      updatedAt: new Date(event.time),
    }));
    await members.add(data.classId, data.studentId, new Date(event.time));
  };
}
