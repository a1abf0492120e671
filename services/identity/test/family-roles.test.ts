import { randomUUID } from 'node:crypto';
import {
  createEvent,
  familyLinkRevoked,
  familyLinkVerified,
  STUDENTS_SOURCE,
  type EventContract,
  type EventData,
} from '@hocbaso/events';
import { KafkaEventBus } from '@hocbaso/service-kit';
import { eventually, infra, testLogger, uniqueId } from '@hocbaso/testkit';
import type { AccountDocument } from '../src/model/account.model';
import { SYSTEM_CALLER } from '../src/usecases/deps';
import { grantRole } from '../src/usecases/manage-roles';
import { IdentityHarness, principalWith } from './harness';

jest.setTimeout(60_000);

const GRANT = `mutation($input: GrantRoleInput!) { grantRole(input: $input) { id role } }`;

describe('roles PARENT and STUDENT come only from a verified family link', () => {
  let harness: IdentityHarness;
  let bus: KafkaEventBus;
  let schoolId: string;

  beforeAll(async () => {
    harness = await IdentityHarness.start('identity_family');
    bus = new KafkaEventBus({
      clientId: uniqueId('identity-test'),
      brokers: infra().kafkaBrokers,
      logger: testLogger('bus'),
    });
    schoolId = (await harness.createSchool('family'))._id;
  });
  afterAll(async () => {
    await bus?.disconnect();
    await harness?.close();
  });

  /** What the students service publishes when a code is redeemed or a link revoked. */
  async function publish<C extends EventContract>(contract: C, data: EventData<C>) {
    const key = (data as { studentId: string }).studentId;
    const event = createEvent(contract, { source: STUDENTS_SOURCE, subject: `students/${key}`, key, data });
    await bus.publish([{ topic: contract.topic, key, value: JSON.stringify(event) }]);
    return event;
  }
  const handled = (event: { id: string }) =>
    eventually(
      async () => !!(await harness.db.collection('processed_events').findOne({ _id: event.id as never })),
      30_000,
      50,
    );
  const rolesOf = async (accountId: string) =>
    (
      (await harness.db
        .collection('accounts')
        .findOne({ _id: accountId as never })) as unknown as AccountDocument
    ).roles;

  it('refuses to grant them by hand, to a person and to the system alike', async () => {
    const { account } = await harness.createAccount(schoolId, 'phuhuynh');
    for (const role of ['PARENT', 'STUDENT'] as const) {
      const refused = await harness.as(principalWith('SYSTEM_ADMIN', schoolId), GRANT, {
        input: { accountId: account._id, role, scope: { schoolId, studentId: randomUUID() } },
      });
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FAMILY_LINK_REQUIRED']);
      await expect(
        grantRole(harness.deps, SYSTEM_CALLER, {
          accountId: account._id,
          role,
          scope: { schoolId, studentId: randomUUID() },
        }),
      ).rejects.toMatchObject({ code: 'FAMILY_LINK_REQUIRED' });
    }
    expect(await rolesOf(account._id)).toEqual([]);
  });

  it('grants the role on familyLinkVerified, once, and revokes it on familyLinkRevoked', async () => {
    const { account } = await harness.createAccount(schoolId, 'phuhuynh');
    const studentId = randomUUID();
    const studentSchool = randomUUID();
    const link = {
      linkId: randomUUID(),
      studentId,
      schoolId: studentSchool,
      accountId: account._id,
      relation: 'PARENT' as const,
      actor: { accountId: account._id, kind: 'user' as const },
    };
    const verified = await publish(familyLinkVerified, link);
    await handled(verified);
    const [role] = await rolesOf(account._id);
    expect(role).toMatchObject({
      role: 'PARENT',
      scope: { schoolId: studentSchool, studentId, classId: null, grade: null, subjectCode: null },
      familyLinkId: link.linkId,
    });

    // The same link announced again in another event (the consumer dedupes only by event id):
    // still one role.
    await handled(await publish(familyLinkVerified, link));
    expect(await rolesOf(account._id)).toHaveLength(1);

    await harness.settle();
    const granted = await harness.db
      .collection('event_log')
      .find({ type: 'vn.hocbaso.identity.role.granted', 'data.accountId': account._id })
      .toArray();
    expect(granted.map((e) => e.data.role)).toEqual(['PARENT']);

    await handled(await publish(familyLinkRevoked, { ...link, reason: 'REVOKED' }));
    expect(await rolesOf(account._id)).toEqual([]);
    await harness.settle();
    const revoked = await harness.db
      .collection('event_log')
      .find({ type: 'vn.hocbaso.identity.role.revoked', 'data.accountId': account._id })
      .toArray();
    expect(revoked.map((e) => e.data.roleAssignmentId)).toEqual([role!._id]);
  });

  it('skips links of accounts it does not know', async () => {
    const event = await publish(familyLinkVerified, {
      linkId: randomUUID(),
      studentId: randomUUID(),
      schoolId,
      accountId: randomUUID(),
      relation: 'STUDENT',
      actor: { accountId: null, kind: 'system' },
    });
    await handled(event);
    expect(await harness.db.collection('accounts').countDocuments({ 'roles.role': 'STUDENT' })).toBe(0);
  });
});
