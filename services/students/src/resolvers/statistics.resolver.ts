import {
  resolveStatisticsRoot,
  statisticsResolvers,
  type StatisticsScope,
  type StatisticsTerm,
} from '@hocbaso/statistics';
import { ENROLMENT_TABLE } from '../domain/statistics';
import { requirePrincipal, type StudentsContext } from './context';

/** The students subgraph's tables on `Statistics`: enrolment (sĩ số). */
export const { Statistics } = statisticsResolvers<StudentsContext>(
  (context) => context.deps.statisticsReader,
  {
    enrolment: ENROLMENT_TABLE,
  },
);

/** `Query.statistics`: the key checked and the caller's reach too; the tables do the rest. */
export const statisticsRoot = (
  _: unknown,
  args: {
    scope: StatisticsScope;
    code: string;
    schoolYear: string;
    term?: StatisticsTerm | null;
    grade?: number | null;
  },
  context: StudentsContext,
) => resolveStatisticsRoot(context.deps.statisticsReader, requirePrincipal(context), args);
