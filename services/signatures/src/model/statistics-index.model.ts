import { Schema, type Connection, type Model } from 'mongoose';

/**
 * What the statistics need to find by `_id` (FerretDB v1 indexes nothing else), kept by the
 * statistics consumer from events, as sets that only grow (so events in any order, or twice, give
 * the same document):
 * - `class/<schoolYear>/<classId>`: the class's subjects (taught or with results) in `subjects`,
 *   and the ids of its subject signatures over the year in `signatures`;
 * - `student/<schoolYear>/<studentId>`: the ids of the student's approvals in `signatures`, and the
 *   classes the student was enrolled in that year in `classes`.
 * The signatures themselves (their state and status now) are read by these ids.
 */
export interface SigningIndexDocument {
  _id: string;
  subjects: string[];
  signatures: string[];
  classes: string[];
}

export type SigningIndexSet = 'subjects' | 'signatures' | 'classes';

const signingIndexSchema = new Schema<SigningIndexDocument>(
  {
    _id: { type: String, required: true },
    subjects: { type: [String], default: [] },
    signatures: { type: [String], default: [] },
    classes: { type: [String], default: [] },
  },
  { collection: 'statistics_signing_index', versionKey: false },
);

export type SigningIndexModel = Model<SigningIndexDocument>;

export function signingIndexModel(connection: Connection): SigningIndexModel {
  return (
    (connection.models.SigningIndex as SigningIndexModel | undefined) ??
    connection.model<SigningIndexDocument>('SigningIndex', signingIndexSchema)
  );
}

export const classIndexId = (schoolYear: string, classId: string) => `class/${schoolYear}/${classId}`;
export const studentIndexId = (schoolYear: string, studentId: string) => `student/${schoolYear}/${studentId}`;
