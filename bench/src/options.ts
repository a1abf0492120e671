import type { DatasetSize } from './data/province';
import type { BenchOptions } from './scenarios/context';

/** The parts of the suite, each runnable alone (`--only dashboards,bulk`). */
export const PARTS = ['queries', 'dashboards', 'bulk'] as const;
export type Part = (typeof PARTS)[number];

export interface CliOptions extends BenchOptions {
  /** Class sizes of the benchmark school. */
  sizes: number[];
  output: string;
  /** What to run: the record-book and class queries with the gateways and memory, the dashboards, bulk entry with event latency. */
  only: Part[];
  /** The generated datasets the dashboards compare (bulk entry uses the small one). */
  datasets: DatasetSize[];
}

const DEFAULTS = { runs: 5, durationMs: 1_500, warmupMs: 500, minRequests: 3 };
const QUICK = { runs: 2, durationMs: 800, warmupMs: 300, minRequests: 1 };

export const USAGE = `npm run bench -- [options]
  --quick              a short run (about 2 minutes): ${QUICK.runs} runs of ${QUICK.durationMs} ms
  --runs N             measured runs per figure, each figure is their median (default ${DEFAULTS.runs})
  --duration MS        length of one run (default ${DEFAULTS.durationMs})
  --warmup MS          unmeasured warm-up before each figure (default ${DEFAULTS.warmupMs})
  --sizes 1,10,45,200  class sizes of the benchmark school (--quick: 1,10,45)
  --output FILE        where the JSON goes (default bench/results/latest.json)
  --overhead-all       gateway overhead of every class size (default: the record book, 45 and 200)
  --keep-data          keep the run's databases (dropped by default; the generated datasets are always kept)
  --only PARTS         some of ${PARTS.join(',')} (default: all). queries: record book, class query,
                       gateway overhead and comparison, memory; dashboards: small vs province size;
                       bulk: a school's term marks through recordGradebook, with event latency
  --datasets SIZES     small (default) or small,province: the province (100 schools, 120,000
                       students) is generated once and kept; its first generation takes hours`;

function positive(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`${name} needs a positive integer, got ${value}`);
  return number;
}

/** The command line's options; throws with the reason on anything it does not understand. */
export function parseOptions(argv: readonly string[], defaultOutput: string): CliOptions {
  const quick = argv.includes('--quick');
  const options: CliOptions = {
    ...(quick ? QUICK : DEFAULTS),
    quick,
    concurrencies: [1, 20],
    comparisonConcurrency: 20,
    keepData: false,
    // The record book and the class sizes the targets name (all of them with --overhead-all).
    overheadQueries: quick ? ['record-book', 'class-45'] : ['record-book', 'class-45', 'class-200'],
    // The 200-student class's year of marks alone takes minutes to enter on FerretDB.
    sizes: quick ? [1, 10, 45] : [1, 10, 45, 200],
    output: defaultOutput,
    only: [...PARTS],
    // The province's first generation takes hours (docs/benchmarks.md): asked for explicitly.
    datasets: ['small'],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--quick':
        break;
      case '--keep-data':
        options.keepData = true;
        break;
      case '--overhead-all':
        delete options.overheadQueries;
        break;
      case '--runs':
        options.runs = positive(arg, value());
        break;
      case '--duration':
        options.durationMs = positive(arg, value());
        break;
      case '--warmup':
        options.warmupMs = positive(arg, value());
        break;
      case '--sizes':
        options.sizes = value()
          .split(',')
          .map((size) => positive(arg, size));
        break;
      case '--output':
        options.output = value();
        break;
      case '--only':
        options.only = value()
          .split(',')
          .map((part) => {
            if (!(PARTS as readonly string[]).includes(part))
              throw new Error(`--only takes ${PARTS.join(', ')}; got ${part}`);
            return part as Part;
          });
        break;
      case '--datasets':
        options.datasets = value()
          .split(',')
          .map((size) => {
            if (size !== 'small' && size !== 'province')
              throw new Error(`--datasets takes small, province; got ${size}`);
            return size;
          });
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return options;
}
