import { AppError, fieldProblem, notFound, validationFailed } from '@hocbaso/errors';
import { parseSchoolYear } from '../domain/calendar';
import type { StatusChangeRecord, StudentDocument } from '../model/student.model';
import { type Caller, type StudentsDeps } from './deps';
import {
  assertSamePlacement,
  closeOpenEnrolment,
  enrolledEvent,
  leftClassEvent,
  loadManagedStudent,
  newEnrolment,
  openEnrolment,
  statusChange,
  statusChangedEvent,
} from './enrolment';
import { loadDestinationClass } from './manage-classes';
import { writeUnlessLocked } from './record-locks';
import { effectiveDateProblems } from './student-input';

export interface EnrolStudentInNewSchoolYearInput {
  studentId: string;
  classId: string;
  effectiveOn: string;
}

/**
 * Xếp lớp năm học mới: the student moves to a class of the next school year in the same school,
 * one grade up (lên lớp), or the same grade when they repeat it (lưu ban).
 */
export async function enrolStudentInNewSchoolYear(
  deps: StudentsDeps,
  caller: Caller,
  input: EnrolStudentInNewSchoolYearInput,
): Promise<StudentDocument> {
  const seen = await loadManagedStudent(deps, caller, input.studentId);
  const target = await loadDestinationClass(deps, caller, input.classId);
  const open = openEnrolment(seen);
  if (!seen.classId || !open) {
    throw new AppError('CONFLICT', { message: 'Học sinh hiện không thuộc lớp nào của trường.' });
  }
  if (!['STUDYING', 'REPEATING', 'COMPLETED'].includes(seen.status)) {
    throw new AppError('CONFLICT', { message: 'Chỉ xếp lớp năm học mới cho học sinh đang học tại trường.' });
  }
  const effectiveOn = input.effectiveOn.trim();
  const expectedGrade = seen.status === 'REPEATING' ? open.grade : open.grade + 1;
  const problems = [...effectiveDateProblems(effectiveOn, target.schoolYear, 'effectiveOn')];
  if (target.schoolId !== seen.schoolId) {
    problems.push(
      fieldProblem('classId', 'VALIDATION_FAILED', 'Lớp mới phải thuộc trường đang quản lý học sinh.'),
    );
  }
  if (
    parseSchoolYear(target.schoolYear)?.startYear !==
    (parseSchoolYear(open.schoolYear)?.startYear ?? 0) + 1
  ) {
    problems.push(
      fieldProblem(
        'classId',
        'VALIDATION_FAILED',
        `Lớp mới phải thuộc năm học kế tiếp năm học ${open.schoolYear}.`,
      ),
    );
  }
  if (target.grade !== expectedGrade) {
    problems.push(
      fieldProblem(
        'classId',
        'VALIDATION_FAILED',
        seen.status === 'REPEATING'
          ? `Học sinh lưu ban học lại khối ${open.grade}.`
          : `Học sinh lên lớp vào khối ${expectedGrade}, không phải khối ${target.grade}.`,
      ),
    );
  }
  if (problems.length) throw validationFailed(problems);

  const now = deps.now();
  // The class of the new school year is in that year's page (a lock of it would be early, but binds).
  const year = { schoolId: target.schoolId, schoolYear: target.schoolYear };
  const write = { kind: 'CLASS', studentId: seen._id, schoolYear: target.schoolYear } as const;
  const result = await writeUnlessLocked(deps, [year], write, () =>
    deps.students.modify(seen._id, (current) => {
      assertSamePlacement(seen, current);
      const currentOpen = openEnrolment(current);
      if (!currentOpen || current.status !== seen.status) throw new AppError('CONFLICT');
      const studying: StatusChangeRecord | null =
        current.status === 'STUDYING'
          ? null
          : statusChange(
              'STUDYING',
              current.status,
              `Năm học ${target.schoolYear}`,
              effectiveOn,
              caller,
              now,
            );
      return {
        update: {
          $set: {
            classId: target._id,
            status: 'STUDYING',
            enrolments: [
              ...closeOpenEnrolment(current.enrolments, effectiveOn),
              newEnrolment(target, 'NEW_SCHOOL_YEAR', effectiveOn, caller, now),
            ],
            ...(studying ? { statusHistory: [...current.statusHistory, studying] } : {}),
          },
        },
        events: [
          leftClassEvent(current._id, currentOpen, 'NEW_SCHOOL_YEAR', effectiveOn, caller),
          enrolledEvent(current, target, 'NEW_SCHOOL_YEAR', effectiveOn, caller),
          ...(studying
            ? [
                statusChangedEvent(
                  current._id,
                  current.schoolId,
                  { ...studying, previousStatus: current.status },
                  caller,
                ),
              ]
            : []),
        ],
      };
    }),
  );
  if (!result) throw notFound('Không tìm thấy học sinh.');
  deps.changed();
  return result.after;
}
