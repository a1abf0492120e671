import { allEqual, atLeast, atMost, gatewayShare, ratio } from './targets';

describe('target checks', () => {
  it('compares with the limit, the limit itself included', () => {
    expect(atMost(0.25, 0.25)).toBe('MET');
    expect(atMost(0.26, 0.25)).toBe('MISSED');
    expect(atLeast(1.5, 1.5)).toBe('MET');
    expect(atLeast(1.49, 1.5)).toBe('MISSED');
  });

  it('never calls a figure that was not measured MET', () => {
    expect(atMost(Number.NaN, 3)).toBe('NOT MEASURED');
    expect(atLeast(Number.NaN, 1)).toBe('NOT MEASURED');
  });

  it('has no ratio to a zero or missing denominator', () => {
    expect(ratio(6, 4)).toBe(1.5);
    expect(ratio(6, 0)).toBeNaN();
    expect(ratio(6, Number.NaN)).toBeNaN();
  });
});

describe('gatewayShare', () => {
  it('is the part of the latency through the gateway that the direct calls do not spend', () => {
    // 8 ms through the gateway, 6 ms calling the same subgraphs directly: 2 of 8 ms are the gateway's.
    expect(gatewayShare(8, 6)).toBe(0.25);
  });

  it('is zero when the direct calls were not faster (noise), NaN without a figure', () => {
    expect(gatewayShare(5, 6)).toBe(0);
    expect(gatewayShare(0, 6)).toBeNaN();
  });
});

describe('allEqual', () => {
  it('holds for the same count everywhere, not for none', () => {
    expect(allEqual([3, 3, 3])).toBe(true);
    expect(allEqual([3, 4])).toBe(false);
    expect(allEqual([])).toBe(false);
  });
});
