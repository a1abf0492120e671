import { randomBytes } from 'node:crypto';
import type { PrincipalResolution } from '../src/usecases/resolve-principal';
import { SYSTEM_CALLER } from '../src/usecases/deps';
import { login } from '../src/usecases/login';
import { createAccount } from '../src/usecases/manage-accounts';
import jwt from 'jsonwebtoken';
import { IdentityHarness, principalWith, type GraphQLResult } from './harness';

jest.setTimeout(60_000);

const CREATE_SCHOOL = `mutation($input: CreateSchoolInput!) {
  createSchool(input: $input) { id code name provinceCode districtCode }
}`;
const GRANT_ROLE = `mutation($input: GrantRoleInput!) {
  grantRole(input: $input) { id role scope { schoolId provinceCode districtCode } }
}`;

interface FieldError {
  field: string;
  code: string;
  message: string;
}
const fieldErrorsOf = (result: GraphQLResult) =>
  (result.errors?.[0]?.extensions?.fieldErrors as FieldError[] | undefined) ?? [];

/**
 * Where schools are (mã tỉnh, mã quận/huyện) and what a department analyst reaches: the place
 * goes with the school and its event, the analyst's province or district with its role, its
 * event and the principal the gateway forwards.
 */
describe('school places and department analysts', () => {
  let harness: IdentityHarness;
  const platformAdmin = principalWith('SYSTEM_ADMIN', null);
  const code = () => `place-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    harness = await IdentityHarness.start('identity_places');
  });
  afterAll(() => harness?.close());

  /** What the relay published about this aggregate, from the service's audit trail. */
  const published = async (type: string, key: string) => {
    await harness.settle();
    return (await harness.db.collection('event_log').find({ type, key }).toArray()).map((e) => e.data);
  };

  describe('createSchool', () => {
    it('records the province and district codes on the school, in the API and in its event', async () => {
      const schoolCode = code();
      const created = await harness.as<{ createSchool: Record<string, string> }>(
        platformAdmin,
        CREATE_SCHOOL,
        {
          input: {
            code: schoolCode,
            name: 'Trường THPT Lê Quý Đôn',
            provinceCode: '79',
            districtCode: '760',
          },
        },
      );
      expect(created.errors).toBeUndefined();
      const school = created.data!.createSchool;
      expect(school).toEqual({
        id: expect.any(String),
        code: schoolCode,
        name: 'Trường THPT Lê Quý Đôn',
        provinceCode: '79',
        districtCode: '760',
      });
      const read = await harness.as(
        platformAdmin,
        `query($id: ID!) { school(id: $id) { provinceCode districtCode } }`,
        {
          id: school.id,
        },
      );
      expect(read.data).toEqual({ school: { provinceCode: '79', districtCode: '760' } });
      expect(await published('vn.hocbaso.identity.school.created', school.id!)).toEqual([
        expect.objectContaining({
          schoolId: school.id,
          code: schoolCode,
          provinceCode: '79',
          districtCode: '760',
        }),
      ]);
    });

    it('still registers a school without a place (both codes null)', async () => {
      const created = await harness.as<{ createSchool: Record<string, string | null> }>(
        platformAdmin,
        CREATE_SCHOOL,
        {
          input: { code: code(), name: 'Trường THPT Chưa Rõ Địa Bàn' },
        },
      );
      expect(created.data?.createSchool).toMatchObject({ provinceCode: null, districtCode: null });
      const [event] = await published('vn.hocbaso.identity.school.created', created.data!.createSchool.id!);
      expect(event).toMatchObject({ provinceCode: null, districtCode: null });
    });

    it.each([
      ['a province without its district', { provinceCode: '79' }, ['districtCode']],
      ['a district without its province', { districtCode: '760' }, ['provinceCode']],
      ['a 3-digit province code', { provinceCode: '079', districtCode: '760' }, ['provinceCode']],
      ['a 2-digit district code', { provinceCode: '79', districtCode: '76' }, ['districtCode']],
    ])(
      'refuses %s with VALIDATION_FAILED on that field, registering nothing',
      async (_what, place, fields) => {
        const schoolCode = code();
        const result = await harness.as(platformAdmin, CREATE_SCHOOL, {
          input: { code: schoolCode, name: 'Trường THPT Sai Mã', ...place },
        });
        expect(result.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
        expect(fieldErrorsOf(result).map((e) => e.field)).toEqual(fields);
        expect(fieldErrorsOf(result)[0]?.message).toMatch(/^(Mã|Cần)/);
        expect(await harness.deps.schools.findByCode(schoolCode)).toBeNull();
      },
    );
  });

  describe('grantRole DEPARTMENT_ANALYST', () => {
    const newPlatformAccount = async (prefix: string) => {
      const password = `Mat-khau-${randomBytes(4).toString('hex')}-9`;
      const account = await createAccount(harness.deps, SYSTEM_CALLER, {
        schoolId: null,
        username: `${prefix}.${randomBytes(3).toString('hex')}`,
        displayName: 'Chuyên viên Phòng GD&ĐT',
        password,
      });
      await harness.settle();
      return { account, password };
    };
    const grant = (accountId: string, role: string, scope: Record<string, unknown>) =>
      harness.as<{ grantRole: { id: string; role: string; scope: Record<string, unknown> } }>(
        platformAdmin,
        GRANT_ROLE,
        { input: { accountId, role, scope } },
      );

    it("stores a district analyst's province and district, publishes them and forwards them to the gateway", async () => {
      const { account, password } = await newPlatformAccount('phong.gd');
      const granted = await grant(account._id, 'DEPARTMENT_ANALYST', {
        provinceCode: '79',
        districtCode: '760',
      });
      expect(granted.errors).toBeUndefined();
      expect(granted.data?.grantRole).toMatchObject({
        role: 'DEPARTMENT_ANALYST',
        scope: { schoolId: null, provinceCode: '79', districtCode: '760' },
      });
      const [event] = await published('vn.hocbaso.identity.role.granted', account._id);
      expect(event).toMatchObject({
        role: 'DEPARTMENT_ANALYST',
        scope: { schoolId: null, provinceCode: '79', districtCode: '760' },
      });

      // What the gateway asks on every request, and forwards to the subgraphs as is.
      const session = await login(harness.deps, SYSTEM_CALLER, { username: account.username, password });
      const sessionId = (jwt.decode(session.accessToken) as { sid: string }).sid;
      const response = await fetch(
        `${harness.url}/internal/principal?${new URLSearchParams({ accountId: account._id, sessionId })}`,
        { headers: harness.identityHeader(null) },
      );
      const body = (await response.json()) as PrincipalResolution;
      expect(body.status).toBe('ACTIVE');
      expect(body.status === 'ACTIVE' && body.principal.roles).toEqual([
        {
          role: 'DEPARTMENT_ANALYST',
          scope: expect.objectContaining({ schoolId: null, provinceCode: '79', districtCode: '760' }),
        },
      ]);
    });

    it('grants a province analyst (Sở) with no district', async () => {
      const { account } = await newPlatformAccount('so.gd');
      const granted = await grant(account._id, 'DEPARTMENT_ANALYST', { provinceCode: '01' });
      expect(granted.data?.grantRole.scope).toEqual({
        schoolId: null,
        provinceCode: '01',
        districtCode: null,
      });
    });

    it('refuses an analyst without a province, with a malformed code, or bound to a school', async () => {
      const { account } = await newPlatformAccount('phan.tich');
      const school = await harness.createSchool('analyst');
      for (const [scope, fields] of [
        [{}, ['scope.provinceCode']],
        [{ districtCode: '760' }, ['scope.provinceCode']],
        [{ provinceCode: '7' }, ['scope.provinceCode']],
        [{ provinceCode: '79', districtCode: '7600' }, ['scope.districtCode']],
        [{ provinceCode: '79', schoolId: school._id }, ['scope.schoolId']],
      ] as const) {
        const result = await grant(account._id, 'DEPARTMENT_ANALYST', scope);
        expect([scope, result.errors?.[0]?.extensions?.code]).toEqual([scope, 'VALIDATION_FAILED']);
        expect(fieldErrorsOf(result).map((e) => e.field)).toEqual(fields);
      }
      expect((await harness.deps.accounts.findById(account._id))?.roles).toEqual([]);
    });

    it('refuses a province or district code on any other role', async () => {
      const school = await harness.createSchool('not-analyst');
      const { account } = await harness.createAccount(school._id, 'gv.place');
      for (const [role, scope] of [
        ['PRINCIPAL', { schoolId: school._id, provinceCode: '79' }],
        ['INSPECTOR', { provinceCode: '79', districtCode: '760' }],
        ['SUBJECT_TEACHER', { schoolId: school._id, districtCode: '760' }],
      ] as const) {
        const result = await grant(account._id, role, scope);
        expect([role, result.errors?.[0]?.extensions?.code]).toEqual([role, 'VALIDATION_FAILED']);
        expect(fieldErrorsOf(result)[0]?.message).toBe(
          'Chỉ quyền Phòng/Sở GD&ĐT mới gắn với mã tỉnh hoặc mã quận/huyện.',
        );
      }
      expect((await harness.deps.accounts.findById(account._id))?.roles).toEqual([]);
    });
  });
});
