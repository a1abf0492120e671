import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One staff read of students' personal data (R11): who read which fields of which students, in
 * which request. Never the values. Its own document, born with its event, so the read reaches the
 * audit trail like every change.
 */
export interface PersonalDataReadDocument extends OutboxFields {
  _id: string;
  readerAccountId: string;
  studentIds: string[];
  fields: string[];
  requestId: string | null;
  readAt: Date;
}

export type NewPersonalDataRead = Omit<PersonalDataReadDocument, keyof OutboxFields>;

const personalDataReadSchema = new Schema<PersonalDataReadDocument>(
  {
    _id: { type: String, required: true },
    readerAccountId: { type: String, required: true },
    studentIds: { type: [String], required: true },
    fields: { type: [String], required: true },
    requestId: { type: String, default: null },
    readAt: { type: Date, required: true },
  },
  { collection: 'personal_data_reads', versionKey: false },
);
addOutbox(personalDataReadSchema);

export type PersonalDataReadModel = Model<PersonalDataReadDocument>;

export function personalDataReadModel(connection: Connection): PersonalDataReadModel {
  return (
    (connection.models.PersonalDataRead as PersonalDataReadModel | undefined) ??
    connection.model<PersonalDataReadDocument>('PersonalDataRead', personalDataReadSchema)
  );
}
