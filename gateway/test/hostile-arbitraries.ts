import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { SUPERGRAPH_PATH } from '../src/compose/subgraphs';

/**
 * fast-check arbitraries for the arguments of any mutation, built from the GraphQL input types of
 * the API schema the gateway serves: hostile strings (MongoDB operators, injection, very long,
 * Unicode tricks), ids (real ones of the fixtures, random, operators), numbers, dates, enums,
 * input objects and lists, and now and then a raw object where a scalar is expected.
 */

/** The API schema clients see: the committed supergraph without federation internals. */
export function apiSchema(supergraphSdl = readFileSync(SUPERGRAPH_PATH, 'utf8')): GraphQLSchema {
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}

/** Real values of the test's fixtures, so that part of the random input reaches the domain. */
export interface Fixtures {
  schoolIds: string[];
  classIds: string[];
  studentIds: string[];
  /** Accounts a mutation may act on (never the caller's own: a reset would end its session). */
  accountIds: string[];
  /** Any other ids the fixtures know (role assignments, teaching assignments…). */
  otherIds: string[];
  /** The fixtures' school year first, then ones that are wrong in some way (two years long, past). */
  schoolYears: string[];
  subjectCodes: string[];
}

const NAME_NFC = 'Nguyễn Thị Hồng Nhung';

/** Strings that have broken services elsewhere; each one must be refused cleanly or stored as is. */
export const HOSTILE_STRINGS: readonly string[] = [
  '$where',
  '$gt',
  '$ne',
  '{"$gt":""}',
  '{"$where":"sleep(1000)"}',
  "'; db.dropDatabase(); //",
  'this.constructor.constructor("return process")().exit()',
  '__proto__',
  'constructor',
  'prototype',
  '{"__proto__":{"admin":true}}',
  NAME_NFC,
  NAME_NFC.normalize('NFD'),
  `  ${NAME_NFC}  `,
  'Nguyễn\u200bThị\u200dHồng', // zero-width space and joiner
  '\u202eNguyễn Thị\u202c', // right-to-left override
  'Lê\u0000Văn', // NUL
  '\ud800Trần', // lone high surrogate (JSON.stringify writes it as \ud800)
  'An\udc00', // lone low surrogate
  '😀 Phạm 👨‍👩‍👧',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00%27%22',
  '${process.env.INTERNAL_IDENTITY_SECRET}',
  '',
  ' ',
  '\t\n\r',
  'a'.repeat(10_000),
  'ễ'.repeat(5_000),
  // Larger than the gateway accepts in a body: refused before any service sees it.
  'x'.repeat(100_000),
];

/** Values sent where a scalar is expected: GraphQL (or the subgraph's scalar) must refuse them. */
export const RAW_OBJECTS: readonly unknown[] = [
  { $gt: '' },
  { $where: 'return true' },
  { $ne: null },
  ['$gt', ''],
  // An own "__proto__" key, as a JSON body carries it (a literal would set the prototype instead).
  JSON.parse('{"__proto__":{"admin":true}}'),
];

const DATES = [
  '2025-02-30',
  '2025-13-01',
  '9999-99-99',
  '',
  '0000-00-00',
  '1970-01-01',
  '1900-01-01',
  '9999-12-31',
  '-271821-04-20',
  '+275760-09-13',
  '2025-09-05T00:00:00Z',
  '05/09/2025',
  'yesterday',
  '2025-9-5',
];

const DATE_TIMES = [
  '1970-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '2025-02-30T10:00:00Z',
  'not a date',
  '',
  '0',
];

const INTS = [
  0, -1, 1, -2_147_483_648, 2_147_483_647, 2_147_483_648, -9_007_199_254_740_991, 9_007_199_254_740_991,
];
const FLOATS = [0, -0, -1, 10.0000001, 10.05, 1e308, -1e308, 5e-324, 0.1 + 0.2, 11, 3.14159];
/** Numbers in disguise: GraphQL's Int and Float refuse them. */
const NUMBER_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e400', '0x10', '10', ''];

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** Half the time one of the given real values, else the general arbitrary. */
function mostlyReal<T>(real: readonly T[], otherwise: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return real.length === 0
    ? otherwise
    : fc.oneof({ arbitrary: pick(real), weight: 1 }, { arbitrary: otherwise, weight: 1 });
}

export function hostileString(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: pick(HOSTILE_STRINGS), weight: 6 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
    // An operator or a hostile value inside an otherwise plausible string.
    {
      arbitrary: fc
        .tuple(pick(HOSTILE_STRINGS.slice(0, 12)), fc.string({ maxLength: 10 }))
        .map(([h, s]) => `${s}${h}${s}`),
      weight: 1,
    },
  );
}

function hostileId(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.uuid(),
    pick(['$gt', '{"$ne":null}', '', '0', '__proto__', 'a'.repeat(5_000)]),
    hostileString(),
  );
}

function dateString(): fc.Arbitrary<string> {
  return fc.oneof(
    pick(DATES),
    fc
      .date({ min: new Date('1950-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    hostileString(),
  );
}

/** A value for one string-like argument or field, from its name where the name tells what it is. */
function stringFor(name: string, f: Fixtures): fc.Arbitrary<string> {
  if (name === 'schoolYear') return mostlyReal(f.schoolYears, hostileString());
  if (name === 'subjectCode') return mostlyReal(f.subjectCodes, hostileString());
  if (['date', 'decidedOn', 'effectiveOn'].includes(name)) return dateString();
  if (name === 'personalId') return fc.oneof(fc.stringMatching(/^0[0-9]{11}$/), hostileString());
  if (name === 'phone') return fc.oneof(fc.stringMatching(/^0[0-9]{9}$/), hostileString());
  return hostileString();
}

function idFor(name: string, f: Fixtures): fc.Arbitrary<string> {
  const real: Record<string, string[]> = {
    schoolId: f.schoolIds,
    classId: f.classIds,
    studentId: f.studentIds,
    accountId: f.accountIds,
    homeroomTeacherId: f.accountIds,
  };
  return mostlyReal(
    real[name] ?? [...f.otherIds, ...f.accountIds, ...f.classIds, ...f.studentIds],
    hostileId(),
  );
}

function intFor(name: string): fc.Arbitrary<unknown> {
  const general = fc.oneof(
    pick(INTS),
    fc.integer(),
    pick(NUMBER_STRINGS),
    fc.double({ min: -100, max: 100, noNaN: true }),
  );
  return name === 'grade' ? mostlyReal<unknown>([10, 11, 12], general) : general;
}

function floatFor(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.integer({ min: 0, max: 100 }).map((n) => n / 10),
    pick(FLOATS),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    pick(NUMBER_STRINGS),
  );
}

function scalarFor(typeName: string, name: string, f: Fixtures): fc.Arbitrary<unknown> {
  switch (typeName) {
    case 'ID':
      return idFor(name, f);
    case 'Int':
      return intFor(name);
    case 'Float':
      return floatFor();
    case 'Boolean':
      return fc.boolean();
    case 'Date':
      return dateString();
    case 'DateTime':
      return fc.oneof(
        pick(DATE_TIMES),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        hostileString(),
      );
    default:
      return stringFor(name, f);
  }
}

/** What is left out of an input object (a missing optional field) rather than sent as a value. */
const MISSING = Symbol('missing');

function valueFor(type: GraphQLInputType, name: string, f: Fixtures, depth: number): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) {
    // Now and then a null where none is allowed: refused at validation.
    return fc.oneof(
      { arbitrary: valueFor(type.ofType, name, f, depth), weight: 30 },
      { arbitrary: fc.constant(null), weight: 1 },
    );
  }
  const value = nullableValueFor(type, name, f, depth);
  return fc.oneof(
    { arbitrary: value, weight: 8 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constant(MISSING), weight: 1 },
  );
}

function nullableValueFor(
  type: GraphQLInputType,
  name: string,
  f: Fixtures,
  depth: number,
): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return valueFor(type, name, f, depth);
  if (isListType(type)) {
    const item = valueFor(type.ofType as GraphQLInputType, name, f, depth + 1).filter((v) => v !== MISSING);
    return fc.oneof(
      { arbitrary: fc.array(item, { maxLength: 3 }), weight: 8 },
      { arbitrary: fc.array(item, { minLength: 30, maxLength: 60 }), weight: depth < 2 ? 1 : 0 },
    );
  }
  if (isEnumType(type)) return pick(type.getValues().map((v) => v.name));
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc
      .tuple(...fields.map((field) => valueFor(field.type, field.name, f, depth + 1)))
      .map((values) =>
        Object.fromEntries(
          fields.flatMap((field, index) => (values[index] === MISSING ? [] : [[field.name, values[index]]])),
        ),
      );
  }
  if (isScalarType(type)) {
    return fc.oneof(
      { arbitrary: scalarFor(type.name, name, f), weight: 24 },
      { arbitrary: pick(RAW_OBJECTS), weight: 1 },
    );
  }
  throw new Error(`no arbitrary for ${String(type)}`);
}

/** The variables of one call of `field`, one per argument (missing optional ones left out). */
export function argumentsFor(
  field: GraphQLField<unknown, unknown>,
  fixtures: Fixtures,
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(...field.args.map((arg) => valueFor(arg.type, arg.name, fixtures, 0)))
    .map((values) =>
      Object.fromEntries(
        field.args.flatMap((arg, index) => (values[index] === MISSING ? [] : [[arg.name, values[index]]])),
      ),
    );
}

/**
 * The operation calling `field` with every argument as a variable. Objects answer `__typename`,
 * and `ok` where a payload reports its own refusal (e.g. recordGradebook).
 */
export function operationFor(field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const returned = getNamedType(field.type);
  let selection = '';
  if (!isLeafType(returned)) {
    const ok = isObjectType(returned) && returned.getFields().ok ? ' ok' : '';
    selection = ` { __typename${ok} }`;
  }
  return `mutation Hostile${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

/** Every string in a value, however deep (the input strings a stored document may hold). */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
