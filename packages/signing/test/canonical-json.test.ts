import { createHash } from 'node:crypto';
import { canonicalize, contentHash, isSigningError } from '../src';

/** A double from its IEEE 754 bits, as RFC 8785 Appendix B lists them. */
const fromBits = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);

describe('canonicalize (RFC 8785)', () => {
  it('serialises every number of Appendix B as the RFC lists it', () => {
    // Typed from RFC 8785 Appendix B, "Number Serialization Samples".
    const samples: Array<[string, string]> = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of samples) expect([bits, canonicalize(fromBits(bits))]).toEqual([bits, text]);
  });

  it('refuses the NaN and Infinity of Appendix B', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      expect(() => canonicalize(fromBits(bits))).toThrow(/không biểu diễn được trong JSON/);
    }
  });

  it('produces the output of section 3.2.2 and the UTF-8 bytes of section 3.2.4', () => {
    // The input of RFC 8785 §3.2.2, as JSON text.
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
    expect(canonicalize(input)).toBe(expected);

    // RFC 8785 §3.2.4, the same result as UTF-8 bytes.
    const bytes = `
      7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
      75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
      5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
      65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
      5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
      30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;
    expect(Buffer.from(canonicalize(input), 'utf8').toString('hex')).toBe(bytes.replace(/\s+/g, ''));
  });

  it('sorts member names by UTF-16 code units as in section 3.2.3', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    const text = canonicalize(input);
    // The order the RFC gives for the sorted members.
    const order = [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ];
    const positions = order.map((value) => text.indexOf(`"${value}"`));
    expect(positions.every((position, index) => position > (positions[index - 1] ?? -1))).toBe(true);
    expect(text).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('gives the same text whatever order the members were built in', () => {
    const built = { subjectCode: 'TOAN', students: [{ final: 8, midterm: 7.5, studentId: 'hs-1' }] };
    const rebuilt = { students: [{ studentId: 'hs-1', midterm: 7.5, final: 8 }], subjectCode: 'TOAN' };
    expect(canonicalize(built)).toBe(
      '{"students":[{"final":8,"midterm":7.5,"studentId":"hs-1"}],"subjectCode":"TOAN"}',
    );
    expect(canonicalize(rebuilt)).toBe(canonicalize(built));
  });

  it('hashes the canonical UTF-8 bytes with SHA-256', () => {
    const text = '{"a":"Nguyễn Văn Ân","b":[7.5,8]}';
    expect(contentHash({ b: [7.5, 8], a: 'Nguyễn Văn Ân' })).toBe(
      createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex'),
    );
  });

  it('refuses what has no single JSON meaning, naming where it is', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const cases: Array<[unknown, string]> = [
      [{ students: [{ final: Number.NaN }] }, '$.students[0].final'],
      [{ average: Number.POSITIVE_INFINITY }, '$.average'],
      [{ comment: undefined }, '$.comment'],
      [undefined, '$'],
      [{ compute: () => 1 }, '$.compute'],
      [{ id: Symbol('x') }, '$.id'],
      [{ count: 10n }, '$.count'],
      [[1, , 3], '$[1]'], // eslint-disable-line no-sparse-arrays
      [{ signedOn: new Date('2026-05-20T08:00:00Z') }, '$.signedOn'],
      [{ ids: new Map([['a', 1]]) }, '$.ids'],
      [{ name: 'half \ud83d pair' }, '$.name'],
      [{ ['\udc00']: 1 }, '$["\\udc00"]'],
      [cycle, '$.self'],
    ];
    for (const [value, path] of cases) {
      let caught: unknown;
      try {
        canonicalize(value);
      } catch (error) {
        caught = error;
      }
      expect(isSigningError(caught)).toBe(true);
      if (!isSigningError(caught)) continue;
      expect([path, caught.code, caught.details.path]).toEqual([path, 'VALIDATION_FAILED', path]);
      expect(caught.message).toContain(path);
    }
  });

  it('accepts objects without a prototype and a well-formed surrogate pair', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: '😀', a: -0 });
    expect(canonicalize(bare)).toBe('{"a":0,"b":"😀"}');
  });
});
