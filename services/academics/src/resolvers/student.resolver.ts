import { readLearningResults, readSubjectResults } from '../usecases/read-results';
import type { AcademicsContext } from './context';

/** Student is the students subgraph's entity: academics contributes its results. */
export const Student = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  results: (student: { id: string }, args: { schoolYear: string }, context: AcademicsContext) =>
    readSubjectResults(context.loaders, context.principal, student.id, args.schoolYear),
  learningResults: (student: { id: string }, args: { schoolYear: string }, context: AcademicsContext) =>
    readLearningResults(context.loaders, context.principal, student.id, args.schoolYear),
};
