import { statisticsResolvers } from '@hocbaso/statistics';
import { CONDUCT_STATISTICS_TABLES } from '../domain/statistics';
import type { ConductContext } from './context';

/** `Statistics`: conduct's dashboard tables, each checking the caller's reach (in the package). */
export const statisticsResolver = statisticsResolvers(
  (context: ConductContext) => context.deps.statisticsReader,
  CONDUCT_STATISTICS_TABLES,
);
