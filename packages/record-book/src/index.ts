export * from './year-page';
export * from './record-book';
/** Real signed years for other workspaces' tests (a temporary school PKI); never used by services. */
export * as recordBookTesting from './testing';
export * from './ministry-record';
export * from './json-schemas';
export * from './transfer-package';
export * from './pdf';
export * from './xml';
export * from './credential';
