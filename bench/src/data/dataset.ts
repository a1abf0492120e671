/**
 * The kept datasets (the province generator's I/O): a set of databases named by the generator's
 * version, reused across runs, holding each size in its own province. A size missing there is
 * made: its schools registered with identity (which publishes `schoolCreated` with their place, so
 * every service's directory knows them), then every service's documents written in bulk, then
 * every part of the statistics marked dirty so that each service computes its own aggregates from
 * those records, as it would after events. Done when every `statistics_dirty` is empty.
 */
import { MongoClient, type Collection, type Db } from 'mongodb';
import type { IdentityAdmin } from '../platform/identity-admin';
import type { ServiceName } from '../platform/stack';
import {
  classDocuments,
  classParts,
  DATASETS,
  GENERATOR_VERSION,
  groupMarker,
  planSchool,
  STATISTICS_SERVICES,
  type DatasetSize,
  type PlannedSchool,
} from './province';

/** The kept datasets' database prefix: `<prefix>_<service>`. */
export const DATASET_PREFIX = `bench_data_v${GENERATOR_VERSION}`;

/** What a generated size is: its schools and places, kept in identity's database. */
export interface DatasetManifest {
  _id: DatasetSize;
  version: number;
  complete: boolean;
  provinceCode: string;
  schools: Array<{ schoolId: string; districtCode: string }>;
  students: number;
  classes: number;
  /** Schools whose documents are all written: a run stopped half-way goes on from here. */
  schoolsWritten?: number;
  generatedSeconds?: number;
  generatedAt?: Date;
}

const MANIFESTS = 'bench_datasets';
/** Documents per insertMany: large enough to be a bulk write, small enough for FerretDB's batches. */
const BATCH = 500;
const GRADEBOOK_BATCH = 60;

/**
 * Inserts documents, some of which a stopped run may have written already (same ids): those stay.
 * FerretDB's SQLite answers "database is locked" while a service writes the same database: the
 * batch is tried again.
 */
async function insertAgain(target: Collection, docs: readonly object[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await target.insertMany(docs as never[], { ordered: false });
      return;
    } catch (error) {
      const writeErrors = (error as { writeErrors?: Array<{ code?: number }> | { code?: number } })
        .writeErrors;
      const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (list.length > 0 && list.every((e) => e.code === 11000)) return;
      if (!/SQLITE_BUSY|database is locked/.test((error as Error).message) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
    }
  }
}

export class Datasets {
  private constructor(private readonly client: MongoClient) {}

  static async connect(mongodbUri: string): Promise<Datasets> {
    const client = new MongoClient(mongodbUri, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    return new Datasets(client);
  }

  db(service: ServiceName): Db {
    return this.client.db(`${DATASET_PREFIX}_${service}`);
  }

  async manifest(size: DatasetSize): Promise<DatasetManifest | null> {
    return this.db('identity').collection<DatasetManifest>(MANIFESTS).findOne({ _id: size });
  }

  /**
   * Before the services start: databases of older generator versions are dropped. A dataset left
   * half made is kept: `ensure` goes on from the last school it wrote whole (every document has a
   * stable id, so the school it was writing is written again without duplicates).
   */
  async tidy(log: (line: string) => void): Promise<void> {
    const { databases } = await this.client.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) {
      if (/^bench_data_v\d+_/.test(name) && !name.startsWith(`${DATASET_PREFIX}_`)) {
        log(`dropping ${name} (an older generator's)`);
        await this.client.db(name).dropDatabase();
      }
    }
  }

  /**
   * Makes the size unless it is there (complete); returns its manifest. The services must be
   * running on the dataset's databases, their consumers joined.
   */
  async ensure(
    size: DatasetSize,
    identity: IdentityAdmin,
    log: (line: string) => void,
  ): Promise<DatasetManifest> {
    const existing = await this.manifest(size);
    if (existing?.complete) {
      log(
        `dataset ${size}: ${existing.schools.length} schools, ${existing.students} students (made in ${existing.generatedSeconds} s, reused)`,
      );
      return existing;
    }
    const spec = DATASETS[size];
    const started = Date.now();
    const manifests = this.db('identity').collection<DatasetManifest>(MANIFESTS);
    const manifest: DatasetManifest = existing ?? {
      _id: size,
      version: GENERATOR_VERSION,
      complete: false,
      provinceCode: spec.provinceCode,
      schools: [],
      students: 0,
      classes: 0,
    };
    const written = manifest.schoolsWritten ?? 0;
    log(
      existing
        ? `dataset ${size}: going on from ${written} of ${spec.schools} schools written (an earlier run stopped)`
        : `dataset ${size}: generating ${spec.schools} schools of ${spec.studentsPerSchool} students`,
    );
    // Each school is remembered as soon as identity has it, so a stopped run does not register it twice.
    for (let n = manifest.schools.length; n < spec.schools; n++) {
      const districtCode = spec.districtCodes[n % spec.districtCodes.length]!;
      const schoolId = await identity.createSchool({
        code: `BENCH-${size.toUpperCase()}-${String(n + 1).padStart(3, '0')}`,
        name: `Trường THPT Benchmark ${size} ${n + 1}`,
        provinceCode: spec.provinceCode,
        districtCode,
      });
      manifest.schools.push({ schoolId, districtCode });
      await manifests.replaceOne({ _id: size }, manifest, { upsert: true });
    }
    const { schools } = manifest;
    await this.untilPlaced(schools.map((s) => s.schoolId));
    log(`dataset ${size}: every service's directory has the ${schools.length} schools`);

    const serial = { next: size === 'small' ? 0 : 100_000 };
    const at = new Date();
    for (const [n, { schoolId }] of schools.entries()) {
      // Planned again for the serial numbers it takes, whether written before or now.
      const planned = planSchool(spec, schoolId, n, serial);
      if (n < written) continue;
      const counts = await this.writeSchool(size, planned, at);
      manifest.students += counts.students;
      manifest.classes += counts.classes;
      manifest.schoolsWritten = n + 1;
      await manifests.replaceOne({ _id: size }, manifest);
      if ((n + 1) % 5 === 0 || n + 1 === schools.length)
        log(
          `dataset ${size}: ${n + 1}/${schools.length} schools written (${manifest.students} students, ${Math.round((Date.now() - started) / 1000)} s)`,
        );
    }
    await this.untilComputed(`dataset ${size}`, log);
    manifest.complete = true;
    manifest.generatedSeconds = Math.round((Date.now() - started) / 1000);
    manifest.generatedAt = new Date();
    await manifests.replaceOne({ _id: size }, manifest);
    log(`dataset ${size}: generated in ${manifest.generatedSeconds} s`);
    return manifest;
  }

  /** Writes one school's documents, each service's collections in turn, then marks its parts. */
  private async writeSchool(
    size: DatasetSize,
    planned: PlannedSchool,
    at: Date,
  ): Promise<{ students: number; classes: number }> {
    const spec = DATASETS[size];
    const byCollection = new Map<string, object[]>();
    const add = (service: string, collection: string, docs: readonly object[]) => {
      const key = `${service}/${collection}`;
      byCollection.set(key, [...(byCollection.get(key) ?? []), ...docs]);
    };
    const markers = new Map<string, object[]>();
    for (const planClass of planned.classes) {
      const docs = classDocuments(spec, planClass, at);
      for (const [service, collections] of Object.entries(docs))
        for (const [collection, list] of Object.entries(collections as Record<string, object[]>))
          add(service, collection, list);
      for (const [service, parts] of Object.entries(classParts(spec, planClass)))
        if (parts.length) markers.set(service, [...(markers.get(service) ?? []), groupMarker(parts, at)]);
    }
    // The services' databases are independent files in the store: written side by side.
    const services = [...new Set([...byCollection.keys()].map((k) => k.split('/')[0]!))];
    await Promise.all(
      services.map(async (service) => {
        for (const [key, docs] of byCollection) {
          const [owner, collection] = key.split('/') as [string, string];
          if (owner !== service) continue;
          const batch = collection === 'gradebooks' ? GRADEBOOK_BATCH : BATCH;
          const target = this.db(service as ServiceName).collection(collection);
          for (let i = 0; i < docs.length; i += batch) await insertAgain(target, docs.slice(i, i + batch));
        }
      }),
    );
    // Only once the records are all there: a part computed early would count half a class.
    await Promise.all(
      [...markers].map(async ([service, list]) => {
        const target = this.db(service as ServiceName).collection('statistics_dirty');
        for (let i = 0; i < list.length; i += BATCH) await insertAgain(target, list.slice(i, i + BATCH));
      }),
    );
    return {
      students: planned.classes.reduce((sum, c) => sum + c.students.length, 0),
      classes: planned.classes.length,
    };
  }

  /** Until every statistics service's directory has every school (from identity's events). */
  private async untilPlaced(schoolIds: readonly string[], timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = await Promise.all(
        STATISTICS_SERVICES.map(async (service) => {
          const found = await this.db(service)
            .collection('statistics_school_places')
            .countDocuments({ _id: { $in: schoolIds as never[] } });
          return schoolIds.length - found;
        }),
      );
      if (missing.every((m) => m === 0)) return;
      if (Date.now() > deadline)
        throw new Error(
          `schools not placed after ${timeoutMs / 1000} s: ${STATISTICS_SERVICES.map((s, i) => `${s} ${missing[i]}`).join(', ')} missing`,
        );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  /**
   * Until every service recomputed every marked part (each `statistics_dirty` empty). Emptiness is
   * asked with a one-document read: on FerretDB v1 a count reads every marker (5 s for 16,000
   * while the services compute), so counts are taken only for the progress line, once a minute.
   */
  async untilComputed(what: string, log: (line: string) => void, stallMs = 600_000): Promise<void> {
    let best = Number.POSITIVE_INFINITY;
    let since = Date.now();
    let lastLog = 0;
    for (;;) {
      const anyLeft = await Promise.all(
        STATISTICS_SERVICES.map(async (service) =>
          Boolean(
            await this.db(service)
              .collection('statistics_dirty')
              .findOne({}, { projection: { _id: 1 } }),
          ),
        ),
      );
      if (!anyLeft.some(Boolean)) return;
      if (Date.now() - lastLog > 60_000) {
        lastLog = Date.now();
        const pending = await Promise.all(
          STATISTICS_SERVICES.map((service) =>
            this.db(service).collection('statistics_dirty').estimatedDocumentCount(),
          ),
        );
        const total = pending.reduce((sum, p) => sum + p, 0);
        if (total < best) {
          best = total;
          since = Date.now();
        } else if (Date.now() - since > stallMs) {
          throw new Error(
            `${what}: ${total} statistics parts still marked, no progress for ${stallMs / 1000} s`,
          );
        }
        log(
          `${what}: statistics parts left to compute: ${STATISTICS_SERVICES.map((s, i) => `${s} ${pending[i]}`).join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
