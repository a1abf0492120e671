import { auditEntryHash, GENESIS_HASH, type AuditEntry } from './audit-entry';

/**
 * Why the chain breaks at an entry.
 * - ALTERED: the entry's content no longer gives its stored hash (changed in place).
 * - MISSING_BEFORE: entries before this one were removed (its seq skips numbers).
 * - CHAIN_MISMATCH: the entry is intact but does not link to the one before it: the previous entry
 *   was changed and its hash recomputed, or replaced, or entries repeat or run out of order; also
 *   an entry that differs from the chain head recorded when it was appended.
 * - TRUNCATED: the last entries were removed: the chain ends before the recorded head. `seq` is
 *   the first missing number and `eventId` is null.
 */
export type AuditBreakReason = 'ALTERED' | 'MISSING_BEFORE' | 'CHAIN_MISMATCH' | 'TRUNCATED';

export interface AuditBreak {
  seq: number;
  eventId: string | null;
  reason: AuditBreakReason;
  /** For the inspector, in Vietnamese. */
  message: string;
  /** The removed numbers (MISSING_BEFORE, TRUNCATED), inclusive. */
  missing: { from: number; to: number } | null;
}

export interface AuditVerification {
  intact: boolean;
  /** Entries read, the broken one included (verification stops at the first break). */
  checked: number;
  firstBroken: AuditBreak | null;
  /** Hash of the last entry that verified; GENESIS_HASH when none did. For an intact chain: its head. */
  lastHash: string;
}

/** The chain head recorded at each append, a second witness of how far the chain went. */
export interface AuditChainHead {
  seq: number;
  hash: string;
}

/**
 * Verifies a chain read in seq order: seq runs 1, 2, 3, ... without gaps, each entry's hash
 * recomputes from its content, and each `prevHash` equals the previous entry's hash (GENESIS_HASH
 * for entry 1). With a recorded `head`, the chain must also reach it and agree with its hash.
 * Reports exactly the first entry that breaks a rule; reads nothing after it.
 */
export async function verifyAuditChain(
  entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>,
  options: { head?: AuditChainHead | null } = {},
): Promise<AuditVerification> {
  const head = options.head ?? null;
  let checked = 0;
  let lastSeq = 0;
  let lastHash = GENESIS_HASH;
  const broken = (firstBroken: AuditBreak): AuditVerification => ({
    intact: false,
    checked,
    firstBroken,
    lastHash,
  });

  for await (const entry of entries) {
    checked++;
    const seq = entry.seq;
    const expected = lastSeq + 1;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < expected) {
      return broken({
        seq: typeof seq === 'number' ? seq : Number.NaN,
        eventId: entry.eventId ?? null,
        reason: 'CHAIN_MISMATCH',
        message: `Bản ghi nhật ký số ${String(seq)} lặp lại hoặc sai thứ tự: bản ghi tiếp theo phải là số ${expected}.`,
        missing: null,
      });
    }
    if (seq > expected) {
      const missing = { from: expected, to: seq - 1 };
      return broken({
        seq,
        eventId: entry.eventId,
        reason: 'MISSING_BEFORE',
        message: `Thiếu bản ghi nhật ký ${range(missing)} trước bản ghi số ${seq}: đã bị xóa.`,
        missing,
      });
    }
    if (!hashRecomputes(entry)) {
      return broken({
        seq,
        eventId: entry.eventId,
        reason: 'ALTERED',
        message: `Bản ghi nhật ký số ${seq} đã bị sửa: nội dung không còn khớp với mã băm đã lưu.`,
        missing: null,
      });
    }
    if (entry.prevHash !== lastHash) {
      return broken({
        seq,
        eventId: entry.eventId,
        reason: 'CHAIN_MISMATCH',
        message: `Bản ghi nhật ký số ${seq} không nối với bản ghi số ${seq - 1}: bản ghi số ${seq - 1} đã bị sửa rồi tính lại mã băm, hoặc bị thay thế.`,
        missing: null,
      });
    }
    if (head && seq === head.seq && entry.hash !== head.hash) {
      return broken({
        seq,
        eventId: entry.eventId,
        reason: 'CHAIN_MISMATCH',
        message: `Bản ghi nhật ký số ${seq} khác với đầu chuỗi đã ghi nhận: các bản ghi đến số ${seq} đã bị viết lại.`,
        missing: null,
      });
    }
    lastSeq = seq;
    lastHash = entry.hash;
  }

  if (head && lastSeq < head.seq) {
    const missing = { from: lastSeq + 1, to: head.seq };
    return broken({
      seq: missing.from,
      eventId: null,
      reason: 'TRUNCATED',
      message: `Thiếu bản ghi nhật ký ${range(missing)} ở cuối chuỗi: đã bị xóa.`,
      missing,
    });
  }
  return { intact: true, checked, firstBroken: null, lastHash };
}

/** A stored entry may have been changed into anything: a content that cannot be hashed is altered. */
function hashRecomputes(entry: AuditEntry): boolean {
  try {
    return auditEntryHash(entry) === entry.hash;
  } catch {
    return false;
  }
}

function range({ from, to }: { from: number; to: number }): string {
  return from === to ? `số ${from}` : `từ số ${from} đến số ${to}`;
}
