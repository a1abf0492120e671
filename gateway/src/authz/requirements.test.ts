import { isInterfaceType, isObjectType, parse } from 'graphql';
import {
  readAuthDirectiveNames,
  readAuthRequirements,
  requirementOf,
  type AuthRequirements,
  type Requirement,
} from './requirements';
import {
  NAMESPACED_SUPERGRAPH_SDL,
  RENAMING_SUBGRAPH,
  compose,
  platformSupergraph,
} from './__fixtures__/supergraph';

const requirement = (partial: Partial<Requirement>): Requirement => ({
  authenticated: false,
  scopes: [],
  policies: [],
  ...partial,
});

/** A minimal supergraph-like SDL (no `@link`s: the default names apply). */
const sdl = (body: string) => `
  directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  ${body}
`;

describe('readAuthRequirements on a composed supergraph', () => {
  let requirements: AuthRequirements;
  beforeAll(() => {
    requirements = readAuthRequirements(platformSupergraph().supergraphSdl);
  });

  it('reads field-level directives', () => {
    expect(requirementOf(requirements, 'Query', 'me')).toEqual(requirement({ authenticated: true }));
    expect(requirementOf(requirements, 'Query', 'accounts')).toEqual(
      requirement({ scopes: [[['SYSTEM_ADMIN'], ['PRINCIPAL']]] }),
    );
    expect(requirementOf(requirements, 'Account', 'email')).toEqual(
      requirement({ policies: [[['account.personal']]] }),
    );
    expect(requirementOf(requirements, 'RoleAssignment', 'grantedBy')).toEqual(
      requirement({ scopes: [[['SYSTEM_ADMIN', 'AUDITOR']]] }),
    );
  });

  it('leaves unrestricted fields out', () => {
    expect(requirements.fields.has('Query.publicInfo')).toBe(false);
    expect(requirements.fields.has('Account.username')).toBe(false);
    expect(requirementOf(requirements, 'Account', 'username')).toEqual(requirement({}));
  });

  it('makes fields returning a guarded type, scalar or enum inherit its requirement', () => {
    expect(requirementOf(requirements, 'Query', 'gradeBook')).toEqual(requirement({ authenticated: true }));
    expect(requirementOf(requirements, 'Account', 'gradeBooks')).toEqual(
      requirement({ authenticated: true }),
    );
    expect(requirementOf(requirements, 'School', 'principalPhone')).toEqual(
      requirement({ authenticated: true }),
    );
    expect(requirementOf(requirements, 'GradeBook', 'conduct')).toEqual(
      requirement({ authenticated: true, scopes: [[['TEACHER'], ['PRINCIPAL']]] }),
    );
  });

  it('records the type-level requirements themselves', () => {
    expect([...requirements.types.keys()].sort()).toEqual(['Conduct', 'GradeBook', 'PhoneNumber']);
  });

  it('only names coordinates that exist in the API schema', () => {
    const { apiSchema } = platformSupergraph();
    for (const coordinate of requirements.fields.keys()) {
      const [typeName = '', fieldName = ''] = coordinate.split('.');
      const type = apiSchema.getType(typeName);
      expect(isObjectType(type) || isInterfaceType(type)).toBe(true);
      if (isObjectType(type) || isInterfaceType(type)) expect(type.getFields()[fieldName]).toBeDefined();
    }
  });
});

describe('readAuthRequirements semantics', () => {
  it('ANDs the requirements of a field, its return type and its parent type', () => {
    const requirements = readAuthRequirements(
      sdl(`
        type Query { report: Report @requiresScopes(scopes: [["PRINCIPAL"]]) }
        type Report @requiresScopes(scopes: [["AUDITOR"], ["SYSTEM_ADMIN"]]) @authenticated {
          total: Grade @policy(policies: [["report.read"]])
        }
        scalar Grade @requiresScopes(scopes: [["TEACHER"]])
      `),
    );

    expect(requirementOf(requirements, 'Query', 'report')).toEqual({
      authenticated: true,
      scopes: [[['PRINCIPAL']], [['AUDITOR'], ['SYSTEM_ADMIN']]],
      policies: [],
    });
    expect(requirementOf(requirements, 'Report', 'total')).toEqual({
      authenticated: true,
      scopes: [[['TEACHER']], [['AUDITOR'], ['SYSTEM_ADMIN']]],
      policies: [[['report.read']]],
    });
  });

  it('guards an interface field by every implementation, even when composition did not copy it', () => {
    const requirements = readAuthRequirements(
      sdl(`
        type Query { record(id: ID!): StudentRecord }
        interface StudentRecord { id: ID! title: String }
        type Transcript implements StudentRecord { id: ID! title: String @requiresScopes(scopes: [["TEACHER"]]) }
        type Certificate implements StudentRecord @authenticated { id: ID! title: String }
        type Award implements StudentRecord { id: ID! title: String }
      `),
    );

    expect(requirementOf(requirements, 'StudentRecord', 'title')).toEqual(
      requirement({ authenticated: true, scopes: [[['TEACHER']]] }),
    );
    expect(requirementOf(requirements, 'StudentRecord', 'id')).toEqual(requirement({ authenticated: true }));
    expect(requirementOf(requirements, 'Award', 'title')).toEqual(requirement({}));
    expect(requirementOf(requirements, 'Transcript', 'title')).toEqual(
      requirement({ scopes: [[['TEACHER']]] }),
    );
  });

  it('honours type extensions', () => {
    const requirements = readAuthRequirements(
      sdl(`
        type Query { me: Account }
        type Account { id: ID! }
        extend type Account @authenticated { email: String @policy(policies: [["account.personal"]]) }
      `),
    );

    expect(requirementOf(requirements, 'Query', 'me')).toEqual(requirement({ authenticated: true }));
    expect(requirementOf(requirements, 'Account', 'email')).toEqual(
      requirement({ authenticated: true, policies: [[['account.personal']]] }),
    );
  });

  it('keeps identical alternatives once', () => {
    const requirements = readAuthRequirements(
      sdl(`
        type Query { account: Account @requiresScopes(scopes: [["PRINCIPAL"]]) }
        type Account @requiresScopes(scopes: [["PRINCIPAL"]]) { id: ID! }
      `),
    );

    expect(requirementOf(requirements, 'Query', 'account').scopes).toEqual([[['PRINCIPAL']]]);
  });

  it('refuses a malformed argument rather than open the field', () => {
    expect(() =>
      readAuthRequirements(sdl('type Query { secret: String @requiresScopes(scopes: ["SYSTEM_ADMIN"]) }')),
    ).toThrow('@requiresScopes(scopes:) must be a list of lists of strings');
  });
});

describe('directive names', () => {
  it('follow imports renamed by the subgraph, through composition', () => {
    const { supergraphSdl } = compose({ accounts: RENAMING_SUBGRAPH });
    const requirements = readAuthRequirements(supergraphSdl);

    expect(readAuthDirectiveNames(parse(supergraphSdl))).toEqual({
      authenticated: 'signedIn',
      requiresScopes: 'scopes',
      policy: 'policy',
    });
    expect(requirementOf(requirements, 'Query', 'me')).toEqual(requirement({ authenticated: true }));
    expect(requirementOf(requirements, 'Query', 'admins')).toEqual(
      requirement({ scopes: [[['SYSTEM_ADMIN']]] }),
    );
    expect(requirementOf(requirements, 'Query', 'secret')).toEqual(requirement({ policies: [[['nobody']]] }));
    expect(requirements.fields.has('Query.open')).toBe(false);
  });

  it('follow a spec namespaced with as:, and ignore look-alikes from other specs', () => {
    const requirements = readAuthRequirements(NAMESPACED_SUPERGRAPH_SDL);

    expect(readAuthDirectiveNames(parse(NAMESPACED_SUPERGRAPH_SDL))).toEqual({
      authenticated: 'signedIn',
      requiresScopes: 'scopes',
      policy: 'rule',
    });
    expect([...requirements.fields.keys()].sort()).toEqual(['Query.admins', 'Query.audited', 'Query.me']);
    expect(requirementOf(requirements, 'Query', 'audited')).toEqual(
      requirement({ policies: [[['audit.read']]] }),
    );
  });

  it('default to the spec names', () => {
    expect(readAuthDirectiveNames(parse('type Query { a: String }'))).toEqual({
      authenticated: 'authenticated',
      requiresScopes: 'requiresScopes',
      policy: 'policy',
    });
  });
});
