import type { LockScope } from '@hocbaso/events';
import {
  attestationsFor,
  isCorrectionField,
  lockCoversTarget,
  lockStateAfter,
  periodsOfFields,
  recordSnapshot,
  supersededBy,
  unitKey,
  type CorrectionTarget,
  type SignedScope,
} from './units';

const base = { schoolId: 's1', schoolYear: '2025-2026' };
const subject = (
  period: 'TERM_1' | 'TERM_2' | 'YEAR',
  subjectCode = 'TOAN',
  classId = 'c1',
): SignedScope => ({
  unit: 'SUBJECT',
  ...base,
  classId,
  subjectCode,
  period,
});
const target = (over: Partial<CorrectionTarget> = {}): CorrectionTarget => ({
  owner: 'academics',
  ...base,
  classId: 'c1',
  grade: 10,
  studentId: 'st1',
  subjectCode: 'TOAN',
  periods: ['TERM_2'],
  ...over,
});

describe('which signatures a correction supersedes', () => {
  it('supersedes the subject teacher’s signature of the changed term and of the year, not of the other term', () => {
    expect(supersededBy(subject('TERM_2'), target())).toBe(true);
    expect(supersededBy(subject('YEAR'), target())).toBe(true);
    expect(supersededBy(subject('TERM_1'), target())).toBe(false);
  });

  it('leaves other subjects and other classes alone', () => {
    expect(supersededBy(subject('YEAR', 'NGU_VAN'), target())).toBe(false);
    expect(supersededBy(subject('YEAR', 'TOAN', 'c2'), target())).toBe(false);
  });

  it('supersedes the homeroom page of the class (outcomes follow averages) and only that student’s approval', () => {
    expect(supersededBy({ unit: 'CLASS_CONDUCT', ...base, classId: 'c1', period: 'YEAR' }, target())).toBe(
      true,
    );
    const approval = (studentId: string): SignedScope => ({
      unit: 'STUDENT_YEAR',
      ...base,
      classId: 'c1',
      studentId,
    });
    expect(supersededBy(approval('st1'), target())).toBe(true);
    expect(supersededBy(approval('st2'), target())).toBe(false);
  });

  it('never crosses school years', () => {
    expect(supersededBy({ ...subject('YEAR'), schoolYear: '2024-2025' } as SignedScope, target())).toBe(
      false,
    );
  });
});

describe('whether a lock covers a correction (the principal must approve)', () => {
  const window = (period: 'TERM_1' | 'TERM_2' | 'YEAR', grade: number | null): LockScope => ({
    unit: 'WINDOW',
    ...base,
    period,
    grade,
  });

  it('counts a subject lock of the changed term, a year lock, the student’s year page and a window of the grade', () => {
    expect(lockCoversTarget(subject('TERM_2'), target())).toBe(true);
    expect(lockCoversTarget(subject('TERM_1'), target())).toBe(false);
    expect(
      lockCoversTarget({ unit: 'STUDENT_YEAR', ...base, classId: 'c1', studentId: 'st1' }, target()),
    ).toBe(true);
    expect(lockCoversTarget(window('YEAR', null), target())).toBe(true);
    expect(lockCoversTarget(window('TERM_2', 11), target())).toBe(false);
    expect(lockCoversTarget({ ...window('YEAR', null), schoolId: 'other' }, target())).toBe(false);
  });
});

describe('a lock counts as applied only when every owner confirmed it', () => {
  const owners = ['academics', 'conduct', 'students'] as const;
  it('stays requested until the last owner applies it', () => {
    expect(lockStateAfter(owners, [{ owner: 'academics', outcome: 'APPLIED' }])).toBe('REQUESTED');
    expect(
      lockStateAfter(
        owners,
        owners.map((owner) => ({ owner, outcome: 'APPLIED' as const })),
      ),
    ).toBe('APPLIED');
  });

  it('is refused when one owner refuses, and released when every owner released it', () => {
    expect(
      lockStateAfter(owners, [
        { owner: 'academics', outcome: 'APPLIED' },
        { owner: 'conduct', outcome: 'REFUSED' },
      ]),
    ).toBe('REFUSED');
    const applied = owners.map((owner) => ({ owner, outcome: 'APPLIED' as const }));
    const released = owners.map((owner) => ({ owner, outcome: 'RELEASED' as const }));
    expect(lockStateAfter(owners, [...applied, ...released.slice(0, 2)])).toBe('REQUESTED');
    expect(lockStateAfter(owners, [...applied, ...released])).toBe('RELEASED');
  });
});

describe('corrections of conduct and of the personal page', () => {
  const conduct = (period: 'TERM_1' | 'TERM_2' | 'YEAR'): CorrectionTarget =>
    target({ owner: 'conduct', subjectCode: null, periods: [period] });
  const personal = target({ owner: 'students', subjectCode: null, periods: ['YEAR'] });
  const homeroom = (period: 'TERM_1' | 'TERM_2' | 'YEAR', schoolYear = base.schoolYear): SignedScope => ({
    unit: 'CLASS_CONDUCT',
    ...base,
    schoolYear,
    classId: 'c1',
    period,
  });
  const approval = (schoolYear: string): SignedScope => ({
    unit: 'STUDENT_YEAR',
    ...base,
    schoolYear,
    classId: 'c1',
    studentId: 'st1',
  });

  it('supersede the homeroom teacher’s signature of the period and the approval, never a subject', () => {
    expect(supersededBy(homeroom('TERM_2'), conduct('TERM_2'))).toBe(true);
    expect(supersededBy(homeroom('TERM_1'), conduct('TERM_2'))).toBe(false);
    expect(supersededBy(approval(base.schoolYear), conduct('TERM_2'))).toBe(true);
    expect(supersededBy(subject('YEAR'), conduct('YEAR'))).toBe(false);
  });

  it('supersede a personal-page correction’s approvals of every year, and nothing the teachers signed', () => {
    expect(supersededBy(approval('2024-2025'), personal)).toBe(true);
    expect(supersededBy(approval(base.schoolYear), personal)).toBe(true);
    expect(supersededBy(homeroom('YEAR'), personal)).toBe(false);
    expect(supersededBy(subject('YEAR'), personal)).toBe(false);
  });

  it('need the principal when the class’s conduct is locked, or any year page of the student for personal data', () => {
    const classLock: LockScope = { unit: 'CLASS_CONDUCT', ...base, classId: 'c1', period: 'YEAR' };
    expect(lockCoversTarget(classLock, conduct('TERM_1'))).toBe(true);
    expect(lockCoversTarget(classLock, target())).toBe(false);
    const earlierYear: LockScope = {
      unit: 'STUDENT_YEAR',
      ...base,
      schoolYear: '2024-2025',
      classId: 'c0',
      studentId: 'st1',
    };
    expect(lockCoversTarget(earlierYear, personal)).toBe(true);
    expect(lockCoversTarget(earlierYear, conduct('YEAR'))).toBe(false);
    expect(lockCoversTarget({ unit: 'WINDOW', ...base, period: 'YEAR', grade: null }, personal)).toBe(false);
  });

  it('place conduct fields in their terms and the rest in the year', () => {
    expect(periodsOfFields(['conduct.term1'])).toEqual(['TERM_1']);
    expect(periodsOfFields(['conduct.homeroomComment', 'personal.address'])).toEqual(['YEAR']);
    expect(isCorrectionField('conduct.term3')).toBe(false);
    expect(isCorrectionField('personal.personalId')).toBe(false);
  });
});

describe('snapshots and names', () => {
  it('puts each owner’s confirmed content under its name, whatever order they answered in', () => {
    const confirmation = (owner: 'academics' | 'conduct', content: unknown) => ({
      lockId: 'l',
      owner,
      outcome: 'APPLIED' as const,
      content,
      refusal: null,
      confirmedAt: '2026-05-30T00:00:00.000Z',
    });
    const scope: SignedScope = { unit: 'STUDENT_YEAR', ...base, classId: 'c1', studentId: 'st1' };
    const a = recordSnapshot(scope, 2, [
      confirmation('conduct', { x: 1 }),
      confirmation('academics', { y: 2 }),
    ]);
    expect(a).toEqual({
      format: 'hocbaso.record-snapshot/2',
      unit: scope,
      role: 'APPROVER',
      recordVersion: 2,
      content: { academics: { y: 2 }, conduct: { x: 1 } },
      attestations: [],
    });
  });

  it('lets an approval attest the current subject and homeroom signatures of its class and year only', () => {
    const approval = { unit: 'STUDENT_YEAR' as const, ...base, classId: 'c1', studentId: 'st1' };
    const signed = (id: string) => ({
      signerName: `GV ${id}`,
      signedAt: '2026-05-30T01:00:00.000Z',
      contentHash: id.padEnd(64, '0'),
      certificateFingerprint: `fp-${id}`,
    });
    const math: SignedScope = {
      unit: 'SUBJECT',
      ...base,
      classId: 'c1',
      subjectCode: 'TOAN',
      period: 'YEAR',
    };
    const conduct: SignedScope = { unit: 'CLASS_CONDUCT', ...base, classId: 'c1', period: 'YEAR' };
    const otherClass: SignedScope = { ...math, classId: 'c2' };
    const otherYear: SignedScope = { ...math, schoolYear: '2024-2025' };
    const attestations = attestationsFor(approval, [
      { _id: 's-math', scope: math, recordVersion: 1, current: true, signed: signed('a') },
      { _id: 's-old', scope: math, recordVersion: 1, current: false, signed: signed('b') },
      { _id: 's-conduct', scope: conduct, recordVersion: 2, current: true, signed: signed('c') },
      { _id: 's-other-class', scope: otherClass, recordVersion: 1, current: true, signed: signed('d') },
      { _id: 's-other-year', scope: otherYear, recordVersion: 1, current: true, signed: signed('e') },
      { _id: 's-pending', scope: math, recordVersion: 1, current: true, signed: null },
      { _id: 's-approval', scope: approval, recordVersion: 1, current: true, signed: signed('f') },
    ]);
    expect(attestations.map((a) => [a.signatureId, a.role, a.recordVersion, a.signerName])).toEqual([
      ['s-math', 'SUBJECT_TEACHER', 1, 'GV a'],
      ['s-conduct', 'HOMEROOM_TEACHER', 2, 'GV c'],
    ]);
    // In the snapshot they come in a stable order whatever the order found.
    const snapshot = recordSnapshot(approval, 1, [], [...attestations].reverse());
    expect(snapshot.attestations.map((a) => a.signatureId)).toEqual(['s-conduct', 's-math']);
  });

  it('names units so that a term and the year of one subject differ', () => {
    expect(unitKey(subject('TERM_1'))).not.toBe(unitKey(subject('YEAR')));
  });

  it('accepts the mark fields of a correction and nothing else', () => {
    for (const field of [
      'term1.regular.0',
      'term2.regular.11',
      'term1.midterm',
      'term2.final',
      'reassessment',
    ]) {
      expect(isCorrectionField(field)).toBe(true);
    }
    for (const field of ['term3.final', 'term1.regular', 'term1.final.$gt', '__proto__', 'term1.midterm ']) {
      expect(isCorrectionField(field)).toBe(false);
    }
    expect(periodsOfFields(['term1.final', 'reassessment']).sort()).toEqual(['TERM_1', 'YEAR']);
  });
});
