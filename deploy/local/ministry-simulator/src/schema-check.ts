import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { RejectionReason } from './reasons';

/**
 * The published JSON Schema of `hocbaso.ministry-record/1`, read from the record-book package's
 * files: the Ministry is an outside party, so it validates with what we publish, not with our zod.
 */
export const MINISTRY_RECORD_SCHEMA_FILE = join(
  dirname(require.resolve('@hocbaso/record-book/package.json')),
  'schema',
  'ministry-record.v1.schema.json',
);

/** At most this many schema reasons in one answer: the first ones tell the sender enough. */
const MAX_SCHEMA_REASONS = 20;

let compiled: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(MINISTRY_RECORD_SCHEMA_FILE, 'utf8')));
  }
  return compiled;
}

/** `/page/subjects/0/term1` → `page.subjects[0].term1`: the form the other reasons use. */
export function pathOf(instancePath: string, child?: string): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  return segments.reduce(
    (path, segment) =>
      /^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment,
    '',
  );
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `Thiếu trường bắt buộc "${String(params.missingProperty)}".`;
    case 'additionalProperties':
      return `Trường "${String(params.additionalProperty)}" không có trong định dạng.`;
    case 'type':
      return `Sai kiểu dữ liệu: cần ${String(params.type)}.`;
    case 'const':
      return `Giá trị phải là ${JSON.stringify(params.allowedValue)}.`;
    case 'enum':
      return `Giá trị không thuộc danh sách cho phép (${(params.allowedValues as unknown[]).join(', ')}).`;
    case 'pattern':
      return `Giá trị không đúng mẫu ${String(params.pattern)}.`;
    case 'format':
      return `Giá trị không đúng định dạng ${String(params.format)}.`;
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum':
      return `Giá trị nằm ngoài khoảng cho phép (${error.keyword} ${String(params.limit)}).`;
    default:
      return `Không đúng định dạng (${error.keyword}).`;
  }
}

/**
 * Checks a body against the published schema; every violation named with its path (the first
 * twenty). A nullable field is an `anyOf` with a null branch: only the other branch's errors are
 * kept, so a mistake deep inside a nullable object is named where it is.
 */
export function checkAgainstSchema(body: unknown): RejectionReason[] {
  const validate = validator();
  if (validate(body)) return [];
  const errors = validate.errors ?? [];
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const isNullBranch = (e: ErrorObject) =>
    e.keyword === 'type' &&
    (e.params as { type?: unknown }).type === 'null' &&
    anyOfPaths.some((prefix) => e.schemaPath.startsWith(prefix));
  return errors
    .filter((e) => e.keyword !== 'anyOf' && !isNullBranch(e))
    .slice(0, MAX_SCHEMA_REASONS)
    .map((e) => {
      const params = e.params as Record<string, unknown>;
      const child =
        e.keyword === 'required'
          ? String(params.missingProperty)
          : e.keyword === 'additionalProperties'
            ? String(params.additionalProperty)
            : undefined;
      return { code: 'SCHEMA_VIOLATION', message: messageOf(e), path: pathOf(e.instancePath, child) || '$' };
    });
}
