import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

export type Grade = 10 | 11 | 12;

/** A class (lớp) of one school in one school year, e.g. 10A1 of 2025-2026. */
export interface ClassDocument extends OutboxFields {
  _id: string;
  schoolId: string;
  /** Năm học, e.g. 2025-2026. */
  schoolYear: string;
  grade: Grade;
  name: string;
  /** Giáo viên chủ nhiệm: an identity Account id. */
  homeroomTeacherId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const classSchema = new Schema<ClassDocument>(
  {
    _id: { type: String, required: true },
    schoolId: { type: String, required: true },
    schoolYear: { type: String, required: true },
    grade: { type: Number, required: true, enum: [10, 11, 12] },
    name: { type: String, required: true },
    homeroomTeacherId: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'classes', versionKey: false },
);
addOutbox(classSchema);
// Serves the uniqueness of a class name within a school year, and the school's class list:
// list({ schoolId, schoolYear, grade? }) sorted by name, and existsForSchoolYear (seeding).
classSchema.index({ schoolId: 1, schoolYear: 1, name: 1 }, { unique: true });

export type ClassModel = Model<ClassDocument>;

export function classModel(connection: Connection): ClassModel {
  return connection.models.Class ?? connection.model<ClassDocument>('Class', classSchema);
}
