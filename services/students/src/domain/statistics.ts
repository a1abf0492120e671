import { STUDENT_STATUSES, type StudentStatus } from '@hocbaso/events';
import { STATISTICS_TERMS, type Figure, type StatisticsTableDefinition } from '@hocbaso/statistics';
import type { EnrolmentRecord, StatusChangeRecord } from '../model/student.model';

/** Tình trạng học sinh, labelled as in the schema's StudentStatus. */
const STATUS_LABELS: Record<StudentStatus, string> = {
  STUDYING: 'Đang học',
  TRANSFERRED: 'Đã chuyển trường',
  REPEATING: 'Lưu ban',
  COMPLETED: 'Hoàn thành chương trình lớp học',
  GRADUATED: 'Tốt nghiệp trung học phổ thông',
  DROPPED_OUT: 'Thôi học',
};

/** Sĩ số học sinh: the students of the classes of a school year, by status, rows by grade. */
export const ENROLMENT_TABLE: StatisticsTableDefinition = {
  name: 'enrolment',
  title: 'Sĩ số học sinh',
  columns: STUDENT_STATUSES.map((status) => ({ key: status, label: STATUS_LABELS[status] })),
  totalLabel: 'Tổng số học sinh',
};

/** A class of a school year, as a statistics group: whose students count there. */
export interface ClassOfYear {
  schoolId: string;
  schoolYear: string;
  classId: string;
}

/** What the figures of a student are worked out from: never a name or any personal data. */
export interface StudentStanding {
  status: StudentStatus;
  enrolments: readonly Pick<
    EnrolmentRecord,
    'schoolId' | 'classId' | 'schoolYear' | 'grade' | 'kind' | 'leftOn' | 'recordedAt'
  >[];
  statusHistory: readonly Pick<StatusChangeRecord, 'status' | 'recordedAt'>[];
}

/** The student's status just before `moment`: the last change recorded earlier. */
function statusBefore(student: StudentStanding, moment: Date): StudentStatus {
  const earlier = student.statusHistory.filter((change) => change.recordedAt.getTime() < moment.getTime());
  return earlier.at(-1)?.status ?? student.status;
}

/**
 * What one student adds to the enrolment table of one class of a school year: 1 under their
 * status, in the class's grade, for each term and the year. Null when they do not count there:
 * never in that class, or they left it during that year (a class change, a transfer). A student
 * who went on to the next school year still counts in the class they finished, under the status
 * they had when the year ended (lưu ban, hoàn thành…), not today's.
 */
export function enrolmentFigures(student: StudentStanding, schoolClass: ClassOfYear): Figure[] | null {
  const index = student.enrolments.findLastIndex(
    (e) =>
      e.classId === schoolClass.classId &&
      e.schoolYear === schoolClass.schoolYear &&
      e.schoolId === schoolClass.schoolId,
  );
  const enrolment = student.enrolments[index];
  if (!enrolment) return null;
  let status = student.status;
  if (enrolment.leftOn !== null) {
    const next = student.enrolments[index + 1];
    const finishedTheYear = next?.kind === 'NEW_SCHOOL_YEAR' && next.schoolYear !== enrolment.schoolYear;
    if (!next || !finishedTheYear) return null;
    status = statusBefore(student, next.recordedAt);
  }
  return STATISTICS_TERMS.map((term) => ({
    table: ENROLMENT_TABLE.name,
    term,
    grade: enrolment.grade,
    column: status,
    value: 1,
  }));
}
