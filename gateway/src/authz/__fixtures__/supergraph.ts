import { composeServices } from '@apollo/composition';
import { parse, type GraphQLSchema } from 'graphql';
import type { AuthzSubject, PolicyEvaluator } from '../authorize';

/** Identity-like subgraph: accounts, schools, search, with field- and type-level requirements. */
export const ACCOUNTS_SUBGRAPH = /* GraphQL */ `
  extend schema
    @link(
      url: "https://specs.apollo.dev/federation/v2.9"
      import: ["@key", "@authenticated", "@requiresScopes", "@policy"]
    )

  type Query {
    me: Account @authenticated
    account(id: ID!): Account @authenticated
    accounts: [Account!]! @requiresScopes(scopes: [["SYSTEM_ADMIN"], ["PRINCIPAL"]])
    publicInfo: String
    node(id: ID!): Node
    search(term: String!): [SearchResult]!
    schools: [School!]!
  }

  type Mutation {
    lockAccount(id: ID!, until: String!): Account @requiresScopes(scopes: [["SYSTEM_ADMIN"]])
    changePassword(currentPassword: String!, newPassword: String!): Boolean! @authenticated
  }

  interface Node {
    id: ID!
    displayName: String
  }

  type Account implements Node @key(fields: "id") {
    id: ID!
    username: String!
    displayName: String @authenticated
    email: String @policy(policies: [["account.personal"]])
    lockedUntil: String @requiresScopes(scopes: [["SYSTEM_ADMIN"], ["PRINCIPAL"]])
    nationalId: String! @requiresScopes(scopes: [["SYSTEM_ADMIN"]])
    roles: [RoleAssignment!]!
  }

  type RoleAssignment {
    id: ID!
    role: String!
    grantedBy: String @requiresScopes(scopes: [["SYSTEM_ADMIN", "AUDITOR"]])
    grantedAt: String! @requiresScopes(scopes: [["SYSTEM_ADMIN"]])
  }

  type School implements Node @key(fields: "id") {
    id: ID!
    name: String!
    displayName: String
    principalPhone: PhoneNumber
  }

  union SearchResult = Account | School

  scalar PhoneNumber @authenticated
`;

/** Records-like subgraph: grade books, a type guarded as a whole and an enum guarded as a whole. */
export const RECORDS_SUBGRAPH = /* GraphQL */ `
  extend schema
    @link(
      url: "https://specs.apollo.dev/federation/v2.9"
      import: ["@key", "@authenticated", "@requiresScopes"]
    )

  type Query {
    gradeBook(id: ID!): GradeBook
  }

  type Account @key(fields: "id") {
    id: ID!
    gradeBooks: [GradeBook!]
  }

  type GradeBook @authenticated {
    id: ID!
    studentName: String!
    conduct: Conduct
    note: String @requiresScopes(scopes: [["TEACHER"], ["PRINCIPAL"]])
  }

  enum Conduct @requiresScopes(scopes: [["TEACHER"], ["PRINCIPAL"]]) {
    GOOD
    FAIR
    AVERAGE
    WEAK
  }
`;

/** A subgraph importing the directives under other names. */
export const RENAMING_SUBGRAPH = /* GraphQL */ `
  extend schema
    @link(
      url: "https://specs.apollo.dev/federation/v2.9"
      import: [
        { name: "@authenticated", as: "@signedIn" }
        { name: "@requiresScopes", as: "@scopes" }
        "@policy"
      ]
    )

  type Query {
    me: String @signedIn
    admins: [String!]! @scopes(scopes: [["SYSTEM_ADMIN"]])
    secret: String @policy(policies: [["nobody"]])
    open: String
  }
`;

export interface ComposedFixture {
  supergraphSdl: string;
  /** The schema clients see, derived by federation from the supergraph. */
  apiSchema: GraphQLSchema;
}

export function compose(subgraphs: Record<string, string>): ComposedFixture {
  const result = composeServices(
    Object.entries(subgraphs).map(([name, sdl]) => ({
      name,
      url: `http://${name}:4000/graphql`,
      typeDefs: parse(sdl),
    })),
  );
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return { supergraphSdl: result.supergraphSdl, apiSchema: result.schema.toAPISchema().toGraphQLJSSchema() };
}

let platform: ComposedFixture | undefined;

/** The accounts + records supergraph, composed once per test file. */
export function platformSupergraph(): ComposedFixture {
  platform ??= compose({ accounts: ACCOUNTS_SUBGRAPH, records: RECORDS_SUBGRAPH });
  return platform;
}

/**
 * Hand-written: the requiresScopes spec namespaced with `as:` (so the directive is `@scopes`) and
 * a foreign `@authenticated`/`@policy` from another spec, which must not count.
 */
export const NAMESPACED_SUPERGRAPH_SDL = /* GraphQL */ `
  schema
    @link(url: "https://specs.apollo.dev/link/v1.0")
    @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)
    @link(
      url: "https://specs.apollo.dev/authenticated/v0.1"
      for: SECURITY
      import: [{ name: "@authenticated", as: "@signedIn" }]
    )
    @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scopes", for: SECURITY)
    @link(url: "https://specs.apollo.dev/policy/v0.1", as: "rule", for: SECURITY)
    @link(url: "https://example.com/legacy/v1.0", import: ["@authenticated", "@policy"]) {
    query: Query
  }

  directive @signedIn on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @scopes(scopes: [[scopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @rule(policies: [[rule__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @authenticated on FIELD_DEFINITION
  directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION
  directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

  scalar link__Import
  enum link__Purpose {
    SECURITY
    EXECUTION
  }
  scalar scopes__Scope
  scalar rule__Policy

  type Query {
    me: String @signedIn
    admins: [String!]! @scopes(scopes: [["SYSTEM_ADMIN"]])
    audited: String @rule(policies: [["audit.read"]])
    legacy: String @authenticated
    legacyPolicy: String @policy(policies: [["nobody"]])
  }
`;

export const ANONYMOUS: AuthzSubject = { authenticated: false, scopes: new Set() };
export const SIGNED_IN: AuthzSubject = { authenticated: true, scopes: new Set() };
export const PRINCIPAL: AuthzSubject = { authenticated: true, scopes: new Set(['PRINCIPAL']) };
export const SYSTEM_ADMIN: AuthzSubject = { authenticated: true, scopes: new Set(['SYSTEM_ADMIN']) };
export const TEACHER: AuthzSubject = { authenticated: true, scopes: new Set(['TEACHER']) };

/** `account.personal`: administrators and principals see anyone's; everybody sees their own via `me`. */
export const POLICIES: PolicyEvaluator = (policy, { subject, rootField }) => {
  if (policy !== 'account.personal') return false;
  return subject.scopes.has('SYSTEM_ADMIN') || subject.scopes.has('PRINCIPAL') || rootField === 'me';
};
