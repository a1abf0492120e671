import type { LockScope } from '@hocbaso/events';
import {
  changeDocument,
  type DocumentChange,
  documentLockKey,
  findByIds,
  newDocumentOutbox,
  type OutboxEntry,
  type OutboxFields,
  type WriteLock,
} from '@hocbaso/service-kit';
import type { Model } from 'mongoose';
import type { CorrectionDocument, CorrectionModel } from './correction.model';
import type { LockDocument, LockModel, LockWindowDocument, LockWindowModel } from './lock.model';
import type {
  CertificateDocument,
  CertificateModel,
  GradeApproverDocument,
  GradeApproverModel,
} from './registry.model';
import type { SignatureDocument, SignatureModel } from './signature.model';

export interface RecordModels {
  signatures: SignatureModel;
  locks: LockModel;
  lockWindows: LockWindowModel;
  certificates: CertificateModel;
  gradeApprovers: GradeApproverModel;
  corrections: CorrectionModel;
}

type New<T> = Omit<T, keyof OutboxFields>;

/**
 * The only code that touches signatures' own collections. Every write is one document write with
 * its events in the document's outbox, under the document's WriteLock (ADR 0004).
 */
export class RecordsRepository {
  constructor(
    readonly models: RecordModels,
    private readonly lock: WriteLock,
  ) {}

  async create<T extends OutboxFields & { _id: string }>(
    model: Model<T>,
    document: New<T>,
    events: OutboxEntry[],
  ): Promise<T> {
    const full = { ...document, ...newDocumentOutbox(events) } as unknown as T;
    await this.lock.run(documentLockKey(model.collection.name, document._id), () => model.create(full));
    return full;
  }

  /** Reads, lets `decide` choose the change (null: none), writes it with its events; returns the result. */
  change<T extends OutboxFields & { _id: string }>(
    model: Model<T>,
    id: string,
    decide: (
      current: T,
    ) => Omit<DocumentChange<T>, 'create'> | null | Promise<Omit<DocumentChange<T>, 'create'> | null>,
  ): Promise<T | null> {
    return changeDocument(this.lock, model, id, (current) => (current ? decide(current) : null));
  }

  signature(id: string): Promise<SignatureDocument | null> {
    return this.models.signatures.findById(id).lean<SignatureDocument>().exec();
  }

  signaturesByIds(ids: readonly string[]): Promise<SignatureDocument[]> {
    return findByIds<SignatureDocument>(this.models.signatures, ids);
  }

  signaturesOfLock(lockId: string): Promise<SignatureDocument[]> {
    return this.models.signatures.find({ lockId }).lean<SignatureDocument[]>().exec();
  }

  signaturesOfClass(classId: string, schoolYear: string): Promise<SignatureDocument[]> {
    return this.models.signatures
      .find({ classId, schoolYear })
      .sort({ requestedAt: 1 })
      .lean<SignatureDocument[]>()
      .exec();
  }

  signaturesOfStudents(studentIds: readonly string[], schoolYear?: string): Promise<SignatureDocument[]> {
    return this.models.signatures
      .find({ studentId: { $in: [...studentIds] }, ...(schoolYear ? { schoolYear } : {}) })
      .sort({ requestedAt: 1 })
      .lean<SignatureDocument[]>()
      .exec();
  }

  lockById(id: string): Promise<LockDocument | null> {
    return this.models.locks.findById(id).lean<LockDocument>().exec();
  }

  /** Locks applied (or being applied) to a school year. */
  async locksInForce(schoolId: string, schoolYear: string): Promise<LockScope[]> {
    const locks = await this.models.locks
      .find({ 'scope.schoolId': schoolId, 'scope.schoolYear': schoolYear, state: 'APPLIED' }, { scope: 1 })
      .lean<Array<Pick<LockDocument, 'scope'>>>()
      .exec();
    return locks.map((l) => l.scope);
  }

  /** Locks of one student's year pages in force, whatever the school year (personal data spans them all). */
  async locksOfStudent(studentId: string): Promise<LockScope[]> {
    const locks = await this.models.locks
      .find({ 'scope.studentId': studentId, state: 'APPLIED' }, { scope: 1 })
      .lean<Array<Pick<LockDocument, 'scope'>>>()
      .exec();
    return locks.map((l) => l.scope);
  }

  lockWindow(id: string): Promise<LockWindowDocument | null> {
    return this.models.lockWindows.findById(id).lean<LockWindowDocument>().exec();
  }

  lockWindowsOf(schoolId: string, schoolYear: string): Promise<LockWindowDocument[]> {
    return this.models.lockWindows.find({ schoolId, schoolYear }).lean<LockWindowDocument[]>().exec();
  }

  lockWindowOfLock(lockId: string): Promise<LockWindowDocument | null> {
    return this.models.lockWindows.findOne({ lockId }).lean<LockWindowDocument>().exec();
  }

  certificate(fingerprint: string): Promise<CertificateDocument | null> {
    return this.models.certificates.findById(fingerprint).lean<CertificateDocument>().exec();
  }

  certificatesOf(schoolId: string, kind?: CertificateDocument['kind']): Promise<CertificateDocument[]> {
    return this.models.certificates
      .find({ schoolId, ...(kind ? { kind } : {}) })
      .sort({ registeredAt: 1 })
      .lean<CertificateDocument[]>()
      .exec();
  }

  gradeApprover(id: string): Promise<GradeApproverDocument | null> {
    return this.models.gradeApprovers.findById(id).lean<GradeApproverDocument>().exec();
  }

  gradeApproversOf(schoolId: string, schoolYear: string): Promise<GradeApproverDocument[]> {
    return this.models.gradeApprovers
      .find({ schoolId, schoolYear })
      .sort({ grade: 1 })
      .lean<GradeApproverDocument[]>()
      .exec();
  }

  correction(id: string): Promise<CorrectionDocument | null> {
    return this.models.corrections.findById(id).lean<CorrectionDocument>().exec();
  }

  correctionsOf(filter: { schoolId?: string; schoolYear?: string; studentIds?: readonly string[] }) {
    return this.models.corrections
      .find({
        ...(filter.schoolId ? { schoolId: filter.schoolId } : {}),
        ...(filter.schoolYear ? { schoolYear: filter.schoolYear } : {}),
        ...(filter.studentIds ? { studentId: { $in: [...filter.studentIds] } } : {}),
      })
      .sort({ filedAt: 1 })
      .lean<CorrectionDocument[]>()
      .exec();
  }

  /** Every model here carries an outbox: the relay publishes from all of them. */
  outboxModels(): Model<unknown>[] {
    return Object.values(this.models) as Model<unknown>[];
  }
}
