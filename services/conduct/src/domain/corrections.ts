/**
 * A correction of one student's conduct page (R8), applied on signatures' request once the
 * principal approved it, even though the page is locked. Pure: which fields, whether the values
 * obey the same rules as the homeroom teacher's entry, and the values afterwards.
 *
 * Fields: `conduct.term1`, `conduct.term2`, `conduct.summer` (a level TOT, KHA, DAT, CHUA_DAT, or
 * null to clear) and `conduct.homeroomComment` (text of at most HOMEROOM_COMMENT_MAX characters,
 * or null).
 */
import { isLevel, type Level } from '@hocbaso/assessment';
import type { ConductRecordDocument } from '../model/conduct-record.model';

/** The homeroom teacher's comment, at most this many characters (the same for entry and correction). */
export const HOMEROOM_COMMENT_MAX = 2000;

/**
 * Whether the summer re-training can be rated: the outcome asks for it, or it was rated already
 * (the rating then moves the outcome on).
 */
export function summerRetrainingOpen(
  record: Pick<ConductRecordDocument, 'standing' | 'summerConduct'> | null,
) {
  return record?.standing?.outcome === 'SUMMER_TRAINING' || record?.summerConduct != null;
}

/** A comment as stored: NFC, trimmed, empty as null. */
export function normalizeComment(comment: string): string | null {
  return comment.normalize('NFC').trim() || null;
}

type LevelField = 'conductTerm1' | 'conductTerm2' | 'summerConduct';
type CorrectableField = LevelField | 'homeroomComment';

const FIELDS: Record<string, CorrectableField> = {
  'conduct.term1': 'conductTerm1',
  'conduct.term2': 'conductTerm2',
  'conduct.summer': 'summerConduct',
  'conduct.homeroomComment': 'homeroomComment',
};

/** The period of `conductAssessed` a level field is assessed for. */
const PERIODS: Record<LevelField, 'TERM_1' | 'TERM_2' | 'SUMMER'> = {
  conductTerm1: 'TERM_1',
  conductTerm2: 'TERM_2',
  summerConduct: 'SUMMER',
};

const FIELD_HINT =
  'Các trường được sửa: conduct.term1, conduct.term2, conduct.summer, conduct.homeroomComment.';

export type CorrectionValue = number | string | null;

export interface CorrectedConductValue {
  field: string;
  before: string | null;
  after: string | null;
}

export type ConductCorrectionPlan =
  | {
      ok: true;
      /** The fields to set on the record. */
      set: Partial<Pick<ConductRecordDocument, CorrectableField>>;
      /** Every field, in the order asked, with its value before and after. */
      changes: CorrectedConductValue[];
      /** The ratings that changed to a level (a cleared rating has no assessment), in the order asked. */
      assessed: Array<{ period: 'TERM_1' | 'TERM_2' | 'SUMMER'; before: Level | null; after: Level }>;
    }
  | { ok: false; problems: Array<{ field: string; message: string }> };

/**
 * Validates the requested changes against the record as it is and returns what to set, or every
 * problem (by field). Nothing outside the named fields changes.
 */
export function planConductCorrection(
  record: Pick<
    ConductRecordDocument,
    'conductTerm1' | 'conductTerm2' | 'summerConduct' | 'homeroomComment' | 'standing'
  >,
  changes: ReadonlyArray<{ field: string; value: CorrectionValue }>,
): ConductCorrectionPlan {
  const problems: Array<{ field: string; message: string }> = [];
  const set: Partial<Pick<ConductRecordDocument, CorrectableField>> = {};
  const planned: Array<{ field: string; key: CorrectableField }> = [];
  for (const { field, value } of changes) {
    const key = FIELDS[field];
    if (!key) {
      problems.push({ field, message: `không phải trường rèn luyện có thể sửa. ${FIELD_HINT}` });
      continue;
    }
    if (planned.some((p) => p.field === field)) {
      problems.push({ field, message: 'trường này được sửa hai lần trong một đề nghị.' });
      continue;
    }
    planned.push({ field, key });
    if (key === 'homeroomComment') {
      if (value !== null && typeof value !== 'string') {
        problems.push({ field, message: 'nhận xét phải là văn bản (hoặc null để xoá).' });
        continue;
      }
      const comment = value === null ? null : normalizeComment(value);
      if (comment !== null && comment.length > HOMEROOM_COMMENT_MAX) {
        problems.push({ field, message: `nhận xét tối đa ${HOMEROOM_COMMENT_MAX} ký tự.` });
        continue;
      }
      set.homeroomComment = comment;
      continue;
    }
    const level = value === null ? null : typeof value === 'string' && isLevel(value) ? value : undefined;
    if (level === undefined) {
      problems.push({
        field,
        message: `mức rèn luyện (${String(value)}) không hợp lệ: chỉ có Tốt (TOT), Khá (KHA), Đạt (DAT), Chưa đạt (CHUA_DAT), hoặc null để xoá.`,
      });
      continue;
    }
    if (key === 'summerConduct' && level !== null && !summerRetrainingOpen(record)) {
      problems.push({ field, message: 'học sinh không thuộc diện rèn luyện trong kì nghỉ hè.' });
      continue;
    }
    set[key] = level;
  }
  if (problems.length) return { ok: false, problems };

  const assessed: Extract<ConductCorrectionPlan, { ok: true }>['assessed'] = [];
  const corrected = planned.map(({ field, key }): CorrectedConductValue => {
    const before = record[key] ?? null;
    const after = set[key] ?? null;
    if (key !== 'homeroomComment' && after !== null && after !== before)
      assessed.push({ period: PERIODS[key], before: before as Level | null, after: after as Level });
    return { field, before, after };
  });
  return { ok: true, set, changes: corrected, assessed };
}
