import {
  CLASS_SUBJECTS_PART,
  classDocuments,
  classParts,
  classSizes,
  classSubjects,
  DATASETS,
  groupMarker,
  planSchool,
  stableId,
} from './province';

const AT = new Date('2026-05-30T00:00:00Z');

describe('the province generator', () => {
  it('splits a school of 1,200 into grades 10-12 of 400, in classes of at most 45', () => {
    const school = planSchool(DATASETS.province, 'school-1', 0, { next: 0 });
    for (const grade of [10, 11, 12]) {
      const classes = school.classes.filter((c) => c.grade === grade);
      expect(classes.reduce((sum, c) => sum + c.students.length, 0)).toBe(400);
      // 400 / 45 needs 9 classes: 4 of 45 and 5 of 44.
      expect(classes.map((c) => c.students.length).sort()).toEqual([44, 44, 44, 44, 44, 45, 45, 45, 45]);
    }
    expect(school.classes).toHaveLength(27);
    expect(classSizes(10, 45)).toEqual([10]);
  });

  it('gives the province 100 schools over 10 districts, about 120,000 students', () => {
    const spec = DATASETS.province;
    expect(spec.schools * spec.studentsPerSchool).toBe(120_000);
    const serial = { next: 0 };
    const districts = new Set(
      Array.from({ length: spec.schools }, (_, n) => planSchool(spec, `s${n}`, n, serial).districtCode),
    );
    expect(districts.size).toBe(10);
    expect(serial.next).toBe(120_000);
    // The small size is its own province, with its own districts.
    expect(DATASETS.small.provinceCode).not.toBe(spec.provinceCode);
    expect(DATASETS.small.districtCodes.some((d) => spec.districtCodes.includes(d))).toBe(false);
  });

  it('gives every student a distinct id and a distinct 12-digit personal id', () => {
    const serial = { next: 0 };
    const students = [0, 1].flatMap((n) =>
      planSchool(DATASETS.small, `s${n}`, n, serial).classes.flatMap((c) => c.students),
    );
    expect(new Set(students.map((s) => s.id)).size).toBe(students.length);
    expect(new Set(students.map((s) => s.personalId)).size).toBe(students.length);
    expect(students.every((s) => /^\d{12}$/.test(s.personalId))).toBe(true);
    expect(stableId('a')).toBe(stableId('a'));
    expect(stableId('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('has each class take the eight compulsory subjects and four electives', () => {
    const subjects = classSubjects(3);
    expect(subjects).toHaveLength(12);
    expect(subjects).toEqual(expect.arrayContaining(['NGU_VAN', 'TOAN', 'NGOAI_NGU_1', 'GD_THE_CHAT']));
    expect(new Set(subjects).size).toBe(12);
  });

  describe('the documents of a class', () => {
    const planned = planSchool(DATASETS.small, 'school-1', 0, { next: 0 }).classes[0]!;
    const docs = classDocuments(DATASETS.small, planned, AT);
    const size = planned.students.length;

    it('has one of each per student and per class, in every service', () => {
      expect(docs.students.students).toHaveLength(size);
      expect(docs.students.classes).toHaveLength(1);
      expect(docs.academics.roster_students).toHaveLength(size);
      expect(docs.academics.roster_class_members).toEqual([
        { _id: planned.id, studentIds: planned.students.map((s) => s.id), updatedAt: AT },
      ]);
      expect(docs.academics.gradebooks).toHaveLength(12);
      expect(docs.conduct.conduct_records).toHaveLength(size);
      expect(docs.conduct.rm_memberships).toHaveLength(size);
      expect(docs.archive.outcomes).toHaveLength(size);
      expect(docs.signatures.rm_classes).toEqual([
        expect.objectContaining({ _id: planned.id, members: planned.students.map((s) => s.id) }),
      ]);
    });

    it('fills both terms of every gradebook with marks 0-10 in tenths, or ĐẠT / CHƯA ĐẠT', () => {
      for (const book of docs.academics.gradebooks) {
        expect(book._id).toBe(`2025-2026/${planned.id}/${book.subjectCode}`);
        expect(book.rows).toHaveLength(size);
        expect(book).toMatchObject({ _outbox: [], _outboxPending: false, grade: planned.grade });
        for (const row of book.rows) {
          for (const entry of [row.term1!, row.term2!]) {
            expect(entry.regular).toHaveLength(book.regularCount);
            for (const mark of [...entry.regular, entry.midterm, entry.final]) {
              if (book.kind === 'SCORE') {
                expect(typeof mark).toBe('number');
                expect(mark as number).toBeGreaterThanOrEqual(0);
                expect(mark as number).toBeLessThanOrEqual(10);
                expect(Math.round((mark as number) * 10)).toBeCloseTo((mark as number) * 10, 6);
              } else expect(['DAT', 'CHUA_DAT']).toContain(mark);
            }
          }
        }
      }
    });

    it('gives every student conduct for both terms, their absences and a decided year outcome', () => {
      const records = docs.conduct.conduct_records as Array<{
        conductTerm1: string;
        conductTerm2: string;
        absences: unknown[];
        standing: { outcome: string | null; learning: string | null };
      }>;
      for (const record of records) {
        expect(['TOT', 'KHA', 'DAT', 'CHUA_DAT']).toContain(record.conductTerm1);
        expect(['TOT', 'KHA', 'DAT', 'CHUA_DAT']).toContain(record.conductTerm2);
        expect(record.standing.learning).not.toBeNull();
        expect(record.standing.outcome).not.toBeNull();
      }
      // The demo profiles: position 39 of 40 misses 46 sessions (more than the 45 allowed).
      const absent = records[39];
      if (absent) expect(absent.absences).toHaveLength(46);
      expect(new Set(records.map((r) => r.standing.outcome)).size).toBeGreaterThan(1);
    });
  });

  it('marks parts as each service names them, shaped as the statistics store writes them', () => {
    const planned = planSchool(DATASETS.small, 'school-1', 0, { next: 0 }).classes[0]!;
    const parts = classParts(DATASETS.small, planned);
    const size = planned.students.length;
    expect(parts.students).toHaveLength(size);
    expect(parts.conduct).toHaveLength(size);
    expect(parts.archive).toHaveLength(size);
    expect(parts.academics).toEqual([
      { schoolId: 'school-1', schoolYear: '2025-2026', group: planned.id, part: planned.id },
    ]);
    expect(parts.signatures).toHaveLength(size + 1);
    expect(groupMarker(parts.signatures, AT)).toEqual({
      _id: `school-1|2025-2026|${planned.id}`,
      schoolId: 'school-1',
      schoolYear: '2025-2026',
      group: planned.id,
      parts: [
        { part: CLASS_SUBJECTS_PART, gen: 1 },
        ...planned.students.map((s) => ({ part: s.id, gen: 1 })),
      ],
      markedAt: AT,
    });
  });
});
