import { classHomeroomTeacherChanged, type CloudEvent, type EventData } from '@hocbaso/events';
import type { RosterRepository } from '../model/roster.repository';

/** The class's homeroom teacher (who reads all its subjects) changed. */
export function onClassHomeroomTeacherChanged(roster: RosterRepository) {
  return async (event: CloudEvent): Promise<void> => {
    const data = event.data as EventData<typeof classHomeroomTeacherChanged>;
    // Both events of a class share its key, so `created` has been handled before.
    await roster.saveClass(data.classId, (current) =>
      current
        ? {
            schoolId: current.schoolId,
            schoolYear: current.schoolYear,
            grade: current.grade,
            name: current.name,
            homeroomTeacherId: data.after.homeroomTeacherId,
            updatedAt: new Date(event.time),
          }
        : null,
    );
  };
}
