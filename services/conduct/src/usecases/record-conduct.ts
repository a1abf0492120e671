import { randomUUID } from 'node:crypto';
import { isLevel, type Level } from '@hocbaso/assessment';
import {
  AppError,
  fieldProblem,
  forbidden,
  notFound,
  validationFailed,
  type FieldProblem,
} from '@hocbaso/errors';
import {
  absenceRecorded,
  awardGranted,
  conductAssessed,
  disciplineRecorded,
  outcomeConfirmed,
  type RecordPeriod,
} from '@hocbaso/events';
import type { OutboxEntry } from '@hocbaso/service-kit';
import { isHomeroomTeacherOf, isPrincipalOf } from '../domain/access';
import { HOMEROOM_COMMENT_MAX, summerRetrainingOpen } from '../domain/corrections';
import type { AbsenceRecord, ConductRecordDocument } from '../model/conduct-record.model';
import type { MembershipDocument } from '../model/read-model.model';
import { actorOf, conductEvent, type Caller, type ChangedBy, type ConductDeps } from './deps';
import { writeUnlessLocked } from './record-locks';
import { fieldsOf, loadStandingContext, restand, type ConductFields } from './standing';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The student's place this school year, from the roster read model; absent means not known here. */
async function placeOf(deps: ConductDeps, studentId: string, schoolYear: string) {
  const membership = await deps.repository.findMembership(studentId, schoolYear);
  if (!membership) throw notFound('Không tìm thấy học sinh trong năm học này.');
  const cls = membership.classId ? await deps.repository.findClass(membership.classId) : null;
  return { membership, cls };
}

async function requireHomeroomTeacher(
  deps: ConductDeps,
  caller: Caller,
  studentId: string,
  schoolYear: string,
) {
  const place = await placeOf(deps, studentId, schoolYear);
  const { cls } = place;
  if (
    !cls ||
    !isHomeroomTeacherOf(caller.principal, {
      classId: cls._id,
      schoolId: cls.schoolId,
      homeroomTeacherId: cls.homeroomTeacherId,
    })
  ) {
    throw forbidden('Chỉ giáo viên chủ nhiệm của lớp mới được nhập nội dung này.');
  }
  return place;
}

/**
 * What a change touches, for the locks: a user write names the parts of the page it changes
 * (refused when a lock covers them); DERIVED is the standing recomputed from other services' facts,
 * which no lock refuses.
 */
type Touches = readonly RecordPeriod[] | 'DERIVED';

/** What a use case decides to change, given the current record (null: nothing to change). */
export type Plan = (current: ConductRecordDocument | null) => {
  set: Partial<ConductRecordDocument>;
  push?: Record<string, unknown>;
  events: OutboxEntry[];
  /** Committed after the recomputed standing's event (a correction's answer). */
  answers?: OutboxEntry[];
} | null;

/** Applies a change to the student's record together with the recomputed standing. */
async function change(
  deps: ConductDeps,
  caller: Caller,
  membership: MembershipDocument,
  touches: Touches,
  plan: Plan,
) {
  const apply = () => applyChange(deps, caller, membership, plan);
  if (touches === 'DERIVED') return apply();
  return writeUnlessLocked(
    deps,
    {
      studentId: membership.studentId,
      schoolId: membership.schoolId,
      schoolYear: membership.schoolYear,
      classId: membership.classId,
      grade: membership.grade,
      parts: touches,
    },
    apply,
  );
}

/**
 * Changes the student's record as `plan` says, with the standing recomputed and its events, in one
 * document write. Checks no lock: a user write comes through `change`, a correction (which locks
 * do not refuse) through the registry's gate.
 */
export async function applyChange(
  deps: ConductDeps,
  by: ChangedBy,
  membership: MembershipDocument,
  plan: Plan,
) {
  const context = await loadStandingContext(deps, membership.studentId, membership.schoolYear);
  const key = {
    studentId: membership.studentId,
    schoolId: membership.schoolId,
    schoolYear: membership.schoolYear,
  };
  const updated = await deps.repository.changeRecord(key, (current) => {
    const planned = plan(current);
    if (!planned) return null;
    const fields: ConductFields = { ...fieldsOf(current), ...(planned.set as Partial<ConductFields>) };
    if (planned.push?.absences)
      fields.absences = [...fields.absences, planned.push.absences as AbsenceRecord];
    const { standing, events } = restand(
      deps,
      by,
      { ...key, standing: current?.standing ?? null },
      fields,
      context,
    );
    const nothingChanged =
      !planned.push && Object.keys(planned.set).length === 0 && planned.events.length === 0;
    if (nothingChanged && events.length === 0 && current) return null;
    return {
      update: { $set: { ...planned.set, standing }, ...(planned.push ? { $push: planned.push } : {}) },
      events: [...planned.events, ...events, ...(planned.answers ?? [])],
    };
  });
  deps.changed();
  return updated!;
}

export interface RecordConductInput {
  studentId: string;
  schoolYear: string;
  period: 'TERM_1' | 'TERM_2' | 'SUMMER';
  level: Level;
  comment?: string | null;
}

/** The homeroom teacher assesses a term's conduct, or re-assesses after summer re-training. */
export async function recordConduct(deps: ConductDeps, caller: Caller, input: RecordConductInput) {
  const problems: FieldProblem[] = [];
  if (!isLevel(input.level))
    problems.push(
      fieldProblem('level', 'VALIDATION_FAILED', 'Mức rèn luyện phải là Tốt, Khá, Đạt hoặc Chưa đạt.'),
    );
  if (input.comment && input.comment.length > HOMEROOM_COMMENT_MAX)
    problems.push(
      fieldProblem('comment', 'VALIDATION_FAILED', `Nhận xét tối đa ${HOMEROOM_COMMENT_MAX} ký tự.`),
    );
  if (problems.length) throw validationFailed(problems);
  const { membership } = await requireHomeroomTeacher(deps, caller, input.studentId, input.schoolYear);
  const field =
    input.period === 'TERM_1' ? 'conductTerm1' : input.period === 'TERM_2' ? 'conductTerm2' : 'summerConduct';
  // A term's rating is in that term's locked content; the summer rating and the comment in the year's.
  const touches: RecordPeriod[] = [
    input.period === 'SUMMER' ? 'YEAR' : input.period,
    ...(input.comment != null ? (['YEAR'] as const) : []),
  ];
  return change(deps, caller, membership, touches, (current) => {
    if (input.period === 'SUMMER' && !summerRetrainingOpen(current)) {
      throw new AppError('CONFLICT', { message: 'Học sinh không thuộc diện rèn luyện trong kì nghỉ hè.' });
    }
    const before = (current?.[field] as Level | null | undefined) ?? null;
    const comment = input.comment?.normalize('NFC').trim();
    if (before === input.level && (comment === undefined || comment === current?.homeroomComment))
      return null;
    return {
      set: { [field]: input.level, ...(comment !== undefined ? { homeroomComment: comment || null } : {}) },
      events: [
        conductEvent(conductAssessed, input.studentId, input.schoolYear, {
          studentId: input.studentId,
          schoolId: membership.schoolId,
          schoolYear: input.schoolYear,
          period: input.period,
          before,
          after: input.level,
          actor: actorOf(caller),
        }),
      ],
    };
  });
}

export interface RecordAbsenceInput {
  studentId: string;
  schoolYear: string;
  date: string;
  session: 'MORNING' | 'AFTERNOON';
  excused: boolean;
  reason?: string | null;
}

/** One absence per session (buổi); the same session twice is refused. */
export async function recordAbsence(deps: ConductDeps, caller: Caller, input: RecordAbsenceInput) {
  const day = new Date(`${input.date}T00:00:00Z`);
  if (!ISO_DATE.test(input.date) || Number.isNaN(day.getTime()) || day > deps.now()) {
    throw validationFailed([
      fieldProblem('date', 'VALIDATION_FAILED', 'Ngày nghỉ phải là một ngày đã qua, dạng 2025-10-20.'),
    ]);
  }
  const { membership } = await requireHomeroomTeacher(deps, caller, input.studentId, input.schoolYear);
  return change(deps, caller, membership, ['YEAR'], (current) => {
    if (current?.absences.some((a) => a.date === input.date && a.session === input.session)) {
      throw new AppError('CONFLICT', { message: 'Buổi nghỉ này đã được ghi nhận.' });
    }
    const absence: AbsenceRecord = {
      _id: randomUUID(),
      date: input.date,
      session: input.session,
      excused: input.excused,
      reason: input.reason?.trim() || null,
      recordedBy: caller.principal?.accountId ?? null,
    };
    return {
      set: {},
      push: { absences: absence },
      events: [
        conductEvent(absenceRecorded, input.studentId, input.schoolYear, {
          studentId: input.studentId,
          schoolId: membership.schoolId,
          schoolYear: input.schoolYear,
          date: input.date,
          session: input.session,
          excused: input.excused,
          actor: actorOf(caller),
        }),
      ],
    };
  });
}

/** The principal commends an outstanding achievement (free text, recorded as an award). */
export async function grantCommendation(
  deps: ConductDeps,
  caller: Caller,
  input: { studentId: string; schoolYear: string; title: string },
) {
  const title = input.title.normalize('NFC').trim();
  if (title.length < 5 || title.length > 500) {
    throw validationFailed([
      fieldProblem('title', 'VALIDATION_FAILED', 'Nội dung khen thưởng cần từ 5 đến 500 ký tự.'),
    ]);
  }
  const { membership } = await placeOf(deps, input.studentId, input.schoolYear);
  if (!isPrincipalOf(caller.principal, membership.schoolId))
    throw forbidden('Chỉ Hiệu trưởng được khen thưởng học sinh.');
  const awardId = randomUUID();
  return change(deps, caller, membership, ['YEAR'], () => ({
    set: {},
    push: {
      awards: {
        _id: awardId,
        kind: 'COMMENDATION',
        title,
        grantedBy: caller.principal?.accountId ?? null,
        grantedOn: deps.now().toISOString().slice(0, 10),
      },
    },
    events: [
      conductEvent(awardGranted, input.studentId, input.schoolYear, {
        studentId: input.studentId,
        schoolId: membership.schoolId,
        schoolYear: input.schoolYear,
        awardId,
        kind: 'COMMENDATION',
        title,
        actor: actorOf(caller),
      }),
    ],
  }));
}

/** The principal records a disciplinary measure decided under the school's rules. */
export async function recordDiscipline(
  deps: ConductDeps,
  caller: Caller,
  input: { studentId: string; schoolYear: string; form: string; reason: string; decidedOn: string },
) {
  const problems: FieldProblem[] = [];
  if (input.form.trim().length < 3)
    problems.push(fieldProblem('form', 'VALIDATION_FAILED', 'Cần ghi hình thức kỉ luật.'));
  if (input.reason.trim().length < 5)
    problems.push(fieldProblem('reason', 'VALIDATION_FAILED', 'Cần ghi lí do kỉ luật.'));
  if (!ISO_DATE.test(input.decidedOn))
    problems.push(fieldProblem('decidedOn', 'VALIDATION_FAILED', 'Ngày quyết định có dạng 2025-10-20.'));
  if (problems.length) throw validationFailed(problems);
  const { membership } = await placeOf(deps, input.studentId, input.schoolYear);
  if (!isPrincipalOf(caller.principal, membership.schoolId))
    throw forbidden('Chỉ Hiệu trưởng được quyết định kỉ luật.');
  const disciplineId = randomUUID();
  return change(deps, caller, membership, ['YEAR'], () => ({
    set: {},
    push: {
      discipline: {
        _id: disciplineId,
        form: input.form.trim(),
        reason: input.reason.trim(),
        decidedBy: caller.principal?.accountId ?? null,
        decidedOn: input.decidedOn,
      },
    },
    events: [
      conductEvent(disciplineRecorded, input.studentId, input.schoolYear, {
        studentId: input.studentId,
        schoolId: membership.schoolId,
        schoolYear: input.schoolYear,
        disciplineId,
        form: input.form.trim(),
        actor: actorOf(caller),
      }),
    ],
  }));
}

/** The homeroom teacher confirms the computed outcome; only a complete, final outcome can be confirmed. */
export async function confirmOutcome(
  deps: ConductDeps,
  caller: Caller,
  input: { studentId: string; schoolYear: string },
) {
  const { membership } = await requireHomeroomTeacher(deps, caller, input.studentId, input.schoolYear);
  return change(deps, caller, membership, ['YEAR'], (current) => {
    const outcome = current?.standing?.outcome;
    if (!current?.standing || !outcome) {
      throw new AppError('CONFLICT', {
        message: 'Chưa đủ kết quả học tập, rèn luyện để xác nhận kết quả cuối năm.',
      });
    }
    return {
      set: {
        confirmedOutcome: {
          outcome,
          title: current.standing.title,
          confirmedBy: caller.principal?.accountId ?? null,
          confirmedAt: deps.now(),
        },
      },
      events: [
        conductEvent(outcomeConfirmed, input.studentId, input.schoolYear, {
          studentId: input.studentId,
          schoolId: membership.schoolId,
          schoolYear: input.schoolYear,
          outcome: outcome as never,
          title: current.standing.title,
          actor: actorOf(caller),
        }),
      ],
    };
  });
}

/** After a subject result or a roster change: recompute, publishing only when the standing moved. */
export async function recomputeStanding(
  deps: ConductDeps,
  caller: Caller,
  studentId: string,
  schoolYear: string,
) {
  const membership = await deps.repository.findMembership(studentId, schoolYear);
  if (!membership) return null;
  // Nothing to compute before the homeroom teacher has recorded anything for this student.
  if (!(await deps.repository.findRecord(studentId, schoolYear))) return null;
  return change(deps, caller, membership, 'DERIVED', () => ({ set: {}, events: [] }));
}
