import { Schema, type Connection, type Model } from 'mongoose';

/** A token-signing key pair; the private key is stored encrypted (AES-256-GCM). */
export interface SigningKeyDocument {
  _id: string; // kid
  algorithm: 'ES256';
  publicJwk: Record<string, string>;
  encryptedPrivateKey: { iv: string; tag: string; data: string };
  createdAt: Date;
  /** Once retired a key signs nothing new but stays in the JWKS until its last token expires. */
  retiredAt: Date | null;
}

const signingKeySchema = new Schema<SigningKeyDocument>(
  {
    _id: { type: String, required: true },
    algorithm: { type: String, required: true },
    publicJwk: { type: Schema.Types.Mixed, required: true },
    encryptedPrivateKey: {
      iv: { type: String, required: true },
      tag: { type: String, required: true },
      data: { type: String, required: true },
    },
    createdAt: { type: Date, required: true },
    retiredAt: { type: Date, default: null },
  },
  { collection: 'signing_keys', versionKey: false },
);
// Serves the JWKS and the choice of the current key: find({}).sort({ createdAt: -1 }).
signingKeySchema.index({ createdAt: -1 });

export type SigningKeyModel = Model<SigningKeyDocument>;

export function signingKeyModel(connection: Connection): SigningKeyModel {
  return connection.models.SigningKey ?? connection.model<SigningKeyDocument>('SigningKey', signingKeySchema);
}
