export * from './simulator';
export * from './simulator-control';
export * from './reasons';
export {
  checkMinistryRecord,
  checkAgainstHolding,
  ageAtSchoolYearStart,
  MIN_AGE,
  MAX_AGE,
} from './record-check';
export { checkAgainstSchema, MINISTRY_RECORD_SCHEMA_FILE } from './schema-check';
