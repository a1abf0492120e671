import { execute, parse, print, validate, type DocumentNode } from 'graphql';
import {
  authorizeOperation,
  type AuthorizationResult,
  type AuthzSubject,
  type PolicyEvaluator,
} from '../authorize';
import { applyDenials, type PatchedResult } from '../denials';
import { readAuthRequirements, type AuthRequirements } from '../requirements';
import { POLICIES, platformSupergraph } from './supergraph';

let requirements: AuthRequirements | undefined;

export function platformRequirements(): AuthRequirements {
  requirements ??= readAuthRequirements(platformSupergraph().supergraphSdl);
  return requirements;
}

export interface AuthorizeOptions {
  operationName?: string | null;
  variables?: Record<string, unknown>;
  policies?: PolicyEvaluator;
}

/** Parses and validates `query` against the platform API schema, then authorizes it. */
export function authorizeAs(
  subject: AuthzSubject,
  query: string | DocumentNode,
  options: AuthorizeOptions = {},
): AuthorizationResult & { input: DocumentNode } {
  const { apiSchema } = platformSupergraph();
  const input = typeof query === 'string' ? parse(query) : query;
  const inputErrors = validate(apiSchema, input);
  if (inputErrors.length > 0) throw new Error(`test query is invalid: ${inputErrors.map(String).join('\n')}`);
  const result = authorizeOperation({
    schema: apiSchema,
    requirements: platformRequirements(),
    document: input,
    operationName: options.operationName ?? null,
    variables: options.variables ?? null,
    subject,
    policies: options.policies ?? POLICIES,
  });
  return { ...result, input };
}

/** Canonical text of a document, so expectations can be written in any layout. */
export function canonical(document: string | DocumentNode): string {
  return print(typeof document === 'string' ? parse(document) : document);
}

export function validationErrors(document: DocumentNode): string[] {
  return validate(platformSupergraph().apiSchema, document).map((error) => error.message);
}

const roles = (prefix: string) => [
  { id: `${prefix}-r1`, role: 'TEACHER', grantedBy: 'admin', grantedAt: '2024-09-01' },
  { id: `${prefix}-r2`, role: 'HOMEROOM_TEACHER', grantedBy: 'principal', grantedAt: '2024-09-05' },
];

export const ACCOUNTS = [
  {
    __typename: 'Account',
    id: 'a1',
    username: 'gv.lan',
    displayName: 'Nguyễn Thị Lan',
    email: 'lan@thpt-a.edu.vn',
    lockedUntil: null,
    nationalId: 'CCCD-001',
    roles: roles('a1'),
    gradeBooks: [],
  },
  {
    __typename: 'Account',
    id: 'a2',
    username: 'gv.minh',
    displayName: 'Trần Văn Minh',
    email: 'minh@thpt-a.edu.vn',
    lockedUntil: '2025-01-01',
    nationalId: 'CCCD-002',
    roles: roles('a2').slice(0, 1),
    gradeBooks: [],
  },
];

export const SCHOOLS = [
  {
    __typename: 'School',
    id: 's1',
    name: 'THPT Chu Văn An',
    displayName: 'Chu Văn An',
    principalPhone: '0243-000-111',
  },
];

/** Stands in for the subgraphs: resolves everything, so any field the rewrite forgot would leak. */
const ROOT = {
  me: () => ACCOUNTS[0],
  account: ({ id }: { id: string }) => ACCOUNTS.find((account) => account.id === id) ?? null,
  accounts: () => ACCOUNTS,
  publicInfo: () => 'Học bạ số',
  node: ({ id }: { id: string }) => [...ACCOUNTS, ...SCHOOLS].find((node) => node.id === id) ?? null,
  search: () => [ACCOUNTS[0], null, SCHOOLS[0], ACCOUNTS[1]],
  schools: () => SCHOOLS,
  gradeBook: () => null,
  lockAccount: ({ id }: { id: string }) => ACCOUNTS.find((account) => account.id === id) ?? null,
  changePassword: () => true,
};

/** What the gateway does: authorize, execute the rewritten operation, patch the result. */
export async function runAs(
  subject: AuthzSubject,
  query: string,
  options: AuthorizeOptions = {},
): Promise<{ authorization: AuthorizationResult; executed: unknown; response: PatchedResult }> {
  const authorization = authorizeAs(subject, query, options);
  const { apiSchema } = platformSupergraph();
  const rewrittenErrors = validate(apiSchema, authorization.document);
  if (rewrittenErrors.length > 0)
    throw new Error(`rewritten operation is invalid: ${rewrittenErrors.join('\n')}`);
  const executed = await execute({
    schema: apiSchema,
    document: authorization.document,
    rootValue: ROOT,
    variableValues: options.variables ?? null,
    operationName: options.operationName ?? null,
  });
  const plain = JSON.parse(JSON.stringify(executed)) as {
    data?: Record<string, unknown> | null;
    errors?: unknown[];
  };
  const response = applyDenials(plain, authorization.denied, apiSchema);
  return { authorization, executed: plain, response };
}
