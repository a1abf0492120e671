import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import type { CloudEvent } from '@hocbaso/events';
import { signForwardedIdentity, IDENTITY_HEADER, type Principal } from '@hocbaso/service-kit';
import { EventCollector, infra, localScript, uniqueDbName } from '@hocbaso/testkit';
import { ChildService, freePort } from './child-service';
import { TestStack } from './stack';

jest.setTimeout(240_000);

const ACCOUNT_TOPIC = 'hocbaso.identity.account';

/** First occurrence of each event id, in arrival order: what an idempotent consumer processes. */
function deduplicated(events: CloudEvent[]): CloudEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.id) && seen.add(e.id));
}

describe('nothing acknowledged is lost', () => {
  it('keeps accepting changes while the broker is down and delivers each event once, in order, when it is back', async () => {
    const stack = await TestStack.start();
    try {
      const { school, admin } = await stack.createSchoolWithAdmin('broker');
      const adminSession = await stack.login(admin.username, admin.password);
      const teacher = await stack.createAccount(school._id, 'gv.broker', 'SUBJECT_TEACHER');
      // Everything before the outage has gone out.
      expect(await stack.identity.relay.flush(30_000)).toBe(true);

      await localScript('kafka.sh', 'stop');
      try {
        // Changes succeed while Kafka is away: they are committed with their events.
        const changes = [
          `mutation { disableAccount(id: "${teacher.id}", reason: "Nghỉ phép dài hạn") { status } }`,
          `mutation { enableAccount(id: "${teacher.id}") { status } }`,
          `mutation { grantRole(input: { accountId: "${teacher.id}", role: HOMEROOM_TEACHER, scope: { schoolId: "${school._id}", classId: "10A1" } }) { id } }`,
          `mutation { disableAccount(id: "${teacher.id}", reason: "Chuyển trường") { status } }`,
        ];
        for (const change of changes) {
          const result = await stack.query(change, {}, adminSession.accessToken);
          expect(result.errors).toBeUndefined();
        }
      } finally {
        await localScript('kafka.sh', 'start');
      }

      const collector = await new EventCollector([ACCOUNT_TOPIC]).start();
      try {
        const mine = (e: CloudEvent) => e.partitionkey === teacher.id;
        // created, role granted (fixture), then the four changes made during the outage.
        await collector.waitFor(mine, 6, 90_000);
        await new Promise((resolve) => setTimeout(resolve, 2_000)); // time for any duplicate to show up
        const arrived = collector.matching(mine);
        expect(arrived.every((e) => e.key === teacher.id)).toBe(true);
        const processed = deduplicated(arrived.map((e) => e.event));
        expect(processed.map((e) => e.type)).toEqual([
          'vn.hocbaso.identity.account.created',
          'vn.hocbaso.identity.role.granted',
          'vn.hocbaso.identity.account.status-changed',
          'vn.hocbaso.identity.account.status-changed',
          'vn.hocbaso.identity.role.granted',
          'vn.hocbaso.identity.account.status-changed',
        ]);
        expect(
          processed.slice(2).map((e) => (e.data as { after?: { status: string } }).after?.status ?? 'role'),
        ).toEqual(['DISABLED', 'ACTIVE', 'role', 'DISABLED']);
        // One key lands on one partition, so Kafka keeps their order.
        expect(new Set(arrived.map((e) => e.partition)).size).toBe(1);
        // A redelivered id carries exactly the same event.
        for (const event of arrived) {
          expect(event.event).toEqual(processed.find((p) => p.id === event.event.id));
        }
      } finally {
        await collector.stop();
      }
    } finally {
      await stack.stop();
    }
  });

  it('delivers an event committed just before the identity service was killed, once it restarts', async () => {
    const secret = randomBytes(32).toString('hex');
    const dbName = uniqueDbName('identity_kill');
    const port = await freePort();
    const baseEnv = {
      MONGODB_URI: infra().mongodbUri,
      IDENTITY_DB_NAME: dbName,
      IDENTITY_PORT: String(port),
      IDENTITY_METRICS_PORT: '0',
      INTERNAL_IDENTITY_SECRET: secret,
      SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('hex'),
      OUTBOX_POLL_INTERVAL_MS: '100',
      LOG_LEVEL: 'warn',
    };
    // A fixture school and administrator, created and published by an in-process instance.
    const setup = new TestStack();
    await setup.startIdentity({ IDENTITY_DB_NAME: dbName, INTERNAL_IDENTITY_SECRET: secret });
    const { school, admin } = await setup.createSchoolWithAdmin('kill');
    await setup.identity.close();

    // First life: no broker reachable, so the relay cannot publish what is committed.
    const firstLife = new ChildService('services/identity/src/index.ts', {
      ...baseEnv,
      KAFKA_BROKERS: '127.0.0.1:1',
    });
    await firstLife.start(`http://127.0.0.1:${port}/readyz`);
    const principal: Principal = {
      accountId: admin.id,
      username: admin.username,
      schoolId: school._id,
      roles: [{ role: 'SYSTEM_ADMIN', scope: { schoolId: school._id } }],
      teaching: [],
    };
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: signForwardedIdentity({ principal, requestId: 'kill-test-0001' }, secret),
      },
      body: JSON.stringify({
        query: `mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }`,
        variables: {
          i: {
            schoolId: school._id,
            username: `gv.kill.${randomBytes(3).toString('hex')}`,
            displayName: 'Giáo viên Kill',
            password: 'Mat-khau-kill-2026',
          },
        },
      }),
    });
    const body = (await response.json()) as { data?: { createAccount: { id: string } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const accountId = body.data!.createAccount.id;

    // The change and its event are committed; the event has not been published.
    const connection = await mongoose.createConnection(infra().mongodbUri, { dbName }).asPromise();
    try {
      const stored = await connection.db!.collection('accounts').findOne({ _id: accountId as never });
      expect(stored?._outboxPending).toBe(true);
      const pendingId = (stored?._outbox as Array<{ id: string }>)[0]!.id;

      await firstLife.kill();

      const collector = await new EventCollector([ACCOUNT_TOPIC]).start();
      const secondLife = new ChildService('services/identity/src/index.ts', {
        ...baseEnv,
        KAFKA_BROKERS: infra().kafkaBrokers.join(','),
      });
      try {
        await secondLife.start(`http://127.0.0.1:${port}/readyz`);
        const [delivered] = await collector.waitFor((e) => e.id === pendingId, 1, 60_000);
        expect(delivered!.key).toBe(accountId);
        expect(delivered!.event).toMatchObject({
          type: 'vn.hocbaso.identity.account.created',
          subject: `accounts/${accountId}`,
          data: { accountId, actor: { accountId: admin.id, kind: 'user', requestId: 'kill-test-0001' } },
        });
        const after = await connection.db!.collection('accounts').findOne({ _id: accountId as never });
        expect(after?._outboxPending).toBe(false);
      } finally {
        await secondLife.stop();
        await collector.stop();
      }
    } finally {
      await connection.close();
    }
  });
});
