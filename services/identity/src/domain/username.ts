import { fieldProblem, type FieldProblem } from '@hocbaso/errors';

/** Usernames compare case-insensitively and in Unicode NFC, so "GV.An" and "gv.an" are one account. */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase();
}

export function checkUsername(username: string): FieldProblem | null {
  return /^[a-z0-9][a-z0-9._-]{2,63}$/.test(username)
    ? null
    : fieldProblem(
        'username',
        'VALIDATION_FAILED',
        'Tên đăng nhập gồm 3-64 ký tự: chữ không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.',
      );
}

/** Display names are stored NFC-normalised so that searching and sorting Vietnamese names is stable. */
export function normalizeDisplayName(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/g, ' ').trim();
}
