import type { CloudEvent } from '@hocbaso/events';
import type { StudentDocument } from '../model/student.model';
import { personalDataChange, type PersonalDataEditor } from './update-student-personal-data';

const at = new Date('2026-06-10T03:00:00Z');
const editor: PersonalDataEditor = {
  changedBy: 'admin-1',
  requestId: null,
  actor: { accountId: 'admin-1', kind: 'user' },
  at,
};
// Grade 11 in 2025-2026: born 2009. The personal ID: province 001, a girl born in the 2000s (3), 09.
const context = { today: '2026-06-10', grade: 11, schoolYear: '2025-2026' };
const student = {
  _id: 'hs-1',
  personalId: '001309000123',
  fullName: 'Nguyễn Thị Hà',
  dateOfBirth: '2009-03-15',
  gender: 'FEMALE',
  placeOfBirth: 'Hà Nội',
  ethnicity: 'Kinh',
  policyCategory: 'Con thương binh',
  address: 'Số 12, đường Lê Lợi, Hà Nội',
  guardians: [],
} as unknown as StudentDocument;

describe('a change of a student’s personal data', () => {
  it('normalises the values, keeps before and after, and names the changed fields in its event', () => {
    const change = personalDataChange(
      student,
      { fullName: '  Nguyễn  Thị Thu Hà ', policyCategory: null, address: student.address },
      context,
      editor,
    );
    expect(change).toMatchObject({
      ok: true,
      update: {
        $set: { fullName: 'Nguyễn Thị Thu Hà', policyCategory: null },
        $push: {
          personalDataHistory: {
            changedAt: at,
            changedBy: 'admin-1',
            requestId: null,
            changes: [
              { field: 'fullName', before: 'Nguyễn Thị Hà', after: 'Nguyễn Thị Thu Hà' },
              { field: 'policyCategory', before: 'Con thương binh', after: null },
            ],
          },
        },
      },
    });
    const event = JSON.parse(change?.ok ? change.event.payload : '{}') as CloudEvent;
    expect(event.data).toEqual({
      studentId: 'hs-1',
      changedFields: ['fullName', 'policyCategory'],
      fullName: 'Nguyễn Thị Thu Hà',
      actor: { accountId: 'admin-1', kind: 'user' },
    });
  });

  it('is nothing when every value is the one stored', () => {
    expect(personalDataChange(student, { ethnicity: ' Kinh ' }, context, editor)).toBeNull();
  });

  it('judges only what changes, the personal ID included', () => {
    const change = personalDataChange(
      student,
      { dateOfBirth: '2010-01-02', ethnicity: 'K' },
      context,
      editor,
    );
    expect(change?.ok).toBe(false);
    const fields = change && !change.ok ? change.problems.map((p) => p.field) : [];
    expect(fields).toContain('ethnicity');
    expect(fields).toContain('dateOfBirth');
    expect(fields.every((f) => f === 'ethnicity' || f === 'dateOfBirth')).toBe(true);
  });
});
