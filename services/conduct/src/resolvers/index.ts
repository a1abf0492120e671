import { AppError } from '@hocbaso/errors';
import { canReadConduct, readsAsFamily } from '../domain/access';
import type { ConductRecordDocument } from '../model/conduct-record.model';
import type { MembershipDocument } from '../model/read-model.model';
import {
  confirmOutcome,
  grantCommendation,
  recordAbsence,
  recordConduct,
  recordDiscipline,
  type RecordAbsenceInput,
  type RecordConductInput,
} from '../usecases/record-conduct';
import { callerOf, type ConductContext } from './context';
import { statisticsResolver } from './statistics';

interface ConductYearView {
  membership: MembershipDocument;
  record: ConductRecordDocument | null;
}

/** The student's conduct page of a year, or null when the caller may not see it (looks absent). */
async function conductYear(
  studentId: string,
  schoolYear: string,
  context: ConductContext,
): Promise<ConductYearView | null> {
  const [memberships, records] = await Promise.all([
    context.loaders.membershipsOfStudent.load(studentId),
    context.loaders.recordsOfStudent.load(studentId),
  ]);
  const membership = memberships.find((m) => m.schoolYear === schoolYear);
  if (!membership) return null;
  const cls = membership.classId ? await context.loaders.classes.load(membership.classId) : null;
  const classPlace = cls
    ? { classId: cls._id, schoolId: cls.schoolId, homeroomTeacherId: cls.homeroomTeacherId }
    : null;
  if (!canReadConduct(context.principal, membership, classPlace)) return null;
  return { membership, record: records.find((r) => r.schoolYear === schoolYear) ?? null };
}

/**
 * The reason of an absence or a discipline measure is personal (it may be medical or family
 * matters): a staff member's read of one is noted for the request's access log (R11).
 */
function personalReason(field: string) {
  return (item: { studentId: string; reason?: string | null }, _args: unknown, context: ConductContext) => {
    const reason = item.reason ?? null;
    if (reason !== null && !readsAsFamily(context.principal, item.studentId))
      context.personalReads.note(item.studentId, field);
    return reason;
  };
}

function requireSignedIn(context: ConductContext) {
  if (!context.principal) throw new AppError('UNAUTHENTICATED');
}

async function viewOf(record: ConductRecordDocument, context: ConductContext): Promise<ConductYearView> {
  context.loaders.recordsOfStudent.clear(record.studentId);
  const view = await conductYear(record.studentId, record.schoolYear, context);
  return (
    view ?? {
      membership: {
        _id: '',
        studentId: record.studentId,
        schoolYear: record.schoolYear,
        schoolId: record.schoolId,
        classId: null,
        grade: 10,
        fullName: '',
      },
      record,
    }
  );
}

export const resolvers = {
  ...statisticsResolver,
  Student: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    conduct: (student: { id: string }, args: { schoolYear: string }, context: ConductContext) =>
      conductYear(student.id, args.schoolYear, context),
  },
  Class: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    conductSheet: async (cls: { id: string }, args: { schoolYear: string }, context: ConductContext) => {
      const roster = (await context.deps.repository.roster(cls.id)).filter(
        (m) => m.schoolYear === args.schoolYear,
      );
      const ids = roster.map((m) => m.studentId);
      // One batch per collection, primed before the per-student views read them from the loaders.
      await Promise.all([
        context.loaders.membershipsOfStudent.loadMany(ids),
        context.loaders.recordsOfStudent.loadMany(ids),
      ]);
      await context.loaders.classes.loadMany([
        ...new Set(roster.map((m) => m.classId).filter((id): id is string => !!id)),
      ]);
      const views = await Promise.all(roster.map((m) => conductYear(m.studentId, args.schoolYear, context)));
      return views.filter((v): v is ConductYearView => v !== null);
    },
  },
  Absence: { reason: personalReason('absences.reason') },
  DisciplineMeasure: { reason: personalReason('discipline.reason') },
  ConductYear: {
    studentId: (view: ConductYearView) => view.membership.studentId,
    schoolYear: (view: ConductYearView) => view.membership.schoolYear,
    term1: (view: ConductYearView) => view.record?.conductTerm1 ?? null,
    term2: (view: ConductYearView) => view.record?.conductTerm2 ?? null,
    year: (view: ConductYearView) => view.record?.standing?.conduct ?? null,
    summerReassessment: (view: ConductYearView) => view.record?.summerConduct ?? null,
    homeroomComment: (view: ConductYearView) => view.record?.homeroomComment ?? null,
    absences: (view: ConductYearView) => {
      const sessions = view.record?.absences ?? [];
      const excused = sessions.filter((a) => a.excused).length;
      const studentId = view.membership.studentId;
      return {
        total: sessions.length,
        excused,
        unexcused: sessions.length - excused,
        sessions: sessions.map((a) => ({ ...a, studentId })),
      };
    },
    commendations: (view: ConductYearView) => (view.record?.awards ?? []).map((a) => ({ ...a, id: a._id })),
    discipline: (view: ConductYearView) =>
      (view.record?.discipline ?? []).map((d) => ({ ...d, id: d._id, studentId: view.membership.studentId })),
    learningResult: (view: ConductYearView) => view.record?.standing?.learning ?? null,
    outcome: (view: ConductYearView) => view.record?.standing?.outcome ?? null,
    title: (view: ConductYearView) => view.record?.standing?.title ?? null,
    outcomeConfirmed: (view: ConductYearView) =>
      !!view.record?.confirmedOutcome &&
      view.record.confirmedOutcome.outcome === view.record.standing?.outcome,
  },
  Mutation: {
    recordConduct: async (_: unknown, { input }: { input: RecordConductInput }, context: ConductContext) => {
      requireSignedIn(context);
      return viewOf(await recordConduct(context.deps, callerOf(context), input), context);
    },
    recordAbsence: async (_: unknown, { input }: { input: RecordAbsenceInput }, context: ConductContext) => {
      requireSignedIn(context);
      return viewOf(await recordAbsence(context.deps, callerOf(context), input), context);
    },
    grantCommendation: async (
      _: unknown,
      { input }: { input: { studentId: string; schoolYear: string; title: string } },
      context: ConductContext,
    ) => {
      requireSignedIn(context);
      return viewOf(await grantCommendation(context.deps, callerOf(context), input), context);
    },
    recordDiscipline: async (
      _: unknown,
      {
        input,
      }: {
        input: { studentId: string; schoolYear: string; form: string; reason: string; decidedOn: string };
      },
      context: ConductContext,
    ) => {
      requireSignedIn(context);
      return viewOf(await recordDiscipline(context.deps, callerOf(context), input), context);
    },
    confirmYearOutcome: async (
      _: unknown,
      { input }: { input: { studentId: string; schoolYear: string } },
      context: ConductContext,
    ) => {
      requireSignedIn(context);
      return viewOf(await confirmOutcome(context.deps, callerOf(context), input), context);
    },
  },
};
