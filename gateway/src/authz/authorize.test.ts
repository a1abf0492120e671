import { GraphQLError, Kind, parse, print } from 'graphql';
import {
  authorizeOperation,
  evaluateRequirement,
  type AuthzSubject,
  type PolicyEvaluator,
} from './authorize';
import { authorizeAs, canonical, platformRequirements, validationErrors } from './__fixtures__/helpers';
import {
  ANONYMOUS,
  POLICIES,
  PRINCIPAL,
  SIGNED_IN,
  SYSTEM_ADMIN,
  TEACHER,
  platformSupergraph,
} from './__fixtures__/supergraph';

const subjectWith = (...scopes: string[]): AuthzSubject => ({ authenticated: true, scopes: new Set(scopes) });

/** Denials without the `steps` detail, for short expectations. */
const summary = (result: { denied: { responsePath: string[]; typeCondition: string; reason: string }[] }) =>
  result.denied.map(({ responsePath, typeCondition, reason }) => ({
    path: responsePath.join('.'),
    typeCondition,
    reason,
  }));

describe('authorizeOperation', () => {
  describe('an anonymous caller', () => {
    it('loses fields needing a signed-in caller and keeps public ones', () => {
      const result = authorizeAs(ANONYMOUS, '{ publicInfo me { id username } }');

      expect(canonical(result.document)).toBe(canonical('{ publicInfo }'));
      expect(summary(result)).toEqual([{ path: 'me', typeCondition: 'Query', reason: 'UNAUTHENTICATED' }]);
      expect(result.unauthenticated).toBe(true);
      expect(validationErrors(result.document)).toEqual([]);
    });

    it('gets FORBIDDEN (not UNAUTHENTICATED) for a field that needs scopes only', () => {
      const result = authorizeAs(ANONYMOUS, '{ publicInfo accounts { id } }');

      expect(summary(result)).toEqual([{ path: 'accounts', typeCondition: 'Query', reason: 'FORBIDDEN' }]);
      expect(result.unauthenticated).toBe(false);
    });

    it('keeps __typename at the root when every root field is denied', () => {
      const result = authorizeAs(ANONYMOUS, '{ me { id } accounts { id } gradeBook(id: "g1") { id } }');

      expect(canonical(result.document)).toBe(canonical('{ _hocbasoAuthzType: __typename }'));
      expect(summary(result).map((denial) => denial.path)).toEqual(['me', 'accounts', 'gradeBook']);
      expect(validationErrors(result.document)).toEqual([]);
    });

    it('keeps a mutation valid when its only root field is denied', () => {
      const result = authorizeAs(
        ANONYMOUS,
        'mutation { changePassword(currentPassword: "a", newPassword: "b") }',
      );

      expect(canonical(result.document)).toBe(canonical('mutation { _hocbasoAuthzType: __typename }'));
      expect(summary(result)).toEqual([
        { path: 'changePassword', typeCondition: 'Mutation', reason: 'UNAUTHENTICATED' },
      ]);
      expect(validationErrors(result.document)).toEqual([]);
    });

    it('never restricts introspection', () => {
      const result = authorizeAs(
        ANONYMOUS,
        '{ __typename __schema { queryType { name } } __type(name: "Account") { fields { name } } }',
      );

      expect(result.document).toBe(result.input);
      expect(result.denied).toEqual([]);
    });
  });

  describe('a signed-in caller without scopes', () => {
    it('keeps @authenticated fields and loses scoped ones', () => {
      const result = authorizeAs(SIGNED_IN, '{ me { id username lockedUntil } accounts { id } }');

      expect(canonical(result.document)).toBe(canonical('{ me { id username } }'));
      expect(summary(result)).toEqual([
        { path: 'me.lockedUntil', typeCondition: 'Account', reason: 'FORBIDDEN' },
        { path: 'accounts', typeCondition: 'Query', reason: 'FORBIDDEN' },
      ]);
      expect(result.unauthenticated).toBe(false);
    });

    it('replaces a selection set emptied by the removals with __typename', () => {
      const result = authorizeAs(SIGNED_IN, '{ me { lockedUntil nationalId } }');

      expect(canonical(result.document)).toBe(canonical('{ me { _hocbasoAuthzType: __typename } }'));
      expect(validationErrors(result.document)).toEqual([]);
    });
  });

  describe('scopes', () => {
    const query = '{ accounts { id lockedUntil nationalId roles { role grantedBy } } }';

    it('lets a principal list accounts but not read national ids', () => {
      const result = authorizeAs(PRINCIPAL, query);

      expect(canonical(result.document)).toBe(canonical('{ accounts { id lockedUntil roles { role } } }'));
      expect(summary(result).map((denial) => denial.path)).toEqual([
        'accounts.nationalId',
        'accounts.roles.grantedBy',
      ]);
    });

    it('returns the very input document when nothing is removed', () => {
      const result = authorizeAs(subjectWith('SYSTEM_ADMIN', 'AUDITOR'), query);

      expect(result.document).toBe(result.input);
      expect(result.denied).toEqual([]);
      expect(result.unauthenticated).toBe(false);
    });

    it.each([
      ['SYSTEM_ADMIN alone', ['SYSTEM_ADMIN'], false],
      ['AUDITOR alone', ['AUDITOR'], false],
      ['SYSTEM_ADMIN and AUDITOR', ['SYSTEM_ADMIN', 'AUDITOR'], true],
      ['SYSTEM_ADMIN, AUDITOR and more', ['SYSTEM_ADMIN', 'AUDITOR', 'TEACHER'], true],
    ])('needs every scope of an AND group: %s', (_label, scopes, allowed) => {
      const result = authorizeAs(subjectWith(...scopes), '{ me { roles { id grantedBy } } }');

      expect(result.denied.some((denial) => denial.responsePath.join('.') === 'me.roles.grantedBy')).toBe(
        !allowed,
      );
    });

    it.each([
      ['PRINCIPAL', true],
      ['SYSTEM_ADMIN', true],
      ['TEACHER', false],
    ])('needs one group of an OR: %s', (scope, allowed) => {
      const result = authorizeAs(subjectWith(scope), '{ me { lockedUntil } }');

      expect(result.denied).toHaveLength(allowed ? 0 : 1);
    });

    it('produces different documents for different scope sets, so cached plans cannot leak', () => {
      const printed = [SIGNED_IN, TEACHER, PRINCIPAL, SYSTEM_ADMIN].map((subject) =>
        print(authorizeAs(subject, '{ publicInfo accounts { id nationalId lockedUntil } }').document),
      );

      expect(new Set(printed).size).toBe(2 + 1); // SIGNED_IN and TEACHER see the same (no accounts)
      expect(printed[0]).toBe(printed[1]);
      expect(printed[2]).not.toContain('nationalId');
      expect(printed[3]).toContain('nationalId');
    });
  });

  describe('type-level requirements', () => {
    it('guard every field returning the type', () => {
      const anonymous = authorizeAs(ANONYMOUS, '{ gradeBook(id: "g1") { id } }');
      const signedIn = authorizeAs(SIGNED_IN, '{ gradeBook(id: "g1") { id } me { gradeBooks { id } } }');

      expect(summary(anonymous)).toEqual([
        { path: 'gradeBook', typeCondition: 'Query', reason: 'UNAUTHENTICATED' },
      ]);
      expect(signedIn.denied).toEqual([]);
    });

    it('on an enum guard fields of that enum type', () => {
      const query = '{ gradeBook(id: "g1") { studentName conduct } }';

      expect(summary(authorizeAs(SIGNED_IN, query))).toEqual([
        { path: 'gradeBook.conduct', typeCondition: 'GradeBook', reason: 'FORBIDDEN' },
      ]);
      expect(authorizeAs(TEACHER, query).denied).toEqual([]);
    });

    it('on a scalar guard fields of that scalar type', () => {
      const result = authorizeAs(ANONYMOUS, '{ schools { name principalPhone } }');

      expect(canonical(result.document)).toBe(canonical('{ schools { name } }'));
      expect(summary(result)).toEqual([
        { path: 'schools.principalPhone', typeCondition: 'School', reason: 'UNAUTHENTICATED' },
      ]);
    });
  });

  describe('aliases and policies', () => {
    it('reports response keys and asks the policy with the root field name, not the alias', () => {
      const policies = jest.fn<boolean, Parameters<PolicyEvaluator>>(POLICIES);
      const result = authorizeAs(
        SIGNED_IN,
        '{ myself: me { mail: email } colleague: account(id: "a2") { mail: email name: username } }',
        { policies },
      );

      expect(canonical(result.document)).toBe(
        canonical('{ myself: me { mail: email } colleague: account(id: "a2") { name: username } }'),
      );
      expect(summary(result)).toEqual([
        { path: 'colleague.mail', typeCondition: 'Account', reason: 'FORBIDDEN' },
      ]);
      expect(
        policies.mock.calls.map(([policy, context]) => [policy, context.rootField, context.operationType]),
      ).toEqual([
        ['account.personal', 'me', 'query'],
        ['account.personal', 'account', 'query'],
      ]);
      expect(policies.mock.calls[0]?.[1].subject).toBe(SIGNED_IN);
    });

    it('asks each policy once per root field', () => {
      const policies = jest.fn<boolean, Parameters<PolicyEvaluator>>(POLICIES);
      authorizeAs(
        SIGNED_IN,
        '{ me { email e2: email } a: account(id: "a1") { email } b: account(id: "a2") { email } }',
        {
          policies,
        },
      );

      expect(policies.mock.calls.map(([, context]) => context.rootField)).toEqual(['me', 'account']);
    });

    it('passes the operation type of a mutation', () => {
      const policies = jest.fn<boolean, Parameters<PolicyEvaluator>>(() => false);
      const result = authorizeAs(
        SYSTEM_ADMIN,
        'mutation { lockAccount(id: "a2", until: "2030-01-01") { id email } }',
        {
          policies,
        },
      );

      expect(policies).toHaveBeenCalledWith('account.personal', {
        subject: SYSTEM_ADMIN,
        rootField: 'lockAccount',
        operationType: 'mutation',
      });
      expect(summary(result)).toEqual([
        { path: 'lockAccount.email', typeCondition: 'Account', reason: 'FORBIDDEN' },
      ]);
    });
  });

  describe('fragments', () => {
    const query = /* GraphQL */ `
      query People {
        me {
          ...AccountParts
        }
        account(id: "a2") {
          ...AccountParts
        }
      }
      fragment AccountParts on Account {
        id
        email
        roles {
          ...RoleParts
        }
      }
      fragment RoleParts on RoleAssignment {
        role
        grantedBy
      }
    `;

    it('decides each use of a named fragment on its own path', () => {
      const result = authorizeAs(SIGNED_IN, query);

      expect(summary(result)).toEqual([
        { path: 'me.roles.grantedBy', typeCondition: 'RoleAssignment', reason: 'FORBIDDEN' },
        { path: 'account.email', typeCondition: 'Account', reason: 'FORBIDDEN' },
        { path: 'account.roles.grantedBy', typeCondition: 'RoleAssignment', reason: 'FORBIDDEN' },
      ]);
      expect(canonical(result.document)).toBe(
        canonical(`
          query People {
            me { ... on Account { id email roles { ... on RoleAssignment { role } } } }
            account(id: "a2") { ... on Account { id roles { ... on RoleAssignment { role } } } }
          }
        `),
      );
      expect(
        result.document.definitions.every((definition) => definition.kind === Kind.OPERATION_DEFINITION),
      ).toBe(true);
      expect(validationErrors(result.document)).toEqual([]);
    });

    it('drops an inline fragment emptied by the removals', () => {
      const result = authorizeAs(SIGNED_IN, '{ me { id ... on Account { nationalId } } }');

      expect(canonical(result.document)).toBe(canonical('{ me { id } }'));
    });

    it('keeps the directives of a spread on the inlined fragment', () => {
      const result = authorizeAs(
        SIGNED_IN,
        'query ($full: Boolean!) { me { id ...Secret @include(if: $full) } } fragment Secret on Account { nationalId username }',
        { variables: { full: true } },
      );

      expect(canonical(result.document)).toBe(
        canonical('query ($full: Boolean!) { me { id ... on Account @include(if: $full) { username } } }'),
      );
    });
  });

  describe('abstract types', () => {
    it('removes fields inside fragments on union members and asks for __typename there', () => {
      const result = authorizeAs(
        ANONYMOUS,
        '{ search(term: "an") { ... on Account { username email } ... on School { name principalPhone } } }',
      );

      expect(canonical(result.document)).toBe(
        canonical(
          '{ search(term: "an") { ... on Account { username } ... on School { name } _hocbasoAuthzType: __typename } }',
        ),
      );
      expect(summary(result)).toEqual([
        { path: 'search.email', typeCondition: 'Account', reason: 'FORBIDDEN' },
        { path: 'search.principalPhone', typeCondition: 'School', reason: 'UNAUTHENTICATED' },
      ]);
      expect(validationErrors(result.document)).toEqual([]);
    });

    it('does not add __typename twice', () => {
      const result = authorizeAs(ANONYMOUS, '{ search(term: "an") { __typename ... on Account { email } } }');

      expect(canonical(result.document)).toBe(canonical('{ search(term: "an") { __typename } }'));
    });

    it('guards an interface field by what its implementations require', () => {
      const anonymous = authorizeAs(ANONYMOUS, '{ node(id: "s1") { id displayName } }');

      expect(canonical(anonymous.document)).toBe(
        canonical('{ node(id: "s1") { id _hocbasoAuthzType: __typename } }'),
      );
      expect(summary(anonymous)).toEqual([
        { path: 'node.displayName', typeCondition: 'Node', reason: 'UNAUTHENTICATED' },
      ]);
      expect(authorizeAs(SIGNED_IN, '{ node(id: "s1") { id displayName } }').denied).toEqual([]);
    });

    it('asks for __typename on every abstract position above a denial', () => {
      const result = authorizeAs(
        ANONYMOUS,
        '{ outer: search(term: "x") { ... on Account { roles { grantedBy id } } } }',
      );

      expect(canonical(result.document)).toBe(
        canonical(
          '{ outer: search(term: "x") { ... on Account { roles { id } } _hocbasoAuthzType: __typename } }',
        ),
      );
      expect(result.denied[0]?.steps).toEqual([
        { responseKey: 'outer', fieldName: 'search', parentType: 'Query' },
        { responseKey: 'roles', fieldName: 'roles', parentType: 'Account' },
        { responseKey: 'grantedBy', fieldName: 'grantedBy', parentType: 'RoleAssignment' },
      ]);
    });
  });

  describe('variables', () => {
    it('drops variable definitions used only inside removed fields', () => {
      const result = authorizeAs(
        ANONYMOUS,
        `query Find($id: ID!, $term: String!, $withRoles: Boolean = false) {
          account(id: $id) { id roles @include(if: $withRoles) { role } }
          search(term: $term) { __typename }
        }`,
      );

      expect(canonical(result.document)).toBe(
        canonical('query Find($term: String!) { search(term: $term) { __typename } }'),
      );
      expect(validationErrors(result.document)).toEqual([]);
    });

    it('keeps variable definitions still in use', () => {
      const result = authorizeAs(
        SIGNED_IN,
        'query ($id: ID!) { account(id: $id) { id lockedUntil } again: account(id: $id) { username } }',
      );

      expect(result.document.definitions[0]).toMatchObject({
        variableDefinitions: [{ variable: { name: { value: 'id' } } }],
      });
      expect(validationErrors(result.document)).toEqual([]);
    });

    it('removes fields left out by @skip/@include but marks them as absent from the response', () => {
      const query = 'query ($hide: Boolean!) { publicInfo me @skip(if: $hide) { id } }';
      const hidden = authorizeAs(ANONYMOUS, query, { variables: { hide: true } });
      const shown = authorizeAs(ANONYMOUS, query, { variables: { hide: false } });

      expect(canonical(hidden.document)).toBe(canonical('{ publicInfo }'));
      expect(canonical(shown.document)).toBe(canonical('{ publicInfo }'));
      expect(hidden.denied.map((denial) => denial.inResponse)).toEqual([false]);
      expect(hidden.unauthenticated).toBe(false);
      expect(shown.denied.map((denial) => denial.inResponse)).toEqual([true]);
      expect(shown.unauthenticated).toBe(true);
    });
  });

  describe('operation selection', () => {
    const document = parse(`
      query Public { publicInfo }
      query Private { me { id } publicInfo }
    `);

    it('rewrites the named operation and keeps only it', () => {
      const result = authorizeAs(ANONYMOUS, document, { operationName: 'Private' });

      expect(canonical(result.document)).toBe(canonical('query Private { publicInfo }'));
    });

    it('leaves the document alone when the operation cannot be chosen', () => {
      expect(authorizeAs(ANONYMOUS, document).document).toBe(document);
      expect(authorizeAs(ANONYMOUS, document, { operationName: 'Missing' }).document).toBe(document);
    });
  });

  it('refuses to inline an exponential fragment expansion', () => {
    const levels = 20;
    const fragments = Array.from({ length: levels }, (_, level) =>
      level === levels - 1
        ? `fragment F${level} on Query { publicInfo }`
        : `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`,
    );
    const { apiSchema } = platformSupergraph();
    const attempt = () =>
      authorizeOperation({
        schema: apiSchema,
        requirements: platformRequirements(),
        document: parse(`{ me { id } ...F0 } ${fragments.join('\n')}`),
        subject: ANONYMOUS,
        policies: POLICIES,
      });

    expect(attempt).toThrow(GraphQLError);
    expect(attempt).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }),
    );
  });
});

describe('evaluateRequirement', () => {
  const never = () => false;

  it('allows an unrestricted field to anyone', () => {
    expect(
      evaluateRequirement({ authenticated: false, scopes: [], policies: [] }, ANONYMOUS, never),
    ).toBeNull();
  });

  it('needs every source of requirements at once', () => {
    const requirement = {
      authenticated: true,
      scopes: [[['PRINCIPAL']], [['TEACHER'], ['AUDITOR']]],
      policies: [],
    };

    expect(evaluateRequirement(requirement, subjectWith('PRINCIPAL'), never)).toBe('FORBIDDEN');
    expect(evaluateRequirement(requirement, subjectWith('PRINCIPAL', 'AUDITOR'), never)).toBeNull();
    expect(
      evaluateRequirement(
        requirement,
        { authenticated: false, scopes: new Set(['PRINCIPAL', 'AUDITOR']) },
        never,
      ),
    ).toBe('UNAUTHENTICATED');
  });

  it('evaluates policies as an OR of ANDs', () => {
    const requirement = { authenticated: false, scopes: [], policies: [[['a', 'b'], ['c']]] };
    const holding =
      (...names: string[]) =>
      (policy: string) =>
        names.includes(policy);

    expect(evaluateRequirement(requirement, ANONYMOUS, holding('a'))).toBe('FORBIDDEN');
    expect(evaluateRequirement(requirement, ANONYMOUS, holding('a', 'b'))).toBeNull();
    expect(evaluateRequirement(requirement, ANONYMOUS, holding('c'))).toBeNull();
  });
});
