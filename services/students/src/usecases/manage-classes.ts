import { randomUUID } from 'node:crypto';
import {
  AppError,
  fieldProblem,
  forbidden,
  notFound,
  validationFailed,
  type FieldProblem,
} from '@hocbaso/errors';
import { classCreated, classHomeroomTeacherChanged } from '@hocbaso/events';
import { canManageEnrolment, canReadClass } from '../domain/access';
import { checkSchoolYear } from '../domain/calendar';
import { normalizeText } from '../domain/text';
import type { ClassDocument, Grade } from '../model/class.model';
import { isDuplicateKey } from '../model/modify';
import { actorOf, studentsEvent, type Caller, type StudentsDeps } from './deps';

export interface CreateClassInput {
  schoolId: string;
  schoolYear: string;
  grade: number;
  name: string;
  homeroomTeacherId?: string | null;
}

const CLASS_NAME = /^(10|11|12)(?!\d)[\p{L}\p{N}]([\p{L}\p{N} -]{0,28})$/u;

/** Problems with a class name for its grade: "10A1" is a grade-10 class, "11A1" is not. */
export function classNameProblems(name: string, grade: number): FieldProblem[] {
  const match = CLASS_NAME.exec(name);
  if (!match) {
    return [
      fieldProblem(
        'name',
        'VALIDATION_FAILED',
        'Tên lớp bắt đầu bằng khối lớp rồi đến ký hiệu lớp, ví dụ 10A1, 11A2, 12 Chuyên Toán (tối đa 30 ký tự).',
      ),
    ];
  }
  if (Number(match[1]) !== grade) {
    return [
      fieldProblem(
        'name',
        'VALIDATION_FAILED',
        `Tên lớp "${name}" không thuộc khối ${grade}: tên lớp khối ${grade} bắt đầu bằng ${grade}.`,
      ),
    ];
  }
  return [];
}

function optionalId(value: string | null | undefined): string | null {
  const id = value?.trim();
  return id ? id : null;
}

/** Creates a class of a school year. Academic staff or the system admin of the school. */
export async function createClass(
  deps: StudentsDeps,
  caller: Caller,
  input: CreateClassInput,
): Promise<ClassDocument> {
  if (caller.principal && !canManageEnrolment(caller.principal, input.schoolId)) throw forbidden();
  const name = normalizeText(input.name);
  const schoolYear = input.schoolYear.trim();
  const problems: FieldProblem[] = [];
  if (![10, 11, 12].includes(input.grade)) {
    problems.push(
      fieldProblem('grade', 'VALIDATION_FAILED', 'Khối lớp trung học phổ thông là 10, 11 hoặc 12.'),
    );
  } else {
    problems.push(...classNameProblems(name, input.grade));
  }
  const yearProblem = checkSchoolYear(schoolYear);
  if (yearProblem) problems.push(yearProblem);
  if (problems.length) throw validationFailed(problems);

  const now = deps.now();
  const schoolClass: Omit<ClassDocument, '_outbox' | '_outboxPending' | '_rev'> = {
    _id: randomUUID(),
    schoolId: input.schoolId,
    schoolYear,
    grade: input.grade as Grade,
    name,
    homeroomTeacherId: optionalId(input.homeroomTeacherId),
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.classes.insert(schoolClass, [
      studentsEvent(classCreated, 'classes', schoolClass._id, {
        classId: schoolClass._id,
        schoolId: schoolClass.schoolId,
        schoolYear,
        grade: schoolClass.grade,
        name,
        homeroomTeacherId: schoolClass.homeroomTeacherId,
        actor: actorOf(caller),
      }),
    ]);
  } catch (error) {
    if (isDuplicateKey(error)) {
      throw validationFailed([
        fieldProblem('name', 'CONFLICT', `Năm học ${schoolYear} của trường đã có lớp ${name}.`),
      ]);
    }
    throw error;
  }
  deps.changed();
  return { ...schoolClass, _outbox: [], _outboxPending: false, _rev: 0 };
}

/** Loads a class the caller manages; one it may not even see looks absent. */
export async function loadManagedClass(deps: StudentsDeps, caller: Caller, classId: string) {
  const schoolClass = await deps.classes.findById(classId);
  if (
    !schoolClass ||
    (caller.principal &&
      !canReadClass(caller.principal, { id: schoolClass._id, schoolId: schoolClass.schoolId }))
  )
    throw notFound('Không tìm thấy lớp.');
  if (caller.principal && !canManageEnrolment(caller.principal, schoolClass.schoolId)) throw forbidden();
  return schoolClass;
}

/** Sets (or clears) the homeroom teacher (giáo viên chủ nhiệm) of a class. */
export async function setClassHomeroomTeacher(
  deps: StudentsDeps,
  caller: Caller,
  input: { classId: string; homeroomTeacherId?: string | null },
): Promise<ClassDocument> {
  await loadManagedClass(deps, caller, input.classId);
  const teacherId = optionalId(input.homeroomTeacherId);
  const result = await deps.classes.modify(input.classId, (current) =>
    current.homeroomTeacherId === teacherId
      ? null
      : {
          update: { $set: { homeroomTeacherId: teacherId } },
          events: [
            studentsEvent(classHomeroomTeacherChanged, 'classes', current._id, {
              classId: current._id,
              before: { homeroomTeacherId: current.homeroomTeacherId },
              after: { homeroomTeacherId: teacherId },
              actor: actorOf(caller),
            }),
          ],
        },
  );
  if (!result) throw notFound('Không tìm thấy lớp.');
  if (result.changed) deps.changed();
  return result.after;
}

/** A class the caller names as the destination of a student: it must exist and be of a school it manages. */
export async function loadDestinationClass(
  deps: StudentsDeps,
  caller: Caller,
  classId: string,
  field = 'classId',
): Promise<ClassDocument> {
  const schoolClass = await deps.classes.findById(classId);
  if (!schoolClass || (caller.principal && !canManageEnrolment(caller.principal, schoolClass.schoolId))) {
    throw validationFailed([
      fieldProblem(field, 'NOT_FOUND', 'Không tìm thấy lớp này trong trường của bạn.'),
    ]);
  }
  return schoolClass;
}

/** Refuses callers who manage no school's records at all, before anything is looked up. */
export function requireEnrolmentManager(caller: Caller): void {
  const principal = caller.principal;
  if (
    principal &&
    !principal.roles.some((g) => g.scope.schoolId && canManageEnrolment(principal, g.scope.schoolId))
  )
    throw new AppError('FORBIDDEN');
}
