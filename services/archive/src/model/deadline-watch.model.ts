import { Schema, type Connection, type Model } from 'mongoose';

/** A class roster the statistics count by school, school year and class. */
export interface WatchedGroup {
  schoolId: string;
  schoolYear: string;
  classId: string;
}

/**
 * The classes with a student whose sync standing is DUE until a deadline (`_id`: the deadline as
 * an ISO instant): when the deadline passes with no event, their students turn LATE, so the sync
 * worker's periodic run marks them to be counted again. A few documents (two deadlines a year).
 */
export interface DeadlineWatchDocument {
  _id: string;
  deadline: Date;
  /** By `<schoolId>|<schoolYear>|<classId>` (made safe as a field name). */
  groups: Record<string, WatchedGroup>;
}

const deadlineWatchSchema = new Schema<DeadlineWatchDocument>(
  {
    _id: { type: String, required: true },
    deadline: { type: Date, required: true },
    groups: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'statistics_deadline_watch', versionKey: false, minimize: false },
);

export type DeadlineWatchModel = Model<DeadlineWatchDocument>;

export function deadlineWatchModel(connection: Connection): DeadlineWatchModel {
  return (
    (connection.models.DeadlineWatch as DeadlineWatchModel | undefined) ??
    connection.model<DeadlineWatchDocument>('DeadlineWatch', deadlineWatchSchema)
  );
}
