import type { LockScope } from '@hocbaso/events';
import type { LockDecision } from '@hocbaso/service-kit';
import { subjectLockDecision, studentYearLockContent } from '../domain/lock-content';
import { studentSubjectResults, type MergedSubjectResult } from '../domain/subject-result';
import { subjectRules } from '../domain/subjects';
import type { GradebookRepository } from '../model/gradebook.repository';
import type { RosterRepository } from '../model/roster.repository';
import { classInYear } from './class-facts';

/** What deciding a lock reads: the gradebooks and the roster read model. */
export interface LockReaders {
  gradebooks: GradebookRepository;
  roster: RosterRepository;
}

/** A student who left the school no longer counts for a class's subject to be complete. */
const LEFT_SCHOOL = new Set(['TRANSFERRED', 'DROPPED_OUT']);

const notFound = (message: string): LockDecision => ({
  outcome: 'REFUSED',
  code: 'NOT_FOUND',
  message,
  details: [],
});

/**
 * Academics' answer to a lock request (`decide` of RecordLockRegistry.apply): runs while no write of
 * the school year is in flight, reads the unit as it is, and returns its canonical content or why
 * it cannot be locked. SUBJECT: complete for every student studying in the class, else
 * SUBJECT_INCOMPLETE; STUDENT_YEAR: every subject of the student's year; WINDOW: no content.
 */
export async function decideLock(readers: LockReaders, scope: LockScope): Promise<LockDecision> {
  switch (scope.unit) {
    case 'SUBJECT':
      return decideSubject(readers, scope);
    case 'STUDENT_YEAR':
      return decideStudentYear(readers, scope);
    case 'WINDOW':
      return { outcome: 'APPLIED', content: null };
    case 'CLASS_CONDUCT':
      return {
        outcome: 'REFUSED',
        code: 'VALIDATION_FAILED',
        message: 'Hạnh kiểm, rèn luyện của lớp không do hệ thống quản lý điểm lưu giữ.',
        details: [],
      };
  }
}

async function decideSubject(
  { gradebooks, roster }: LockReaders,
  scope: Extract<LockScope, { unit: 'SUBJECT' }>,
): Promise<LockDecision> {
  const rules = subjectRules(scope.subjectCode);
  if (!rules) {
    return {
      outcome: 'REFUSED',
      code: 'VALIDATION_FAILED',
      message: `Môn học ${scope.subjectCode} không có trong danh mục.`,
      details: [],
    };
  }
  const [rosterClass, members] = await Promise.all([
    roster.findClass(scope.classId),
    roster.membersOf([scope.classId]),
  ]);
  const cls = classInYear(scope.classId, scope.schoolYear, rosterClass, members);
  // A lock of another school would sit under that school's gate, where this class's writes never look.
  if (!cls.known || cls.schoolId !== scope.schoolId) {
    return notFound(
      `Lớp ${scope.classId} không có trong danh sách lớp năm học ${scope.schoolYear} của trường.`,
    );
  }
  const studying = cls.members.filter((s) => cls.current.has(s._id) && !LEFT_SCHOOL.has(s.status));
  const books = studying.length
    ? await gradebooks.findForStudents(
        scope.schoolYear,
        studying.map((s) => s._id),
        scope.subjectCode,
      )
    : [];
  const results = new Map<string, MergedSubjectResult>();
  for (const student of studying) {
    // Merged over every class of the year: a student who moved in brings the marks entered before.
    const [result] = studentSubjectResults(student._id, scope.schoolYear, student, books);
    if (result) results.set(student._id, result);
  }
  return subjectLockDecision({
    scope,
    subject: { name: rules.subject.name, kind: rules.subject.kind },
    studentIds: studying.map((s) => s._id),
    results,
  });
}

async function decideStudentYear(
  { gradebooks, roster }: LockReaders,
  scope: Extract<LockScope, { unit: 'STUDENT_YEAR' }>,
): Promise<LockDecision> {
  const student = await roster.findStudent(scope.studentId);
  const enrolled = (student?.enrollments ?? []).some(
    (e) => e.classId === scope.classId && e.schoolYear === scope.schoolYear && e.schoolId === scope.schoolId,
  );
  if (!student || !enrolled) {
    return notFound(
      `Học sinh (mã ${scope.studentId}) không thuộc lớp ${scope.classId} năm học ${scope.schoolYear} của trường.`,
    );
  }
  const books = await gradebooks.findForStudents(scope.schoolYear, [scope.studentId]);
  const results = studentSubjectResults(scope.studentId, scope.schoolYear, student, books);
  return { outcome: 'APPLIED', content: studentYearLockContent(scope, results) };
}
