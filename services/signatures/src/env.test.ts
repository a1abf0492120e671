import { signaturesConfigSchema } from './env';

const required = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  KAFKA_BROKERS: '127.0.0.1:9092',
  INTERNAL_IDENTITY_SECRET: 'x'.repeat(32),
  SIGNING_KEYSTORE_DIR: '/tmp/keys',
};

describe('signatures configuration', () => {
  it('has the documented defaults, each consumer group reading its topics from the beginning', () => {
    expect(signaturesConfigSchema.parse(required)).toMatchObject({
      SIGNATURES_HOST: '127.0.0.1',
      SIGNATURES_PORT: 4005,
      SIGNATURES_DB_NAME: 'hocbaso_signatures',
      SIGNING_WAIT_MS: 10_000,
      SIGNATURES_CONSUMER_GROUP: 'signatures',
      SIGNATURES_CONSUME_FROM_BEGINNING: true,
      SIGNATURES_STATISTICS_CONSUMER_GROUP: 'hocbaso-signatures-statistics',
      SIGNATURES_STATISTICS_CONSUME_FROM_BEGINNING: true,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
    });
  });

  it('lists every bad variable', () => {
    const result = signaturesConfigSchema.safeParse({
      ...required,
      SIGNATURES_PORT: 'abc',
      SIGNATURES_STATISTICS_CONSUMER_GROUP: '',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path[0]).sort()).toEqual([
      'SIGNATURES_PORT',
      'SIGNATURES_STATISTICS_CONSUMER_GROUP',
    ]);
  });
});
