import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCHOOL_YEAR, type BenchSchool } from '../data/school';
import { REPO_ROOT } from '../platform/stack';

/** A query the benchmark sends: one of the platform's persisted operations, with its variables. */
export interface BenchQuery {
  id: string;
  label: string;
  body: string;
  variables: Record<string, unknown>;
  /**
   * Under load, requests take these in turn (the record book: every student of the school), so
   * concurrent clients ask for different rows as real ones do, and a gateway that merges identical
   * in-flight requests (Hive's default) gains nothing from the benchmark sending one query.
   */
  rotation: Array<Record<string, unknown>>;
  /** Students in the answer (1 for a record book). */
  students: number;
}

interface ManifestOperation {
  name: string;
  body: string;
}

/**
 * The operation's text exactly as the persisted-operations manifest has it: what the platform's
 * own clients send, and what a production gateway's allow-list accepts.
 */
export function persistedOperation(name: string): string {
  const manifest = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'gateway/operations/manifest.json'), 'utf8'),
  ) as {
    operations: ManifestOperation[];
  };
  const found = manifest.operations.find((operation) => operation.name === name);
  if (!found) throw new Error(`no operation ${name} in gateway/operations/manifest.json`);
  return found.body;
}

/** The record book of one student (of the largest class), and the class-wide records of each class. */
export function benchQueries(school: BenchSchool): BenchQuery[] {
  const largest = [...school.classes].sort((a, b) => b.size - a.size)[0]!;
  const everyStudent = school.classes.flatMap((c) => c.studentIds);
  const recordBook: BenchQuery = {
    id: 'record-book',
    label: 'record book, 1 student',
    body: persistedOperation('StudentRecordBook'),
    variables: { studentId: largest.studentIds[0], schoolYear: SCHOOL_YEAR },
    rotation: everyStudent.map((studentId) => ({ studentId, schoolYear: SCHOOL_YEAR })),
    students: 1,
  };
  return [
    recordBook,
    ...school.classes.map((schoolClass) => {
      const variables = { classId: schoolClass.id, schoolYear: SCHOOL_YEAR };
      return {
        id: `class-${schoolClass.size}`,
        label: `class records, ${schoolClass.size} student${schoolClass.size === 1 ? '' : 's'}`,
        body: persistedOperation('ClassRecords'),
        variables,
        rotation: [variables],
        students: schoolClass.size,
      };
    }),
  ];
}
