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

  /**
   * Marks the token used and exchanged for `successorId`, atomically: exactly one caller wins; a
   * second use is a reuse (or a retry, see `replaceUnusedSuccessor`).
   */
  claimRefreshToken(hash: string, at: Date, successorId: string): Promise<RefreshTokenDocument | null> {
    return this.lock.run(documentLockKey(this.refreshTokens.collection.name, hash), () =>
      this.refreshTokens
        .findOneAndUpdate(
          { _id: hash, usedAt: null },
          { $set: { usedAt: at, successorId } },
          { returnDocument: 'after' },
        )
        .lean<RefreshTokenDocument>()
        .exec(),
    );
  }

  /**
   * A used token presented again since `since`, whose successor nobody has used yet: the client
   * never got the answer that carried the successor. Retires that successor and records
   * `successorId` in its place; null when the token does not qualify (then it is a reuse).
   */
  replaceUnusedSuccessor(
    hash: string,
    since: Date,
    at: Date,
    successorId: string,
  ): Promise<RefreshTokenDocument | null> {
    return this.lock.run(documentLockKey(this.refreshTokens.collection.name, hash), async () => {
      const used = await this.refreshTokens.findById(hash).lean<RefreshTokenDocument>().exec();
      if (!used?.usedAt || used.usedAt < since || !used.successorId) return null;
      const previous = used.successorId;
      const retired = await this.lock.run(documentLockKey(this.refreshTokens.collection.name, previous), () =>
        this.refreshTokens
          .findOneAndUpdate({ _id: previous, usedAt: null }, { $set: { usedAt: at } })
          .lean<RefreshTokenDocument>()
          .exec(),
      );
      if (!retired) return null;
      return this.refreshTokens
        .findOneAndUpdate({ _id: hash }, { $set: { successorId } }, { returnDocument: 'after' })
        .lean<RefreshTokenDocument>()
        .exec();
    });
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
