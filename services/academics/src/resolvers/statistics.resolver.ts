import { statisticsResolvers } from '@hocbaso/statistics';
import { ACADEMICS_STATISTICS_TABLES } from '../domain/statistics';
import type { AcademicsContext } from './context';

/** Statistics: academics' dashboard tables, each checking the caller's reach again. */
export const { Statistics } = statisticsResolvers(
  (context: AcademicsContext) => context.deps.statisticsReader,
  ACADEMICS_STATISTICS_TABLES,
);
