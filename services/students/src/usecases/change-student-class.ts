import { AppError, fieldProblem, validationFailed } from '@hocbaso/errors';
import type { StudentDocument } from '../model/student.model';
import { type Caller, type StudentsDeps } from './deps';
import {
  assertAfterOpenEnrolment,
  assertSamePlacement,
  closeOpenEnrolment,
  enrolledEvent,
  leftClassEvent,
  loadManagedStudent,
  newEnrolment,
  openEnrolment,
} from './enrolment';
import { loadDestinationClass } from './manage-classes';
import { writeUnlessLocked } from './record-locks';
import { effectiveDateProblems } from './student-input';

export interface ChangeStudentClassInput {
  studentId: string;
  classId: string;
  effectiveOn: string;
}

/** Chuyển lớp: moves a student to another class of the same school, grade and school year. */
export async function changeStudentClass(
  deps: StudentsDeps,
  caller: Caller,
  input: ChangeStudentClassInput,
): Promise<StudentDocument> {
  const seen = await loadManagedStudent(deps, caller, input.studentId);
  const target = await loadDestinationClass(deps, caller, input.classId);
  if (!seen.classId) {
    throw new AppError('CONFLICT', {
      message: 'Học sinh hiện không thuộc lớp nào (đã chuyển đi hoặc thôi học): không thể chuyển lớp.',
    });
  }
  const currentClass = await deps.classes.findById(seen.classId);
  if (!currentClass) throw new AppError('CONFLICT');
  const effectiveOn = input.effectiveOn.trim();
  const problems = [...effectiveDateProblems(effectiveOn, target.schoolYear, 'effectiveOn')];
  if (target._id === currentClass._id) {
    problems.push(fieldProblem('classId', 'VALIDATION_FAILED', `Học sinh đang học lớp ${target.name}.`));
  } else if (
    target.schoolId !== currentClass.schoolId ||
    target.grade !== currentClass.grade ||
    target.schoolYear !== currentClass.schoolYear
  ) {
    problems.push(
      fieldProblem(
        'classId',
        'VALIDATION_FAILED',
        `Chỉ chuyển được sang lớp cùng trường, cùng khối ${currentClass.grade} và cùng năm học ${currentClass.schoolYear}.`,
      ),
    );
  }
  if (problems.length) throw validationFailed(problems);

  const now = deps.now();
  // A class change rewrites the student's class of that school year: refused under their year lock.
  const year = { schoolId: currentClass.schoolId, schoolYear: currentClass.schoolYear };
  const write = { kind: 'CLASS', studentId: seen._id, schoolYear: currentClass.schoolYear } as const;
  const result = await writeUnlessLocked(deps, [year], write, () =>
    deps.students.modify(seen._id, (current) => {
      assertSamePlacement(seen, current);
      const open = openEnrolment(current);
      assertAfterOpenEnrolment(open, effectiveOn);
      return {
        update: {
          $set: {
            classId: target._id,
            enrolments: [
              ...closeOpenEnrolment(current.enrolments, effectiveOn),
              newEnrolment(target, 'CLASS_CHANGE', effectiveOn, caller, now),
            ],
          },
        },
        events: [
          ...(open ? [leftClassEvent(current._id, open, 'CLASS_CHANGE', effectiveOn, caller)] : []),
          enrolledEvent(current, target, 'CLASS_CHANGE', effectiveOn, caller),
        ],
      };
    }),
  );
  if (!result) throw new AppError('NOT_FOUND');
  deps.changed();
  return result.after;
}
