import {
  documentLockKey,
  findByIds,
  newDocumentOutbox,
  type OutboxEntry,
  withEvents,
  type WriteLock,
} from '@hocbaso/service-kit';
import type {
  CorrectionRecord,
  GradebookDocument,
  GradebookModel,
  GradebookRow,
  NewGradebook,
} from './gradebook.model';
import type { RoundTripCounter } from './round-trips';

/** What a gradebook change writes: the whole new list of rows, and its events. */
export interface GradebookChange {
  /** The gradebook to create when there is none yet (ignored otherwise). */
  create: Omit<NewGradebook, 'rows' | '_id'>;
  rows: GradebookRow[];
  events: OutboxEntry[];
  /** The whole new list of corrections, when a correction is applied (otherwise kept as it is). */
  corrections?: CorrectionRecord[];
}

/**
 * The only code that touches the gradebooks collection.
 *
 * Every write goes through `change`, which holds two locks of the service's WriteLock: one per
 * subject and school year (so that a change reading a student's rows in other classes' gradebooks
 * of the same subject, to publish the merged result, sees no concurrent change of them), then the
 * document's own lock, which the outbox relay takes too (FerretDB v1 updates are not atomic).
 * Callers run `change` inside the record-lock registry's `write` (the outermost gate), which
 * shows them the locks in force and keeps a lock from being applied while they write.
 */
export class GradebookRepository {
  constructor(
    private readonly model: GradebookModel,
    private readonly lock: WriteLock,
    private readonly roundTrips: RoundTripCounter,
  ) {}

  findById(id: string): Promise<GradebookDocument | null> {
    this.roundTrips.count('gradebooks.findById');
    return this.model.findById(id).lean<GradebookDocument>().exec();
  }

  findManyByIds(ids: readonly string[]): Promise<GradebookDocument[]> {
    this.roundTrips.count('gradebooks.findManyByIds');
    return findByIds<GradebookDocument>(this.model, ids);
  }

  /** Every gradebook of these classes (of one school year when given). */
  findByClasses(classIds: readonly string[], schoolYear?: string): Promise<GradebookDocument[]> {
    this.roundTrips.count('gradebooks.findByClasses');
    return this.model
      .find({ classId: { $in: [...classIds] }, ...(schoolYear ? { schoolYear } : {}) })
      .lean<GradebookDocument[]>()
      .exec();
  }

  /** The gradebooks of one school year holding a row of any of these students (of one subject when given). */
  findForStudents(
    schoolYear: string,
    studentIds: readonly string[],
    subjectCode?: string,
  ): Promise<GradebookDocument[]> {
    this.roundTrips.count('gradebooks.findForStudents');
    return this.model
      .find({
        'rows.studentId': { $in: [...studentIds] },
        schoolYear,
        ...(subjectCode ? { subjectCode } : {}),
      })
      .lean<GradebookDocument[]>()
      .exec();
  }

  /**
   * Reads the gradebook, lets `work` decide the change (null: nothing to change), and writes it with
   * its events in one document write. Returns the gradebook as it is afterwards (null if none).
   */
  change(
    key: { id: string; subjectCode: string; schoolYear: string },
    work: (current: GradebookDocument | null) => Promise<GradebookChange | null>,
  ): Promise<GradebookDocument | null> {
    const subjectLock = `gradebooks-subject:${key.schoolYear}:${key.subjectCode}`;
    return this.lock.run(subjectLock, () =>
      this.lock.run(documentLockKey(this.model.collection.name, key.id), async () => {
        const current = await this.findById(key.id);
        const change = await work(current);
        if (!change) return current;
        const now = new Date();
        if (!current) {
          const created: NewGradebook = {
            ...change.create,
            _id: key.id,
            rows: change.rows,
            ...(change.corrections ? { corrections: change.corrections } : {}),
            updatedAt: now,
          };
          this.roundTrips.count('gradebooks.insert');
          const document = { ...created, ...newDocumentOutbox(change.events) };
          await this.model.create(document);
          return document;
        }
        this.roundTrips.count('gradebooks.update');
        return this.model
          .findOneAndUpdate(
            { _id: key.id },
            withEvents<GradebookDocument>(
              {
                $set: {
                  rows: change.rows,
                  ...(change.corrections ? { corrections: change.corrections } : {}),
                  updatedAt: now,
                },
              },
              change.events,
            ),
            { returnDocument: 'after' },
          )
          .lean<GradebookDocument>()
          .exec();
      }),
    );
  }
}
