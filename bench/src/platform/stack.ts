import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { freePort, ProcessGroup, type StartedProcess } from '../runner/processes';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export const SERVICES = ['identity', 'students', 'academics', 'conduct', 'signatures', 'archive'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface Infrastructure {
  mongodbUri: string;
  kafkaBrokers: string;
}

/** A demo account from identity's seed (services/identity/src/seed). */
export interface Credential {
  accountId: string;
  schoolId: string;
  username: string;
  password: string;
  subjectCode?: string;
}

/**
 * The platform as production runs it, one OS process per service and for the gateway, from
 * their built entry points (dist), on the local Kafka and store. Every run has its own databases,
 * consumer groups and secrets, so runs do not disturb each other or the tests; its databases are
 * dropped at the end unless kept.
 */
export class PlatformStack {
  readonly runId = `bench_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  readonly secret = randomBytes(32).toString('hex');
  /**
   * Encrypts identity's signing keys. A kept dataset's identity database outlives the run, so its
   * key secret is derived from the dataset's name (a local benchmark's, nothing else's).
   */
  readonly keySecret: string;
  private readonly ministryToken = randomBytes(24).toString('hex');
  readonly keystoreDir = mkdtempSync(path.join(tmpdir(), 'hocbaso-bench-keystore-'));
  readonly processes: ProcessGroup;
  /** Each subgraph's own address (its /graphql). */
  readonly subgraphUrls = {} as Record<ServiceName, string>;
  identityBaseUrl = '';
  credentials: Credential[] = [];
  private ministryUrl = '';

  /**
   * `dataset`: the databases are a kept dataset's (`<dataset>_<service>`, reused across runs and
   * never dropped) instead of this run's own.
   */
  constructor(
    readonly infra: Infrastructure,
    readonly logDir: string,
    readonly dataset?: string,
  ) {
    this.keySecret = dataset
      ? createHash('sha256').update(`hocbaso-bench-keys/${dataset}`).digest('hex')
      : randomBytes(32).toString('hex');
    mkdirSync(logDir, { recursive: true });
    this.processes = new ProcessGroup(REPO_ROOT, logDir);
  }

  dbName(service: ServiceName): string {
    return `${this.dataset ?? this.runId}_${service}`;
  }

  group(name: string): string {
    return `${this.runId}-${name}`;
  }

  /**
   * Every consumer-group setting a service's built configuration knows (`…CONSUMER_GROUP`,
   * `…FROM_BEGINNING`), read from its dist/env.js, so a group added later (statistics, say) also
   * gets this run's own name instead of a shared default that other runs and tests use.
   */
  consumerSettings(service: ServiceName): Record<string, string> {
    const source = readFileSync(path.join(REPO_ROOT, `services/${service}/dist/env.js`), 'utf8');
    const settings: Record<string, string> = {};
    for (const [, key] of source.matchAll(/\b([A-Z][A-Z0-9_]*_CONSUMER_GROUP)\b/g)) {
      settings[key!] = this.group(`${service}-${key!.toLowerCase().replace(/_/g, '-')}`);
    }
    // A fresh group reading the shared broker's whole history would take minutes: latest offsets.
    for (const [, key] of source.matchAll(/\b([A-Z][A-Z0-9_]*_FROM_BEGINNING)\b/g)) settings[key!] = 'false';
    return settings;
  }

  private common(): Record<string, string> {
    return {
      NODE_ENV: 'production',
      MONGODB_URI: this.infra.mongodbUri,
      KAFKA_BROKERS: this.infra.kafkaBrokers,
      INTERNAL_IDENTITY_SECRET: this.secret,
      LOG_LEVEL: 'warn',
      // Any free port: a run beside `npm start` must not collide on the default metrics ports.
      ...Object.fromEntries(
        [...SERVICES, 'gateway'].map((name) => [`${name.toUpperCase()}_METRICS_PORT`, '0']),
      ),
    };
  }

  identityEnv(port: number): Record<string, string> {
    return {
      ...this.common(),
      IDENTITY_PORT: String(port),
      IDENTITY_DB_NAME: this.dbName('identity'),
      SIGNING_KEY_ENCRYPTION_SECRET: this.keySecret,
      ...this.consumerSettings('identity'),
    };
  }

  studentsEnv(port: number): Record<string, string> {
    return {
      // The scaling scenario runs a second students process: both must hold database leases.
      WRITE_LOCK_SCOPE: 'database',
      STUDENTS_PORT: String(port),
      STUDENTS_DB_NAME: this.dbName('students'),
      ...this.consumerSettings('students'),
    };
  }

  /**
   * One more process of the students subgraph: the same database and consumer groups as the first
   * (its groups' partitions are then shared between the two), on a port of its own.
   */
  async startStudentsReplica(name: string): Promise<{ url: string; process: StartedProcess }> {
    const port = await freePort();
    const started = await this.processes.start({
      name,
      args: ['services/students/dist/index.js'],
      env: { ...this.common(), ...this.studentsEnv(port) },
      readyUrl: `http://127.0.0.1:${port}/readyz`,
    });
    return { url: `http://127.0.0.1:${port}/graphql`, process: started };
  }

  /** identity's demo seed (its own use cases): a school, its board, staff and subject teachers. */
  async seedIdentity(): Promise<void> {
    const file = path.join(this.keystoreDir, 'credentials.json');
    await this.processes.run({
      name: 'identity-seed',
      args: ['services/identity/dist/seed/seed-demo.js'],
      env: { ...this.identityEnv(0), DEMO_CREDENTIALS_FILE: file },
    });
    this.credentials = JSON.parse(readFileSync(file, 'utf8')) as Credential[];
  }

  async startServices(): Promise<void> {
    const ports = Object.fromEntries(
      await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const)),
    ) as Record<ServiceName, number>;
    const start = (name: string, entry: string, port: number, env: Record<string, string>) =>
      this.processes.start({
        name,
        args: [entry],
        env: { ...this.common(), ...env },
        readyUrl: `http://127.0.0.1:${port}/readyz`,
      });
    for (const name of SERVICES) this.subgraphUrls[name] = `http://127.0.0.1:${ports[name]}/graphql`;
    this.identityBaseUrl = `http://127.0.0.1:${ports.identity}`;
    const ministryPort = await freePort();
    this.ministryUrl = `http://127.0.0.1:${ministryPort}`;
    // Independent of each other: started together, so startup takes the slowest one's time.
    await Promise.all([
      start('identity', 'services/identity/dist/index.js', ports.identity, this.identityEnv(ports.identity)),
      start('students', 'services/students/dist/index.js', ports.students, this.studentsEnv(ports.students)),
      start('academics', 'services/academics/dist/index.js', ports.academics, {
        ACADEMICS_PORT: String(ports.academics),
        ACADEMICS_DB_NAME: this.dbName('academics'),
        ...this.consumerSettings('academics'),
      }),
      start('conduct', 'services/conduct/dist/index.js', ports.conduct, {
        CONDUCT_PORT: String(ports.conduct),
        CONDUCT_DB_NAME: this.dbName('conduct'),
        ...this.consumerSettings('conduct'),
      }),
      start('signatures', 'services/signatures/dist/index.js', ports.signatures, {
        SIGNATURES_PORT: String(ports.signatures),
        SIGNATURES_DB_NAME: this.dbName('signatures'),
        ...this.consumerSettings('signatures'),
        SIGNING_KEYSTORE_DIR: this.keystoreDir,
      }),
      start('ministry-simulator', 'deploy/local/ministry-simulator/dist/main.js', ministryPort, {
        MINISTRY_SIMULATOR_PORT: String(ministryPort),
        MINISTRY_API_TOKEN: this.ministryToken,
      }),
    ]);
    await start('archive', 'services/archive/dist/index.js', ports.archive, {
      ARCHIVE_PORT: String(ports.archive),
      ARCHIVE_DB_NAME: this.dbName('archive'),
      ...this.consumerSettings('archive'),
      MINISTRY_API_URL: this.ministryUrl,
      MINISTRY_API_TOKEN: this.ministryToken,
      SIGNING_KEYSTORE_DIR: this.keystoreDir,
    });
    await this.untilConsumersJoined();
  }

  /**
   * The groups start at the latest offsets (a fresh group reading the shared broker's whole
   * history would take minutes): events published before a group has its partitions are not
   * seen. Wait until every group is stable, then a little for the first offset look-ups.
   */
  private async untilConsumersJoined(timeoutMs = 90_000): Promise<void> {
    const admin = new Kafka({
      clientId: `${this.runId}-admin`,
      brokers: this.infra.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const expected = SERVICES.reduce(
        (count, service) =>
          count + Object.keys(this.consumerSettings(service)).filter((k) => k.endsWith('GROUP')).length,
        0,
      );
      const deadline = Date.now() + timeoutMs;
      let previous = '';
      for (;;) {
        // Every group of this run (signatures derives one more from its own name) stable, and no
        // new one appeared since the last look.
        const names = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((id) => id.startsWith(this.runId));
        const { groups } = await admin.describeGroups(names);
        const waiting = groups.filter((g) => g.state !== 'Stable' || g.members.length === 0);
        const seen = names.sort().join(',');
        if (names.length >= expected && waiting.length === 0 && seen === previous) break;
        if (Date.now() > deadline) {
          throw new Error(
            `consumer groups not stable (${names.length} of ${expected} seen): ${waiting.map((g) => `${g.groupId}=${g.state}`).join(', ')}`,
          );
        }
        previous = seen;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await admin.disconnect();
    }
  }

  /** A gateway process (ours or another) on a free port; returns its /graphql URL. */
  async startGateway(
    name: string,
    args: string[],
    env: Record<string, string>,
    portVariable: string,
    readiness: { path: string; when: 'ok' | 'answers' } = { path: '/readyz', when: 'ok' },
  ): Promise<{ url: string; process: StartedProcess }> {
    const port = await freePort();
    const started = await this.processes.start({
      name,
      args,
      env: { NODE_ENV: 'production', ...env, [portVariable]: String(port) },
      readyUrl: `http://127.0.0.1:${port}${readiness.path}`,
      readyWhen: readiness.when,
    });
    return { url: `http://127.0.0.1:${port}/graphql`, process: started };
  }

  /**
   * Our gateway, configured as in production except the personal-data read limits (120 reads a
   * minute per account would stop a benchmark in its first second) and the persisted-operations
   * allow-list (the data setup sends mutations no client ships; the measured queries are the
   * manifest's own text anyway). Every other check, the authorization included, is on.
   */
  ourGatewayEnv(subgraphUrls: Record<ServiceName, string>, identityBaseUrl: string): Record<string, string> {
    return {
      INTERNAL_IDENTITY_SECRET: this.secret,
      IDENTITY_BASE_URL: identityBaseUrl,
      GATEWAY_PROFILE: 'production',
      PERSISTED_OPERATIONS: 'apq',
      PERSONAL_DATA_READS_PER_ACCOUNT_PER_MINUTE: '1000000',
      PERSONAL_DATA_READS_PER_ADDRESS_PER_MINUTE: '1000000',
      LOG_LEVEL: 'warn',
      GATEWAY_METRICS_PORT: '0',
      ...Object.fromEntries(
        SERVICES.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, subgraphUrls[name]]),
      ),
    };
  }

  /** Stops every process, drops the run's databases (unless kept) and removes its keystore. */
  async stop(options: { keepData: boolean }): Promise<void> {
    await this.processes.stopAll();
    if (!options.keepData && !this.dataset) await this.dropDatabases().catch(() => undefined);
    rmSync(this.keystoreDir, { recursive: true, force: true });
  }

  private async dropDatabases(): Promise<void> {
    const client = new MongoClient(this.infra.mongodbUri, { serverSelectionTimeoutMS: 5_000 });
    try {
      await client.connect();
      for (const service of SERVICES) await client.db(this.dbName(service)).dropDatabase();
    } finally {
      await client.close();
    }
  }
}
