import { eventually } from '@hocbaso/testkit';
import { setStoreProfile, WriteLock } from '@hocbaso/service-kit';
import { classMembersModel } from '../src/model/class-members.model';
import { ClassMembersRepository } from '../src/model/class-members.repository';
import { rosterClassModel, rosterStudentModel } from '../src/model/roster.model';
import { RosterRepository } from '../src/model/roster.repository';
import { RoundTripCounter } from '../src/model/round-trips';
import { AcademicsHarness, type TestClass } from './harness';

jest.setTimeout(120_000);

/**
 * Who is or was in a class: by the roster's own filter where the store indexes it (MongoDB), by
 * the classes' member lists and reads by _id on FerretDB v1. Both must name the same students.
 */
describe('class members', () => {
  let harness: AcademicsHarness;
  let first: TestClass;
  let second: TestClass;
  let moved: TestClass['students'][number];

  beforeAll(async () => {
    harness = await AcademicsHarness.start('academics_class_members');
    first = await harness.createClass(12);
    second = await harness.createClass(7, { schoolId: first.schoolId });
    moved = first.students[3]!;
    await harness.moveStudent(moved.studentId, moved.fullName, first, second, '2025-11-03');
    await eventually(async () => {
      const list = await harness.db
        .collection('roster_class_members')
        .findOne({ _id: second.classId as never });
      return ((list?.studentIds ?? []) as string[]).includes(moved.studentId);
    }, 30_000);
  });
  afterAll(() => harness?.close());

  const roster = () =>
    new RosterRepository(
      rosterClassModel(harness.db),
      rosterStudentModel(harness.db),
      classMembersModel(harness.db),
      new WriteLock(),
      new RoundTripCounter(),
    );
  const idsOf = (students: { _id: string }[]) => students.map((s) => s._id).sort();
  // Whoever was ever enrolled, the student who moved away included.
  const expected = (cls: TestClass, ...extra: string[]) =>
    [...cls.students.map((s) => s.studentId), ...extra].sort();

  it('names the same students by the indexed filter and by the member lists', async () => {
    setStoreProfile(harness.db, { indexesOnlyIdEquality: false });
    const byFilter = await roster().membersOf([first.classId, second.classId]);
    setStoreProfile(harness.db, { indexesOnlyIdEquality: true });
    const byLists = await roster().membersOf([first.classId, second.classId]);

    const everyone = [...expected(first), ...second.students.map((s) => s.studentId)].sort();
    expect(idsOf(byFilter)).toEqual(everyone);
    expect(idsOf(byLists)).toEqual(everyone);
    expect(idsOf(await roster().membersOf([second.classId]))).toEqual(expected(second, moved.studentId));
    expect(await roster().membersOf(['no-such-class'])).toEqual([]);
  });

  it('fills the member lists once from a roster that knew its students before the lists existed', async () => {
    // As a database from before issue 7: the roster, but no member lists and no record of the fill.
    await harness.db.collection('roster_class_members').deleteMany({});
    await harness.db.collection('migrations').deleteMany({});
    setStoreProfile(harness.db, { indexesOnlyIdEquality: true });
    expect(await roster().membersOf([first.classId])).toEqual([]);

    const members = new ClassMembersRepository(classMembersModel(harness.db), new WriteLock());
    const migrations = harness.db.collection('migrations');
    expect(await members.fillFromRosterOnce(rosterStudentModel(harness.db), migrations)).toBe(2);
    expect(idsOf(await roster().membersOf([first.classId]))).toEqual(expected(first));
    expect(idsOf(await roster().membersOf([second.classId]))).toEqual(expected(second, moved.studentId));

    // Done once: a second start does not read the roster again.
    await harness.db.collection('roster_class_members').deleteMany({ _id: second.classId as never });
    expect(await members.fillFromRosterOnce(rosterStudentModel(harness.db), migrations)).toBe(0);
    expect(await roster().membersOf([second.classId])).toEqual([]);
  });
});
