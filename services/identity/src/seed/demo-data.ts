import { randomBytes } from 'node:crypto';
import type { Role, RoleScope } from '@hocbaso/events';
import { createAccount } from '../usecases/manage-accounts';
import { assignTeaching, grantRole } from '../usecases/manage-roles';
import { createSchool } from '../usecases/manage-schools';
import { SYSTEM_CALLER, type IdentityDeps } from '../usecases/deps';

export const DEMO_SCHOOL = { code: 'DEMO-THPT-01', name: 'Trường THPT Nguyễn Du (dữ liệu mẫu)' };
export const DEMO_SCHOOL_YEAR = '2025-2026';

interface DemoPerson {
  username: string;
  displayName: string;
  roles: Array<{ role: Role; scope?: Partial<RoleScope> }>;
  teaching?: Array<{ classId: string; subjectCode: string }>;
}

/** The demo school's staff, as the regulation describes them (principal signs grade 10, VPs 11 and 12). */
export const DEMO_STAFF: DemoPerson[] = [
  { username: 'admin.demo', displayName: 'Trần Quản Trị', roles: [{ role: 'SYSTEM_ADMIN' }] },
  {
    username: 'hieutruong.demo',
    displayName: 'Nguyễn Văn Hiệu',
    roles: [{ role: 'PRINCIPAL', scope: { grade: 10 } }],
  },
  {
    username: 'phohieutruong11.demo',
    displayName: 'Lê Thị Phó',
    roles: [{ role: 'VICE_PRINCIPAL', scope: { grade: 11 } }],
  },
  {
    username: 'phohieutruong12.demo',
    displayName: 'Phạm Minh Đức',
    roles: [{ role: 'VICE_PRINCIPAL', scope: { grade: 12 } }],
  },
  { username: 'giaovu.demo', displayName: 'Hoàng Thị Giáo Vụ', roles: [{ role: 'ACADEMIC_STAFF' }] },
  {
    username: 'gvcn.10a1.demo',
    displayName: 'Đỗ Thị Chủ Nhiệm',
    roles: [{ role: 'HOMEROOM_TEACHER', scope: { classId: '10A1', grade: 10 } }, { role: 'SUBJECT_TEACHER' }],
    teaching: [{ classId: '10A1', subjectCode: 'NGU_VAN' }],
  },
  {
    username: 'gv.toan.demo',
    displayName: 'Vũ Văn Toán',
    roles: [{ role: 'SUBJECT_TEACHER' }],
    teaching: [
      { classId: '10A1', subjectCode: 'TOAN' },
      { classId: '11A1', subjectCode: 'TOAN' },
    ],
  },
];

export interface DemoCredential {
  username: string;
  password: string;
  displayName: string;
  roles: string;
}

/** Creates the demo school and staff once; returns their (newly generated) passwords, or [] if present. */
export async function seedDemoData(deps: IdentityDeps): Promise<DemoCredential[]> {
  if (await deps.schools.findByCode(DEMO_SCHOOL.code)) return [];
  const school = await createSchool(deps, SYSTEM_CALLER, DEMO_SCHOOL);
  const credentials: DemoCredential[] = [];
  for (const person of DEMO_STAFF) {
    // Generated per installation: demo passwords are never committed or shared between machines.
    const password = `Demo-${randomBytes(6).toString('base64url')}9`;
    const account = await createAccount(deps, SYSTEM_CALLER, {
      schoolId: school._id,
      username: person.username,
      displayName: person.displayName,
      password,
    });
    for (const grant of person.roles) {
      await grantRole(deps, SYSTEM_CALLER, {
        accountId: account._id,
        role: grant.role,
        scope: { schoolId: school._id, ...grant.scope },
      });
    }
    for (const teaching of person.teaching ?? []) {
      await assignTeaching(deps, SYSTEM_CALLER, {
        accountId: account._id,
        ...teaching,
        schoolYear: DEMO_SCHOOL_YEAR,
      });
    }
    credentials.push({
      username: person.username,
      password,
      displayName: person.displayName,
      roles: person.roles.map((r) => r.role).join(', '),
    });
  }
  return credentials;
}
