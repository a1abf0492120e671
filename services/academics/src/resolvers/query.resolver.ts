import { catalogue, subjectRules } from '../domain/subjects';
import { exportGradebook, readGradebook } from '../usecases/read-gradebook';
import type { GradebookKey } from '../usecases/record-gradebook';
import { requirePrincipal, type AcademicsContext } from './context';

export const Query = {
  subjects: (_: unknown, _args: unknown, context: AcademicsContext) => {
    requirePrincipal(context);
    return catalogue();
  },

  subject: (_: unknown, args: { code: string }, context: AcademicsContext) => {
    requirePrincipal(context);
    return subjectRules(args.code) ?? null;
  },

  gradebook: (_: unknown, args: GradebookKey, context: AcademicsContext) =>
    readGradebook(context.loaders, requirePrincipal(context), args),

  gradebookFile: async (_: unknown, args: GradebookKey, context: AcademicsContext) =>
    (
      await exportGradebook(
        context.deps,
        context.loaders,
        { principal: requirePrincipal(context), requestId: context.requestId },
        args,
      )
    )?.file ?? null,
};
