import type { Principal } from '@hocbaso/service-kit';
import { canReadConduct, isHomeroomTeacherOf, isPrincipalOf } from './access';

const principal = (roles: Principal['roles'], accountId = 'acc-1'): Principal => ({
  accountId,
  username: 'u',
  schoolId: 's1',
  roles,
  teaching: [],
});
const place = { studentId: 'st-1', schoolId: 's1', classId: 'c1' };
const cls = { classId: 'c1', schoolId: 's1', homeroomTeacherId: 'gvcn-1' };

describe('conduct access rules', () => {
  it('lets the school board, inspectors, the homeroom teacher, the student and a parent read', () => {
    expect(canReadConduct(principal([{ role: 'PRINCIPAL', scope: { schoolId: 's1' } }]), place, cls)).toBe(
      true,
    );
    expect(canReadConduct(principal([{ role: 'INSPECTOR', scope: { schoolId: null } }]), place, cls)).toBe(
      true,
    );
    expect(
      canReadConduct(
        principal([{ role: 'HOMEROOM_TEACHER', scope: { schoolId: 's1', classId: 'c1' } }]),
        place,
        cls,
      ),
    ).toBe(true);
    expect(
      canReadConduct(
        principal([{ role: 'PARENT', scope: { schoolId: 's1', studentId: 'st-1' } }]),
        place,
        cls,
      ),
    ).toBe(true);
  });

  it("keeps an inspector named for one school out of another school's students", () => {
    const inspectorOf = (schoolId: string) => principal([{ role: 'INSPECTOR', scope: { schoolId } }]);
    expect(canReadConduct(inspectorOf('s1'), place, cls)).toBe(true);
    expect(canReadConduct(inspectorOf('s2'), place, cls)).toBe(false);
  });

  it('keeps out another school, another class, another child and subject teachers', () => {
    expect(canReadConduct(principal([{ role: 'PRINCIPAL', scope: { schoolId: 's2' } }]), place, cls)).toBe(
      false,
    );
    expect(
      canReadConduct(
        principal([{ role: 'HOMEROOM_TEACHER', scope: { schoolId: 's1', classId: 'c2' } }]),
        place,
        cls,
      ),
    ).toBe(false);
    expect(
      canReadConduct(
        principal([{ role: 'PARENT', scope: { schoolId: 's1', studentId: 'st-2' } }]),
        place,
        cls,
      ),
    ).toBe(false);
    expect(
      canReadConduct(principal([{ role: 'SUBJECT_TEACHER', scope: { schoolId: 's1' } }]), place, cls),
    ).toBe(false);
    expect(canReadConduct(null, place, cls)).toBe(false);
  });

  it("knows the homeroom teacher by role scope or as the class's recorded teacher", () => {
    expect(isHomeroomTeacherOf(principal([], 'gvcn-1'), cls)).toBe(true);
    expect(
      isHomeroomTeacherOf(
        principal([{ role: 'HOMEROOM_TEACHER', scope: { schoolId: 's1', classId: 'c1' } }]),
        cls,
      ),
    ).toBe(true);
    expect(
      isHomeroomTeacherOf(
        principal([{ role: 'SUBJECT_TEACHER', scope: { schoolId: 's1', classId: 'c1' } }]),
        cls,
      ),
    ).toBe(false);
  });

  it('reserves commendations and discipline for the principal of that school', () => {
    expect(isPrincipalOf(principal([{ role: 'PRINCIPAL', scope: { schoolId: 's1' } }]), 's1')).toBe(true);
    expect(
      isPrincipalOf(principal([{ role: 'VICE_PRINCIPAL', scope: { schoolId: 's1', grade: 11 } }]), 's1'),
    ).toBe(false);
    expect(isPrincipalOf(principal([{ role: 'PRINCIPAL', scope: { schoolId: 's2' } }]), 's1')).toBe(false);
  });
});
