import { randomBytes, randomUUID } from 'node:crypto';
import { infra, postGraphQL, testLogger, uniqueDbName, uniqueId, type GraphQLResult } from '@hocbaso/testkit';
import { identityConfigSchema, type IdentityConfig } from '../../services/identity/src/env';
import { createIdentityService, type IdentityService } from '../../services/identity/src/server';
import { SYSTEM_CALLER } from '../../services/identity/src/usecases/deps';
import { grantFamilyRole } from '../../services/identity/src/usecases/family-roles';
import { createAccount } from '../../services/identity/src/usecases/manage-accounts';
import { grantRole } from '../../services/identity/src/usecases/manage-roles';
import { createSchool } from '../../services/identity/src/usecases/manage-schools';
import { SYSTEM_ACTOR, type Role, type RoleScope } from '@hocbaso/events';
import { gatewayConfigSchema, type GatewayConfig } from '../src/env';
import { createGatewayServer, type GatewayServer } from '../src/server';

export type GraphQLResponse<T = Record<string, unknown>> = GraphQLResult<T>;

/**
 * The real stack for end-to-end tests: the identity service and the gateway in this process,
 * talking over HTTP, on the local FerretDB and Kafka, each test file with its own database.
 */
export class TestStack {
  identity!: IdentityService;
  gateway!: GatewayServer;
  url = '';
  identityUrl = '';
  readonly secret = randomBytes(32).toString('hex');
  identityConfig!: IdentityConfig;
  gatewayConfig!: GatewayConfig;
  /** Every line each service's logger wrote, by service, so a test can read a whole run's logs. */
  readonly logs: Record<string, string[]> = {};

  /** A test logger whose lines stay readable in `logs`. */
  protected logger(service: string) {
    const logger = testLogger(service);
    this.logs[service] = logger.lines;
    return logger;
  }

  static async start(identityOverrides: Record<string, string> = {}): Promise<TestStack> {
    const stack = new TestStack();
    await stack.startIdentity(identityOverrides);
    await stack.startGateway();
    return stack;
  }

  async startIdentity(
    overrides: Record<string, string> = {},
    dbName = uniqueDbName('identity'),
  ): Promise<void> {
    this.identityConfig = identityConfigSchema.parse({
      MONGODB_URI: infra().mongodbUri,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      INTERNAL_IDENTITY_SECRET: this.secret,
      SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('hex'),
      IDENTITY_PORT: '0',
      IDENTITY_METRICS_PORT: '0',
      IDENTITY_DB_NAME: dbName,
      LOGIN_MAX_FAILURES: '3',
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // The stack's own group for the students service's family links (another stack's are not its).
      IDENTITY_CONSUMER_GROUP: uniqueId('identity-e2e'),
      ...overrides,
    });
    this.identity = await createIdentityService(this.identityConfig, this.logger('identity'));
    const port = await this.identity.listen();
    this.identityUrl = `http://127.0.0.1:${port}`;
  }

  async startGateway(): Promise<void> {
    this.gatewayConfig = gatewayConfigSchema.parse({
      INTERNAL_IDENTITY_SECRET: this.secret,
      IDENTITY_BASE_URL: this.identityUrl,
      SUBGRAPH_IDENTITY_URL: `${this.identityUrl}/graphql`,
      GATEWAY_PORT: '0',
      GATEWAY_METRICS_PORT: '0',
      ALLOW_INTROSPECTION: 'false',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    }) as GatewayConfig;
    this.gateway = await createGatewayServer(this.gatewayConfig, this.logger('gateway'));
    this.url = `http://127.0.0.1:${await this.gateway.listen()}/graphql`;
  }

  async query<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    return postGraphQL<T>(this.url, query, variables, {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    });
  }

  async login(username: string, password: string) {
    const result = await this.query<{
      login: { accessToken: string; refreshToken: string; account: { id: string } };
    }>(
      `mutation Login($input: LoginInput!) { login(input: $input) { accessToken refreshToken account { id } } }`,
      { input: { username, password } },
    );
    if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
    return result.data.login;
  }

  /**
   * A school with its own administrator (created as the system would at bootstrap), placed in a
   * province and district when `place` is given.
   */
  async createSchoolWithAdmin(prefix: string, place?: { provinceCode: string; districtCode: string }) {
    const deps = this.identity.deps;
    const school = await createSchool(deps, SYSTEM_CALLER, {
      code: `${prefix}-${randomBytes(3).toString('hex')}`,
      name: `Trường THPT ${prefix}`,
      ...place,
    });
    const admin = await this.createAccount(school._id, `${prefix}.admin`, 'SYSTEM_ADMIN');
    return { school, admin };
  }

  async createAccount(
    schoolId: string | null,
    usernamePrefix: string,
    role?: Role,
    scope: Partial<RoleScope> = {},
  ) {
    const username = `${usernamePrefix}.${randomBytes(3).toString('hex')}`.toLowerCase();
    const password = `Mat-khau-${randomBytes(4).toString('hex')}-9`;
    const account = await createAccount(this.identity.deps, SYSTEM_CALLER, {
      schoolId,
      username,
      displayName: `Người dùng ${usernamePrefix}`,
      password,
      email: `${username}@example.edu.vn`,
      phone: '0912 345 678',
    });
    let roleAssignmentId: string | undefined;
    if (role === 'PARENT' || role === 'STUDENT') {
      // Family roles come only from a verified link: the path identity takes on familyLinkVerified,
      // as if the account had redeemed a code the school issued for that student.
      if (!scope.studentId || !schoolId) throw new Error(`${role} needs a school and scope.studentId`);
      roleAssignmentId = (await grantFamilyRole(this.identity.deps, {
        linkId: randomUUID(),
        accountId: account._id,
        studentId: scope.studentId,
        schoolId,
        relation: role,
        actor: SYSTEM_ACTOR,
      }))!._id;
    } else if (role) {
      roleAssignmentId = (
        await grantRole(this.identity.deps, SYSTEM_CALLER, {
          accountId: account._id,
          role,
          scope: { schoolId, ...scope },
        })
      )._id;
    }
    return { id: account._id, username, password, roleAssignmentId };
  }

  async stop(): Promise<void> {
    await this.gateway?.close();
    await this.identity?.close();
  }
}
