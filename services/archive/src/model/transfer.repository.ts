import { changeDocument, type DocumentChange, type WriteLock } from '@hocbaso/service-kit';
import type { Model } from 'mongoose';
import type { TransferImportDocument, TransferModels, TransferPackageDocument } from './transfer.model';

/** The only code that touches the archive's transfer collections (each write with its events). */
export class TransferRepository {
  constructor(
    readonly models: TransferModels,
    private readonly lock: WriteLock,
  ) {}

  packageById(transferId: string): Promise<TransferPackageDocument | null> {
    return this.models.packages.findById(transferId).lean<TransferPackageDocument>().exec();
  }

  importById(id: string): Promise<TransferImportDocument | null> {
    return this.models.imports.findById(id).lean<TransferImportDocument>().exec();
  }

  changePackage(
    transferId: string,
    decide: (current: TransferPackageDocument | null) => DocumentChange<TransferPackageDocument> | null,
  ): Promise<TransferPackageDocument | null> {
    return changeDocument(this.lock, this.models.packages, transferId, decide);
  }

  changeImport(
    id: string,
    decide: (current: TransferImportDocument | null) => DocumentChange<TransferImportDocument> | null,
  ): Promise<TransferImportDocument | null> {
    return changeDocument(this.lock, this.models.imports, id, decide);
  }

  outboxModels(): Model<unknown>[] {
    return [this.models.packages, this.models.imports] as unknown as Model<unknown>[];
  }
}
