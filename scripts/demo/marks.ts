/**
 * Deterministic demo marks and conduct: each student of a class gets a profile by position, so
 * that the demo exercises every outcome (excellent, good, fair, average, summer re-assessment,
 * summer re-training, retained for absences).
 */
import { regularAssessmentCount, subjectByCode, type Level } from '@hocbaso/assessment';

export type Profile = 'EXCELLENT' | 'GOOD' | 'FAIR' | 'AVERAGE' | 'WEAK' | 'POOR_CONDUCT' | 'ABSENT';

export function profileOf(index: number): Profile {
  const slot = index % 40;
  if (slot < 2) return 'EXCELLENT';
  if (slot < 12) return 'GOOD';
  if (slot < 28) return 'FAIR';
  if (slot < 36) return 'AVERAGE';
  if (slot < 38) return 'WEAK';
  if (slot < 39) return 'POOR_CONDUCT';
  return 'ABSENT';
}

const BASE: Record<Profile, number> = {
  EXCELLENT: 94,
  GOOD: 84,
  FAIR: 72,
  AVERAGE: 58,
  WEAK: 56,
  POOR_CONDUCT: 70,
  ABSENT: 65,
};

/** A mark in tenths around the profile's base, varied by student, subject and column; WEAK fails two subjects. */
function mark(profile: Profile, student: number, subjectCode: string, column: number): number {
  let hash = 17;
  for (const char of `${student}/${subjectCode}/${column}`) hash = (hash * 31 + char.charCodeAt(0)) % 9973;
  let tenths = BASE[profile] + (hash % 13) - 6;
  if (profile === 'WEAK' && (subjectCode === 'TOAN' || subjectCode === 'HOA_HOC')) tenths = 20 + (hash % 10);
  if (profile === 'EXCELLENT' && tenths < 90) tenths = 90 + (hash % 8);
  return Math.max(0, Math.min(100, tenths)) / 10;
}

export interface ScoredRow {
  studentId: string;
  regular: number[];
  midterm: number;
  final: number;
}

export interface CommentRow {
  studentId: string;
  regularResults: Array<'DAT' | 'CHUA_DAT'>;
  midtermResult: 'DAT';
  finalResult: 'DAT';
}

export function gradebookRows(
  subjectCode: string,
  term: 1 | 2,
  students: Array<{ id: string; index: number }>,
): Array<ScoredRow | CommentRow> {
  const subject = subjectByCode(subjectCode);
  if (!subject) throw new Error(`unknown subject ${subjectCode}`);
  const count = regularAssessmentCount(subject.periodsPerYear, subject.kind);
  return students.map(({ id, index }) => {
    const profile = profileOf(index);
    if (subject.kind === 'COMMENT') {
      return {
        studentId: id,
        regularResults: Array.from({ length: count }, () => 'DAT' as const),
        midtermResult: 'DAT',
        finalResult: 'DAT',
      };
    }
    const column = (c: number) => mark(profile, index, subjectCode, term * 10 + c);
    return {
      studentId: id,
      regular: Array.from({ length: count }, (_, c) => column(c)),
      midterm: column(7),
      final: column(8),
    };
  });
}

export function conductOf(index: number, term: 1 | 2): Level {
  const profile = profileOf(index);
  if (profile === 'POOR_CONDUCT') return term === 1 ? 'DAT' : 'CHUA_DAT';
  if (profile === 'EXCELLENT' || profile === 'GOOD') return 'TOT';
  return index % 3 === 0 ? 'KHA' : 'TOT';
}

/** Sessions absent: most students a few, the ABSENT profile 46 (more than the 45 allowed). */
export function absencesOf(index: number): number {
  return profileOf(index) === 'ABSENT' ? 46 : index % 4;
}
