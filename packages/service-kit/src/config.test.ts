import { z } from 'zod';
import { ConfigError, env, parseConfig } from './config';

const schema = z.object({
  PORT: env.port(4001),
  MONGODB_URI: env.mongoUri(),
  KAFKA_BROKERS: env.brokers(),
  IDENTITY_SECRET: env.secret(),
  LOG_LEVEL: env.logLevel(),
  OUTBOX_ENABLED: env.boolean(true),
  POLL_MS: env.milliseconds(500),
  PUBLIC_URL: env.url(),
});

const valid = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/',
  KAFKA_BROKERS: '127.0.0.1:9092',
  IDENTITY_SECRET: 'x'.repeat(32),
  PUBLIC_URL: 'http://localhost:4000/graphql',
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the defaults when optional variables are absent', () => {
    const config = parseConfig(schema, { ...valid, PORT: '', POLL_MS: '' });
    expect(config).toEqual({
      PORT: 4001,
      MONGODB_URI: 'mongodb://127.0.0.1:27017/',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      IDENTITY_SECRET: 'x'.repeat(32),
      LOG_LEVEL: 'info',
      OUTBOX_ENABLED: true,
      POLL_MS: 500,
      PUBLIC_URL: 'http://localhost:4000/graphql',
    });
  });

  it('coerces and parses given values instead of the defaults', () => {
    const config = parseConfig(schema, {
      ...valid,
      PORT: '8080',
      LOG_LEVEL: 'debug',
      OUTBOX_ENABLED: '0',
      POLL_MS: '25',
    });
    expect(config.PORT).toBe(8080);
    expect(config.LOG_LEVEL).toBe('debug');
    expect(config.OUTBOX_ENABLED).toBe(false);
    expect(config.POLL_MS).toBe(25);
  });

  it('names every bad variable at once, not only the first', () => {
    const problems = problemsOf(() =>
      parseConfig(schema, {
        PORT: '99999',
        MONGODB_URI: 'postgres://db',
        KAFKA_BROKERS: 'localhost',
        IDENTITY_SECRET: 'short',
        LOG_LEVEL: 'loud',
        OUTBOX_ENABLED: 'yes',
        POLL_MS: '-1',
        // PUBLIC_URL missing
      }),
    );
    const named = problems.map((p) => p.split(':')[0]);
    expect(new Set(named)).toEqual(
      new Set([
        'PORT',
        'MONGODB_URI',
        'KAFKA_BROKERS.0',
        'IDENTITY_SECRET',
        'LOG_LEVEL',
        'OUTBOX_ENABLED',
        'POLL_MS',
        'PUBLIC_URL',
      ]),
    );
    expect(problems.find((p) => p.startsWith('MONGODB_URI'))).toContain(
      'must be a MongoDB connection string',
    );
    expect(problems.find((p) => p.startsWith('IDENTITY_SECRET'))).toContain('at least 32 characters');
  });

  it('lists the problems in the error message, one per line, without the secret value', () => {
    const secret = 'too-short-but-still-secret';
    let message = '';
    try {
      parseConfig(schema, { ...valid, IDENTITY_SECRET: secret, PORT: 'abc' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^invalid configuration:\n {2}- /);
    expect(message).toContain('IDENTITY_SECRET');
    expect(message).toContain('PORT');
    expect(message).not.toContain(secret);
  });

  it('names a top-level problem when the environment itself is not an object', () => {
    const problems = problemsOf(() => parseConfig(schema, undefined as unknown as Record<string, string>));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\(environment\): /);
  });
});

describe('env.brokers', () => {
  const brokers = env.brokers();

  it('parses a comma-separated list, trimming blanks and empty items', () => {
    expect(brokers.parse('kafka-1:9092, kafka-2:9093 ,,10.0.0.3:19092')).toEqual([
      'kafka-1:9092',
      'kafka-2:9093',
      '10.0.0.3:19092',
    ]);
    expect(brokers.parse('127.0.0.1:9092')).toEqual(['127.0.0.1:9092']);
  });

  it.each([
    ['an empty string', ''],
    ['only separators', ' , ,'],
    ['a broker without a port', 'kafka-1:9092,kafka-2'],
    ['a non-numeric port', 'kafka-1:http'],
    ['a URL instead of host:port', 'kafka://kafka-1:9092'],
    ['a host with a space', 'kafka 1:9092'],
  ])('rejects %s', (_label, value) => {
    expect(brokers.safeParse(value).success).toBe(false);
  });
});

describe('env.secret', () => {
  it('rejects a secret shorter than 32 characters and accepts 32', () => {
    const result = env.secret().safeParse('a'.repeat(31));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be at least 32 characters');
    expect(env.secret().parse('a'.repeat(32))).toBe('a'.repeat(32));
  });

  it('rejects a missing secret', () => {
    expect(env.secret().safeParse(undefined).success).toBe(false);
  });
});

describe('env.port', () => {
  it.each(['-1', '65536', '80.5', 'http'])('rejects %p', (value) => {
    expect(env.port(4000).safeParse(value).success).toBe(false);
  });

  it('accepts 0 (any free port, as tests use) and a port number', () => {
    expect(env.port(4000).parse('0')).toBe(0);
    expect(env.port(4000).parse('4011')).toBe(4011);
  });

  it('takes an empty value as unset (the default), not as port 0', () => {
    expect(env.port(4000).parse('')).toBe(4000);
    expect(env.port(4000).parse('  ')).toBe(4000);
    expect(env.port(4000).parse(undefined)).toBe(4000);
  });
});

describe('env.milliseconds', () => {
  it('takes an empty value as unset, so that `POLL_MS=` does not mean a busy loop', () => {
    expect(env.milliseconds(500).parse('')).toBe(500);
    expect(env.milliseconds(500).parse('0')).toBe(0);
    expect(env.milliseconds(500).safeParse('-5').success).toBe(false);
  });
});

describe('env.boolean', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads %p as %p', (value, expected) => {
    expect(env.boolean(false).parse(value)).toBe(expected);
  });

  it('rejects other spellings', () => {
    expect(env.boolean(false).safeParse('yes').success).toBe(false);
  });
});
