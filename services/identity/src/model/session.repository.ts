import { documentLockKey, type WriteLock } from '@hocbaso/service-kit';
import type { RefreshTokenDocument, RefreshTokenModel, SessionDocument, SessionModel } from './session.model';

export class SessionRepository {
  constructor(
    private readonly sessions: SessionModel,
    private readonly refreshTokens: RefreshTokenModel,
    private readonly lock: WriteLock,
  ) {}

  async createSession(session: SessionDocument, firstToken: RefreshTokenDocument): Promise<void> {
    await this.sessions.create(session);
    await this.refreshTokens.create(firstToken);
  }

  findSession(id: string): Promise<SessionDocument | null> {
    return this.sessions.findById(id).lean<SessionDocument>().exec();
  }

  findRefreshToken(hash: string): Promise<RefreshTokenDocument | null> {
    return this.refreshTokens.findById(hash).lean<RefreshTokenDocument>().exec();
  }

  /** Marks the token used, atomically: exactly one caller wins; a second use is a reuse. */
  claimRefreshToken(hash: string, at: Date): Promise<RefreshTokenDocument | null> {
    return this.lock.run(documentLockKey(this.refreshTokens.collection.name, hash), () =>
      this.refreshTokens
        .findOneAndUpdate({ _id: hash, usedAt: null }, { $set: { usedAt: at } }, { returnDocument: 'after' })
        .lean<RefreshTokenDocument>()
        .exec(),
    );
  }

  async addRefreshToken(token: RefreshTokenDocument): Promise<void> {
    await this.refreshTokens.create(token);
  }

  async revokeSession(id: string, reason: string, at: Date): Promise<void> {
    await this.lock.run(documentLockKey(this.sessions.collection.name, id), () =>
      this.sessions
        .updateOne({ _id: id, revokedAt: null }, { $set: { revokedAt: at, revokedReason: reason } })
        .exec(),
    );
  }

  async revokeAllForAccount(accountId: string, reason: string, at: Date): Promise<void> {
    await this.sessions
      .updateMany({ accountId, revokedAt: null }, { $set: { revokedAt: at, revokedReason: reason } })
      .exec();
  }
}
