import {
  classCreated,
  classHomeroomTeacherChanged,
  studentEnrolled,
  studentLeftClass,
  studentPersonalDataChanged,
  subjectResultRecorded,
  type CloudEvent,
  type EventData,
} from '@hocbaso/events';
import type { EventHandler } from '@hocbaso/service-kit';
import type { PartRef } from '@hocbaso/statistics';
import type { ConductDeps } from '../usecases/deps';
import { recomputeStanding } from '../usecases/record-conduct';
import { studentPart } from '../usecases/statistics';

/** Where a roster change is told to the statistics (their projection's marks). */
export interface RosterMarks {
  markDirty(refs: readonly PartRef[]): Promise<void>;
}

/**
 * Handlers of the events conduct keeps its read models from (students and academics). A student
 * joining or leaving a class is marked for the statistics here too, once the roster has moved: the
 * statistics consumer (a group of its own) may see the event before this read model does, and
 * would then recompute the student in the class they left.
 */
export function conductEventHandlers(
  deps: ConductDeps,
  statistics?: RosterMarks,
): Record<string, EventHandler> {
  const system = (event: CloudEvent) => ({ principal: null, requestId: `event:${event.id}` });
  return {
    // on class created: the class, its grade and homeroom teacher.
    [classCreated.type]: async (event) => {
      const e = event.data as EventData<typeof classCreated>;
      await deps.repository.saveClass({
        _id: e.classId,
        schoolId: e.schoolId,
        schoolYear: e.schoolYear,
        grade: e.grade,
        name: e.name,
        homeroomTeacherId: e.homeroomTeacherId,
      });
    },
    [classHomeroomTeacherChanged.type]: async (event) => {
      const e = event.data as EventData<typeof classHomeroomTeacherChanged>;
      await deps.repository.setHomeroomTeacher(e.classId, e.after.homeroomTeacherId);
    },
    // on student enrolled: the student's class and grade this year (the grade decides COMPLETED).
    [studentEnrolled.type]: async (event) => {
      const e = event.data as EventData<typeof studentEnrolled>;
      await deps.repository.saveMembership({
        _id: `${e.studentId}:${e.schoolYear}`,
        studentId: e.studentId,
        schoolYear: e.schoolYear,
        schoolId: e.schoolId,
        classId: e.classId,
        grade: e.grade,
        fullName: e.fullName,
      });
      await statistics?.markDirty([studentPart(e)]);
      await recomputeStanding(deps, system(event), e.studentId, e.schoolYear);
    },
    [studentLeftClass.type]: async (event) => {
      const e = event.data as EventData<typeof studentLeftClass>;
      await deps.repository.leaveClass(e.studentId, e.schoolYear, e.classId);
      await statistics?.markDirty([studentPart(e)]);
    },
    [studentPersonalDataChanged.type]: async (event) => {
      const e = event.data as EventData<typeof studentPersonalDataChanged>;
      if (e.fullName) await deps.repository.renameStudent(e.studentId, e.fullName);
    },
    // on subject result recorded: keep the year result, then recompute the outcome (also after summer).
    [subjectResultRecorded.type]: async (event) => {
      const e = event.data as EventData<typeof subjectResultRecorded>;
      await deps.repository.saveSubjectResult({
        studentId: e.studentId,
        schoolYear: e.schoolYear,
        subjectCode: e.subjectCode,
        kind: e.kind,
        year: { average: e.year.average, result: e.year.result },
        reassessment: e.reassessment
          ? { average: e.reassessment.average, result: e.reassessment.result }
          : null,
      });
      await recomputeStanding(deps, system(event), e.studentId, e.schoolYear);
    },
  };
}

export const CONSUMED_TOPICS = [classCreated.topic, studentEnrolled.topic, subjectResultRecorded.topic];
