import { studentLeftClass, type CloudEvent, type EventData } from '@hocbaso/events';
import type { RosterRepository } from '../model/roster.repository';

/** The student leaves a class; the enrolment stays (their marks there still count), marked as left. */
export function onStudentLeftClass(roster: RosterRepository) {
  return async (event: CloudEvent): Promise<void> => {
    const data = event.data as EventData<typeof studentLeftClass>;
    await roster.saveStudent(data.studentId, (current) =>
      current
        ? {
            fullName: current.fullName,
            status: current.status,
            enrollments: current.enrollments.map((e) =>
              e.classId === data.classId && e.schoolYear === data.schoolYear
                ? { ...e, leftOn: data.effectiveOn }
                : e,
            ),
            updatedAt: new Date(event.time),
          }
        : null,
    );
  };
}
