import DataLoader from 'dataloader';
import type { PersonalReadCollector, RequestContext } from '@hocbaso/service-kit';
import type { ConductRecordDocument } from '../model/conduct-record.model';
import type { KnownClassDocument, MembershipDocument } from '../model/read-model.model';
import type { Caller, ConductDeps } from '../usecases/deps';

export interface ConductContext extends RequestContext {
  deps: ConductDeps;
  loaders: ReturnType<typeof createLoaders>;
  /** Reasons of absences and discipline a staff member read in this request (R11). */
  personalReads: PersonalReadCollector;
}

/** Per-request loaders: a class of any size costs one query per collection. */
export function createLoaders(deps: ConductDeps) {
  return {
    recordsOfStudent: new DataLoader<string, ConductRecordDocument[]>(async (ids) => {
      const records = await deps.repository.findRecordsOfStudents(ids);
      return ids.map((id) => records.filter((r) => r.studentId === id));
    }),
    membershipsOfStudent: new DataLoader<string, MembershipDocument[]>(async (ids) => {
      const memberships = await deps.repository.findMemberships(ids);
      return ids.map((id) => memberships.filter((m) => m.studentId === id));
    }),
    classes: new DataLoader<string, KnownClassDocument | null>(async (ids) => {
      const classes = new Map((await deps.repository.findClasses(ids)).map((c) => [c._id, c]));
      return ids.map((id) => classes.get(id) ?? null);
    }),
  };
}

export function callerOf(context: ConductContext): Caller {
  return { principal: context.principal, requestId: context.requestId };
}
