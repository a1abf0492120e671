import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory, and how to remove it. */
export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'hocbaso-signing-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Subject results of one class for the year, as a subject teacher signs them. */
export function subjectResultsSnapshot() {
  return {
    kind: 'SUBJECT_RESULTS',
    schoolId: 'thpt-nguyen-trai',
    schoolYear: '2025-2026',
    classId: '10A1',
    subjectCode: 'TOAN',
    period: 'YEAR',
    students: [
      { studentId: 'hs-0001', term1: { regular: [8, 7.5, 9, 8], midterm: 7.5, final: 8 }, yearAverage: 8.1 },
      { studentId: 'hs-0002', term1: { regular: [6, 6.5, 7, 5], midterm: 6, final: 6.5 }, yearAverage: 6.3 },
    ],
  };
}

export const at = (iso: string) => new Date(iso);
