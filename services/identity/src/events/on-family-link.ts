import { familyLinkRevoked, familyLinkVerified, type CloudEvent, type EventData } from '@hocbaso/events';
import type { EventHandler, Logger } from '@hocbaso/service-kit';
import { grantFamilyRole, revokeFamilyRole } from '../usecases/family-roles';
import type { IdentityDeps } from '../usecases/deps';

/**
 * The students service's verified family links: the role PARENT or STUDENT is granted on
 * `familyLinkVerified` and revoked on `familyLinkRevoked` (the consumer dedupes by event id; both
 * are idempotent anyway). Links of accounts this identity does not know are skipped.
 */
export function familyLinkHandlers(deps: IdentityDeps, logger: Logger): Record<string, EventHandler> {
  return {
    [familyLinkVerified.type]: async (event: CloudEvent) => {
      const data = event.data as EventData<typeof familyLinkVerified>;
      const granted = await grantFamilyRole(deps, data);
      if (!granted) logger.debug({ linkId: data.linkId }, 'family link of an unknown account skipped');
    },
    [familyLinkRevoked.type]: async (event: CloudEvent) => {
      const data = event.data as EventData<typeof familyLinkRevoked>;
      await revokeFamilyRole(deps, data);
    },
  };
}
