import { AppError, fieldProblem, notFound, validationFailed } from '@hocbaso/errors';
import type { StudentStatus } from '@hocbaso/events';
import { normalizeText } from '../domain/text';
import type { StudentDocument } from '../model/student.model';
import { type Caller, type StudentsDeps } from './deps';
import {
  assertSamePlacement,
  loadManagedStudent,
  openEnrolment,
  statusChange,
  statusChangedEvent,
} from './enrolment';
import { effectiveDateProblems, reasonProblems } from './student-input';

export interface SetStudentStatusInput {
  studentId: string;
  status: StudentStatus;
  reason: string;
  effectiveOn: string;
}

/** Statuses that mean the student attends a class: they need one. */
const IN_CLASS: readonly StudentStatus[] = ['STUDYING', 'REPEATING'];

/**
 * Records an administrative status (tình trạng học sinh: đang học, lưu ban, hoàn thành chương
 * trình, tốt nghiệp, thôi học) with its reason and date. Leaving for another school is
 * transferStudentOut, which also closes the class.
 */
export async function setStudentStatus(
  deps: StudentsDeps,
  caller: Caller,
  input: SetStudentStatusInput,
): Promise<StudentDocument> {
  const seen = await loadManagedStudent(deps, caller, input.studentId);
  const reason = normalizeText(input.reason);
  const effectiveOn = input.effectiveOn.trim();
  const problems = [
    ...effectiveDateProblems(effectiveOn, openEnrolment(seen)?.schoolYear ?? '', 'effectiveOn'),
    ...reasonProblems(reason),
  ];
  if (input.status === 'TRANSFERRED') {
    problems.push(
      fieldProblem(
        'status',
        'VALIDATION_FAILED',
        'Học sinh chuyển trường được ghi nhận bằng chức năng chuyển đi.',
      ),
    );
  }
  if (problems.length) throw validationFailed(problems);

  const now = deps.now();
  const result = await deps.students.modify(seen._id, (current) => {
    assertSamePlacement(seen, current);
    if (current.status === input.status) return null;
    if (IN_CLASS.includes(input.status) && !current.classId) {
      throw new AppError('CONFLICT', {
        message: 'Học sinh không thuộc lớp nào: hãy tiếp nhận học sinh vào một lớp trước.',
      });
    }
    const open = openEnrolment(current);
    if (open && effectiveOn < open.enrolledOn) {
      throw validationFailed([
        fieldProblem('effectiveOn', 'VALIDATION_FAILED', `Ngày hiệu lực không thể trước ${open.enrolledOn}.`),
      ]);
    }
    const change = statusChange(input.status, current.status, reason, effectiveOn, caller, now);
    return {
      update: { $set: { status: input.status, statusHistory: [...current.statusHistory, change] } },
      events: [
        statusChangedEvent(
          current._id,
          current.schoolId,
          { ...change, previousStatus: current.status },
          caller,
        ),
      ],
    };
  });
  if (!result) throw notFound('Không tìm thấy học sinh.');
  if (result.changed) deps.changed();
  return result.after;
}
