import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/** A school: the tenant every staff account, class and record belongs to. */
export interface SchoolDocument extends OutboxFields {
  _id: string;
  /** The Ministry's school code (mã trường). */
  code: string;
  name: string;
  createdAt: Date;
}

const schoolSchema = new Schema<SchoolDocument>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    name: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'schools', versionKey: false },
);
addOutbox(schoolSchema);
// Serves findByCode (seeding, uniqueness of the Ministry code).
schoolSchema.index({ code: 1 }, { unique: true });

export type SchoolModel = Model<SchoolDocument>;

export function schoolModel(connection: Connection): SchoolModel {
  return connection.models.School ?? connection.model<SchoolDocument>('School', schoolSchema);
}
