import {
  CODE_ALPHABET,
  codeRefusal,
  familyLinkCodeKey,
  generateFamilyLinkCode,
  hashFamilyLinkCode,
  isWellFormedFamilyLinkCode,
  normalizeFamilyLinkCode,
  recentFailures,
  redeemBlockedUntil,
} from './family-link-code';

const MINUTE = 60_000;
const policy = { maxFailures: 5, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE };
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 8, 0) + minutes * MINUTE);

describe('family link codes', () => {
  it('are 12 symbols in three groups of four, without look-alikes', () => {
    const code = generateFamilyLinkCode();
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    for (const lookAlike of ['0', 'O', '1', 'I']) expect(CODE_ALPHABET).not.toContain(lookAlike);
    // 32 symbols: 5 bits each, 60 bits per code.
    expect(new Set(CODE_ALPHABET).size).toBe(32);
  });

  it('draw every symbol from the random source', () => {
    let next = 0;
    expect(generateFamilyLinkCode(() => next++ % 32)).toBe('2345-6789-ABCD');
    expect(generateFamilyLinkCode(() => 31)).toBe('ZZZZ-ZZZZ-ZZZZ');
  });

  it('are different each time', () => {
    const codes = new Set(Array.from({ length: 500 }, () => generateFamilyLinkCode()));
    expect(codes.size).toBe(500);
  });

  it('are read without spaces, dashes or case', () => {
    expect(normalizeFamilyLinkCode(' 7kqm-3xhd p9ta ')).toBe('7KQM3XHDP9TA');
    expect(normalizeFamilyLinkCode('7KQM–3XHD—P9TA')).toBe('7KQM3XHDP9TA');
    expect(isWellFormedFamilyLinkCode('7KQM3XHDP9TA')).toBe(true);
    expect(isWellFormedFamilyLinkCode('7KQM3XHDP9T')).toBe(false);
    expect(isWellFormedFamilyLinkCode('7KQM3XHDP9TO')).toBe(false);
    expect(isWellFormedFamilyLinkCode('{"$gt":""}')).toBe(false);
  });

  it('are stored as a keyed hash that depends on the key and not on how the code was typed', () => {
    const key = familyLinkCodeKey('a'.repeat(32));
    const hash = hashFamilyLinkCode(key, '7KQM-3XHD-P9TA');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashFamilyLinkCode(key, '7kqm 3xhd p9ta')).toBe(hash);
    expect(hashFamilyLinkCode(key, '7KQM-3XHD-P9TB')).not.toBe(hash);
    expect(hashFamilyLinkCode(familyLinkCodeKey('b'.repeat(32)), '7KQM-3XHD-P9TA')).not.toBe(hash);
    expect(hash).not.toContain('7KQM');
  });

  it('redeem once, before they expire, and only the latest for the same holder', () => {
    const code = { id: 'c1', state: 'ISSUED' as const, expiresAt: at(60) };
    expect(codeRefusal(code, 'c1', at(59))).toBeNull();
    expect(codeRefusal(code, 'c1', at(60))).toBe('EXPIRED');
    expect(codeRefusal({ ...code, state: 'LINKED' }, 'c1', at(1))).toBe('USED');
    expect(codeRefusal({ ...code, state: 'REVOKED' }, 'c1', at(1))).toBe('USED');
    expect(codeRefusal(code, 'c2', at(1))).toBe('SUPERSEDED');
  });
});

describe('failed redemptions', () => {
  it('block after five failures within fifteen minutes, for fifteen minutes from the last', () => {
    const four = [at(0), at(1), at(2), at(3)];
    expect(redeemBlockedUntil(four, at(4), policy)).toBeNull();
    const five = [...four, at(4)];
    expect(redeemBlockedUntil(five, at(4), policy)).toEqual(at(19));
    expect(redeemBlockedUntil(five, at(18), policy)).toEqual(at(19));
    expect(redeemBlockedUntil(five, at(19), policy)).toBeNull();
  });

  it('do not block when the failures are spread over more than the window', () => {
    const spread = [at(0), at(5), at(10), at(15), at(20)];
    expect(redeemBlockedUntil(spread, at(21), policy)).toBeNull();
    // One more failure makes five fall within fifteen minutes (08:05 to 08:20): blocked from the last.
    expect(redeemBlockedUntil([...spread, at(19)], at(21), policy)).toEqual(at(35));
  });

  it('keep only the failures that can still block', () => {
    const failures = [at(0), at(10), at(29), at(31)];
    expect(recentFailures(failures, at(31), policy)).toEqual([at(10), at(29), at(31)]);
  });
});
