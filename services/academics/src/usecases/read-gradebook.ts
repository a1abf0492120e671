import { createHash, randomUUID } from 'node:crypto';
import { ACADEMICS_SOURCE, createEvent, gradebookExported } from '@hocbaso/events';
import { actorOf, toOutboxEntry, type Caller, type Principal } from '@hocbaso/service-kit';
import { canReadGradebook, canWriteGradebook } from '../domain/access';
import { exportGradebookWorkbook, normalizeHeader } from '../domain/gradebook-workbook';
import { termResult, type PeriodResult } from '../domain/subject-result';
import { subjectRules, type SubjectRules } from '../domain/subjects';
import { gradebookId, type ExemptionRecord, type TermEntry } from '../model/gradebook.model';
import { byVietnameseName, classInYear } from './class-facts';
import { loaderKey, type AcademicsLoaders } from './loaders';
import type { AcademicsDeps } from './deps';
import { termKey, type GradebookKey } from './record-gradebook';

/** One student's line of a class gradebook for one term (this class's marks only, not merged). */
export interface GradebookLine {
  studentId: string;
  fullName: string;
  /** Still in the class (false: left it, but has marks here). */
  inClass: boolean;
  entry: TermEntry | null;
  result: PeriodResult;
  exemption: ExemptionRecord | null;
}

export interface GradebookView extends GradebookKey {
  id: string;
  className: string;
  schoolId: string | null;
  grade: number | null;
  rules: SubjectRules;
  lines: GradebookLine[];
  updatedAt: Date | null;
  /** The caller is the assigned teacher. */
  editable: boolean;
}

/**
 * The class gradebook of one subject and term, as the caller may see it: null when the caller may
 * not read it (it looks absent), or when the class or subject is unknown. Students in the class
 * without marks yet have empty lines; students who left keep theirs when they have marks.
 */
export async function readGradebook(
  loaders: AcademicsLoaders,
  principal: Principal | null,
  key: GradebookKey,
): Promise<GradebookView | null> {
  const rules = subjectRules(key.subjectCode);
  if (!rules || !principal) return null;
  const id = gradebookId(key.classId, key.subjectCode, key.schoolYear);
  const [rosterClass, students, doc] = await Promise.all([
    loaders.rosterClass.load(key.classId),
    loaders.classMembers.load(key.classId),
    loaders.gradebook.load(id),
  ]);
  const cls = classInYear(key.classId, key.schoolYear, rosterClass, students);
  const facts = { ...cls, schoolId: cls.schoolId ?? doc?.schoolId ?? null };
  if (!cls.known && !doc) return null;
  if (!canReadGradebook(principal, facts, key.subjectCode, key.schoolYear)) return null;

  const names = new Map(cls.members.map((m) => [m._id, m.fullName]));
  const rows = new Map((doc?.rows ?? []).map((r) => [r.studentId, r]));
  const ids = new Set([...cls.current, ...rows.keys()]);
  const lines: GradebookLine[] = [...ids]
    .map((studentId) => {
      const row = rows.get(studentId);
      const entry = row?.[termKey(key.term)] ?? null;
      const exemption = row?.exemption && !row.exemption.cancelled ? row.exemption : null;
      return {
        studentId,
        fullName: names.get(studentId) ?? '',
        inClass: cls.current.has(studentId),
        entry,
        result: termResult(entry, rules.subject.kind, rules.regularCount),
        exemption,
      };
    })
    .sort((a, b) => byVietnameseName({ ...a, id: a.studentId }, { ...b, id: b.studentId }));
  return {
    ...key,
    id,
    className: cls.name,
    schoolId: facts.schoolId,
    grade: cls.grade ?? doc?.grade ?? null,
    rules,
    lines,
    updatedAt: doc?.updatedAt ?? null,
    editable: canWriteGradebook(principal, facts, key.subjectCode, key.schoolYear),
  };
}

/** The gradebooks of a class the caller may read (one term), in record-book order. */
export async function readClassGradebooks(
  loaders: AcademicsLoaders,
  principal: Principal | null,
  classId: string,
  schoolYear: string,
  term: GradebookKey['term'],
): Promise<GradebookView[]> {
  const books = await loaders.classGradebooks.load(loaderKey(schoolYear, classId));
  const views = await Promise.all(
    books.map((b) =>
      readGradebook(loaders, principal, { classId, subjectCode: b.subjectCode, schoolYear, term }),
    ),
  );
  return views.filter((v): v is GradebookView => v !== null);
}

export interface GradebookFile {
  filename: string;
  contentType: string;
  base64: string;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Xuất sổ điểm ra Excel: whoever may read the gradebook gets it as an .xlsx file. Each download is
 * logged with its event before the file leaves (who, which gradebook, the file's hash): a copy of
 * students' marks is attributable (R11).
 */
export async function exportGradebook(
  deps: Pick<AcademicsDeps, 'gradebookExports' | 'now'>,
  loaders: AcademicsLoaders,
  caller: Caller,
  key: GradebookKey,
): Promise<{ file: GradebookFile; buffer: Buffer } | null> {
  const principal = caller.principal;
  const view = await readGradebook(loaders, principal, key);
  if (!view) return null;
  const buffer = await exportGradebookWorkbook({
    ...key,
    rules: view.rules,
    className: view.className,
    rows: view.lines.map((line) => ({
      studentId: line.studentId,
      fullName: line.fullName,
      entry: line.entry,
      result: line.result,
    })),
  });
  await logGradebookExport(deps, caller, view, buffer);
  const slug = (text: string) => normalizeHeader(text).replace(/ /g, '-');
  const filename = `so-diem_${slug(view.className)}_${slug(view.rules.subject.name)}_${key.schoolYear}_${key.term === 'TERM_1' ? 'hk1' : 'hk2'}.xlsx`;
  return { file: { filename, contentType: XLSX_CONTENT_TYPE, base64: buffer.toString('base64') }, buffer };
}

async function logGradebookExport(
  deps: Pick<AcademicsDeps, 'gradebookExports' | 'now'>,
  caller: Caller,
  view: GradebookView,
  file: Buffer,
): Promise<void> {
  const exportId = randomUUID();
  const data = {
    exportId,
    schoolId: view.schoolId,
    classId: view.classId,
    subjectCode: view.subjectCode,
    schoolYear: view.schoolYear,
    term: view.term,
    students: view.lines.length,
    sha256: createHash('sha256').update(file).digest('hex'),
  };
  const event = createEvent(gradebookExported, {
    source: ACADEMICS_SOURCE,
    subject: `gradebook-exports/${exportId}`,
    key: view.classId,
    data: { ...data, actor: actorOf(caller) },
  });
  const { exportId: _id, ...fields } = data;
  await deps.gradebookExports.record(
    {
      _id,
      ...fields,
      exportedBy: caller.principal!.accountId,
      requestId: caller.requestId ?? null,
      exportedAt: deps.now(),
    },
    [toOutboxEntry(gradebookExported.topic, event)],
  );
}
