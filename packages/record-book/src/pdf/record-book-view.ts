import { SUBJECTS, subjectByCode } from '@hocbaso/assessment';
import type { Attestation } from '@hocbaso/events';
import type { RecordBook, SignedYear } from '../record-book';
import { yearPageOf, type PersonalPage, type SubjectPage, type YearPage } from '../year-page';
import {
  calendarDate,
  genderLabel,
  levelLabel,
  markLabel,
  outcomeLabel,
  relationshipLabel,
  titleLabel,
  vietnamDate,
  vietnamDateTime,
} from './labels';

/**
 * What the printed record book shows, every value already written as the page prints it: read
 * from the signed year pages only (what the approver signed), never from the services' data.
 */
export interface SignerView {
  name: string;
  /** dd/mm/yyyy HH:mm, Vietnam time. */
  signedAt: string;
}

export interface SubjectRowView {
  name: string;
  term1: string;
  term2: string;
  year: string;
  /** Điểm hoặc mức đánh giá lại (kiểm tra lại); '' when the subject was not re-assessed. */
  reassessment: string;
  teacher: SignerView | null;
}

export interface YearView {
  schoolYear: string;
  className: string;
  schoolName: string;
  recordVersion: number;
  subjects: SubjectRowView[];
  /** Miễn phần thực hành (Điều 10), one note per exempted subject. */
  exemptions: string[];
  conduct: { term1: string; term2: string; year: string };
  /** Kết quả rèn luyện trong kì nghỉ hè, when the student had summer re-training. */
  summerConduct: string | null;
  learningResult: string;
  absences: { total: number; excused: number; unexcused: number };
  outcome: string;
  awards: string[];
  discipline: string[];
  homeroomComment: string | null;
  homeroom: SignerView | null;
  approval: SignerView;
  seal: SignerView;
  /** The correction note of a year signed again after a correction (recordVersion > 1). */
  correction: string | null;
}

export interface PersonalView {
  fullName: string;
  personalId: string;
  dateOfBirth: string;
  gender: string;
  placeOfBirth: string;
  ethnicity: string;
  policyCategory: string;
  address: string;
  guardians: Array<{ relationship: string; fullName: string; occupation: string }>;
  /** The year page the personal page was read from. */
  source: { schoolYear: string; recordVersion: number };
}

export interface RecordBookView {
  fullName: string;
  schools: string[];
  personal: PersonalView;
  years: YearView[];
}

/** The book has nothing approved to print, or an option the copy needs is missing. */
export class RecordBookPdfError extends Error {
  readonly code = 'VALIDATION_FAILED';
}

/**
 * The version of each year to print: a correction signs the year again with a higher version,
 * and only the newest version is the record book (the older ones are superseded).
 */
export function currentYears(years: readonly SignedYear[]): SignedYear[] {
  const newest = new Map<string, SignedYear>();
  for (const year of years) {
    const key = `${year.schoolYear}|${year.school.id}`;
    const seen = newest.get(key);
    if (!seen || year.recordVersion > seen.recordVersion) newest.set(key, year);
  }
  return [...newest.values()].sort((a, b) =>
    a.schoolYear === b.schoolYear
      ? a.approval.signedAt.localeCompare(b.approval.signedAt)
      : a.schoolYear.localeCompare(b.schoolYear),
  );
}

const CATALOGUE_ORDER = new Map<string, number>(SUBJECTS.map((s, i) => [s.code, i]));
const catalogueIndex = (code: string) => CATALOGUE_ORDER.get(code) ?? SUBJECTS.length;

const EXEMPTION_PERIODS: Readonly<Record<string, string>> = {
  TERM_1: 'học kì I',
  TERM_2: 'học kì II',
  YEAR: 'cả năm học',
};

const subjectName = (code: string) => subjectByCode(code)?.name ?? code;

/** The attestation that vouches for a part of the page: the year's over a term's, the newest version. */
function vouching(attestations: readonly Attestation[]): SignerView | null {
  const forYear = (a: Attestation) => ('period' in a.unit && a.unit.period === 'YEAR' ? 1 : 0);
  const best = [...attestations]
    .sort(
      (a, b) =>
        forYear(a) - forYear(b) || a.recordVersion - b.recordVersion || a.signedAt.localeCompare(b.signedAt),
    )
    .at(-1);
  return best ? { name: best.signerName, signedAt: vietnamDateTime(best.signedAt) } : null;
}

function subjectRow(subject: SubjectPage, attestations: readonly Attestation[]): SubjectRowView {
  const signed = attestations.filter(
    (a) =>
      a.role === 'SUBJECT_TEACHER' && a.unit.unit === 'SUBJECT' && a.unit.subjectCode === subject.subjectCode,
  );
  return {
    name: subjectName(subject.subjectCode),
    term1: markLabel(subject.term1),
    term2: markLabel(subject.term2),
    year: markLabel(subject.year),
    reassessment: markLabel(subject.reassessment),
    teacher: vouching(signed),
  };
}

function awardsOf(page: YearPage): string[] {
  const lines = [
    ...(page.conduct.title ? [titleLabel(page.conduct.title)] : []),
    ...page.conduct.awards.map((a) => `${a.title} (${calendarDate(a.grantedOn)})`),
  ];
  // A title may also be recorded as an award of the same name; print it once.
  return lines.filter((line, i) => !lines.slice(0, i).some((prev) => line.startsWith(`${prev} (`)));
}

function yearView(year: SignedYear, page: YearPage): YearView {
  const subjects = [...page.subjects].sort(
    (a, b) => catalogueIndex(a.subjectCode) - catalogueIndex(b.subjectCode),
  );
  const homeroom = page.attestations.filter(
    (a) => a.role === 'HOMEROOM_TEACHER' && a.unit.unit === 'CLASS_CONDUCT',
  );
  const { conduct } = page;
  return {
    schoolYear: page.schoolYear,
    className: page.className,
    schoolName: year.school.name,
    recordVersion: page.recordVersion,
    subjects: subjects.map((s) => subjectRow(s, page.attestations)),
    exemptions: subjects.flatMap((s) =>
      s.exemption
        ? [
            `${subjectName(s.subjectCode)}: miễn phần thực hành ${EXEMPTION_PERIODS[s.exemption.period] ?? s.exemption.period}, đánh giá bằng phần lí thuyết (Điều 10).`,
          ]
        : [],
    ),
    conduct: {
      term1: levelLabel(conduct.conductTerm1),
      term2: levelLabel(conduct.conductTerm2),
      year: levelLabel(conduct.conductYear),
    },
    summerConduct: conduct.summerConduct === null ? null : levelLabel(conduct.summerConduct),
    learningResult: levelLabel(conduct.learningResult),
    absences: conduct.absences,
    outcome: outcomeLabel(conduct.outcome),
    awards: awardsOf(page),
    discipline: conduct.discipline.map(
      (d) => `${d.form}: ${d.reason} (quyết định ngày ${calendarDate(d.decidedOn)})`,
    ),
    homeroomComment: conduct.homeroomComment,
    homeroom: vouching(homeroom),
    approval: { name: year.approval.signerName, signedAt: vietnamDateTime(year.approval.signedAt) },
    seal: { name: year.school.name, signedAt: vietnamDateTime(year.seal.signedAt) },
    correction:
      page.recordVersion > 1
        ? `Học bạ năm học này đã được chỉnh sửa theo quyết định, phiên bản ${page.recordVersion}, phê duyệt lại ngày ${vietnamDate(year.approval.signedAt)}.`
        : null,
  };
}

function personalView(personal: PersonalPage, source: YearPage): PersonalView {
  return {
    fullName: personal.fullName,
    personalId: personal.personalId,
    dateOfBirth: calendarDate(personal.dateOfBirth),
    gender: genderLabel(personal.gender),
    placeOfBirth: personal.placeOfBirth,
    ethnicity: personal.ethnicity,
    policyCategory: personal.policyCategory ?? 'Không',
    address: personal.address,
    guardians: personal.guardians.map((g) => ({
      relationship: relationshipLabel(g.relationship),
      fullName: g.fullName,
      occupation: g.occupation ?? '',
    })),
    source: { schoolYear: source.schoolYear, recordVersion: source.recordVersion },
  };
}

/** The printed view of a record book. Throws RecordBookPdfError, or YearPageFormatError for a page it cannot read. */
export function recordBookView(book: RecordBook): RecordBookView {
  const years = currentYears(book.years).map((year) => ({ year, page: yearPageOf(year.approval) }));
  const newest = years.at(-1);
  if (!newest) throw new RecordBookPdfError('Học bạ chưa có năm học nào được phê duyệt để in.');
  const personal = personalView(newest.page.personal, newest.page);
  return {
    fullName: personal.fullName,
    schools: [...new Set(years.map(({ year }) => year.school.name))],
    personal,
    years: years.map(({ year, page }) => yearView(year, page)),
  };
}
