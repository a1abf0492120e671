import type { FamilyLinkDocument } from '../model/family-link.model';

export const FamilyLink = {
  id: (link: FamilyLinkDocument) => link._id,
  guardianName: (link: FamilyLinkDocument) => link.guardian?.fullName ?? null,
};
