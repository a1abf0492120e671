import type { GradebookRowInput } from '../domain/gradebook-validation';
import type { ExemptionPeriod, Pass } from '../model/gradebook.model';
import { importGradebook } from '../usecases/import-gradebook';
import { createLoaders } from '../usecases/loaders';
import { cancelExemption, recordExemption, type ExemptionInput } from '../usecases/manage-exemptions';
import { readGradebook } from '../usecases/read-gradebook';
import { recordGradebook, type GradebookKey, type RecordGradebookResult } from '../usecases/record-gradebook';
import { recordReassessment } from '../usecases/record-reassessment';
import { callerOf, requirePrincipal, type AcademicsContext } from './context';

type Args<T> = { input: T };

/** The payload: on success, the gradebook as it is now (read afresh, not from this request's cache). */
async function payload(key: GradebookKey, result: RecordGradebookResult, context: AcademicsContext) {
  return {
    ok: result.ok,
    errors: result.errors,
    changedStudents: result.changedStudents,
    gradebook: result.ok ? await readGradebook(createLoaders(context.deps), context.principal, key) : null,
  };
}

const keyOf = ({ classId, subjectCode, schoolYear, term }: GradebookKey): GradebookKey => ({
  classId,
  subjectCode,
  schoolYear,
  term,
});

export const Mutation = {
  recordGradebook: async (
    _: unknown,
    { input }: Args<GradebookKey & { rows: GradebookRowInput[] }>,
    context: AcademicsContext,
  ) => {
    requirePrincipal(context);
    return payload(keyOf(input), await recordGradebook(context.deps, callerOf(context), input), context);
  },

  importGradebook: async (
    _: unknown,
    { input }: Args<GradebookKey & { file: string }>,
    context: AcademicsContext,
  ) => {
    requirePrincipal(context);
    return payload(keyOf(input), await importGradebook(context.deps, callerOf(context), input), context);
  },

  recordSummerReassessment: (
    _: unknown,
    { input }: Args<ExemptionInput & { score?: number | null; result?: Pass | null }>,
    context: AcademicsContext,
  ) => {
    requirePrincipal(context);
    return recordReassessment(context.deps, callerOf(context), input);
  },

  recordExemption: (
    _: unknown,
    { input }: Args<ExemptionInput & { period: ExemptionPeriod; reason: string }>,
    context: AcademicsContext,
  ) => {
    requirePrincipal(context);
    return recordExemption(context.deps, callerOf(context), input);
  },

  cancelExemption: (_: unknown, { input }: Args<ExemptionInput>, context: AcademicsContext) => {
    requirePrincipal(context);
    return cancelExemption(context.deps, callerOf(context), input);
  },
};
