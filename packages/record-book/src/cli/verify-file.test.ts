import { recordBookOf } from '../record-book';
import { createTestSchool, signTestYear, type TestSchool } from '../testing';
import { describeVerification, verifyExportText, vietnamTime } from './verify-file';

let school: TestSchool;

beforeAll(async () => {
  school = await createTestSchool();
});

describe('verifyExportText', () => {
  it('verifies a plain record book (JSON), with a byte order mark', async () => {
    const book = recordBookOf('student-1', [await signTestYear({ school })]);
    const result = verifyExportText(`\uFEFF${JSON.stringify(book)}`, { trustedCas: [school.caPem] });
    expect(result.kind).toBe('RECORD_BOOK');
    expect(result.valid).toBe(true);
    const report = describeVerification(result, 'hoc-ba.json');
    expect(report).toContain('học bạ số dạng JSON');
    expect(report).toContain('Năm học 2025-2026, lớp 10A1, phiên bản 1: HỢP LỆ');
    expect(report).not.toContain('Bản xuất số');
  });

  it('reports a file that is neither JSON nor XML, or not a record book', () => {
    const garbage = verifyExportText('hello', { trustedCas: [school.caPem] });
    expect(garbage).toMatchObject({ kind: null, valid: false, problems: [{ code: 'FORMAT' }] });
    expect(describeVerification(garbage, 'x.txt')).toContain('KẾT LUẬN: KHÔNG HỢP LỆ');
    const other = verifyExportText('{"format":"other"}', { trustedCas: [school.caPem] });
    expect(other).toMatchObject({ kind: 'RECORD_BOOK', valid: false, problems: [{ code: 'FORMAT' }] });
  });

  it('writes times in Vietnam time (UTC+7)', () => {
    expect(vietnamTime('2026-06-19T17:05:00.000Z')).toBe('00:05 ngày 20/06/2026');
  });
});
