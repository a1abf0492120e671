/**
 * What the system does at bootstrap, on a dataset's identity database: registers schools (identity
 * publishes their `schoolCreated`, place included, from its own outbox), and makes the accounts a
 * run needs (analysts of a province or district, subject teachers with their classes). Identity's
 * own use cases, in this process, as the gateway's end-to-end tests do; nobody else can place a
 * school or name an analyst.
 */
import { randomBytes } from 'node:crypto';
import { createLogger } from '@hocbaso/service-kit';
import type { Role, RoleScope } from '@hocbaso/events';
import { identityConfigSchema } from '../../../services/identity/src/env';
import { createIdentityService, type IdentityService } from '../../../services/identity/src/server';
import { SYSTEM_CALLER } from '../../../services/identity/src/usecases/deps';
import { createAccount } from '../../../services/identity/src/usecases/manage-accounts';
import { assignTeaching, grantRole } from '../../../services/identity/src/usecases/manage-roles';
import { createSchool } from '../../../services/identity/src/usecases/manage-schools';
import type { PlatformStack } from './stack';

/** A teaching assignment the account should have. */
export interface Teaching {
  classId: string;
  subjectCode: string;
  schoolYear: string;
}

export interface BenchAccount {
  accountId: string;
  username: string;
  password: string;
}

export class IdentityAdmin {
  private constructor(private readonly service: IdentityService) {}

  static async open(stack: PlatformStack): Promise<IdentityAdmin> {
    const config = identityConfigSchema.parse({
      ...stack.identityEnv(0),
      // Its own group, never joined: the one-off tool consumes nothing (as identity's demo seed).
      IDENTITY_CONSUMER_GROUP: stack.group('identity-admin'),
    });
    const logger = createLogger({ service: 'bench-identity-admin', level: 'error' });
    return new IdentityAdmin(await createIdentityService(config, logger, { consumeFamilyLinks: false }));
  }

  async createSchool(input: { code: string; name: string; provinceCode: string; districtCode: string }) {
    return (await createSchool(this.service.deps, SYSTEM_CALLER, input))._id;
  }

  /** A new account (a unique username each run) with one role. */
  async account(
    schoolId: string | null,
    prefix: string,
    role: Role,
    scope: Partial<RoleScope> = {},
  ): Promise<BenchAccount> {
    const username = `${prefix}.${randomBytes(3).toString('hex')}`.toLowerCase();
    const password = `Bench-${randomBytes(6).toString('hex')}-9`;
    const account = await createAccount(this.service.deps, SYSTEM_CALLER, {
      schoolId,
      username,
      displayName: `Benchmark ${prefix}`,
      password,
      email: `${username}@example.edu.vn`,
    });
    const grant = () =>
      grantRole(this.service.deps, SYSTEM_CALLER, {
        accountId: account._id,
        role,
        scope: { schoolId, ...scope } as RoleScope,
      });
    await grant();
    // The same race as for teaching (below): the role is granted again if a rewrite dropped it.
    for (let attempt = 1; !(await this.settled(account._id)).roles.some((r) => r.role === role); attempt++) {
      if (attempt > 5) throw new Error(`account ${username}: the ${role} role keeps going missing`);
      await grant();
    }
    return { accountId: account._id, username, password };
  }

  /**
   * Gives the account these teaching assignments and returns once identity has published the
   * account's events and the account holds every one of them. Identity's own process publishes
   * the same outbox, and on FerretDB v1 an update is a read and a rewrite of the whole document:
   * its relay clearing the outbox can put back a copy read before an assignment (ADR 0004's
   * WriteLock guards one process, and two write here). What went missing is assigned again.
   */
  async assignTeaching(accountId: string, assignments: readonly Teaching[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const account = await this.settled(accountId);
      const has = (t: Teaching) =>
        account.teaching.some(
          (a) => a.classId === t.classId && a.subjectCode === t.subjectCode && a.schoolYear === t.schoolYear,
        );
      const missing = assignments.filter((t) => !has(t));
      if (missing.length === 0) return;
      if (attempt > 5)
        throw new Error(`account ${accountId}: ${missing.length} teaching assignments keep going missing`);
      for (const t of missing) await assignTeaching(this.service.deps, SYSTEM_CALLER, { accountId, ...t });
    }
  }

  /** The account once no event of it waits in its outbox (no relay will rewrite it). */
  private async settled(accountId: string) {
    for (const deadline = Date.now() + 60_000; ;) {
      const account = await this.service.deps.accounts.findById(accountId);
      if (!account) throw new Error(`account ${accountId} not found`);
      if (!account._outboxPending) return account;
      if (Date.now() > deadline) throw new Error(`account ${accountId}: its events stay unpublished`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Stops it once its outbox is published (identity's own process would publish it too). */
  async close(): Promise<void> {
    await this.service.close();
  }
}
