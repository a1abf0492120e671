import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Part of the roster read model: who was ever enrolled in a class (never removed; when a student
 * left is on their own document). Lets the statistics find a class's students by the class's id
 * (FerretDB v1 indexes only _id: `membersOf` scans every student).
 */
export interface ClassMembersDocument {
  /** The class id. */
  _id: string;
  studentIds: string[];
  updatedAt: Date;
}

const classMembersSchema = new Schema<ClassMembersDocument>(
  {
    _id: { type: String, required: true },
    studentIds: { type: [String], default: [] },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'roster_class_members', versionKey: false },
);

export type ClassMembersModel = Model<ClassMembersDocument>;

export function classMembersModel(connection: Connection): ClassMembersModel {
  return (
    (connection.models.ClassMembers as ClassMembersModel | undefined) ??
    connection.model<ClassMembersDocument>('ClassMembers', classMembersSchema)
  );
}
