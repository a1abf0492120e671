import { ERROR_CATALOGUE } from '@hocbaso/errors';
import type { DeniedField } from './authorize';
import { applyDenials } from './denials';
import { runAs } from './__fixtures__/helpers';
import { ANONYMOUS, PRINCIPAL, SIGNED_IN, platformSupergraph } from './__fixtures__/supergraph';

const FORBIDDEN = { code: 'FORBIDDEN' };
const UNAUTHENTICATED = { code: 'UNAUTHENTICATED' };

const errorsAt = (errors: readonly unknown[] | undefined) =>
  (errors ?? []).map((error) => {
    const { path, extensions } = error as { path: unknown; extensions: { code: string } };
    return { path, code: extensions.code };
  });

describe('applyDenials', () => {
  it('puts null and a Vietnamese error at a denied field', async () => {
    const { response } = await runAs(SIGNED_IN, '{ me { id lockedUntil } }');

    expect(response.data).toEqual({ me: { id: 'a1', lockedUntil: null } });
    expect(response.errors).toEqual([
      { message: ERROR_CATALOGUE.FORBIDDEN.vi, path: ['me', 'lockedUntil'], extensions: FORBIDDEN },
    ]);
  });

  it('uses the UNAUTHENTICATED message for fields needing a signed-in caller', async () => {
    const { response } = await runAs(ANONYMOUS, '{ publicInfo me { id } }');

    expect(response.data).toEqual({ publicInfo: 'Học bạ số', me: null });
    expect(response.errors).toEqual([
      { message: ERROR_CATALOGUE.UNAUTHENTICATED.vi, path: ['me'], extensions: UNAUTHENTICATED },
    ]);
  });

  it('honours aliases', async () => {
    const { response } = await runAs(
      SIGNED_IN,
      '{ colleague: account(id: "a2") { name: username mail: email } }',
    );

    expect(response.data).toEqual({ colleague: { name: 'gv.minh', mail: null } });
    expect(errorsAt(response.errors)).toEqual([{ path: ['colleague', 'mail'], code: 'FORBIDDEN' }]);
  });

  it('reports one error per list item, with its indices', async () => {
    const { response } = await runAs(PRINCIPAL, '{ accounts { id roles { role grantedBy } } }');

    expect(response.data).toEqual({
      accounts: [
        {
          id: 'a1',
          roles: [
            { role: 'TEACHER', grantedBy: null },
            { role: 'HOMEROOM_TEACHER', grantedBy: null },
          ],
        },
        { id: 'a2', roles: [{ role: 'TEACHER', grantedBy: null }] },
      ],
    });
    expect(errorsAt(response.errors)).toEqual([
      { path: ['accounts', 0, 'roles', 0, 'grantedBy'], code: 'FORBIDDEN' },
      { path: ['accounts', 0, 'roles', 1, 'grantedBy'], code: 'FORBIDDEN' },
      { path: ['accounts', 1, 'roles', 0, 'grantedBy'], code: 'FORBIDDEN' },
    ]);
  });

  it('decides a named fragment used in two places per place', async () => {
    const { response } = await runAs(
      SIGNED_IN,
      `{ me { ...Card } colleague: account(id: "a2") { ...Card } }
       fragment Card on Account { username email }`,
    );

    expect(response.data).toEqual({
      me: { username: 'gv.lan', email: 'lan@thpt-a.edu.vn' },
      colleague: { username: 'gv.minh', email: null },
    });
    expect(errorsAt(response.errors)).toEqual([{ path: ['colleague', 'email'], code: 'FORBIDDEN' }]);
  });

  describe('in abstract positions', () => {
    it('touches only objects of the type the field was removed from', async () => {
      const { response } = await runAs(
        ANONYMOUS,
        '{ search(term: "a") { ... on Account { username email } ... on School { name principalPhone } } }',
      );

      expect(response.data).toEqual({
        search: [
          { username: 'gv.lan', email: null },
          null,
          { name: 'THPT Chu Văn An', principalPhone: null },
          { username: 'gv.minh', email: null },
        ],
      });
      expect(errorsAt(response.errors)).toEqual([
        { path: ['search', 0, 'email'], code: 'FORBIDDEN' },
        { path: ['search', 3, 'email'], code: 'FORBIDDEN' },
        { path: ['search', 2, 'principalPhone'], code: 'UNAUTHENTICATED' },
      ]);
    });

    it('keeps apart one response key used for different fields of different types', async () => {
      const { response } = await runAs(
        ANONYMOUS,
        '{ search(term: "a") { ... on Account { label: email } ... on School { label: displayName } } }',
      );

      expect(response.data).toEqual({
        search: [{ label: null }, null, { label: 'Chu Văn An' }, { label: null }],
      });
      expect(errorsAt(response.errors).map((error) => error.path)).toEqual([
        ['search', 0, 'label'],
        ['search', 3, 'label'],
      ]);
    });

    it('applies an interface field denial to every implementation', async () => {
      const { response } = await runAs(ANONYMOUS, '{ node(id: "s1") { id displayName } }');

      expect(response.data).toEqual({ node: { id: 's1', displayName: null } });
      expect(errorsAt(response.errors)).toEqual([{ path: ['node', 'displayName'], code: 'UNAUTHENTICATED' }]);
    });
  });

  describe('non-null fields', () => {
    it('propagate null to the nearest nullable parent', async () => {
      const { response } = await runAs(SIGNED_IN, '{ publicInfo me { id nationalId } }');

      expect(response.data).toEqual({ publicInfo: 'Học bạ số', me: null });
      expect(errorsAt(response.errors)).toEqual([{ path: ['me', 'nationalId'], code: 'FORBIDDEN' }]);
    });

    it('propagate through lists of non-null items, with an error per item', async () => {
      // grantedAt: String! in roles: [RoleAssignment!]! in me: Account (nullable).
      const { response } = await runAs(SIGNED_IN, '{ me { id roles { role grantedAt } } publicInfo }');

      expect(response.data).toEqual({ me: null, publicInfo: 'Học bạ số' });
      expect(errorsAt(response.errors)).toEqual([
        { path: ['me', 'roles', 0, 'grantedAt'], code: 'FORBIDDEN' },
        { path: ['me', 'roles', 1, 'grantedAt'], code: 'FORBIDDEN' },
      ]);
    });

    it('stop at a nullable list item', async () => {
      const { response } = await runAs(
        SIGNED_IN,
        '{ search(term: "a") { ... on Account { nationalId } ... on School { name } } }',
      );

      expect(response.data).toEqual({
        search: [null, null, { name: 'THPT Chu Văn An' }, null],
      });
      expect(errorsAt(response.errors).map((error) => error.path)).toEqual([
        ['search', 0, 'nationalId'],
        ['search', 3, 'nationalId'],
      ]);
    });

    it('null the whole data when nothing above is nullable', async () => {
      // nationalId: String! in [Account!]! in accounts: non-null root field.
      const { response } = await runAs(PRINCIPAL, '{ accounts { id nationalId } }');

      expect(response.data).toBeNull();
      expect(errorsAt(response.errors)).toEqual([
        { path: ['accounts', 0, 'nationalId'], code: 'FORBIDDEN' },
        { path: ['accounts', 1, 'nationalId'], code: 'FORBIDDEN' },
      ]);
    });
  });

  it('answers a query whose root fields were all denied with nulls', async () => {
    const { response } = await runAs(ANONYMOUS, '{ me { id } colleague: account(id: "a2") { id } }');

    expect(response.data).toEqual({ me: null, colleague: null });
    expect(errorsAt(response.errors)).toEqual([
      { path: ['me'], code: 'UNAUTHENTICATED' },
      { path: ['colleague'], code: 'UNAUTHENTICATED' },
    ]);
  });

  it('says nothing below a parent that is null anyway', async () => {
    const { response } = await runAs(SIGNED_IN, '{ account(id: "nobody") { id email } }');

    expect(response).toEqual({ data: { account: null }, errors: undefined });
  });

  it('says nothing about fields @skip or @include left out', async () => {
    const { response } = await runAs(
      ANONYMOUS,
      'query ($hide: Boolean!) { publicInfo me @skip(if: $hide) { id } }',
      {
        variables: { hide: true },
      },
    );

    expect(response).toEqual({ data: { publicInfo: 'Học bạ số' }, errors: undefined });
  });

  it('never leaks a removed value, whatever the subgraphs return', async () => {
    const { executed, response } = await runAs(
      SIGNED_IN,
      '{ accounts { nationalId } me { nationalId email roles { grantedAt grantedBy } } colleague: account(id: "a2") { email } }',
    );

    const text = JSON.stringify([executed, response]);
    for (const secret of ['CCCD-001', 'CCCD-002', 'minh@thpt-a.edu.vn', '2024-09-01', 'principal']) {
      expect(text).not.toContain(secret);
    }
  });

  describe('the result it is given', () => {
    const { apiSchema } = platformSupergraph();
    const denial: DeniedField = {
      responsePath: ['me', 'lockedUntil'],
      typeCondition: 'Account',
      reason: 'FORBIDDEN',
      inResponse: true,
      steps: [
        { responseKey: 'me', fieldName: 'me', parentType: 'Query' },
        { responseKey: 'lockedUntil', fieldName: 'lockedUntil', parentType: 'Account' },
      ],
    };

    it('is not modified, and earlier errors come first', () => {
      const earlier = { message: 'boom', path: ['other'] };
      const result = { data: { me: { id: 'a1' } }, errors: [earlier] };

      const patched = applyDenials(result, [denial], apiSchema);

      expect(result).toEqual({ data: { me: { id: 'a1' } }, errors: [earlier] });
      expect(patched.data).toEqual({ me: { id: 'a1', lockedUntil: null } });
      expect(patched.errors).toEqual([earlier, expect.objectContaining({ path: ['me', 'lockedUntil'] })]);
    });

    it('is returned as is without denials or without data', () => {
      const result = { data: null, errors: [{ message: 'boom' }] };

      expect(applyDenials(result, [denial], apiSchema)).toEqual(result);
      expect(applyDenials({ data: { me: null } }, [], apiSchema)).toEqual({
        data: { me: null },
        errors: undefined,
      });
    });
  });
});
