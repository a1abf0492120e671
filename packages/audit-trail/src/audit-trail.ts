import { fieldProblem, validationFailed, type FieldProblem } from '@hocbaso/errors';
import type { CloudEvent } from '@hocbaso/events';
import { documentLockKey, type Logger, type WriteLock } from '@hocbaso/service-kit';
import type { Connection } from 'mongoose';
import { GENESIS_HASH, newAuditEntry, type AuditEntry } from './audit-entry';
import { chainHeadModel, recordedEventModel, subjectHeadModel } from './model/audit-bookkeeping.model';
import {
  ChainHeadRepository,
  RecordedEventRepository,
  SubjectHeadRepository,
} from './model/audit-bookkeeping.repository';
import { auditEntryModel } from './model/audit-entry.model';
import { AuditEntryRepository, type AuditEntryFilter } from './model/audit-entry.repository';
import { verifyAuditChain, type AuditChainHead, type AuditVerification } from './verify-audit-chain';

export const MAX_AUDIT_PAGE = 200;

export interface AuditQuery extends Omit<AuditEntryFilter, 'afterSeq' | 'beforeSeq'> {
  /** Oldest first, the entries after this seq (0: from the beginning); the next page starts after the last one. */
  afterSeq?: number;
  /** Without `afterSeq`: newest first, the entries before this seq (the last one of the previous page). */
  beforeSeq?: number;
  /** 1 to MAX_AUDIT_PAGE. */
  limit: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** More entries match beyond this page, in the same order. */
  hasMore: boolean;
}

export interface AuditTrailOptions {
  /** The service's write lock: appends are serialised under one key of it. */
  writeLock: WriteLock;
  logger?: Logger;
  clock?: () => Date;
}

/** Every append takes this key: the chain is one sequence, so it is the unit of write. */
const APPEND_LOCK_KEY = documentLockKey('audit_trail', 'append');

/**
 * The append-only, hash-chained audit trail (R2, R11, R13) in the caller's own database:
 * collections `audit_trail` (the entries), `audit_heads`, `audit_event_ids` and `audit_chain`
 * (bookkeeping, see audit-bookkeeping.model.ts). One instance per database, in one process
 * (appends are serialised in process with the WriteLock, as every writer on FerretDB v1, ADR 0004).
 * The models are registered on the connection when constructed, so the service's
 * `syncIndexes(connection)` creates their collections and indexes.
 */
export class AuditTrail {
  private readonly entries: AuditEntryRepository;
  private readonly subjectHeads: SubjectHeadRepository;
  private readonly recordedEvents: RecordedEventRepository;
  private readonly chainHead: ChainHeadRepository;
  private readonly clock: () => Date;
  /** The last complete append; undefined until read from the store, and again after a failed append. */
  private head: AuditChainHead | undefined;

  constructor(
    connection: Connection,
    private readonly options: AuditTrailOptions,
  ) {
    this.entries = new AuditEntryRepository(auditEntryModel(connection));
    this.subjectHeads = new SubjectHeadRepository(subjectHeadModel(connection));
    this.recordedEvents = new RecordedEventRepository(recordedEventModel(connection));
    this.chainHead = new ChainHeadRepository(chainHeadModel(connection));
    this.clock = options.clock ?? (() => new Date());
  }

  /**
   * Appends the change an event records, with the roles its account held. Returns the new entry,
   * or null when this event id is already in the trail (a redelivery appends nothing).
   */
  append(event: CloudEvent, roles: readonly string[]): Promise<AuditEntry | null> {
    return this.options.writeLock.run(APPEND_LOCK_KEY, async () => {
      try {
        const head = (this.head ??= await this.recover());
        if ((await this.recordedEvents.seqOf(event.id)) !== null) return null;
        const subjectHead = await this.subjectHeads.find(event.subject);
        const entry = newAuditEntry({
          event,
          roles,
          seq: head.seq + 1,
          prevHash: head.hash,
          before: subjectHead?.after ?? null,
          recordedAt: this.clock(),
        });
        // The entry first, then its bookkeeping: a crash in between leaves an entry that the
        // next start completes (recover), never bookkeeping that points at no entry.
        await this.entries.insert(entry);
        await this.settle(entry);
        this.head = { seq: entry.seq, hash: entry.hash };
        return entry;
      } catch (error) {
        // What was written is unknown: the next append re-reads the store first.
        this.head = undefined;
        throw error;
      }
    });
  }

  /** Verifies the whole chain, streamed in seq order; names the first broken entry. */
  async verify(): Promise<AuditVerification> {
    // The head before the entries: an append during the scan only adds entries after it.
    const head = await this.chainHead.find();
    return verifyAuditChain(this.entries.stream(), { head });
  }

  /** One page of the trail for inspectors, newest first, or oldest first after `afterSeq`. */
  async query(query: AuditQuery): Promise<AuditPage> {
    const problems = queryProblems(query);
    if (problems.length > 0) throw validationFailed(problems);
    const { limit, ...filter } = query;
    // One more than asked tells whether another page follows.
    const found = await this.entries.find(filter, query.afterSeq !== undefined, limit + 1);
    return { entries: found.slice(0, limit), hasMore: found.length > limit };
  }

  /**
   * Where the chain stands, from the store: the recorded head, completed with any entries appended
   * after it whose bookkeeping was cut short. Numbering continues after the larger of the head and
   * the last entry, so a number is never reused, even when the last entries were deleted.
   */
  private async recover(): Promise<AuditChainHead> {
    let head = (await this.chainHead.find()) ?? { seq: 0, hash: GENESIS_HASH };
    const last = await this.entries.last();
    if (last && last.seq > head.seq) {
      for await (const entry of this.entries.stream(head.seq)) {
        await this.settle(entry);
        head = { seq: entry.seq, hash: entry.hash };
      }
      this.options.logger?.info(
        { seq: head.seq },
        'audit trail: completed the bookkeeping of the last entries',
      );
    } else if ((last?.seq ?? 0) < head.seq) {
      this.options.logger?.warn(
        { lastEntry: last?.seq ?? 0, head: head.seq },
        'audit trail ends before its recorded head: entries were removed; numbering continues after the head',
      );
    }
    return head;
  }

  /** The bookkeeping of an appended entry; the chain head last, as it marks the append complete. */
  private async settle(entry: AuditEntry): Promise<void> {
    await this.recordedEvents.remember(entry.eventId, entry.seq);
    await this.subjectHeads.advance(entry.subject, entry.seq, entry.after);
    await this.chainHead.advance({ seq: entry.seq, hash: entry.hash }, this.clock());
  }
}

function queryProblems(query: AuditQuery): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_AUDIT_PAGE)
    problems.push(
      fieldProblem('limit', 'VALIDATION_FAILED', `Mỗi trang có từ 1 đến ${MAX_AUDIT_PAGE} bản ghi nhật ký.`),
    );
  for (const field of ['afterSeq', 'beforeSeq'] as const) {
    const seq = query[field];
    if (seq !== undefined && (!Number.isInteger(seq) || seq < 0))
      problems.push(
        fieldProblem(field, 'VALIDATION_FAILED', 'Số thứ tự bản ghi nhật ký phải là số nguyên không âm.'),
      );
  }
  for (const field of ['from', 'to'] as const) {
    const time = query[field];
    if (time !== undefined && Number.isNaN(time.getTime()))
      problems.push(fieldProblem(field, 'VALIDATION_FAILED', 'Thời điểm không hợp lệ.'));
  }
  return problems;
}
