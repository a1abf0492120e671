export * from './export-meta';
export * from './record-book-xml';
