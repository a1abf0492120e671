import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@hocbaso/events';
import { type Principal } from '@hocbaso/service-kit';
import {
  eventually,
  infra,
  testLogger,
  uniqueDbName,
  uniqueId,
  forwardedIdentityHeader,
  postGraphQL,
  type GraphQLResult,
} from '@hocbaso/testkit';
import mongoose, { type Connection } from 'mongoose';
import { identityConfigSchema, type IdentityConfig } from '../src/env';
import { createIdentityService, type IdentityService } from '../src/server';
import { SYSTEM_CALLER } from '../src/usecases/deps';
import { createAccount } from '../src/usecases/manage-accounts';
import { grantRole } from '../src/usecases/manage-roles';
import { createSchool } from '../src/usecases/manage-schools';

export type { GraphQLResult };

/**
 * One identity service on the local FerretDB and Kafka, with its own database, listening on a
 * free port. Calls its subgraph directly, as the gateway would, with a signed forwarded identity.
 */
export class IdentityHarness {
  readonly secret = randomBytes(32).toString('hex');
  url = '';
  config!: IdentityConfig;
  service!: IdentityService;
  /** A connection of the test's own to the service's database (to read the audit trail, the outbox). */
  db!: Connection;

  static async start(prefix: string, overrides: Record<string, string> = {}): Promise<IdentityHarness> {
    const harness = new IdentityHarness();
    harness.config = identityConfigSchema.parse({
      MONGODB_URI: infra().mongodbUri,
      KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      INTERNAL_IDENTITY_SECRET: harness.secret,
      SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('hex'),
      IDENTITY_PORT: '0',
      IDENTITY_METRICS_PORT: '0',
      IDENTITY_DB_NAME: uniqueDbName(prefix),
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Each test file reads the family links in a group of its own (another file's are not its).
      IDENTITY_CONSUMER_GROUP: uniqueId('identity-test'),
      ...overrides,
    });
    harness.service = await createIdentityService(harness.config, testLogger('identity'));
    harness.url = `http://127.0.0.1:${await harness.service.listen()}`;
    harness.db = await mongoose
      .createConnection(harness.config.MONGODB_URI, { dbName: harness.config.IDENTITY_DB_NAME })
      .asPromise();
    return harness;
  }

  /**
   * Waits until the outbox relay has published and cleared every pending event. FerretDB v1
   * applies an update as read, modify, write back, not atomically: a use-case write racing the
   * relay's clean-up of the same document can be lost (see lost-update.repro.ts). Tests that are
   * not about that race write one change at a time and settle in between.
   */
  async settle(timeoutMs = 20_000): Promise<void> {
    await eventually(
      async () => {
        for (const name of ['accounts', 'schools']) {
          if (await this.db.collection(name).findOne({ _outboxPending: true }, { projection: { _id: 1 } }))
            return false;
        }
        return true;
      },
      timeoutMs,
      25,
    );
  }

  get deps() {
    return this.service.deps;
  }

  /** The header the gateway sends: who is calling, signed with the shared secret (or another one). */
  identityHeader(principal: Principal | null, secret = this.secret): Record<string, string> {
    return forwardedIdentityHeader(principal, secret);
  }

  graphql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string>,
  ): Promise<GraphQLResult<T>> {
    return postGraphQL<T>(`${this.url}/graphql`, query, variables, headers);
  }

  /** A subgraph call as `principal` (null: an anonymous caller the gateway let through). */
  as<T = Record<string, unknown>>(
    principal: Principal | null,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    return this.graphql<T>(query, variables, this.identityHeader(principal));
  }

  async createSchool(prefix: string) {
    const school = await createSchool(this.deps, SYSTEM_CALLER, {
      code: `${prefix}-${randomBytes(4).toString('hex')}`,
      name: `Trường THPT ${prefix}`,
    });
    await this.settle();
    return school;
  }

  async createAccount(schoolId: string | null, usernamePrefix: string, role?: Role) {
    const username = `${usernamePrefix}.${randomBytes(3).toString('hex')}`.toLowerCase();
    const password = `Mat-khau-${randomBytes(4).toString('hex')}-9`;
    const account = await createAccount(this.deps, SYSTEM_CALLER, {
      schoolId,
      username,
      displayName: `Người dùng ${usernamePrefix}`,
      password,
      email: `${username}@example.edu.vn`,
    });
    await this.settle();
    const roleAssignment = role
      ? await grantRole(this.deps, SYSTEM_CALLER, { accountId: account._id, role, scope: { schoolId } })
      : undefined;
    await this.settle();
    return { account, username, password, roleAssignment };
  }

  async close(): Promise<void> {
    await this.service?.close();
    await this.db?.close();
  }
}

/** A principal as the gateway forwards it, holding one role in one school (not a stored account). */
export function principalWith(role: Role, schoolId: string | null): Principal {
  return {
    accountId: randomUUID(),
    username: `test.${role.toLowerCase()}`,
    schoolId,
    roles: [{ role, scope: { schoolId } }],
    teaching: [],
  };
}
