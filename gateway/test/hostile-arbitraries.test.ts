import fc from 'fast-check';
import { parse, validate } from 'graphql';
import {
  apiSchema,
  argumentsFor,
  HOSTILE_STRINGS,
  operationFor,
  stringsIn,
  type Fixtures,
} from './hostile-arbitraries';

const schema = apiSchema();
const mutations = Object.values(schema.getMutationType()!.getFields());
const fixtures: Fixtures = {
  schoolIds: ['school-1'],
  classIds: ['class-1'],
  studentIds: ['student-1'],
  accountIds: ['account-1'],
  otherIds: ['role-1'],
  schoolYears: ['2025-2026'],
  subjectCodes: ['TOAN'],
};

describe('hostile arbitraries', () => {
  it('builds a valid operation for every mutation of the API schema', () => {
    for (const field of mutations) {
      expect({
        field: field.name,
        errors: validate(schema, parse(operationFor(field))).map((e) => e.message),
      }).toEqual({
        field: field.name,
        errors: [],
      });
    }
  });

  it('gives admitStudent variables named after its arguments, hostile strings and real fixture ids among them', () => {
    const admit = schema.getMutationType()!.getFields().admitStudent!;
    const samples = fc.sample(argumentsFor(admit, fixtures), { numRuns: 200, seed: 42 });
    for (const variables of samples) {
      expect(Object.keys(variables).every((name) => name === 'input')).toBe(true);
    }
    const strings = samples.flatMap(stringsIn);
    expect(strings).toContain('class-1');
    expect(strings.some((s) => HOSTILE_STRINGS.includes(s))).toBe(true);
  });

  it('holds the same Vietnamese name in NFC and NFD, and strings longer than the gateway accepts', () => {
    const nfc = 'Nguyễn Thị Hồng Nhung';
    expect(HOSTILE_STRINGS).toContain(nfc);
    expect(HOSTILE_STRINGS).toContain(nfc.normalize('NFD'));
    expect(nfc.normalize('NFD')).not.toBe(nfc);
    expect(Math.max(...HOSTILE_STRINGS.map((s) => s.length))).toBeGreaterThanOrEqual(100_000);
  });

  it('finds every string in a value, however deep', () => {
    expect(stringsIn({ a: ['x', { b: 'y', c: 3 }], d: null, e: 'z' })).toEqual(['x', 'y', 'z']);
  });
});
