import { createHash } from 'node:crypto';
import { SigningError } from './errors';

/** A value RFC 8785 can canonicalize: I-JSON with plain objects only. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): no whitespace, object members sorted by the UTF-16
 * code units of their names, numbers in the ECMAScript Number-to-String form (§3.2.2.3, which is
 * exactly what `JSON.stringify` produces for a finite number), strings escaped as ECMAScript
 * `JSON.stringify` does (§3.2.2.2). The same data always gives the same text, whatever the order
 * its members were built in, so a hash of it identifies the content.
 *
 * Refuses, with a `VALIDATION_FAILED` SigningError naming the path (`$.students[3].final`), what has
 * no single JSON meaning: NaN and ±Infinity, `undefined` (also as a member: absent and null must
 * be told apart by whoever builds the snapshot), functions, symbols, bigints, strings with a lone
 * surrogate (not I-JSON), cycles, and objects that are not plain (Date, Map, ObjectId, class
 * instances: convert them explicitly so that what is signed is what the signer saw).
 */
export function canonicalize(value: unknown): string {
  return serialize(value, '$', new Set());
}

/** Hex SHA-256 of the canonical UTF-8 bytes: the identity of a snapshot's content. */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalize(value));
}

/** Hex SHA-256 of a text's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// With the `u` flag a surrogate pair is one code point, so this matches only a lone surrogate.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function serialize(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw refuse(path, String(value), `số ${String(value)} không biểu diễn được trong JSON`);
      }
      return JSON.stringify(value); // -0 becomes 0, as §3.2.2.3 wants
    case 'string':
      return serializeString(value, path);
    case 'object':
      break;
    default:
      throw refuse(path, typeof value, `giá trị kiểu ${typeof value} không có trong JSON`);
  }
  if (ancestors.has(value)) throw refuse(path, 'cycle', 'dữ liệu tự tham chiếu (vòng lặp)');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      // An index loop, not map(): map() skips holes, which must be refused like undefined.
      for (let index = 0; index < value.length; index += 1) {
        items.push(serialize(value[index], `${path}[${index}]`, ancestors));
      }
      return `[${items.join(',')}]`;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw refuse(
        path,
        kind,
        `đối tượng ${kind} không phải đối tượng JSON thuần, hãy chuyển sang chuỗi hoặc số`,
      );
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort(compareCodeUnits)
      .map((key) => {
        const memberPath = memberPathOf(path, key);
        return `${serializeString(key, memberPath)}:${serialize(record[key], memberPath, ancestors)}`;
      });
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function serializeString(text: string, path: string): string {
  if (LONE_SURROGATE.test(text))
    throw refuse(path, 'lone surrogate', 'chuỗi chứa ký tự Unicode không hợp lệ');
  return JSON.stringify(text);
}

/** RFC 8785 §3.2.3: compare names as arrays of UTF-16 code units (what `<` on strings does). */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function memberPathOf(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function refuse(path: string, found: string, reason: string): SigningError {
  return new SigningError(
    'VALIDATION_FAILED',
    `Không thể chuẩn hóa dữ liệu để ký (RFC 8785) tại ${path}: ${reason}.`,
    { path, found },
  );
}
