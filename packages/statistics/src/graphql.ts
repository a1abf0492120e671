import { readFileSync } from 'node:fs';
import path from 'node:path';
import { schoolCreated, type CloudEvent, type EventData } from '@hocbaso/events';
import type { EventHandler, Principal } from '@hocbaso/service-kit';
import type { StatisticsRows } from './cube';
import { parseStatisticsKey, type StatisticsKey, type StatisticsScope, type StatisticsTerm } from './key';
import type { StatisticsProjection } from './projection';
import type { StatisticsReader, StatisticsTableResult } from './reader';
import type { PartRef, StatisticsStore } from './store';
import type { StatisticsTableDefinition } from './table-definition';

/** The SDL every contributing subgraph appends to its own (its `@link` imports @key and @shareable). */
export const STATISTICS_SDL = readFileSync(path.join(__dirname, 'statistics.graphql'), 'utf8');

/**
 * A subgraph's SDL with the shared statistics types appended when it contributes to them: the
 * subgraph's server and the supergraph composition both read its schema through this.
 */
export function withStatisticsSdl(sdl: string): string {
  return /^extend type Statistics\b/m.test(sdl) ? `${sdl}\n${STATISTICS_SDL}` : sdl;
}

interface StatisticsContext {
  principal: Principal | null;
}

function keyOf(
  reference: Partial<StatisticsKey> & Pick<StatisticsKey, 'scope' | 'code' | 'schoolYear'>,
): StatisticsKey {
  return {
    scope: reference.scope,
    code: reference.code,
    schoolYear: reference.schoolYear,
    term: reference.term ?? 'YEAR',
    grade: reference.grade ?? null,
  };
}

/**
 * `Statistics` resolvers of a subgraph: its tables by field name. Every field checks the caller's
 * reach again (a subgraph trusts no key it is handed).
 */
export function statisticsResolvers<C extends StatisticsContext>(
  readerOf: (context: C) => StatisticsReader,
  tables: Record<string, StatisticsTableDefinition>,
) {
  const fields = Object.fromEntries(
    Object.entries(tables).map(([field, definition]) => [
      field,
      async (
        parent: StatisticsKey,
        args: { rows?: StatisticsRows | null },
        context: C,
      ): Promise<StatisticsTableResult> => {
        const key = keyOf(parent);
        const reader = readerOf(context);
        await reader.authorize(context.principal, key);
        return reader.table(key, definition, args.rows ?? 'GRADE');
      },
    ]),
  );
  return {
    Statistics: {
      __resolveReference: async (reference: StatisticsKey, context: C) => {
        const key = keyOf(reference);
        await readerOf(context).authorize(context.principal, key);
        return key;
      },
      ...fields,
    },
  };
}

/** `Query.statistics`: checks the key and the caller's reach, and hands the key on. */
export async function resolveStatisticsRoot(
  reader: StatisticsReader,
  principal: Principal | null,
  args: {
    scope: StatisticsScope;
    code: string;
    schoolYear: string;
    term?: StatisticsTerm | null;
    grade?: number | null;
  },
): Promise<StatisticsKey> {
  const key = parseStatisticsKey(args);
  await reader.authorize(principal, key);
  return key;
}

/** The topic of the school directory every contributing service keeps. */
export const SCHOOL_PLACES_TOPIC = schoolCreated.topic;

/**
 * Handlers of a service's statistics consumer: the school directory from identity, and, for each
 * of the service's own event types, the parts that event touches (marked, then recomputed).
 */
export function statisticsHandlers(options: {
  store: StatisticsStore;
  projection: StatisticsProjection;
  triggers: Record<string, (event: CloudEvent) => PartRef[] | Promise<PartRef[]>>;
}): Record<string, EventHandler> {
  const handlers: Record<string, EventHandler> = {
    [schoolCreated.type]: async (event) => {
      const d = event.data as EventData<typeof schoolCreated>;
      await options.store.placeSchool({
        schoolId: d.schoolId,
        code: d.code,
        name: d.name,
        provinceCode: d.provinceCode ?? null,
        districtCode: d.districtCode ?? null,
      });
    },
  };
  for (const [type, refsOf] of Object.entries(options.triggers))
    handlers[type] = async (event) => options.projection.markDirty(await refsOf(event));
  return handlers;
}

/**
 * A read model's handlers that, after each handled event, mark the statistics parts it changed:
 * the parts are recomputed from the read model the event has just updated (the statistics
 * consumer, in a group of its own, may have seen the event first).
 */
export function withStatisticsMarks(
  handlers: Record<string, EventHandler>,
  marks: Record<string, (event: CloudEvent) => PartRef[] | Promise<PartRef[]>>,
  projection: StatisticsProjection,
): Record<string, EventHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([type, handle]) => {
      const refsOf = marks[type];
      if (!refsOf) return [type, handle];
      const marked: EventHandler = async (event) => {
        await handle(event);
        await projection.markDirty(await refsOf(event));
      };
      return [type, marked];
    }),
  );
}
