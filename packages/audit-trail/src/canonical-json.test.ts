import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: true, y: 'x' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,1,{"y":"x","z":true}]},"b":1}',
    );
  });

  it('gives the same text for the same content in any key order', () => {
    expect(canonicalJson({ x: 1, y: { p: 2, q: 3 } })).toBe(canonicalJson({ y: { q: 3, p: 2 }, x: 1 }));
  });

  it('sorts keys by UTF-16 code units (RFC 8785, section 3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes numbers as ECMAScript does (RFC 8785 examples)', () => {
    expect(canonicalJson([1e21, 0.000001, 1e-7, -0, 1 / 3, 0.1 + 0.2, 4.5, 10])).toBe(
      '[1e+21,0.000001,1e-7,0,0.3333333333333333,0.30000000000000004,4.5,10]',
    );
  });

  it('writes Vietnamese text as is and escapes what JSON must', () => {
    expect(canonicalJson({ name: 'Nguyễn Thị "Hoa"\n' })).toBe('{"name":"Nguyễn Thị \\"Hoa\\"\\n"}');
  });

  it('writes a date as its ISO 8601 text', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2025, 8, 5, 7, 30, 0, 125)) })).toBe(
      '{"at":"2025-09-05T07:30:00.125Z"}',
    );
  });

  it('leaves out undefined members and writes an undefined array element as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(canonicalJson({ a: undefined })).toBe(canonicalJson({}));
  });

  it('keeps empty objects and arrays', () => {
    expect(canonicalJson({ o: {}, a: [], n: [[]] })).toBe('{"a":[],"n":[[]],"o":{}}');
  });

  it.each([
    ['NaN', { v: Number.NaN }],
    ['Infinity', { v: Number.POSITIVE_INFINITY }],
    ['a bigint', { v: BigInt(1) }],
    ['a function', { v: () => 1 }],
    ['a symbol', { v: Symbol('s') }],
    ['a Map', { v: new Map() }],
    ['an invalid date', { v: new Date('not a date') }],
  ])('refuses %s rather than hash a lossy form', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});
