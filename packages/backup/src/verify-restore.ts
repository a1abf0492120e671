import path from 'node:path';
import { AuditTrail, type AuditBreak } from '@hocbaso/audit-trail';
import { connectMongo, createLogger, WriteLock, type Logger } from '@hocbaso/service-kit';
import { sealStatement, sha256Hex, verifySignedSnapshot, type SignedSnapshot } from '@hocbaso/signing';
import { MongoClient, type Db } from 'mongodb';
import { dataCollections, serializeCollection } from './collection-dump';
import { KafkaAdminPositions, type KafkaPositions, type PartitionOffset } from './kafka-positions';
import { readManifest } from './restore-backup';

export interface VerifyRestoreOptions {
  backupDir: string;
  mongoUri: string;
  /** Only these databases of the backup (default: every one). */
  databases?: string[];
  /** The signatures service's database: its signatures, seals and audit chain are checked. */
  signaturesDatabase?: string;
  /** Only these consumer groups of the backup (default: every one). */
  consumerGroups?: string[];
  /** Compare each consumer group's committed offsets with the backup's (brokers or a client). */
  kafkaBrokers?: string[];
  positions?: KafkaPositions;
  /** The time signatures are checked at (default now). */
  at?: Date;
  logger?: Logger;
}

export interface CollectionMismatch {
  database: string;
  collection: string;
  /** MISSING: in the backup, not in the store; UNEXPECTED: in the store only; CONTENT: other documents. */
  problem: 'MISSING' | 'UNEXPECTED' | 'CONTENT';
  expected: { documents: number; sha256: string } | null;
  actual: { documents: number; sha256: string } | null;
}

export interface SignatureFailure {
  signatureId: string;
  problems: string[];
}

export interface RestoreVerification {
  /** Everything checked holds. */
  ok: boolean;
  collections: { checked: number; matching: number; documents: number; mismatches: CollectionMismatch[] };
  /** Null without `signaturesDatabase`. */
  signatures: {
    /** Signatures with a signed snapshot (SIGNED, current or superseded). */
    checked: number;
    /** Signatures and seals whose canonical text still hashes to the stored content hash. */
    contentHashesMatching: number;
    /** Signature valid against the school's registered CAs, and for approvals the seal too. */
    valid: number;
    seals: { checked: number; valid: number };
    failures: SignatureFailure[];
  } | null;
  /** Null without `signaturesDatabase`. */
  audit: { intact: boolean; entriesVerified: number; firstBroken: AuditBreak | null } | null;
  /** Null without Kafka. */
  consumerOffsets: {
    groupsChecked: number;
    matching: number;
    mismatches: Array<{ groupId: string; expected: PartitionOffset[]; actual: PartitionOffset[] }>;
  } | null;
}

/**
 * Checks a restore against its backup, read only, before the services start again:
 * - every collection holds exactly the backed-up documents (count and SHA-256 of the same dump);
 * - in the signatures database, every stored signature's canonical text still hashes to its
 *   content hash, and every signature and seal verifies (`verifySignedSnapshot`) against the CA
 *   certificates the school registered, as stored in the certificate registry;
 * - the audit chain verifies from its first entry to its recorded head;
 * - each consumer group's committed offsets are the backup's.
 */
export async function verifyRestore(options: VerifyRestoreOptions): Promise<RestoreVerification> {
  const logger = options.logger ?? createLogger({ service: 'backup', level: 'silent' });
  const manifest = await readManifest(path.resolve(options.backupDir));
  const databases = options.databases
    ? manifest.databases.filter((d) => options.databases!.includes(d.name))
    : manifest.databases;
  const client = new MongoClient(options.mongoUri, { serverSelectionTimeoutMS: 10_000 });
  const ownPositions =
    !options.positions && options.kafkaBrokers
      ? new KafkaAdminPositions({ brokers: options.kafkaBrokers, logger })
      : undefined;
  const positions = options.positions ?? ownPositions;
  try {
    await client.connect();
    const collections = { checked: 0, matching: 0, documents: 0, mismatches: [] as CollectionMismatch[] };
    for (const database of databases) {
      const db = client.db(database.name);
      const present = new Set(await dataCollections(db));
      for (const entry of database.collections) {
        collections.checked++;
        const expected = { documents: entry.documents, sha256: entry.sha256 };
        if (!present.has(entry.name)) {
          collections.mismatches.push({
            database: database.name,
            collection: entry.name,
            problem: 'MISSING',
            expected,
            actual: null,
          });
          continue;
        }
        const facts = await serializeCollection(db.collection(entry.name));
        const actual = { documents: facts.documents, sha256: facts.sha256 };
        collections.documents += facts.documents;
        if (actual.documents === expected.documents && actual.sha256 === expected.sha256)
          collections.matching++;
        else
          collections.mismatches.push({
            database: database.name,
            collection: entry.name,
            problem: 'CONTENT',
            expected,
            actual,
          });
      }
      const known = new Set(database.collections.map((c) => c.name));
      for (const name of present) {
        if (known.has(name)) continue;
        const facts = await serializeCollection(db.collection(name));
        // An empty collection (a service's index sync) holds nothing the backup could have missed.
        if (facts.documents === 0) continue;
        collections.mismatches.push({
          database: database.name,
          collection: name,
          problem: 'UNEXPECTED',
          expected: null,
          actual: { documents: facts.documents, sha256: facts.sha256 },
        });
      }
    }

    const signatures = options.signaturesDatabase
      ? await verifySignatures(client.db(options.signaturesDatabase), options.at ?? new Date())
      : null;
    const audit = options.signaturesDatabase
      ? await verifyAuditChain(options.mongoUri, options.signaturesDatabase, logger)
      : null;
    const groups = manifest.kafka.consumerGroups.filter(
      (g) => !options.consumerGroups || options.consumerGroups.includes(g.groupId),
    );
    const consumerOffsets = positions ? await compareOffsets(positions, groups) : null;

    const ok =
      collections.mismatches.length === 0 &&
      (!signatures || signatures.failures.length === 0) &&
      (!audit || audit.intact) &&
      (!consumerOffsets || consumerOffsets.mismatches.length === 0);
    return { ok, collections, signatures, audit, consumerOffsets };
  } finally {
    await client.close().catch(() => undefined);
    await ownPositions?.close().catch(() => undefined);
  }
}

/** A signature as the signatures service stores it (services/signatures/src/model/signature.model.ts). */
interface StoredSignatureDocument {
  _id: string;
  role: string;
  schoolId: string;
  snapshot: unknown;
  signed: (SignedSnapshot & Record<string, unknown>) | null;
  seal: (SignedSnapshot & Record<string, unknown>) | null;
}

/** A registered certificate (services/signatures/src/model/registry.model.ts): a CA registers itself alone. */
interface StoredCertificateDocument {
  _id: string;
  schoolId: string;
  kind: string;
  chain: string[];
}

async function verifySignatures(db: Db, at: Date): Promise<NonNullable<RestoreVerification['signatures']>> {
  const authorities = new Map<string, string[]>();
  const certificates = db.collection<StoredCertificateDocument>('certificates');
  for await (const certificate of certificates.find({ kind: 'CERTIFICATE_AUTHORITY' })) {
    const pem = certificate.chain[0];
    if (pem) authorities.set(certificate.schoolId, [...(authorities.get(certificate.schoolId) ?? []), pem]);
  }

  const result = {
    checked: 0,
    contentHashesMatching: 0,
    valid: 0,
    seals: { checked: 0, valid: 0 },
    failures: [] as SignatureFailure[],
  };
  const signatures = db.collection<StoredSignatureDocument>('signatures');
  for await (const document of signatures.find({ signed: { $ne: null } }, { sort: { _id: 1 } })) {
    const signed = document.signed!;
    const cas = authorities.get(document.schoolId) ?? [];
    const problems: string[] = [];
    result.checked++;
    if (sha256Hex(signed.canonical) === signed.contentHash) result.contentHashesMatching++;
    else problems.push('CONTENT_HASH: văn bản chuẩn hóa không còn khớp với mã băm đã lưu');
    const main = verifySignedSnapshot({
      signed: asSigned(signed),
      snapshot: document.snapshot,
      registeredCas: cas,
      at,
    });
    problems.push(...main.problems.map((p) => `${p.code}: ${p.message}`));
    let sealValid = true;
    if (document.role === 'APPROVER') {
      result.seals.checked++;
      const seal = document.seal;
      if (!seal) {
        sealValid = false;
        problems.push('SEAL_MISSING: thiếu dấu của nhà trường');
      } else {
        if (sha256Hex(seal.canonical) === seal.contentHash) result.contentHashesMatching++;
        else problems.push('SEAL_CONTENT_HASH: văn bản chuẩn hóa của dấu không khớp với mã băm');
        const sealed = verifySignedSnapshot({
          signed: asSigned(seal),
          snapshot: sealStatement(document._id, signed),
          registeredCas: cas,
          at,
        });
        sealValid = sealed.valid;
        problems.push(...sealed.problems.map((p) => `SEAL ${p.code}: ${p.message}`));
      }
      if (sealValid) result.seals.valid++;
    }
    if (main.valid && sealValid && problems.length === 0) result.valid++;
    else result.failures.push({ signatureId: document._id, problems });
  }
  return result;
}

/** Exactly the fields `@hocbaso/signing` signed; the stored copy also carries the fingerprint and signer name. */
function asSigned(stored: SignedSnapshot): SignedSnapshot {
  return {
    canonical: stored.canonical,
    contentHash: stored.contentHash,
    algorithm: stored.algorithm,
    signature: stored.signature,
    certificateChain: stored.certificateChain,
    signedAt: stored.signedAt,
  };
}

async function verifyAuditChain(
  mongoUri: string,
  dbName: string,
  logger: Logger,
): Promise<NonNullable<RestoreVerification['audit']>> {
  const connection = await connectMongo({ uri: mongoUri, dbName, logger, timeoutMs: 10_000 });
  try {
    const verification = await new AuditTrail(connection, { writeLock: new WriteLock(), logger }).verify();
    return {
      intact: verification.intact,
      entriesVerified: verification.checked,
      firstBroken: verification.firstBroken,
    };
  } finally {
    await connection.close();
  }
}

async function compareOffsets(
  positions: KafkaPositions,
  groups: Array<{ groupId: string; offsets: PartitionOffset[] }>,
): Promise<NonNullable<RestoreVerification['consumerOffsets']>> {
  const result = {
    groupsChecked: 0,
    matching: 0,
    mismatches: [] as Array<{ groupId: string; expected: PartitionOffset[]; actual: PartitionOffset[] }>,
  };
  const text = (offsets: PartitionOffset[]) =>
    offsets.map((o) => `${o.topic}:${o.partition}@${o.offset}`).join(',');
  for (const { groupId, offsets } of groups) {
    result.groupsChecked++;
    const actual = await positions.committedOffsets(groupId);
    if (text(actual) === text(offsets)) result.matching++;
    else result.mismatches.push({ groupId, expected: offsets, actual });
  }
  return result;
}
