import { conductConfigSchema } from './env';

const required = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  KAFKA_BROKERS: '127.0.0.1:9092',
  INTERNAL_IDENTITY_SECRET: 'x'.repeat(32),
};

describe('conduct configuration', () => {
  it('has the documented defaults, each consumer group reading its topics from the beginning', () => {
    expect(conductConfigSchema.parse(required)).toMatchObject({
      CONDUCT_HOST: '127.0.0.1',
      CONDUCT_PORT: 4004,
      CONDUCT_DB_NAME: 'hocbaso_conduct',
      BOTH_FAILING_OUTCOME: 'RETAINED',
      CONDUCT_CONSUMER_GROUP: 'conduct',
      CONDUCT_CONSUME_FROM_BEGINNING: true,
      CONDUCT_LOCKS_CONSUMER_GROUP: 'conduct-record-locks',
      CONDUCT_LOCKS_CONSUME_FROM_BEGINNING: true,
      CONDUCT_STATISTICS_CONSUMER_GROUP: 'hocbaso-conduct-statistics',
      CONDUCT_STATISTICS_CONSUME_FROM_BEGINNING: true,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      OUTBOX_POLL_INTERVAL_MS: 500,
      OUTBOX_SCAN_INTERVAL_MS: 600_000,
      LOG_LEVEL: 'info',
    });
  });

  it('lists every bad variable', () => {
    const result = conductConfigSchema.safeParse({
      CONDUCT_PORT: 'abc',
      CONDUCT_STATISTICS_CONSUMER_GROUP: '',
      INTERNAL_IDENTITY_SECRET: 'short',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual(
      [
        'CONDUCT_PORT',
        'CONDUCT_STATISTICS_CONSUMER_GROUP',
        'INTERNAL_IDENTITY_SECRET',
        'KAFKA_BROKERS',
        'MONGODB_URI',
      ].sort(),
    );
  });
});
