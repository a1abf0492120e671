export * from './canonical-json';
export * from './audit-entry';
export * from './verify-audit-chain';
export * from './audit-trail';
export type { AuditEntryFilter } from './model/audit-entry.repository';
