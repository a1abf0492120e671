import { readClassGradebooks, readGradebook } from '../usecases/read-gradebook';
import type { TermCode } from '../usecases/record-gradebook';
import type { AcademicsContext } from './context';

/** Class is the students subgraph's entity: academics contributes its gradebooks. */
export const Class = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  gradebook: (
    cls: { id: string },
    args: { subjectCode: string; schoolYear: string; term: TermCode },
    context: AcademicsContext,
  ) => readGradebook(context.loaders, context.principal, { classId: cls.id, ...args }),
  gradebooks: (
    cls: { id: string },
    args: { schoolYear: string; term: TermCode },
    context: AcademicsContext,
  ) => readClassGradebooks(context.loaders, context.principal, cls.id, args.schoolYear, args.term),
};
