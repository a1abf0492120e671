import type { Principal } from '@hocbaso/service-kit';
import {
  canReadGradebook,
  canReadStudentYear,
  canReadSubjectResult,
  canRecordExemption,
  canWriteGradebook,
  type ClassFacts,
} from './access';

const cls: ClassFacts = { classId: '10A1', schoolId: 'truong-1', homeroomTeacherId: 'gvcn-1' };
const year = '2025-2026';
const who = (
  roles: Principal['roles'],
  teaching: Principal['teaching'] = [],
  accountId = 'acc',
): Principal => ({
  accountId,
  username: 'u',
  schoolId: 'truong-1',
  roles,
  teaching,
});
const scope = (extra: Partial<Principal['roles'][number]['scope']> = {}) => ({
  schoolId: 'truong-1',
  ...extra,
});
const teaching = { schoolId: 'truong-1', classId: '10A1', subjectCode: 'TOAN', schoolYear: year };

describe('row rules', () => {
  it('only the assigned teacher writes, in that school year and school', () => {
    expect(canWriteGradebook(who([], [teaching]), cls, 'TOAN', year)).toBe(true);
    expect(canWriteGradebook(who([], [teaching]), cls, 'NGU_VAN', year)).toBe(false);
    expect(canWriteGradebook(who([], [teaching]), cls, 'TOAN', '2026-2027')).toBe(false);
    expect(canWriteGradebook(who([], [{ ...teaching, schoolId: 'truong-2' }]), cls, 'TOAN', year)).toBe(
      false,
    );
    expect(canWriteGradebook(who([{ role: 'PRINCIPAL', scope: scope() }]), cls, 'TOAN', year)).toBe(false);
    expect(canWriteGradebook(null, cls, 'TOAN', year)).toBe(false);
  });

  it('reads a gradebook: its teacher, the homeroom teacher, the school’s principal board, staff and inspectors', () => {
    expect(canReadGradebook(who([], [teaching]), cls, 'TOAN', year)).toBe(true);
    expect(
      canReadGradebook(
        who([{ role: 'HOMEROOM_TEACHER', scope: scope({ classId: '10A1' }) }]),
        cls,
        'TIN_HOC',
        year,
      ),
    ).toBe(true);
    expect(
      canReadGradebook(
        who([{ role: 'HOMEROOM_TEACHER', scope: scope({ classId: '10A2' }) }]),
        cls,
        'TOAN',
        year,
      ),
    ).toBe(false);
    expect(
      canReadGradebook(
        who([{ role: 'HOMEROOM_TEACHER', scope: scope({ classId: '10A2' }) }], [], 'gvcn-1'),
        cls,
        'TOAN',
        year,
      ),
    ).toBe(true);
    expect(
      canReadGradebook(who([{ role: 'SUBJECT_TEACHER', scope: scope() }], [], 'gvcn-1'), cls, 'TOAN', year),
    ).toBe(false);
    for (const role of ['PRINCIPAL', 'VICE_PRINCIPAL', 'ACADEMIC_STAFF', 'INSPECTOR'] as const) {
      expect(canReadGradebook(who([{ role, scope: scope() }]), cls, 'TOAN', year)).toBe(true);
      expect(
        canReadGradebook(who([{ role, scope: scope({ schoolId: 'truong-2' }) }]), cls, 'TOAN', year),
      ).toBe(false);
    }
    expect(canReadGradebook(who([{ role: 'INSPECTOR', scope: { schoolId: null } }]), cls, 'TOAN', year)).toBe(
      true,
    );
    expect(canReadGradebook(who([{ role: 'PRINCIPAL', scope: { schoolId: null } }]), cls, 'TOAN', year)).toBe(
      false,
    );
    for (const role of ['SYSTEM_ADMIN', 'DEPARTMENT_ANALYST', 'PARENT', 'STUDENT'] as const) {
      expect(canReadGradebook(who([{ role, scope: scope({ studentId: 'hs' }) }]), cls, 'TOAN', year)).toBe(
        false,
      );
    }
  });

  it('reads a student’s year: the student and parents only their own, plus the homeroom teacher and school readers', () => {
    expect(canReadStudentYear(who([{ role: 'PARENT', scope: scope({ studentId: 'hs' }) }]), 'hs', [])).toBe(
      true,
    );
    expect(
      canReadStudentYear(who([{ role: 'PARENT', scope: scope({ studentId: 'hs' }) }]), 'other', [cls]),
    ).toBe(false);
    expect(canReadStudentYear(who([{ role: 'STUDENT', scope: scope({ studentId: 'hs' }) }]), 'hs', [])).toBe(
      true,
    );
    expect(
      canReadStudentYear(who([{ role: 'HOMEROOM_TEACHER', scope: scope({ classId: '10A1' }) }]), 'hs', [cls]),
    ).toBe(true);
    expect(canReadStudentYear(who([], [teaching]), 'hs', [cls])).toBe(false);
    const result = {
      subjectCode: 'TOAN',
      schoolYear: year,
      sources: [{ classId: '10A1', schoolId: 'truong-1' }],
    };
    expect(canReadSubjectResult(who([], [teaching]), 'hs', [cls], result)).toBe(true);
    expect(
      canReadSubjectResult(who([], [teaching]), 'hs', [cls], { ...result, subjectCode: 'NGU_VAN' }),
    ).toBe(false);
  });

  it('records an exemption: the class’s homeroom teacher or the school’s academic staff', () => {
    expect(
      canRecordExemption(who([{ role: 'HOMEROOM_TEACHER', scope: scope({ classId: '10A1' }) }]), cls),
    ).toBe(true);
    expect(canRecordExemption(who([{ role: 'ACADEMIC_STAFF', scope: scope() }]), cls)).toBe(true);
    expect(
      canRecordExemption(who([{ role: 'ACADEMIC_STAFF', scope: scope({ schoolId: 'truong-2' }) }]), cls),
    ).toBe(false);
    expect(canRecordExemption(who([{ role: 'PRINCIPAL', scope: scope() }], [teaching]), cls)).toBe(false);
  });
});
