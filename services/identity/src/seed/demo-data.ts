import { randomBytes } from 'node:crypto';
import type { Role, RoleScope } from '@hocbaso/events';
import { createAccount, resetPassword } from '../usecases/manage-accounts';
import { grantRole } from '../usecases/manage-roles';
import { createSchool } from '../usecases/manage-schools';
import { SYSTEM_CALLER, type IdentityDeps } from '../usecases/deps';

// Placed in Quận 1, TP Hồ Chí Minh (mã tỉnh 79, mã quận 760), so the demo's dashboards have a district.
export const DEMO_SCHOOL = {
  code: 'DEMO-THPT-01',
  name: 'Trường THPT Nguyễn Du (dữ liệu mẫu)',
  provinceCode: '79',
  districtCode: '760',
};
export const DEMO_SCHOOL_YEAR = '2025-2026';

interface DemoPerson {
  username: string;
  displayName: string;
  /** School-wide roles; class-scoped ones (homeroom, teaching) are granted once classes exist. */
  roles: Array<{ role: Role; scope?: Partial<RoleScope> }>;
  /** The subject this teacher teaches in every demo class. */
  subjectCode?: string;
  /** The demo class this teacher is homeroom teacher of (by name). */
  homeroomOf?: string;
  /**
   * A parent of the first student of this demo class (by name). The account has no role here: the
   * demo seed has the homeroom teacher issue a family link code, which the parent redeems.
   */
  parentIn?: string;
  /** A platform account (a department's), belonging to no school. */
  platform?: boolean;
}

const teacher = (
  username: string,
  displayName: string,
  subjectCode: string,
  homeroomOf?: string,
): DemoPerson => ({
  username,
  displayName,
  roles: [{ role: 'SUBJECT_TEACHER' }],
  subjectCode,
  homeroomOf,
});

/**
 * The demo school's staff, as the regulation describes them: the principal signs grade 10, one
 * vice principal grade 11, another grade 12; one teacher per subject of the demo timetable (the
 * compulsory subjects and four electives), six of them also homeroom teachers.
 */
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
  teacher('gv.van.demo', 'Đỗ Thị Ngữ Văn', 'NGU_VAN', '10A1'),
  teacher('gv.toan.demo', 'Vũ Văn Toán', 'TOAN', '10A2'),
  teacher('gv.anh.demo', 'Ngô Thị Anh', 'NGOAI_NGU_1', '11A1'),
  teacher('gv.su.demo', 'Bùi Văn Sử', 'LICH_SU', '11A2'),
  teacher('gv.ly.demo', 'Đặng Quốc Lý', 'VAT_LI', '12A1'),
  teacher('gv.hoa.demo', 'Phan Thị Hoá', 'HOA_HOC', '12A2'),
  teacher('gv.tin.demo', 'Dương Minh Tin', 'TIN_HOC'),
  teacher('gv.dia.demo', 'Lý Thị Địa', 'DIA_LI'),
  teacher('gv.qp.demo', 'Hồ Văn Quốc Phòng', 'GDQP_AN'),
  teacher('gv.theduc.demo', 'Huỳnh Văn Thể', 'GD_THE_CHAT'),
  teacher('gv.trainghiem.demo', 'Võ Thị Trải Nghiệm', 'HD_TRAI_NGHIEM_HUONG_NGHIEP'),
  teacher('gv.diaphuong.demo', 'Trần Thị Địa Phương', 'GD_DIA_PHUONG'),
  { username: 'phuhuynh.10a1.demo', displayName: 'Phụ huynh học sinh lớp 10A1', roles: [], parentIn: '10A1' },
  // The Phòng GD&ĐT of the demo school's district: a platform account (no school), statistics only.
  {
    username: 'phong.gddt.demo',
    displayName: 'Chuyên viên Phòng GD&ĐT Quận 1',
    roles: [
      {
        role: 'DEPARTMENT_ANALYST',
        scope: {
          schoolId: null,
          provinceCode: DEMO_SCHOOL.provinceCode,
          districtCode: DEMO_SCHOOL.districtCode,
        },
      },
    ],
    platform: true,
  },
];

export interface DemoCredential {
  accountId: string;
  /** Null for a platform account. */
  schoolId: string | null;
  username: string;
  password: string;
  displayName: string;
  roles: string;
  subjectCode?: string;
  homeroomOf?: string;
  parentIn?: string;
}

/** What the welcome message lists for the person. */
function rolesOf(person: DemoPerson): string {
  return [
    ...person.roles.map((r) => r.role),
    ...(person.homeroomOf ? [`HOMEROOM_TEACHER ${person.homeroomOf}`] : []),
    ...(person.parentIn ? [`PARENT (mã liên kết, ${person.parentIn})`] : []),
  ].join(', ');
}

/** Creates the demo school and staff once; returns their (newly generated) passwords, or [] if present. */
export async function seedDemoData(deps: IdentityDeps): Promise<DemoCredential[]> {
  const school =
    (await deps.schools.findByCode(DEMO_SCHOOL.code)) ??
    (await createSchool(deps, SYSTEM_CALLER, DEMO_SCHOOL));
  const credentials: DemoCredential[] = [];
  for (const person of DEMO_STAFF) {
    // Accounts already there keep their password (see resetDemoPasswords).
    if (await deps.accounts.findByUsername(person.username)) continue;
    // Generated per installation: demo passwords are never committed or shared between machines.
    const password = `Demo-${randomBytes(6).toString('base64url')}9`;
    const schoolId = person.platform ? null : school._id;
    const account = await createAccount(deps, SYSTEM_CALLER, {
      schoolId,
      username: person.username,
      displayName: person.displayName,
      password,
    });
    for (const grant of person.roles) {
      await grantRole(deps, SYSTEM_CALLER, {
        accountId: account._id,
        role: grant.role,
        scope: { schoolId, ...grant.scope },
      });
    }
    credentials.push({
      accountId: account._id,
      schoolId,
      subjectCode: person.subjectCode,
      homeroomOf: person.homeroomOf,
      parentIn: person.parentIn,
      username: person.username,
      password,
      displayName: person.displayName,
      roles: rolesOf(person),
    });
  }
  return credentials;
}

/**
 * When the demo data exists but its passwords were lost (the credentials file was deleted), sets
 * new generated passwords for the demo staff and returns them.
 */
export async function resetDemoPasswords(deps: IdentityDeps): Promise<DemoCredential[]> {
  const credentials: DemoCredential[] = [];
  for (const person of DEMO_STAFF) {
    const account = await deps.accounts.findByUsername(person.username);
    if (!account) continue;
    const password = `Demo-${randomBytes(6).toString('base64url')}9`;
    await resetPassword(deps, SYSTEM_CALLER, { accountId: account._id, newPassword: password });
    credentials.push({
      accountId: account._id,
      schoolId: account.schoolId ?? null,
      subjectCode: person.subjectCode,
      homeroomOf: person.homeroomOf,
      parentIn: person.parentIn,
      username: person.username,
      password,
      displayName: person.displayName,
      roles: rolesOf(person),
    });
  }
  return credentials;
}
