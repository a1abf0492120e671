import { archiveConfigSchema } from './env';

const required = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  KAFKA_BROKERS: '127.0.0.1:9092',
  INTERNAL_IDENTITY_SECRET: 'x'.repeat(32),
  MINISTRY_API_URL: 'http://127.0.0.1:4100',
  MINISTRY_API_TOKEN: 't'.repeat(16),
  SIGNING_KEYSTORE_DIR: '/tmp/keys',
};

describe('archive configuration', () => {
  it('has the documented defaults, each consumer group reading its topics from the beginning', () => {
    expect(archiveConfigSchema.parse(required)).toMatchObject({
      ARCHIVE_PORT: 4006,
      ARCHIVE_DB_NAME: 'hocbaso_archive',
      ARCHIVE_CONSUMER_GROUP: 'archive',
      ARCHIVE_CONSUME_FROM_BEGINNING: true,
      ARCHIVE_STATISTICS_CONSUMER_GROUP: 'hocbaso-archive-statistics',
      ARCHIVE_STATISTICS_CONSUME_FROM_BEGINNING: true,
      SYNC_INTERVAL_MS: 1_000,
      SYNC_DEADLINES: {},
    });
  });

  it('lists every bad variable', () => {
    const result = archiveConfigSchema.safeParse({
      ...required,
      ARCHIVE_STATISTICS_CONSUMER_GROUP: '',
      ARCHIVE_STATISTICS_CONSUME_FROM_BEGINNING: 'maybe',
      SYNC_DEADLINES: '{"2025-2026": {"completedGrade": "25/06/2026"}}',
    });
    expect(result.success).toBe(false);
    expect([...new Set(result.error?.issues.map((i) => i.path[0]))].sort()).toEqual([
      'ARCHIVE_STATISTICS_CONSUMER_GROUP',
      'ARCHIVE_STATISTICS_CONSUME_FROM_BEGINNING',
      'SYNC_DEADLINES',
    ]);
  });
});
