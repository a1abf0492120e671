import { parseOptions } from './options';

describe('parseOptions', () => {
  it('defaults to five runs per figure and the four class sizes', () => {
    const options = parseOptions([], 'out.json');
    expect(options).toMatchObject({ runs: 5, quick: false, sizes: [1, 10, 45, 200], concurrencies: [1, 20] });
  });

  it('makes --quick short, and lets explicit options win', () => {
    expect(parseOptions(['--quick'], 'o').runs).toBeLessThan(5);
    expect(parseOptions(['--quick', '--runs', '7'], 'o').runs).toBe(7);
    expect(parseOptions(['--sizes', '1,45', '--keep-data'], 'o')).toMatchObject({
      sizes: [1, 45],
      keepData: true,
    });
  });

  it('measures the gateway overhead of the targets’ queries unless asked for every class', () => {
    expect(parseOptions([], 'o').overheadQueries).toEqual(['record-book', 'class-45', 'class-200']);
    expect(parseOptions(['--overhead-all'], 'o').overheadQueries).toBeUndefined();
  });

  it('runs every part on the small dataset unless asked for the province, and parts alone when asked', () => {
    expect(parseOptions([], 'o')).toMatchObject({
      only: ['queries', 'dashboards', 'bulk'],
      datasets: ['small'],
    });
    expect(parseOptions(['--only', 'dashboards,bulk', '--datasets', 'province'], 'o')).toMatchObject({
      only: ['dashboards', 'bulk'],
      datasets: ['province'],
    });
    expect(() => parseOptions(['--only', 'latency'], 'o')).toThrow('--only takes');
    expect(() => parseOptions(['--datasets', 'city'], 'o')).toThrow('--datasets takes');
  });

  it('refuses what it does not understand', () => {
    expect(() => parseOptions(['--runs', '0'], 'o')).toThrow('positive integer');
    expect(() => parseOptions(['--runs'], 'o')).toThrow('needs a value');
    expect(() => parseOptions(['--fast'], 'o')).toThrow('unknown option --fast');
  });
});
