import { locateErrors, parseGradebookWorkbook } from '../domain/gradebook-workbook';
import type { AcademicsDeps, Caller } from './deps';
import {
  authoriseGradebookWrite,
  writeGradebook,
  type GradebookKey,
  type RecordGradebookResult,
} from './record-gradebook';

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;

/**
 * Nhập sổ điểm từ Excel: the assigned teacher uploads the gradebook file (base64 .xlsx). It is
 * validated exactly like `recordGradebook` (the same rules, the same errors) with each error
 * pointing at its cell (e.g. D5); all or nothing.
 */
export async function importGradebook(
  deps: AcademicsDeps,
  caller: Caller,
  input: GradebookKey & { file: string },
): Promise<RecordGradebookResult> {
  const authorised = await authoriseGradebookWrite(deps, caller, input);
  if (Array.isArray(authorised))
    return { ok: false, errors: authorised, changedStudents: [], gradebook: null };
  const fileError = (message: string, cell: string | null = null) => ({
    ok: false,
    errors: [{ row: 0, studentId: null, column: 'file', cell, code: 'INVALID_WORKBOOK' as const, message }],
    changedStudents: [],
    gradebook: null,
  });
  const text = input.file.replace(/^data:[^,]*,/, '');
  if (!BASE64.test(text)) return fileError('Tệp gửi lên không phải dữ liệu base64 hợp lệ.');
  const parsed = await parseGradebookWorkbook(Buffer.from(text, 'base64'), authorised.rules, input);
  if (!parsed.ok) {
    const [problem] = parsed.problems;
    return fileError(problem?.message ?? 'Tệp Excel không hợp lệ.', problem?.cell ?? null);
  }
  const { workbook } = parsed;
  return writeGradebook(
    deps,
    caller,
    { ...input, rows: workbook.rows.map((r) => r.input) },
    authorised,
    (errors) => locateErrors(errors, workbook),
  );
}
