import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/** Why the students service did not apply a transfer: a stable error code, a Vietnamese message, details. */
export interface TransferRefusal {
  code: string;
  message: string;
  details: string[];
}

/**
 * An archive transfer (`transferImported`) the students service refused, kept by its transfer id
 * (the refusal store pattern of the service kit's `correction_refusals`): born with its REFUSED
 * answer in its outbox, and the place a redelivery's answer comes from, the same every time.
 */
export interface TransferRefusalDocument extends OutboxFields {
  /** The transfer id. */
  _id: string;
  studentId: string;
  fromSchoolId: string;
  toSchoolId: string;
  classId: string;
  refusal: TransferRefusal;
  refusedAt: Date;
  /** When the refusal was last answered (again, for a redelivery). */
  answeredAt: Date;
}

const transferRefusalSchema = new Schema<TransferRefusalDocument>(
  {
    _id: { type: String, required: true },
    studentId: { type: String, required: true },
    fromSchoolId: { type: String, required: true },
    toSchoolId: { type: String, required: true },
    classId: { type: String, required: true },
    refusal: { type: Schema.Types.Mixed, required: true },
    refusedAt: { type: Date, required: true },
    answeredAt: { type: Date, required: true },
  },
  { collection: 'transfer_refusals', versionKey: false, minimize: false },
);
addOutbox(transferRefusalSchema);

export type TransferRefusalModel = Model<TransferRefusalDocument>;

export function transferRefusalModel(connection: Connection): TransferRefusalModel {
  return (
    (connection.models.TransferRefusal as TransferRefusalModel | undefined) ??
    connection.model<TransferRefusalDocument>('TransferRefusal', transferRefusalSchema)
  );
}
