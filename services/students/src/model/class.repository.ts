import { findByIds, newDocumentOutbox, type OutboxEntry, type WriteLock } from '@hocbaso/service-kit';
import type { ClassDocument, ClassModel, Grade } from './class.model';
import { modifyDocument, type DocumentChange, type Modified } from './modify';

export interface ClassListFilter {
  /** Required: a class list is always one school's. */
  schoolId: string;
  schoolYear: string;
  grade?: Grade;
}

/** The only code that touches the classes collection; every write goes through the write lock. */
export class ClassRepository {
  constructor(
    private readonly model: ClassModel,
    private readonly lock: WriteLock,
    private readonly now: () => Date = () => new Date(),
  ) {}

  findById(id: string): Promise<ClassDocument | null> {
    return this.model.findById(id).lean<ClassDocument>().exec();
  }

  /** One query for every class a response needs (the per-request DataLoader calls this). */
  findManyByIds(ids: readonly string[]): Promise<ClassDocument[]> {
    return findByIds<ClassDocument>(this.model, ids);
  }

  list(filter: ClassListFilter): Promise<ClassDocument[]> {
    const query: Record<string, unknown> = { schoolId: filter.schoolId, schoolYear: filter.schoolYear };
    if (filter.grade !== undefined) query.grade = filter.grade;
    return this.model.find(query).sort({ name: 1 }).lean<ClassDocument[]>().exec();
  }

  async existsForSchoolYear(schoolId: string, schoolYear: string): Promise<boolean> {
    return !!(await this.model.exists({ schoolId, schoolYear }));
  }

  /** Inserts the class with its events; a name already used in that school year raises code 11000. */
  async insert(
    schoolClass: Omit<ClassDocument, '_outbox' | '_outboxPending' | '_rev'>,
    events: OutboxEntry[],
  ) {
    await this.model.create({ ...schoolClass, ...newDocumentOutbox(events) });
  }

  modify(
    id: string,
    decide: (current: ClassDocument) => DocumentChange<ClassDocument> | null,
  ): Promise<Modified<ClassDocument> | null> {
    return modifyDocument(this.model, this.lock, id, decide, this.now);
  }
}
