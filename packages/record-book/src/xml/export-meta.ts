import { z } from 'zod';

/**
 * Who asked for an official export of a record book, when, and the code printed on it (R11: every
 * export is logged and watermarked with its requester). The archive service makes one per export;
 * the PDF, the XML and the credential all carry it.
 */
export const exportMetaSchema = z.object({
  exportId: z.string().min(1),
  /** ISO 8601 UTC (`Date.toISOString`). */
  issuedAt: z.iso.datetime({ offset: true }),
  requester: z.object({ accountId: z.string(), name: z.string(), role: z.string() }),
  /** The short code a reader types in to look the export up (mã kiểm tra). */
  verificationCode: z.string(),
});
export type ExportMeta = z.infer<typeof exportMetaSchema>;

/** The watermark line naming the requester, the same on every export format. */
export function watermarkOf(meta: ExportMeta): string {
  const { requester } = meta;
  return (
    `Bản xuất cho ${requester.name} (${requester.role}, tài khoản ${requester.accountId}) ` +
    `lúc ${meta.issuedAt}, số bản xuất ${meta.exportId}, mã kiểm tra ${meta.verificationCode}`
  );
}
