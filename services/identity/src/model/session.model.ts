import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A login session: one family of rotating refresh tokens. Revoking the family ends the session
 * at once, because the gateway checks it on every request.
 */
export interface SessionDocument {
  _id: string;
  accountId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/** One refresh token, stored only as its SHA-256 hash. */
export interface RefreshTokenDocument {
  _id: string;
  sessionId: string;
  accountId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  /** The token this one was exchanged for (its hash): a retry within the window may replace it. */
  successorId?: string | null;
}

const sessionSchema = new Schema<SessionDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    revokedReason: { type: String, default: null },
  },
  { collection: 'sessions', versionKey: false },
);
// Serves revokeAllForAccount (disabling an account ends its sessions).
sessionSchema.index({ accountId: 1 });

const refreshTokenSchema = new Schema<RefreshTokenDocument>(
  {
    _id: { type: String, required: true },
    sessionId: { type: String, required: true },
    accountId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    successorId: { type: String, default: null },
  },
  { collection: 'refresh_tokens', versionKey: false },
);
// Serves clean-up of a session's tokens.
refreshTokenSchema.index({ sessionId: 1 });

export type SessionModel = Model<SessionDocument>;
export type RefreshTokenModel = Model<RefreshTokenDocument>;

export function sessionModel(connection: Connection): SessionModel {
  return connection.models.Session ?? connection.model<SessionDocument>('Session', sessionSchema);
}

export function refreshTokenModel(connection: Connection): RefreshTokenModel {
  return (
    connection.models.RefreshToken ??
    connection.model<RefreshTokenDocument>('RefreshToken', refreshTokenSchema)
  );
}
