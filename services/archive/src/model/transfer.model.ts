import { addOutbox, type OutboxFields } from '@hocbaso/service-kit';
import { Schema, type Connection, type Model } from 'mongoose';

/** A transfer package the sending school issued (the package itself is handed over, not kept here). */
export interface TransferPackageDocument extends OutboxFields {
  _id: string;
  studentId: string;
  fromSchoolId: string;
  schoolYears: string[];
  packageHash: string;
  issuedBy: string;
  issuedAt: Date;
}

/**
 * A package the receiving school imported: IMPORTED (verified; the students service is moving the
 * student), COMPLETED (the student now belongs to the receiving school), REFUSED (the students
 * service refused, with its reason). A package that failed verification is INVALID, with the problems.
 */
export interface TransferImportDocument extends OutboxFields {
  _id: string;
  transferId: string | null;
  studentId: string | null;
  fromSchoolId: string | null;
  toSchoolId: string;
  classId: string;
  effectiveOn: string;
  packageHash: string;
  state: 'IMPORTED' | 'COMPLETED' | 'REFUSED' | 'INVALID';
  problems: Array<{ code: string; message: string }>;
  schoolYears: string[];
  importedBy: string;
  importedAt: Date;
  updatedAt: Date;
}

const transferPackageSchema = new Schema<TransferPackageDocument>(
  {
    _id: { type: String, required: true },
    studentId: { type: String, required: true },
    fromSchoolId: { type: String, required: true },
    schoolYears: { type: [String], default: [] },
    packageHash: { type: String, required: true },
    issuedBy: { type: String, required: true },
    issuedAt: { type: Date, required: true },
  },
  { collection: 'transfer_packages', versionKey: false },
);
addOutbox(transferPackageSchema);

const transferImportSchema = new Schema<TransferImportDocument>(
  {
    _id: { type: String, required: true },
    transferId: { type: String, default: null },
    studentId: { type: String, default: null },
    fromSchoolId: { type: String, default: null },
    toSchoolId: { type: String, required: true },
    classId: { type: String, required: true },
    effectiveOn: { type: String, required: true },
    packageHash: { type: String, required: true },
    state: { type: String, required: true },
    problems: { type: Schema.Types.Mixed, default: [] },
    schoolYears: { type: [String], default: [] },
    importedBy: { type: String, required: true },
    importedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'transfer_imports', versionKey: false },
);
addOutbox(transferImportSchema);

export interface TransferModels {
  packages: Model<TransferPackageDocument>;
  imports: Model<TransferImportDocument>;
}

export function transferModels(connection: Connection): TransferModels {
  return {
    packages: connection.model<TransferPackageDocument>('TransferPackage', transferPackageSchema),
    imports: connection.model<TransferImportDocument>('TransferImport', transferImportSchema),
  };
}
