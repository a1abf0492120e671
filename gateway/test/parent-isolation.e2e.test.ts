import {
  buildAccessWorld,
  OWN_SUBJECT,
  withRoomyRateLimits,
  YEAR,
  type AccessWorld,
  type StudentFixture,
} from './access-fixtures';
import { FullStack } from './full-stack';

jest.setTimeout(600_000);

/**
 * The family of student a1 (its parent, and a1 itself) receives nothing of another student by any
 * query path: directly, through a class or a1's own class, through entity references resolved by
 * other subgraphs (gradebooks, conduct sheets, signatures), through aliases mixing a1 and the other
 * in one operation, or by asking for an export (issue 6, R9).
 */
describe('a parent of student a1 receives nothing of another student', () => {
  let stack: FullStack;
  let world: AccessWorld;

  beforeAll(async () => {
    stack = await FullStack.startAll();
    await withRoomyRateLimits(stack);
    world = await buildAccessWorld(stack);
  });
  afterAll(() => stack?.stop());

  const Y = `"${YEAR}"`;
  const STUDENT_FIELDS = `id fullName personalId dateOfBirth address placeOfBirth guardians { fullName phone }
    enrolments { className class { id name } }
    results(schoolYear: ${Y}) { studentId subject { code } term1 { final comment { progress } } }
    conduct(schoolYear: ${Y}) { studentId term1 term2 homeroomComment }
    recordStatus(schoolYear: ${Y}) { state history { id studentId } }
    recordBook { schoolYear className }
    familyLinks { studentId accountId }`;
  const ROSTER = `students { id fullName personalId dateOfBirth }`;
  const GRADEBOOK = `lines { studentId fullName marks { final comment { progress } } student { id fullName personalId } }`;

  /** Every way to ask about `other`, alone or next to a1, as one list of operations. */
  function paths(other: StudentFixture, otherClass: string, otherSchool: string) {
    const w = world;
    return [
      { name: 'student by id', query: `query($o: ID!) { student(id: $o) { ${STUDENT_FIELDS} } }` },
      {
        name: 'roster of its class',
        query: `{ students(classId: "${otherClass}") { id fullName personalId } }`,
      },
      {
        name: 'roster of a1’s class',
        query: `{ students(classId: "${w.classA1}") { id fullName personalId } }`,
      },
      { name: 'its class', query: `{ class(id: "${otherClass}") { name ${ROSTER} } }` },
      {
        name: 'classes of its school',
        query: `{ classes(schoolId: "${otherSchool}", schoolYear: ${Y}) { id ${ROSTER} } }`,
      },
      {
        name: 'a1’s class roster (students and their enrolments)',
        query: `{ student(id: "${w.a1.id}") { currentClass { ${ROSTER} } enrolments { class { ${ROSTER} } } } }`,
      },
      {
        name: 'a1’s class gradebook (an entity reference into academics)',
        query: `{ student(id: "${w.a1.id}") { currentClass { gradebook(subjectCode: "${OWN_SUBJECT}", schoolYear: ${Y}, term: TERM_1) { ${GRADEBOOK} } } } }`,
      },
      {
        name: 'a1’s class gradebooks',
        query: `{ student(id: "${w.a1.id}") { currentClass { gradebooks(schoolYear: ${Y}, term: TERM_1) { lines { studentId fullName } } } } }`,
      },
      {
        name: 'a1’s class conduct sheet and signatures (entity references into conduct and signatures)',
        query: `{ student(id: "${w.a1.id}") { currentClass {
            conductSheet(schoolYear: ${Y}) { studentId term1 homeroomComment }
            signatures(schoolYear: ${Y}) { studentId signature { canonicalSnapshot } }
            signingProgress(schoolYear: ${Y}) { studentCount }
          } } }`,
      },
      {
        name: 'record book',
        query: `query($o: ID!) { recordBook(studentId: $o) { schoolYear className contentHash } }`,
      },
      {
        name: 'gradebook of its class',
        query: `{ gradebook(classId: "${otherClass}", subjectCode: "${OWN_SUBJECT}", schoolYear: ${Y}, term: TERM_1) { ${GRADEBOOK} } }`,
      },
      {
        name: 'gradebook file of its class',
        query: `{ gradebookFile(classId: "${otherClass}", subjectCode: "${OWN_SUBJECT}", schoolYear: ${Y}, term: TERM_1) { base64 } }`,
      },
      {
        name: 'signatures, corrections and the audit trail',
        query: `{
            signature(id: "${w.signatures.ownSubject}") { studentId signature { canonicalSnapshot } }
            correctionRequests(schoolId: "${otherSchool}", schoolYear: ${Y}) { studentId changes { value } }
            auditTrail(subjectPrefix: "students/${other.id}") { subject after }
            signingBoard(schoolId: "${otherSchool}", schoolYear: ${Y}) { classId studentCount }
            syncReport(schoolId: "${otherSchool}", schoolYear: ${Y}) { classes { students { studentId fullName } } }
          }`,
      },
      {
        name: 'by personal ID',
        query: `{ studentByPersonalId(personalId: "${other.personalId}") { id fullName } }`,
      },
      {
        name: 'shares of its record book',
        query: `query($o: ID!) { recordShares(studentId: $o) { id studentId recipient } }`,
      },
      {
        name: 'aliases mixing a1 and the other',
        query: `query($o: ID!) {
            mine: student(id: "${w.a1.id}") { id fullName results(schoolYear: ${Y}) { term1 { comment { progress } } } }
            theirs: student(id: $o) { id fullName personalId results(schoolYear: ${Y}) { term1 { comment { progress } } } }
            mineBook: recordBook(studentId: "${w.a1.id}") { schoolYear }
            theirsBook: recordBook(studentId: $o) { schoolYear className }
            theirsAgain: student(id: $o) { conduct(schoolYear: ${Y}) { term1 } }
          }`,
      },
      {
        name: 'an export of its record book',
        query: `mutation($o: ID!) { exportRecordBook(studentId: $o, format: CREDENTIAL) { content verificationCode } }`,
      },
    ];
  }

  /** What would identify `other` in an answer. Its id counts only in data: an error may echo what was asked. */
  function leaks(answer: { data?: unknown; errors?: unknown }, other: StudentFixture): string[] {
    const data = JSON.stringify(answer.data ?? null);
    const all = `${data} ${JSON.stringify(answer.errors ?? [])}`;
    const found: string[] = [];
    if (data.includes(other.id)) found.push('id');
    if (all.includes(other.fullName)) found.push('fullName');
    if (all.includes(other.personalId)) found.push('personalId');
    if (other === world.b1 && all.includes(world.b1Comment)) found.push('b1’s marks comment');
    return found;
  }

  it.each(['PARENT', 'STUDENT'] as const)(
    '%s of a1: no path reaches a1b, a2 or b1, while a1’s own data comes',
    async (role) => {
      const token = world.cast[role].token;
      const targets = [
        {
          label: 'a1b (same class)',
          other: world.a1b,
          otherClass: world.classA1,
          otherSchool: world.schoolA.id,
        },
        {
          label: 'a2 (another class)',
          other: world.a2,
          otherClass: world.classA2,
          otherSchool: world.schoolA.id,
        },
        {
          label: 'b1 (another school)',
          other: world.b1,
          otherClass: world.classB1,
          otherSchool: world.schoolB.id,
        },
      ];
      const found: string[] = [];
      const unanswered: string[] = [];
      let own = '';
      let asked = 0;
      for (const { label, other, otherClass, otherSchool } of targets) {
        for (const path of paths(other, otherClass, otherSchool)) {
          const answer = await stack.query(
            path.query,
            path.query.includes('$o') ? { o: other.id } : {},
            token,
          );
          asked += 1;
          const leaked = leaks(answer, other);
          // A path the gateway refused for its size or an invalid operation would prove nothing.
          const codes = (answer.errors ?? []).map((e) => String(e.extensions?.code));
          const useless = codes.filter(
            (c) => c.startsWith('GRAPHQL_') || c.startsWith('QUERY_TOO') || c === 'BAD_USER_INPUT',
          );
          if (useless.length) unanswered.push(`${label} via ${path.name}: ${useless.join(', ')}`);
          if (leaked.length) found.push(`${label} via ${path.name}: ${leaked.join(', ')}`);
          own += JSON.stringify(answer.data ?? null);
        }
      }
      expect(found).toEqual([]);
      expect(unanswered).toEqual([]);
      expect(asked).toBe(3 * paths(world.a1b, world.classA1, world.schoolA.id).length);
      // The same operations do bring a1's own record: its name, its id and its teacher's comment.
      expect(own).toContain(world.a1.id);
      expect(own).toContain(world.a1.fullName);
      expect(own).toContain(world.a1Comment);
    },
  );

  it('the same paths do show the others to the school’s principal (so the search above can find them)', async () => {
    const shown: string[] = [];
    for (const other of [world.a1b, world.a2]) {
      for (const path of paths(other, world.classA1, world.schoolA.id).slice(0, 1)) {
        const answer = await stack.query(path.query, { o: other.id }, world.cast.PRINCIPAL.token);
        shown.push(...leaks(answer, other));
      }
    }
    expect(shown).toEqual(['id', 'fullName', 'personalId', 'id', 'fullName', 'personalId']);
  });

  it('a1’s family gets a1’s own record by the same paths (the control)', async () => {
    const answer = await stack.query<{
      student: { id: string; fullName: string; personalId: string } | null;
    }>(
      `query($o: ID!) { student(id: $o) { id fullName personalId } }`,
      { o: world.a1.id },
      world.cast.PARENT.token,
    );
    expect(answer.data?.student).toEqual({
      id: world.a1.id,
      fullName: world.a1.fullName,
      personalId: world.a1.personalId,
    });
  });
});
