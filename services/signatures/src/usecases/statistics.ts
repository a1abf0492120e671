import {
  classCreated,
  recordSigned,
  signatureSuperseded,
  studentEnrolled,
  studentLeftClass,
  subjectResultRecorded,
  teachingAssignmentCreated,
  type CloudEvent,
  type EventData,
  type LockScope,
} from '@hocbaso/events';
import type { Figure, PartRef } from '@hocbaso/statistics';
import {
  classSubjectFigures,
  RECORD_APPROVALS_TABLE,
  recordApprovalState,
  studentApprovalFigures,
  SUBJECT_SIGNING_TABLE,
  subjectSigningColumn,
} from '../domain/statistics';
import { classIndexId, studentIndexId } from '../model/statistics-index.model';
import type { SigningIndexRepository } from '../model/statistics-index.repository';
import type { SignaturesDeps } from './deps';

/** Signatures' fields on `Statistics`. */
export const SIGNATURES_STATISTICS_TABLES = {
  recordApprovals: RECORD_APPROVALS_TABLE,
  subjectSigning: SUBJECT_SIGNING_TABLE,
};

/**
 * The part of a class (group) that counts its students in the subject-signing table: one part per
 * class, so a subject signature recomputes one thing. Every other part is a student (its approval).
 */
export const CLASS_SUBJECTS_PART = '#subject-books';

type Place = { schoolId: string; schoolYear: string; classId: string };
const classPart = (p: Place): PartRef => ({
  schoolId: p.schoolId,
  schoolYear: p.schoolYear,
  group: p.classId,
  part: CLASS_SUBJECTS_PART,
});
const studentPart = (p: Place, studentId: string): PartRef => ({
  schoolId: p.schoolId,
  schoolYear: p.schoolYear,
  group: p.classId,
  part: studentId,
});

/**
 * One part's figures now, read by `_id` only: the class (its grade and students), the statistics
 * index of the class or the student, and the signatures it names (their state and status now).
 * Null when the part left the class.
 */
export async function computeSignaturesPart(
  deps: SignaturesDeps,
  index: SigningIndexRepository,
  ref: PartRef,
): Promise<Figure[] | null> {
  const cls = await deps.facts.findClass(ref.group);
  if (!cls || cls.schoolId !== ref.schoolId || cls.schoolYear !== ref.schoolYear) return null;
  if (ref.part === CLASS_SUBJECTS_PART) {
    const books = await index.get(classIndexId(cls.schoolYear, cls._id));
    const signatures = await deps.records.signaturesByIds(books.signatures);
    return classSubjectFigures(
      cls.grade,
      cls.members.length,
      subjectSigningColumn(books.subjects, signatures),
    );
  }
  if (!cls.members.includes(ref.part)) return null;
  const student = await index.get(studentIndexId(cls.schoolYear, ref.part));
  const approvals = await deps.records.signaturesByIds(student.signatures);
  return studentApprovalFigures(cls.grade, recordApprovalState(approvals));
}

/** The student's part in every class it was enrolled in that year (those it left compute to null). */
async function studentParts(
  index: SigningIndexRepository,
  place: Place,
  studentId: string,
): Promise<PartRef[]> {
  const { classes } = await index.get(studentIndexId(place.schoolYear, studentId));
  return [...new Set([place.classId, ...classes])].map((classId) =>
    studentPart({ ...place, classId }, studentId),
  );
}

/**
 * The statistics consumer's triggers: signatures' own events, and the facts that change a roster
 * or a class's subjects. Each notes in the index what the computation must find by `_id`, then
 * names the parts to recompute. Rosters are read from the read model, which another consumer group
 * writes: `signaturesRosterMarks` marks the same parts again once it applied the event.
 */
export function signaturesStatisticsTriggers(
  index: SigningIndexRepository,
): Record<string, (event: CloudEvent) => Promise<PartRef[]>> {
  const signature = async (
    d: { signatureId: string; scope: LockScope },
    signed: boolean,
  ): Promise<PartRef[]> => {
    const scope = d.scope;
    if (scope.unit === 'SUBJECT') {
      if (signed && scope.period === 'YEAR')
        await index.add(classIndexId(scope.schoolYear, scope.classId), 'signatures', d.signatureId);
      return [classPart(scope)];
    }
    if (scope.unit !== 'STUDENT_YEAR') return [];
    if (signed)
      await index.add(studentIndexId(scope.schoolYear, scope.studentId), 'signatures', d.signatureId);
    return studentParts(index, scope, scope.studentId);
  };
  const subject = async (d: Place & { subjectCode: string }) =>
    (await index.add(classIndexId(d.schoolYear, d.classId), 'subjects', d.subjectCode)) ? [classPart(d)] : [];
  return {
    [recordSigned.type]: (event) => signature(event.data as EventData<typeof recordSigned>, true),
    [signatureSuperseded.type]: (event) =>
      signature(event.data as EventData<typeof signatureSuperseded>, false),
    [teachingAssignmentCreated.type]: (event) =>
      subject(event.data as EventData<typeof teachingAssignmentCreated>),
    [subjectResultRecorded.type]: (event) => subject(event.data as EventData<typeof subjectResultRecorded>),
    [classCreated.type]: async (event) => [classPart(event.data as EventData<typeof classCreated>)],
    [studentEnrolled.type]: async (event) => {
      const d = event.data as EventData<typeof studentEnrolled>;
      await index.add(studentIndexId(d.schoolYear, d.studentId), 'classes', d.classId);
      return [classPart(d), studentPart(d, d.studentId)];
    },
    [studentLeftClass.type]: async (event) => {
      const d = event.data as EventData<typeof studentLeftClass>;
      return [classPart(d), studentPart(d, d.studentId)];
    },
  };
}

/** The topics of the statistics consumer group. */
export const SIGNATURES_STATISTICS_TOPICS = [
  ...new Set(
    [
      recordSigned,
      signatureSuperseded,
      teachingAssignmentCreated,
      subjectResultRecorded,
      classCreated,
      studentEnrolled,
      studentLeftClass,
    ].map((c) => c.topic),
  ),
];

/**
 * The roster facts again, marked by the read models' group once it applied them, so the part is
 * recomputed from the roster that event made (the statistics group may have been first).
 */
export function signaturesRosterMarks(): Record<string, (event: CloudEvent) => Promise<PartRef[]>> {
  const roster = async (d: Place & { studentId: string }) => [classPart(d), studentPart(d, d.studentId)];
  return {
    [classCreated.type]: async (event) => [classPart(event.data as EventData<typeof classCreated>)],
    [studentEnrolled.type]: (event) => roster(event.data as EventData<typeof studentEnrolled>),
    [studentLeftClass.type]: (event) => roster(event.data as EventData<typeof studentLeftClass>),
  };
}
