/** The suite's options, from the environment (the only reader of `process.env` here). */

export const FAULT_NAMES = [
  'kill-identity',
  'kill-students',
  'kill-academics',
  'kill-conduct',
  'kill-signatures',
  'kill-archive',
  'kill-gateway',
  'gateway-restart',
  'kafka-outage',
  'store-restart',
  'duplicate-storm',
] as const;
/** Faults run only when named in FAULTS_ONLY. */
export const OPT_IN_FAULTS = ['kill-gateway-refresh'] as const;
export type FaultName = (typeof FAULT_NAMES)[number] | (typeof OPT_IN_FAULTS)[number];

export interface FaultOptions {
  /** Classes of the school, and students in each. */
  classes: number;
  students: number;
  /** Subjects whose gradebooks are entered (each by its teacher from identity's demo seed). */
  subjects: string[];
  /** Teachers entering marks at the same time. */
  teachers: number;
  /** A teacher's pause between two gradebooks (keeps the consumers' backlog small on a slow store). */
  pauseMs: number;
  /** How long a killed process stays down before it is started again. */
  downMs: number;
  /** How long Kafka stays stopped (the issue asks for 60 s). */
  kafkaOutageMs: number;
  /** The duplicate storm publishes the run's newest `stormEvents` events again, `stormCopies` times each. */
  stormEvents: number;
  stormCopies: number;
  /** Entry between two faults, so that each starts from a working platform. */
  settleMs: number;
  /** The faults to inject, in this order. */
  faults: FaultName[];
  /** Students of the signing run's class (0: no signing run), and its pause between two steps. */
  signingStudents: number;
  signingPauseMs: number;
  /** Clients refreshing their sessions during the gateway restart. */
  sessions: number;
  /** Keep the run's databases (dropped by default). */
  keepData: boolean;
}

function integer(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} needs an integer ≥ ${min}, got ${raw}`);
  return value;
}

function list(name: string): string[] | undefined {
  const raw = process.env[name];
  return raw
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

export const USAGE = `npm run test:faults   (options are environment variables)
  FAULTS_CLASSES=2             classes of the school
  FAULTS_STUDENTS=10           students per class
  FAULTS_SUBJECTS=TOAN,NGU_VAN,VAT_LI,GD_THE_CHAT   subjects entered (a teacher of identity's demo seed each)
  FAULTS_TEACHERS=3            teachers entering marks at once
  FAULTS_PAUSE_MS=2000         a teacher's pause between two gradebooks
  FAULTS_DOWN_MS=3000          how long a killed process stays down
  FAULTS_KAFKA_OUTAGE_MS=60000 how long Kafka stays stopped
  FAULTS_STORM_EVENTS=500      the duplicate storm sends the run's newest 500 events again…
  FAULTS_STORM_COPIES=3        …3 times each, newest first
  FAULTS_SETTLE_MS=5000        entry between two faults
  FAULTS_ONLY=kill-academics,kafka-outage   some of: ${FAULT_NAMES.join(', ')} (the default: all of them)
                               and ${OPT_IN_FAULTS.join(', ')} (only when named)
  FAULTS_SESSIONS=3            clients refreshing their sessions during the gateway restart
  FAULTS_SIGNING_STUDENTS=4    students of the signing run's class (0: no signing run)
  FAULTS_SIGNING_PAUSE_MS=10000   the signing run's pause between two steps (so that they meet the faults)
  FAULTS_KEEP_DATA=1           keep the run's databases
Infrastructure as deploy/local/infra.sh: KAFKA_PORT, KAFKA_CONTROLLER_PORT, FERRETDB_PORT, HOCBASO_LOCAL_DIR.`;

export function readFaultOptions(): FaultOptions {
  const faults = (list('FAULTS_ONLY') ?? [...FAULT_NAMES]) as FaultName[];
  const known: readonly string[] = [...FAULT_NAMES, ...OPT_IN_FAULTS];
  const unknown = faults.filter((f) => !known.includes(f));
  if (unknown.length) throw new Error(`FAULTS_ONLY: unknown ${unknown.join(', ')}`);
  return {
    classes: integer('FAULTS_CLASSES', 2, 1),
    students: integer('FAULTS_STUDENTS', 10, 1),
    subjects: list('FAULTS_SUBJECTS') ?? ['TOAN', 'NGU_VAN', 'VAT_LI', 'GD_THE_CHAT'],
    teachers: integer('FAULTS_TEACHERS', 3, 1),
    pauseMs: integer('FAULTS_PAUSE_MS', 2_000),
    downMs: integer('FAULTS_DOWN_MS', 3_000),
    kafkaOutageMs: integer('FAULTS_KAFKA_OUTAGE_MS', 60_000),
    stormEvents: integer('FAULTS_STORM_EVENTS', 500, 1),
    stormCopies: integer('FAULTS_STORM_COPIES', 3, 1),
    settleMs: integer('FAULTS_SETTLE_MS', 5_000),
    faults,
    sessions: integer('FAULTS_SESSIONS', 3, 1),
    signingStudents: integer('FAULTS_SIGNING_STUDENTS', 4),
    signingPauseMs: integer('FAULTS_SIGNING_PAUSE_MS', 10_000),
    keepData: ['1', 'true'].includes(process.env.FAULTS_KEEP_DATA ?? ''),
  };
}

/** What the store is, as deploy/local/infra.sh chooses it (only FerretDB can be restarted here). */
export function storeKind(): 'external' | 'memory-server' | 'ferretdb' {
  if (process.env.MONGODB_URI) return 'external';
  if (process.env.MONGOMS_SYSTEM_BINARY) return 'memory-server';
  return 'ferretdb';
}
