import {
  documentLockKey,
  findByIds,
  newDocumentOutbox,
  type OutboxEntry,
  withEvents,
  type WriteLock,
} from '@hocbaso/service-kit';
import type { UpdateQuery } from 'mongoose';
import { conductRecordId, type ConductRecordDocument, type ConductRecordModel } from './conduct-record.model';
import type {
  KnownClassDocument,
  KnownSubjectResult,
  MembershipDocument,
  ReadModels,
  StudentResultsDocument,
} from './read-model.model';

/**
 * Counts the read path's database round trips (the queries resolvers make), so tests can show a
 * class-wide read costs the same for any class size.
 */
export interface RoundTripCounter {
  count: number;
}

/** The only code that touches the conduct records and the read models. */
export class ConductRepository {
  constructor(
    private readonly records: ConductRecordModel,
    private readonly readModel: ReadModels,
    private readonly lock: WriteLock,
    readonly roundTrips: RoundTripCounter = { count: 0 },
  ) {}

  private trip<T>(work: Promise<T>): Promise<T> {
    this.roundTrips.count += 1;
    return work;
  }

  findRecord(studentId: string, schoolYear: string): Promise<ConductRecordDocument | null> {
    return this.records.findById(conductRecordId(studentId, schoolYear)).lean<ConductRecordDocument>().exec();
  }

  /** Every record of these students (any school year): one query whatever their number. */
  findRecordsOfStudents(studentIds: readonly string[]): Promise<ConductRecordDocument[]> {
    return this.trip(
      this.records
        .find({ studentId: { $in: [...studentIds] } })
        .lean<ConductRecordDocument[]>()
        .exec(),
    );
  }

  /** The records of these students in one school year, by _id (FerretDB v1 scans other filters). */
  findRecordsOfYear(studentIds: readonly string[], schoolYear: string): Promise<ConductRecordDocument[]> {
    return findByIds<ConductRecordDocument>(
      this.records,
      studentIds.map((id) => conductRecordId(id, schoolYear)),
    );
  }

  /**
   * Changes one student's record of one year with its events, creating the record when it does
   * not exist yet; serialised per record (FerretDB v1 updates are not atomic).
   */
  async changeRecord(
    key: { studentId: string; schoolId: string; schoolYear: string },
    change: (
      current: ConductRecordDocument | null,
    ) => { update: UpdateQuery<ConductRecordDocument>; events: OutboxEntry[] } | null,
  ): Promise<ConductRecordDocument | null> {
    const id = conductRecordId(key.studentId, key.schoolYear);
    return this.lock.run(documentLockKey(this.records.collection.name, id), async () => {
      const current = await this.records.findById(id).lean<ConductRecordDocument>().exec();
      const planned = change(current);
      if (!planned) return current;
      if (!current) {
        await this.records.create({
          _id: id,
          studentId: key.studentId,
          schoolId: key.schoolId,
          schoolYear: key.schoolYear,
          updatedAt: new Date(),
          ...newDocumentOutbox([]),
        });
      }
      const set = { ...((planned.update.$set as object) ?? {}), updatedAt: new Date() };
      return this.records
        .findOneAndUpdate({ _id: id }, withEvents({ ...planned.update, $set: set }, planned.events), {
          returnDocument: 'after',
        })
        .lean<ConductRecordDocument>()
        .exec();
    });
  }

  // Read models (written only by the event handlers).

  findClass(classId: string): Promise<KnownClassDocument | null> {
    return this.readModel.classes.findById(classId).lean<KnownClassDocument>().exec();
  }

  findClasses(classIds: readonly string[]): Promise<KnownClassDocument[]> {
    return this.trip(findByIds<KnownClassDocument>(this.readModel.classes, classIds));
  }

  findMembership(studentId: string, schoolYear: string): Promise<MembershipDocument | null> {
    return this.readModel.memberships
      .findById(`${studentId}:${schoolYear}`)
      .lean<MembershipDocument>()
      .exec();
  }

  findMemberships(studentIds: readonly string[]): Promise<MembershipDocument[]> {
    return this.trip(
      this.readModel.memberships
        .find({ studentId: { $in: [...studentIds] } })
        .lean<MembershipDocument[]>()
        .exec(),
    );
  }

  roster(classId: string): Promise<MembershipDocument[]> {
    return this.trip(
      this.readModel.memberships.find({ classId }).sort({ fullName: 1 }).lean<MembershipDocument[]>().exec(),
    );
  }

  /** The student's subject year results, by subject code order. */
  async subjectResults(
    studentId: string,
    schoolYear: string,
  ): Promise<Array<KnownSubjectResult & { subjectCode: string }>> {
    const document = await this.readModel.studentResults
      .findById(`${studentId}:${schoolYear}`)
      .lean<StudentResultsDocument>()
      .exec();
    return Object.entries(document?.subjects ?? {})
      .map(([subjectCode, result]) => ({ subjectCode, ...result }))
      .sort((a, b) => a.subjectCode.localeCompare(b.subjectCode));
  }

  async saveClass(value: KnownClassDocument): Promise<void> {
    await this.readModel.classes.replaceOne({ _id: value._id }, value, { upsert: true }).exec();
  }

  async setHomeroomTeacher(classId: string, homeroomTeacherId: string | null): Promise<void> {
    await this.readModel.classes.updateOne({ _id: classId }, { $set: { homeroomTeacherId } }).exec();
  }

  async saveMembership(value: MembershipDocument): Promise<void> {
    await this.readModel.memberships.replaceOne({ _id: value._id }, value, { upsert: true }).exec();
  }

  async leaveClass(studentId: string, schoolYear: string, classId: string): Promise<void> {
    await this.readModel.memberships
      .updateOne({ _id: `${studentId}:${schoolYear}`, classId }, { $set: { classId: null } })
      .exec();
  }

  async renameStudent(studentId: string, fullName: string): Promise<void> {
    await this.readModel.memberships.updateMany({ studentId }, { $set: { fullName } }).exec();
  }

  /** Only the consumer writes this document, one event of a student at a time (one key, one partition). */
  async saveSubjectResult(
    value: KnownSubjectResult & { studentId: string; schoolYear: string; subjectCode: string },
  ): Promise<void> {
    const { studentId, schoolYear, subjectCode, ...result } = value;
    await this.readModel.studentResults
      .updateOne(
        { _id: `${studentId}:${schoolYear}` },
        { $set: { studentId, schoolYear, [`subjects.${subjectCode}`]: result } },
        { upsert: true },
      )
      .exec();
  }
}
