import type { LockConfirmation, LockOwner, LockScope } from '@hocbaso/events';
import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';
import type { LockState } from '../domain/units';

/**
 * A lock signatures requested, with every owner's answer. It counts as APPLIED only when each
 * owner named in `owners` has confirmed it for its data (issue 4, point 3).
 */
export interface LockDocument extends OutboxFields {
  _id: string;
  scope: LockScope;
  owners: LockOwner[];
  reason: 'SIGNATURE' | 'WINDOW';
  state: LockState;
  confirmations: LockConfirmation[];
  requestedBy: string | null;
  requestedAt: Date;
  appliedAt: Date | null;
  releasedAt: Date | null;
}

const lockSchema = new Schema<LockDocument>(
  {
    _id: { type: String, required: true },
    scope: { type: Schema.Types.Mixed, required: true },
    owners: { type: [String], required: true },
    reason: { type: String, required: true },
    state: { type: String, required: true },
    confirmations: { type: Schema.Types.Mixed, default: [] },
    requestedBy: { type: String, default: null },
    requestedAt: { type: Date, required: true },
    appliedAt: { type: Date, default: null },
    releasedAt: { type: Date, default: null },
  },
  { collection: 'locks', versionKey: false, minimize: false },
);
addOutbox(lockSchema);
// Serves "is this locked": find({ 'scope.schoolId', 'scope.schoolYear', state }).
lockSchema.index({ 'scope.schoolId': 1, 'scope.schoolYear': 1, state: 1 });

export type LockModel = Model<LockDocument>;

export function lockModel(connection: Connection): LockModel {
  return (
    (connection.models.Lock as LockModel | undefined) ?? connection.model<LockDocument>('Lock', lockSchema)
  );
}

/** A lock window: decided by the principal, applied by the admin, reopened the same way (R8, R12). */
export interface LockWindowDocument extends OutboxFields {
  _id: string;
  schoolId: string;
  schoolYear: string;
  period: 'TERM_1' | 'TERM_2' | 'YEAR';
  grade: number | null;
  state: 'DECIDED' | 'APPLYING' | 'APPLIED' | 'UNLOCK_DECIDED' | 'RELEASED';
  lockId: string | null;
  steps: Array<{ action: string; accountId: string | null; at: Date; note: string | null }>;
  updatedAt: Date;
}

const lockWindowSchema = new Schema<LockWindowDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    period: { type: String, required: true },
    grade: { type: Number, default: null },
    state: { type: String, required: true },
    lockId: { type: String, default: null },
    steps: { type: Schema.Types.Mixed, default: [] },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'lock_windows', versionKey: false, minimize: false },
);
addOutbox(lockWindowSchema);
lockWindowSchema.index({ schoolId: 1, schoolYear: 1 });

export type LockWindowModel = Model<LockWindowDocument>;

export function lockWindowModel(connection: Connection): LockWindowModel {
  return (
    (connection.models.LockWindow as LockWindowModel | undefined) ??
    connection.model<LockWindowDocument>('LockWindow', lockWindowSchema)
  );
}
