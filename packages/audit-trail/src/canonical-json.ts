/**
 * A deterministic JSON text of a value, so that the same content always hashes the same.
 *
 * The rules are those of RFC 8785 (JSON Canonicalization Scheme) for the values the audit trail
 * holds: object keys sorted by UTF-16 code units (JavaScript's default string order), no
 * whitespace, numbers and strings serialised as `JSON.stringify` does (ECMAScript's number
 * formatting, which RFC 8785 adopts), array order kept. Two additions: a `Date` is its ISO 8601
 * text (how it reaches JSON anyway), and an object member whose value is `undefined` is left out
 * (as `JSON.stringify` does), so an absent field and an undefined one hash alike. Anything JSON
 * cannot hold exactly (NaN, Infinity, bigint, functions, symbols, other class instances) throws,
 * rather than hash a lossy form.
 */
export function canonicalJson(value: unknown): string {
  return serialise(value, '$');
}

function serialise(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is not a finite number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot hold`);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`canonicalJson: ${path} is an invalid date`);
    return JSON.stringify(value.toISOString());
  }
  if (Array.isArray(value)) {
    // An undefined element becomes null, as in JSON.stringify: the position is part of the content.
    return `[${value.map((item, i) => (item === undefined ? 'null' : serialise(item, `${path}[${i}]`))).join(',')}]`;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null)
    throw new TypeError(`canonicalJson: ${path} is not a plain object`);
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${serialise(record[key], `${path}.${key}`)}`);
  return `{${members.join(',')}}`;
}
