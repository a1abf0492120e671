import type { SigningKeyDocument, SigningKeyModel } from './signing-key.model';

export class SigningKeyRepository {
  constructor(private readonly model: SigningKeyModel) {}

  /** Newest first. */
  listAll(): Promise<SigningKeyDocument[]> {
    return this.model.find({}).sort({ createdAt: -1 }).lean<SigningKeyDocument[]>().exec();
  }

  async insert(key: SigningKeyDocument): Promise<void> {
    await this.model.create(key);
  }

  async retireAllExcept(kid: string, at: Date): Promise<void> {
    await this.model.updateMany({ _id: { $ne: kid }, retiredAt: null }, { $set: { retiredAt: at } }).exec();
  }
}
