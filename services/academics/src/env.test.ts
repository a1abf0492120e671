import { academicsConfigSchema } from './env';

const required = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  KAFKA_BROKERS: '127.0.0.1:9092',
  INTERNAL_IDENTITY_SECRET: 'x'.repeat(32),
};

describe('academics configuration', () => {
  it('has the documented defaults, and reads the roster, the lock requests and the statistics topics from the beginning', () => {
    expect(academicsConfigSchema.parse(required)).toMatchObject({
      ACADEMICS_HOST: '127.0.0.1',
      ACADEMICS_PORT: 4003,
      ACADEMICS_DB_NAME: 'hocbaso_academics',
      ACADEMICS_CONSUMER_GROUP: 'hocbaso.academics.roster',
      ACADEMICS_ROSTER_FROM_BEGINNING: true,
      ACADEMICS_LOCKS_CONSUMER_GROUP: 'academics-record-locks',
      ACADEMICS_LOCKS_CONSUME_FROM_BEGINNING: true,
      ACADEMICS_STATISTICS_CONSUMER_GROUP: 'hocbaso-academics-statistics',
      ACADEMICS_STATISTICS_CONSUME_FROM_BEGINNING: true,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      OUTBOX_POLL_INTERVAL_MS: 500,
      OUTBOX_SCAN_INTERVAL_MS: 600_000,
      LOG_LEVEL: 'info',
    });
  });

  it('lists every bad variable', () => {
    const result = academicsConfigSchema.safeParse({
      ACADEMICS_PORT: 'abc',
      INTERNAL_IDENTITY_SECRET: 'short',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(
      ['ACADEMICS_PORT', 'INTERNAL_IDENTITY_SECRET', 'KAFKA_BROKERS', 'MONGODB_URI'].sort(),
    );
  });
});
