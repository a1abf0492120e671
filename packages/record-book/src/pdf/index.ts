export { renderRecordBookPdf, type PdfExportOptions } from './render-pdf';
export { RecordBookPdfError } from './record-book-view';
