/**
 * The province generator's pure part (issue 7): which schools, classes and students a dataset has,
 * and every document the services would have written for them, shaped as their model files
 * define them (students: classes and students; academics: gradebooks and the roster read model;
 * conduct: conduct pages and its read models; signatures and the archive: their class read
 * models), with a full year of marks from the demo's deterministic profiles (scripts/demo/marks),
 * results merged by academics' own rules and standings by conduct's. Nothing here touches a store.
 */
import { createHash } from 'node:crypto';
import { SUBJECTS, subjectByCode } from '@hocbaso/assessment';
import type { PartRef } from '@hocbaso/statistics';
import {
  absencesOf,
  conductOf,
  gradebookRows,
  type CommentRow,
  type ScoredRow,
} from '../../../scripts/demo/marks';
import { studentSubjectResults } from '../../../services/academics/src/domain/subject-result';
import type { GradebookDocument, TermEntry } from '../../../services/academics/src/model/gradebook.model';
import type { RosterStudentDocument } from '../../../services/academics/src/model/roster.model';
import { computeStanding, type KnownSubjectResult } from '../../../services/conduct/src/domain/standing';

/** Bumped whenever the documents change shape: a kept dataset of another version is made again. */
export const GENERATOR_VERSION = 2;

export type DatasetSize = 'small' | 'province';

export interface DatasetSpec {
  size: DatasetSize;
  /** Mã tỉnh: each size its own province, so both live side by side in one set of databases. */
  provinceCode: string;
  /** Mã quận/huyện of each district, schools spread over them in turn. */
  districtCodes: string[];
  schools: number;
  studentsPerSchool: number;
  /** Classes hold at most this many students. */
  classSize: number;
  schoolYear: string;
}

export const DATASETS: Record<DatasetSize, DatasetSpec> = {
  small: {
    size: 'small',
    provinceCode: '01',
    districtCodes: ['001', '002'],
    schools: 3,
    studentsPerSchool: 336,
    classSize: 45,
    schoolYear: '2025-2026',
  },
  province: {
    size: 'province',
    provinceCode: '48',
    districtCodes: Array.from({ length: 10 }, (_, d) => String(490 + d)),
    schools: 100,
    studentsPerSchool: 1_200,
    classSize: 45,
    schoolYear: '2025-2026',
  },
};

export const GRADES = [10, 11, 12] as const;

/** The compulsory subjects and activities, and the electives a class takes four of. */
const COMPULSORY = SUBJECTS.filter((s) => s.group === 'COMPULSORY').map((s) => s.code as string);
const ELECTIVES = SUBJECTS.filter((s) => s.group === 'ELECTIVE').map((s) => s.code as string);
export const ELECTIVES_PER_CLASS = 4;

export interface PlannedClass {
  id: string;
  schoolId: string;
  grade: (typeof GRADES)[number];
  name: string;
  subjects: string[];
  /** Students in the class, with their position in it (the demo profiles go by position). */
  students: Array<{ id: string; index: number; personalId: string }>;
}

export interface PlannedSchool {
  schoolId: string;
  districtCode: string;
  classes: PlannedClass[];
}

/** A stable UUID-shaped id for a name (the same dataset gets the same ids). */
export function stableId(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Sizes of the classes of one grade: as few classes as the class size allows, as even as can be. */
export function classSizes(students: number, classSize: number): number[] {
  const classes = Math.max(1, Math.ceil(students / classSize));
  return Array.from(
    { length: classes },
    (_, c) => Math.floor(students / classes) + (c < students % classes ? 1 : 0),
  );
}

/** The four electives of a class: consecutive in the catalogue, starting where the class's number says. */
export function classSubjects(classNumber: number): string[] {
  const electives = Array.from(
    { length: ELECTIVES_PER_CLASS },
    (_, e) => ELECTIVES[(classNumber + e) % ELECTIVES.length]!,
  );
  return [...COMPULSORY, ...electives];
}

/**
 * One school's classes and students: its students split evenly over grades 10-12, each grade in
 * classes of at most `classSize`. `serial` numbers the students across the dataset (personal ids).
 */
export function planSchool(
  spec: DatasetSpec,
  schoolId: string,
  schoolNumber: number,
  serial: { next: number },
): PlannedSchool {
  const classes: PlannedClass[] = [];
  for (const [g, grade] of GRADES.entries()) {
    const inGrade = Math.floor(spec.studentsPerSchool / 3) + (g < spec.studentsPerSchool % 3 ? 1 : 0);
    for (const [c, size] of classSizes(inGrade, spec.classSize).entries()) {
      const name = `${grade}A${c + 1}`;
      const id = stableId(`${spec.size}/${schoolId}/${name}`);
      classes.push({
        id,
        schoolId,
        grade,
        name,
        subjects: classSubjects(classes.length),
        students: Array.from({ length: size }, (_, index) => {
          const n = serial.next++;
          return {
            id: stableId(`${spec.size}/${id}/${index}`),
            index,
            // Mã định danh: province (3 digits), century and gender, year of birth, a serial.
            personalId: `0${spec.provinceCode}${n % 2 === 0 ? 2 : 3}${String(10 - (grade - 10)).padStart(2, '0')}${String(n).padStart(6, '0')}`,
          };
        }),
      });
    }
  }
  return {
    schoolId,
    districtCode: spec.districtCodes[schoolNumber % spec.districtCodes.length]!,
    classes,
  };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ'];
const MIDDLE = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Đức', 'Thanh', 'Gia', 'Hoài'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hà', 'Khánh', 'Linh', 'Mai', 'Nam', 'Phúc', 'Quân'];

function nameOf(serial: number): string {
  return `${FAMILY[serial % FAMILY.length]} ${MIDDLE[Math.floor(serial / 12) % MIDDLE.length]} ${GIVEN[Math.floor(serial / 96) % GIVEN.length]}`;
}

/** Every document of one class, by service and collection. */
export interface ClassDocuments {
  students: { classes: object[]; students: object[] };
  academics: {
    roster_classes: object[];
    roster_students: object[];
    roster_class_members: object[];
    gradebooks: GradebookDocument[];
  };
  conduct: {
    rm_classes: object[];
    rm_memberships: object[];
    rm_student_results: object[];
    conduct_records: object[];
  };
  signatures: { rm_classes: object[]; statistics_signing_index: object[] };
  archive: { classes: object[]; students: object[]; outcomes: object[] };
}

/** The outbox of a document whose events were all published long ago. */
const PUBLISHED = { _outbox: [], _outboxPending: false, _rev: 0 };

/** A gradebook row's term entry from the demo's marks (as record-gradebook stores its input). */
export function termEntry(row: ScoredRow | CommentRow, at: Date, by: string | null): TermEntry {
  return 'regular' in row
    ? {
        regular: row.regular,
        midterm: row.midterm,
        final: row.final,
        comment: null,
        recordedAt: at,
        recordedBy: by,
      }
    : {
        regular: row.regularResults,
        midterm: row.midtermResult,
        final: row.finalResult,
        comment: null,
        recordedAt: at,
        recordedBy: by,
      };
}

/** Sessions missed: alternate mornings and afternoons from the first school day on. */
function absences(studentId: string, count: number, by: string | null) {
  const start = Date.UTC(2025, 8, 8);
  return Array.from({ length: count }, (_, a) => ({
    _id: stableId(`${studentId}/absence/${a}`),
    date: new Date(start + Math.floor(a / 2) * 2 * 86_400_000).toISOString().slice(0, 10),
    session: a % 2 === 0 ? 'MORNING' : 'AFTERNOON',
    excused: a % 3 !== 0,
    reason: null,
    recordedBy: by,
  }));
}

export function classDocuments(spec: DatasetSpec, planned: PlannedClass, at: Date): ClassDocuments {
  const year = spec.schoolYear;
  const by = null;
  const rosterClass = {
    _id: planned.id,
    schoolId: planned.schoolId,
    schoolYear: year,
    grade: planned.grade,
    name: planned.name,
    homeroomTeacherId: null,
  };
  const enrolledOn = `${year.slice(0, 4)}-09-05`;
  const rosterStudents: RosterStudentDocument[] = planned.students.map((s) => ({
    _id: s.id,
    fullName: nameOf(Number(s.personalId.slice(-6))),
    status: 'STUDYING',
    enrollments: [
      {
        classId: planned.id,
        schoolId: planned.schoolId,
        schoolYear: year,
        grade: planned.grade,
        enrolledOn,
        enrolledAt: at,
        leftOn: null,
      },
    ],
    updatedAt: at,
  }));
  const gradebooks: GradebookDocument[] = planned.subjects.map((code) => {
    const subject = subjectByCode(code)!;
    const term1 = gradebookRows(code, 1, planned.students);
    const term2 = gradebookRows(code, 2, planned.students);
    return {
      _id: `${year}/${planned.id}/${code}`,
      schoolId: planned.schoolId,
      classId: planned.id,
      grade: planned.grade,
      schoolYear: year,
      subjectCode: code,
      kind: subject.kind,
      regularCount:
        'regular' in term1[0]! ? term1[0].regular.length : (term1[0] as CommentRow).regularResults.length,
      rows: planned.students.map((s, i) => ({
        studentId: s.id,
        term1: termEntry(term1[i]!, at, by),
        term2: termEntry(term2[i]!, at, by),
        reassessment: null,
        exemption: null,
      })),
      createdAt: at,
      updatedAt: at,
      ...PUBLISHED,
    };
  });

  const docs: ClassDocuments = {
    students: {
      classes: [{ ...rosterClass, createdAt: at, updatedAt: at, ...PUBLISHED }],
      students: [],
    },
    academics: {
      roster_classes: [{ ...rosterClass, updatedAt: at }],
      roster_students: rosterStudents,
      roster_class_members: [
        { _id: planned.id, studentIds: planned.students.map((s) => s.id), updatedAt: at },
      ],
      gradebooks,
    },
    conduct: { rm_classes: [rosterClass], rm_memberships: [], rm_student_results: [], conduct_records: [] },
    signatures: {
      rm_classes: [{ ...rosterClass, members: planned.students.map((s) => s.id) }],
      statistics_signing_index: [
        { _id: `class/${year}/${planned.id}`, subjects: planned.subjects, signatures: [], classes: [] },
      ],
    },
    archive: {
      classes: [
        {
          _id: planned.id,
          schoolId: planned.schoolId,
          schoolYear: year,
          grade: planned.grade,
          name: planned.name,
          members: rosterStudents.map((s) => ({ studentId: s._id, fullName: s.fullName })),
        },
      ],
      students: [],
      outcomes: [],
    },
  };

  for (const [i, s] of planned.students.entries()) {
    const roster = rosterStudents[i]!;
    const serial = Number(s.personalId.slice(-6));
    docs.students.students.push({
      _id: s.id,
      personalId: s.personalId,
      fullName: roster.fullName,
      dateOfBirth: `${2010 - (planned.grade - 10)}-${String((serial % 12) + 1).padStart(2, '0')}-${String((serial % 28) + 1).padStart(2, '0')}`,
      gender: serial % 2 === 0 ? 'FEMALE' : 'MALE',
      placeOfBirth: `Tỉnh/thành phố ${spec.provinceCode}`,
      ethnicity: 'Kinh',
      policyCategory: null,
      address: `Số ${serial % 300}, quận/huyện ${spec.districtCodes[0]}`,
      guardians: [],
      status: 'STUDYING',
      schoolId: planned.schoolId,
      classId: planned.id,
      enrolments: [
        {
          schoolId: planned.schoolId,
          classId: planned.id,
          className: planned.name,
          schoolYear: year,
          grade: planned.grade,
          kind: 'ADMITTED',
          enrolledOn,
          leftOn: null,
          recordedAt: at,
          recordedBy: by,
        },
      ],
      statusHistory: [],
      personalDataHistory: [],
      createdAt: at,
      updatedAt: at,
      ...PUBLISHED,
    });

    // The year results exactly as academics merges them, then as conduct learns them.
    const merged = studentSubjectResults(s.id, year, roster, gradebooks);
    const known: KnownSubjectResult[] = merged.map((r) => ({
      subjectCode: r.subjectCode,
      kind: r.kind,
      year: { average: r.final.average, result: r.final.result },
      reassessment: null,
    }));
    const conductTerm1 = conductOf(s.index, 1);
    const conductTerm2 = conductOf(s.index, 2);
    const missed = absences(s.id, absencesOf(s.index), by);
    const standing = computeStanding({
      grade: planned.grade,
      conductTerm1,
      conductTerm2,
      summerConduct: null,
      absences: missed.length,
      subjects: known,
      bothFailing: 'RETAINED',
    });
    const pageId = `${s.id}:${year}`;
    docs.conduct.rm_memberships.push({
      _id: pageId,
      studentId: s.id,
      schoolYear: year,
      schoolId: planned.schoolId,
      classId: planned.id,
      grade: planned.grade,
      fullName: roster.fullName,
    });
    docs.conduct.rm_student_results.push({
      _id: pageId,
      studentId: s.id,
      schoolYear: year,
      subjects: Object.fromEntries(known.map(({ subjectCode, ...rest }) => [subjectCode, rest])),
    });
    docs.conduct.conduct_records.push({
      _id: pageId,
      studentId: s.id,
      schoolId: planned.schoolId,
      schoolYear: year,
      conductTerm1,
      conductTerm2,
      summerConduct: null,
      homeroomComment: null,
      absences: missed,
      awards: [],
      discipline: [],
      standing: { ...standing, absences: missed.length, computedAt: at },
      confirmedOutcome: null,
      updatedAt: at,
      ...PUBLISHED,
    });
    docs.archive.students.push({
      _id: s.id,
      schoolId: planned.schoolId,
      fullName: roster.fullName,
      status: 'STUDYING',
      classByYear: { [year]: planned.id },
    });
    docs.archive.outcomes.push({
      _id: pageId,
      studentId: s.id,
      schoolId: planned.schoolId,
      schoolYear: year,
      outcome: standing.outcome,
    });
  }
  return docs;
}

/** The services whose statistics a dataset's parts are recomputed by. */
export const STATISTICS_SERVICES = ['students', 'academics', 'conduct', 'signatures', 'archive'] as const;
export type StatisticsService = (typeof STATISTICS_SERVICES)[number];

/** Signatures' part of a class's subject signing (services/signatures/src/usecases/statistics.ts). */
export const CLASS_SUBJECTS_PART = '#subject-books';

/** A group's marker of parts to compute, as packages/statistics/src/store.ts writes it (one per class). */
export function groupMarker(parts: readonly PartRef[], at: Date) {
  const { schoolId, schoolYear, group } = parts[0]!;
  return {
    _id: `${schoolId}|${schoolYear}|${group}`,
    schoolId,
    schoolYear,
    group,
    parts: parts.map((p) => ({ part: p.part, gen: 1 })),
    markedAt: at,
  };
}

/**
 * The parts of a class each service counts, as each service's statistics name them: a student in
 * their class (students, conduct, archive, signatures' approvals), the class itself (academics),
 * and the class's subject signing (signatures).
 */
export function classParts(spec: DatasetSpec, planned: PlannedClass): Record<StatisticsService, PartRef[]> {
  const base = { schoolId: planned.schoolId, schoolYear: spec.schoolYear, group: planned.id };
  const students = planned.students.map((s) => ({ ...base, part: s.id }));
  return {
    students,
    academics: [{ ...base, part: planned.id }],
    conduct: students,
    signatures: [{ ...base, part: CLASS_SUBJECTS_PART }, ...students],
    archive: students,
  };
}
