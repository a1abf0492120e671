/**
 * Regression test: FerretDB v1 applies `update`/`findAndModify` as query, modify, then write the
 * whole document back by _id, so a filter such as `{ _id, _rev }` does not make a write
 * conditional. Without the service's WriteLock the outbox relay's clean-up wrote back a stale copy
 * of the account and silently undid a role grant committed meanwhile (its event already published).
 */
import { SYSTEM_CALLER } from '../src/usecases/deps';
import { grantRole } from '../src/usecases/manage-roles';
import { IdentityHarness } from './harness';

jest.setTimeout(90_000);

describe('writes to one account while the outbox relay runs', () => {
  let harness: IdentityHarness;
  beforeAll(async () => {
    harness = await IdentityHarness.start('identity_lost_update');
  });
  afterAll(() => harness?.close());

  it('keeps every role granted in quick succession', async () => {
    const schoolId = (await harness.createSchool('lost'))._id;
    const { account } = await harness.createAccount(schoolId, 'gv.lost');
    const classes = Array.from({ length: 10 }, (_, i) => `10A${i + 1}`);
    for (const classId of classes) {
      // One grant after the other, as an administrator clicking through a form would.
      await grantRole(harness.deps, SYSTEM_CALLER, {
        accountId: account._id,
        role: 'HOMEROOM_TEACHER',
        scope: { schoolId, classId },
      });
    }
    await harness.settle();
    const stored = await harness.deps.accounts.findById(account._id);
    const granted = await harness.db
      .collection('event_log')
      .countDocuments({ key: account._id, type: 'vn.hocbaso.identity.role.granted' });
    // Every grant that returned must be both in the account and in the audit trail.
    expect({ roles: stored?.roles.map((r) => r.scope.classId).sort(), granted }).toEqual({
      roles: [...classes].sort(),
      granted: classes.length,
    });
  });
});
