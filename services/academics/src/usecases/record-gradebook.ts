import { AppError, forbidden, type ErrorCode } from '@hocbaso/errors';
import type { LockScope } from '@hocbaso/events';
import { canWriteGradebook } from '../domain/access';
import {
  validateGradebookRows,
  type CellError,
  type GradebookRowInput,
} from '../domain/gradebook-validation';
import { gradebookLock, lockedMessage, studentLock, type GradebookTarget } from '../domain/lock-coverage';
import { studentSubjectResults } from '../domain/subject-result';
import { subjectRules, type SubjectRules } from '../domain/subjects';
import {
  gradebookId,
  type GradebookDocument,
  type GradebookRow,
  type Mark,
  type TermEntry,
  type TermKey,
} from '../model/gradebook.model';
import type { GradebookChange } from '../model/gradebook.repository';
import { classInYear, type ClassInYear } from './class-facts';
import { subjectResultEvent, type AcademicsDeps, type Caller } from './deps';

export type TermCode = 'TERM_1' | 'TERM_2';

export const termKey = (term: TermCode): TermKey => (term === 'TERM_1' ? 'term1' : 'term2');

export interface GradebookKey {
  classId: string;
  subjectCode: string;
  schoolYear: string;
  term: TermCode;
}

export interface RecordGradebookInput extends GradebookKey {
  rows: readonly GradebookRowInput[];
}

/** A bad cell as the API reports it (`cell`: the Excel reference, for an import). */
export interface GradebookCellError {
  row: number;
  studentId: string | null;
  column: string;
  cell: string | null;
  code: ErrorCode;
  message: string;
}

export interface RecordGradebookResult {
  ok: boolean;
  errors: GradebookCellError[];
  /** The students whose result changed (one event each). */
  changedStudents: string[];
  gradebook: GradebookDocument | null;
}

const SCHOOL_YEAR = /^(\d{4})-(\d{4})$/;

/** A class has at most ~50 students; anything much larger is not a gradebook. */
export const MAX_GRADEBOOK_ROWS = 200;

export function isSchoolYear(value: string): boolean {
  const years = SCHOOL_YEAR.exec(value);
  return !!years && Number(years[2]) === Number(years[1]) + 1;
}

const argumentError = (column: string, code: ErrorCode, message: string): GradebookCellError => ({
  row: -1,
  studentId: null,
  column,
  cell: null,
  code,
  message,
});

const refused = (errors: GradebookCellError[]): RecordGradebookResult => ({
  ok: false,
  errors,
  changedStudents: [],
  gradebook: null,
});

export interface AuthorisedGradebook {
  rules: SubjectRules;
  cls: ClassInYear;
}

/**
 * Who may write, and whether the gradebook's identity makes sense: FORBIDDEN unless the caller is
 * the teacher assigned to this class and subject in this school year (nobody else writes marks);
 * then argument problems (unknown subject, class unknown to the roster) as errors.
 */
export async function authoriseGradebookWrite(
  deps: AcademicsDeps,
  caller: Caller,
  key: GradebookKey,
): Promise<AuthorisedGradebook | GradebookCellError[]> {
  if (!caller.principal) throw new AppError('UNAUTHENTICATED');
  const [rosterClass, students] = await Promise.all([
    deps.roster.findClass(key.classId),
    deps.roster.membersOf([key.classId]),
  ]);
  const cls = classInYear(key.classId, key.schoolYear, rosterClass, students);
  if (!canWriteGradebook(caller.principal, cls, key.subjectCode, key.schoolYear)) throw forbidden();
  const rules = subjectRules(key.subjectCode);
  const errors: GradebookCellError[] = [];
  if (!rules) {
    errors.push(
      argumentError(
        'subjectCode',
        'VALIDATION_FAILED',
        `Môn học ${key.subjectCode} không có trong danh mục.`,
      ),
    );
  }
  if (!isSchoolYear(key.schoolYear)) {
    errors.push(argumentError('schoolYear', 'VALIDATION_FAILED', 'Năm học có dạng 2025-2026.'));
  }
  if (!cls.known || !cls.schoolId || cls.grade === null) {
    errors.push(
      argumentError(
        'classId',
        'NOT_FOUND',
        `Lớp ${key.classId} chưa có trong danh sách lớp năm học ${key.schoolYear} (chưa nhận được dữ liệu từ hệ thống quản lý học sinh).`,
      ),
    );
  }
  if (errors.length || !rules) return errors;
  return { rules, cls };
}

type Marks = { regular: Array<Mark | null>; midterm: Mark | null; final: Mark | null };

/** No entry and an entry of empty cells are the same: writing blanks over nothing changes nothing. */
const sameMarks = (a: TermEntry | null, b: Marks) =>
  a
    ? a.regular.length === b.regular.length &&
      a.regular.every((m, i) => m === b.regular[i]) &&
      a.midterm === b.midterm &&
      a.final === b.final
    : [...b.regular, b.midterm, b.final].every((m) => m === null);

const sameComment = (a: TermEntry['comment'], b: TermEntry['comment']) =>
  (a?.progress ?? null) === (b?.progress ?? null) &&
  (a?.strengths ?? null) === (b?.strengths ?? null) &&
  (a?.limitations ?? null) === (b?.limitations ?? null);

export const marksOf = (entry: TermEntry | null) =>
  entry ? { regular: [...entry.regular], midterm: entry.midterm, final: entry.final } : null;

/**
 * Ghi sổ điểm: the assigned teacher writes a whole class's marks of one subject and term in one
 * call. Every bad cell is listed and nothing changes unless there is none; otherwise ONE document
 * write stores the rows with one `subjectResultRecorded` event per student whose result changed.
 * Rows not given keep their marks; a row's comment, when absent, stays as it was.
 * `locate` turns validation errors into the caller's terms (Excel cells for an import).
 */
export async function recordGradebook(
  deps: AcademicsDeps,
  caller: Caller,
  input: RecordGradebookInput,
  locate: (errors: CellError[]) => GradebookCellError[] = (errors) =>
    errors.map((e) => ({ ...e, cell: null })),
): Promise<RecordGradebookResult> {
  const authorised = await authoriseGradebookWrite(deps, caller, input);
  if (Array.isArray(authorised)) return refused(authorised);
  return writeGradebook(deps, caller, input, authorised, locate);
}

/**
 * The part of `recordGradebook` after authorisation (an import authorises before parsing its file).
 * Runs inside the record-lock gate: a SUBJECT or WINDOW lock on the term refuses the whole write
 * (one argument error), a lock on one student's data (their year page, or the subject of another
 * class they were in) refuses that student's row if it would change; either way nothing is written.
 */
export function writeGradebook(
  deps: AcademicsDeps,
  caller: Caller,
  input: RecordGradebookInput,
  authorised: AuthorisedGradebook,
  locate: (errors: CellError[]) => GradebookCellError[],
): Promise<RecordGradebookResult> {
  const { cls } = authorised;
  return deps.locks.write(cls.schoolId as string, input.schoolYear, (locks) =>
    writeUnlocked(deps, caller, input, authorised, locate, locks),
  );
}

async function writeUnlocked(
  deps: AcademicsDeps,
  caller: Caller,
  input: RecordGradebookInput,
  { rules, cls }: AuthorisedGradebook,
  locate: (errors: CellError[]) => GradebookCellError[],
  locks: LockScope[],
): Promise<RecordGradebookResult> {
  const target: GradebookTarget = {
    schoolYear: input.schoolYear,
    classId: input.classId,
    subjectCode: input.subjectCode,
    grade: cls.grade as number,
  };
  const termLock = gradebookLock(locks, target, [input.term]);
  if (termLock) return refused([argumentError('term', 'RECORD_LOCKED', lockedMessage(termLock))]);
  if (input.rows.length > MAX_GRADEBOOK_ROWS) {
    return refused([
      argumentError('rows', 'VALIDATION_FAILED', `Một sổ điểm có tối đa ${MAX_GRADEBOOK_ROWS} dòng.`),
    ]);
  }
  const validation = validateGradebookRows({
    rules,
    schoolYear: input.schoolYear,
    members: new Set(cls.members.map((m) => m._id)),
    rows: input.rows,
  });
  if (validation.errors.length) return refused(locate(validation.errors));

  const key = termKey(input.term);
  const id = gradebookId(input.classId, input.subjectCode, input.schoolYear);
  const recordedBy = caller.principal?.accountId ?? null;
  const classesOf = (studentId: string) =>
    (cls.members.find((m) => m._id === studentId)?.enrollments ?? [])
      .filter((e) => e.schoolYear === input.schoolYear)
      .map((e) => e.classId);
  let changedStudents: string[] = [];
  const lockErrors: CellError[] = [];
  const gradebook = await deps.gradebooks.change(
    { id, subjectCode: input.subjectCode, schoolYear: input.schoolYear },
    async (current): Promise<GradebookChange | null> => {
      const now = deps.now();
      const rows: GradebookRow[] = (current?.rows ?? []).map((r) => ({ ...r }));
      const changes: Array<{ studentId: string; before: TermEntry | null; after: TermEntry }> = [];
      validation.rows.forEach((given, index) => {
        let row = rows.find((r) => r.studentId === given.studentId);
        if (!row) {
          row = { studentId: given.studentId, term1: null, term2: null, reassessment: null, exemption: null };
          rows.push(row);
        }
        const before = row[key];
        const comment = given.comment === undefined ? (before?.comment ?? null) : given.comment;
        if (sameMarks(before, given) && sameComment(before?.comment ?? null, comment)) return;
        // Only a row that would change is a write: re-sending a locked student's marks unchanged is fine.
        const lock = studentLock(locks, {
          gradebook: target,
          periods: [input.term],
          studentId: given.studentId,
          studentClassIds: classesOf(given.studentId),
        });
        if (lock) {
          lockErrors.push({
            row: index,
            studentId: given.studentId,
            column: 'studentId',
            code: 'RECORD_LOCKED',
            message: lockedMessage(lock),
          });
          return;
        }
        const after: TermEntry = {
          regular: given.regular,
          midterm: given.midterm,
          final: given.final,
          comment,
          recordedAt: now,
          recordedBy,
        };
        row[key] = after;
        changes.push({ studentId: given.studentId, before, after });
      });
      if (lockErrors.length || changes.length === 0) return null;
      changedStudents = changes.map((c) => c.studentId);

      const create = {
        schoolId: cls.schoolId as string,
        classId: input.classId,
        grade: cls.grade as number,
        schoolYear: input.schoolYear,
        subjectCode: input.subjectCode,
        kind: rules.subject.kind,
        regularCount: rules.regularCount,
        createdAt: now,
        updatedAt: now,
      };
      const next: GradebookDocument = current
        ? { ...current, rows }
        : { ...create, _id: id, rows, _outbox: [], _outboxPending: false, _rev: 0 };
      // The events carry each student's merged result: their rows in the gradebooks of this subject
      // of the other classes they were in that year count too (read under the subject's lock, so
      // they cannot change meanwhile). Most students have one class: then nothing more is read.
      const students = cls.members.filter((m) => changedStudents.includes(m._id));
      const otherIds = [
        ...new Set(
          students.flatMap((s) =>
            s.enrollments
              .filter((e) => e.schoolYear === input.schoolYear && e.classId !== input.classId)
              .map((e) => gradebookId(e.classId, input.subjectCode, input.schoolYear)),
          ),
        ),
      ];
      const others = otherIds.length ? await deps.gradebooks.findManyByIds(otherIds) : [];
      const books = [next, ...others];
      const events = changes.map(({ studentId, before, after }) => {
        const student = students.find((s) => s._id === studentId) ?? null;
        const [merged] = studentSubjectResults(studentId, input.schoolYear, student, books);
        if (!merged) throw new Error(`no merged result for ${studentId}`);
        return subjectResultEvent(merged, input.classId, next.schoolId, caller, {
          change: 'MARKS',
          marks: { term: input.term, before: marksOf(before), after: marksOf(after) },
        });
      });
      return { create, rows, events };
    },
  );
  if (lockErrors.length) return refused(locate(lockErrors));
  if (changedStudents.length) deps.changed();
  return { ok: true, errors: [], changedStudents, gradebook };
}
