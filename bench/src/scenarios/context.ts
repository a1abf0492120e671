import type { BenchSchool } from '../data/school';
import type { PlatformStack } from '../platform/stack';
import { failed, type GraphQLClient, type PreparedRequest } from '../runner/graphql-client';
import type { RepeatOptions } from '../runner/measure';
import type { ProcessWatcher } from '../runner/proc-stats';
import type { TargetCheck } from '../runner/targets';
import type { BenchQuery } from './queries';

export interface BenchOptions extends RepeatOptions {
  quick: boolean;
  /** Concurrent clients of the latency figures (1 and 20). */
  concurrencies: number[];
  /** Concurrent clients of the throughput comparison. */
  comparisonConcurrency: number;
  keepData: boolean;
  /** The queries of the gateway-overhead scenario (all when absent). */
  overheadQueries?: string[];
}

/** What every scenario gets: the running platform, its data, and the measuring tools. */
export interface BenchContext {
  options: BenchOptions;
  stack: PlatformStack;
  school: BenchSchool;
  queries: BenchQuery[];
  client: GraphQLClient;
  watcher: ProcessWatcher;
  /** Our gateway's /graphql. */
  gatewayUrl: string;
  /** A current access token of the reader (the principal), from login. */
  readerToken(): Promise<string>;
  /** The reader's identity as the gateway forwards it, signed by the bench for hours. */
  forwardedIdentity: string;
  log(line: string): void;
}

export interface ScenarioResult {
  name: string;
  tables: string[];
  targets: TargetCheck[];
  figures: Record<string, unknown>;
  /** Failed requests or checks: the scenario failed. */
  failures: string[];
}

/** A sender that takes the query's variable sets in turn, every request checked. */
export function rotatingSender(
  client: GraphQLClient,
  url: string,
  query: BenchQuery,
  headers: Record<string, string>,
): () => Promise<boolean> {
  const requests = query.rotation.map((variables) => client.prepare(url, query.body, variables, headers));
  let next = 0;
  return () => sendChecked(client, requests[next++ % requests.length]!);
}

/** Sends one request; a failed answer (non-2xx, GraphQL errors) throws with its text. */
export async function sendChecked(client: GraphQLClient, request: PreparedRequest): Promise<boolean> {
  const answer = await client.send(request);
  if (failed(answer)) throw new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);
  return true;
}

interface QueryAnswer {
  data?: {
    student?: { id: string; conduct: unknown } | null;
    class?: { students: Array<{ results: unknown[]; conduct: unknown }> } | null;
  };
  errors?: unknown[];
}

/**
 * Whether an answer carries what the query asks for the benchmark's data (checked once per way of
 * asking before it is measured, so a fast empty answer is never timed): the record book with its
 * conduct, or every student of the class with a result per subject and their conduct.
 */
export function answerProblem(query: BenchQuery, body: string, subjects: number): string | null {
  let parsed: QueryAnswer;
  try {
    parsed = JSON.parse(body) as QueryAnswer;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  if (parsed.errors) return `errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`;
  if (query.id === 'record-book') {
    const student = parsed.data?.student;
    if (!student || student.id !== query.variables.studentId) return 'no student in the answer';
    return student.conduct ? null : 'the record book has no conduct';
  }
  const students = parsed.data?.class?.students ?? [];
  if (students.length !== query.students) return `${students.length} students, expected ${query.students}`;
  const incomplete = students.filter((s) => s.results.length !== subjects || !s.conduct).length;
  return incomplete === 0 ? null : `${incomplete} students without all ${subjects} results or conduct`;
}
