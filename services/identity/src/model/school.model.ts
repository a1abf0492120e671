import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/** A school: the tenant every staff account, class and record belongs to. */
export interface SchoolDocument extends OutboxFields {
  _id: string;
  /** The Ministry's school code (mã trường). */
  code: string;
  name: string;
  /** Mã tỉnh (2 digits); null for a school registered without its place. */
  provinceCode: string | null;
  /** Mã quận/huyện (3 digits); set together with the province code. */
  districtCode: string | null;
  createdAt: Date;
}

const schoolSchema = new Schema<SchoolDocument>(
  {
    _id: { type: String, required: true },
    code: { type: String, required: true },
    name: { type: String, required: true },
    provinceCode: { type: String, default: null },
    districtCode: { type: String, default: null },
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
