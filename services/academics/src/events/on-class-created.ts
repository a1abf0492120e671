import { classCreated, type CloudEvent, type EventData } from '@hocbaso/events';
import type { RosterRepository } from '../model/roster.repository';

/** A class of a school year: its school, grade, name and homeroom teacher join the roster. */
export function onClassCreated(roster: RosterRepository) {
  return async (event: CloudEvent): Promise<void> => {
    const data = event.data as EventData<typeof classCreated>;
    await roster.saveClass(data.classId, () => ({
      schoolId: data.schoolId,
      schoolYear: data.schoolYear,
      grade: data.grade,
      name: data.name,
      homeroomTeacherId: data.homeroomTeacherId,
      updatedAt: new Date(event.time),
    }));
  };
}
