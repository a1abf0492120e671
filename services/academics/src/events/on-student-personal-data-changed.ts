import { studentPersonalDataChanged, type CloudEvent, type EventData } from '@hocbaso/events';
import type { RosterRepository } from '../model/roster.repository';

/** Only the name matters here (gradebooks list students by name); other fields never travel. */
export function onStudentPersonalDataChanged(roster: RosterRepository) {
  return async (event: CloudEvent): Promise<void> => {
    const data = event.data as EventData<typeof studentPersonalDataChanged>;
    const fullName = data.fullName;
    if (fullName === undefined) return;
    await roster.saveStudent(data.studentId, (current) => ({
      fullName,
      status: current?.status ?? 'STUDYING',
      enrollments: current?.enrollments ?? [],
      updatedAt: new Date(event.time),
    }));
  };
}
