import { randomUUID } from 'node:crypto';
import type { ClassDocument } from '../src/model/class.model';
import type { StudentDocument } from '../src/model/student.model';
import { demoSchoolYear, seedDemoStudents, type DemoStudents } from '../src/seed/demo-data';
import { StudentsHarness } from './harness';

jest.setTimeout(180_000);

describe('demo students loaded into the service (seedDemoStudents)', () => {
  let harness: StudentsHarness;
  const schoolId = `demo-${randomUUID()}`;
  const homeroomTeachers = { '10A1': randomUUID(), '12A2': randomUUID() };
  let seeded: DemoStudents;
  let students: StudentDocument[];
  let classes: ClassDocument[];

  beforeAll(async () => {
    harness = await StudentsHarness.start('students_seed');
    seeded = await seedDemoStudents(harness.deps, { schoolId, schoolYear: '2025-2026', homeroomTeachers });
    students = await harness.db.collection<StudentDocument>('students').find({ schoolId }).toArray();
    classes = await harness.db.collection<ClassDocument>('classes').find({ schoolId }).toArray();
  });
  afterAll(() => harness?.close());

  it('stores the generated year: six classes of forty, and returns their ids', () => {
    expect(seeded.created).toBe(true);
    expect(Object.keys(seeded.classIds).sort()).toEqual(['10A1', '10A2', '11A1', '11A2', '12A1', '12A2']);
    expect(seeded.studentIds).toHaveLength(240);
    expect(new Set(seeded.studentIds).size).toBe(240);
    for (const c of classes) {
      expect(seeded.classIds[c.name]).toBe(c._id);
      expect(students.filter((s) => s.classId === c._id)).toHaveLength(40);
    }
    const generated = demoSchoolYear(schoolId, '2025-2026').flatMap((c) =>
      c.students.map((s) => s.personalId),
    );
    expect(students.map((s) => s.personalId).sort()).toEqual(generated.sort());
    expect(students.every((s) => s.status === 'STUDYING' && s.enrolments.length === 1)).toBe(true);
  });

  it('sets the given homeroom teachers', () => {
    const byName = new Map(classes.map((c) => [c.name, c.homeroomTeacherId]));
    expect(byName.get('10A1')).toBe(homeroomTeachers['10A1']);
    expect(byName.get('12A2')).toBe(homeroomTeachers['12A2']);
    expect(byName.get('11A1')).toBeNull();
  });

  it('is idempotent: a second run creates nothing and returns the same ids', async () => {
    const again = await seedDemoStudents(harness.deps, { schoolId, schoolYear: '2025-2026' });
    expect(again.created).toBe(false);
    expect(again.classIds).toEqual(seeded.classIds);
    expect([...again.studentIds].sort()).toEqual([...seeded.studentIds].sort());
    expect(await harness.db.collection('students').countDocuments({ schoolId })).toBe(240);
    expect(await harness.db.collection('classes').countDocuments({ schoolId })).toBe(6);
  });
});
