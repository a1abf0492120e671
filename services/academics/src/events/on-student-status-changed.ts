import { studentStatusChanged, type CloudEvent, type EventData } from '@hocbaso/events';
import type { RosterRepository } from '../model/roster.repository';

/** Studying, transferred, repeating, completed, graduated, dropped out. */
export function onStudentStatusChanged(roster: RosterRepository) {
  return async (event: CloudEvent): Promise<void> => {
    const data = event.data as EventData<typeof studentStatusChanged>;
    await roster.saveStudent(data.studentId, (current) => ({
      fullName: current?.fullName ?? '',
      status: data.after,
      enrollments: current?.enrollments ?? [],
      updatedAt: new Date(event.time),
    }));
  };
}
