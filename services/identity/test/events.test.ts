import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@hocbaso/events';
import { EventCollector, type CollectedEvent } from '@hocbaso/testkit';
import type { Caller } from '../src/usecases/deps';
import { createAccount, resetPassword, setAccountStatus } from '../src/usecases/manage-accounts';
import { grantRole, revokeRole } from '../src/usecases/manage-roles';
import { createSchool } from '../src/usecases/manage-schools';
import { IdentityHarness, principalWith } from './harness';

jest.setTimeout(90_000);

const ACCOUNT_TOPIC = 'hocbaso.identity.account';
const SCHOOL_TOPIC = 'hocbaso.identity.school';

describe('identity events on Kafka', () => {
  let harness: IdentityHarness;
  let collector: EventCollector;

  // An administrator acting through the gateway: every event names them and the request.
  const admin = principalWith('SYSTEM_ADMIN', null);
  const requestId = randomUUID();
  const caller: Caller = { principal: admin, requestId };
  const actor = { accountId: admin.accountId, kind: 'user', requestId };

  const password = `Mat-khau-ban-dau-${randomUUID().slice(0, 6)}-7`;
  const newPassword = `Mat-khau-moi-${randomUUID().slice(0, 6)}-8`;
  let schoolId: string;
  let schoolCode: string;
  let accountId: string;
  let username: string;
  let roleAssignmentId: string;
  let accountEvents: CollectedEvent[];
  let schoolEvents: CollectedEvent[];

  const ofAccount = (e: CloudEvent) => (e.data as { accountId?: string } | null)?.accountId === accountId;
  const ofSchool = (e: CloudEvent) => e.subject === `schools/${schoolId}`;

  beforeAll(async () => {
    harness = await IdentityHarness.start('identity_events');
    collector = await new EventCollector([ACCOUNT_TOPIC, SCHOOL_TOPIC]).start();

    // One change at a time, each committed and published before the next (see harness.settle).
    schoolCode = `ev-${randomUUID().slice(0, 8)}`;
    schoolId = (await createSchool(harness.deps, caller, { code: schoolCode, name: 'Trường THPT Sự Kiện' }))
      ._id;
    await harness.settle();
    username = `gv.events.${randomUUID().slice(0, 6)}`;
    const account = await createAccount(harness.deps, caller, {
      schoolId,
      username,
      displayName: 'Nguyễn  Thị   Sự Kiện',
      password,
    });
    accountId = account._id;
    await harness.settle();
    const scope = { schoolId, classId: '10A1' };
    roleAssignmentId = (await grantRole(harness.deps, caller, { accountId, role: 'HOMEROOM_TEACHER', scope }))
      ._id;
    await harness.settle();
    // The same grant again is answered with the existing assignment and publishes nothing.
    expect((await grantRole(harness.deps, caller, { accountId, role: 'HOMEROOM_TEACHER', scope }))._id).toBe(
      roleAssignmentId,
    );
    await harness.settle();
    await revokeRole(harness.deps, caller, roleAssignmentId);
    await harness.settle();
    await resetPassword(harness.deps, caller, { accountId, newPassword });
    await harness.settle();
    await setAccountStatus(harness.deps, caller, {
      accountId,
      status: 'DISABLED',
      reason: 'Chuyển công tác',
    });
    await harness.settle();
    // Disabling a disabled account changes nothing and publishes nothing.
    await setAccountStatus(harness.deps, caller, { accountId, status: 'DISABLED', reason: 'lần hai' });
    await harness.settle();

    accountEvents = await collector.waitFor(ofAccount, 5, 60_000);
    schoolEvents = await collector.waitFor(ofSchool, 1, 60_000);
    // Anything extra (a duplicate, an event for a no-op) would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    accountEvents = collector.events.filter((e) => ofAccount(e.event));
    schoolEvents = collector.events.filter((e) => ofSchool(e.event));
  });
  afterAll(async () => {
    await collector?.stop();
    await harness?.close();
  });

  it('publishes exactly one event per change, in the order the changes were made', () => {
    expect(accountEvents.map((e) => e.event.type)).toEqual([
      'vn.hocbaso.identity.account.created',
      'vn.hocbaso.identity.role.granted',
      'vn.hocbaso.identity.role.revoked',
      'vn.hocbaso.identity.account.password-reset',
      'vn.hocbaso.identity.account.status-changed',
    ]);
    expect(new Set(accountEvents.map((e) => e.event.id)).size).toBe(accountEvents.length);
    // One account, one partition: the offsets give the order.
    expect(new Set(accountEvents.map((e) => e.partition)).size).toBe(1);
    const offsets = accountEvents.map((e) => BigInt(e.offset));
    expect([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(offsets);
    expect(schoolEvents.map((e) => e.event.type)).toEqual(['vn.hocbaso.identity.school.created']);
  });

  it('wraps each account event in a CloudEvents 1.0 envelope keyed by the account', () => {
    for (const { event, key, topic, headers } of accountEvents) {
      expect(event).toMatchObject({
        specversion: '1.0',
        source: 'hocbaso/identity',
        subject: `accounts/${accountId}`,
        datacontenttype: 'application/json',
        schemaversion: 1,
        partitionkey: accountId,
      });
      expect(event.id).toEqual(expect.any(String));
      expect(Number.isNaN(Date.parse(event.time))).toBe(false);
      expect(key).toBe(accountId);
      expect(topic).toBe(ACCOUNT_TOPIC);
      expect(headers).toMatchObject({ ce_id: event.id, ce_type: event.type });
      expect(headers['content-type']).toContain('application/cloudevents+json');
    }
  });

  it('says what changed and who changed it', () => {
    const [created, granted, revoked, reset, disabled] = accountEvents.map((e) => e.event.data);
    const scope = { schoolId, grade: null, classId: '10A1', subjectCode: null, studentId: null };
    expect(created).toEqual({
      accountId,
      after: { username, displayName: 'Nguyễn Thị Sự Kiện', status: 'ACTIVE', schoolId },
      actor,
    });
    expect(granted).toEqual({ accountId, roleAssignmentId, role: 'HOMEROOM_TEACHER', scope, actor });
    expect(revoked).toEqual({ accountId, roleAssignmentId, role: 'HOMEROOM_TEACHER', scope, actor });
    expect(reset).toEqual({ accountId, actor });
    expect(disabled).toEqual({
      accountId,
      before: { status: 'ACTIVE' },
      after: { status: 'DISABLED' },
      reason: 'Chuyển công tác',
      actor,
    });
  });

  it('publishes the school creation on the school topic, keyed by the school', () => {
    const [{ event, key, topic }] = schoolEvents as [CollectedEvent];
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'vn.hocbaso.identity.school.created',
      source: 'hocbaso/identity',
      subject: `schools/${schoolId}`,
      schemaversion: 1,
      partitionkey: schoolId,
      data: { schoolId, code: schoolCode, name: 'Trường THPT Sự Kiện', actor },
    });
    expect(key).toBe(schoolId);
    expect(topic).toBe(SCHOOL_TOPIC);
  });

  it('never puts a password or a password hash in an event', async () => {
    const stored = await harness.db.collection('accounts').findOne({ _id: accountId as never });
    const hash = String(stored?.passwordHash);
    expect(hash.startsWith('$argon2')).toBe(true);
    const published = JSON.stringify([...accountEvents, ...schoolEvents]);
    for (const secret of [password, newPassword, hash, '$argon2', 'passwordHash']) {
      expect(published).not.toContain(secret);
    }
  });

  it('keeps one audit record per event in the service’s event_log', async () => {
    const eventLog = harness.db.collection('event_log');
    const published = [...accountEvents, ...schoolEvents];
    const records = await eventLog
      .find({ _id: { $in: published.map((e) => e.event.id) as never[] } })
      .toArray();
    expect(records.map((r) => String(r._id)).sort()).toEqual(published.map((e) => e.event.id).sort());
    // And nothing else about this account or this school.
    const mine = await eventLog.find({ key: { $in: [accountId, schoolId] } }).toArray();
    expect(mine).toHaveLength(published.length);
    for (const { event, topic, key } of published) {
      const record = records.find((r) => String(r._id) === event.id);
      expect(record).toMatchObject({
        type: event.type,
        topic,
        key,
        subject: event.subject,
        data: event.data,
      });
      expect(new Date(record!.time as Date).toISOString()).toBe(event.time);
    }
    const audit = JSON.stringify(mine);
    for (const secret of [password, newPassword, '$argon2']) expect(audit).not.toContain(secret);
  });
});
