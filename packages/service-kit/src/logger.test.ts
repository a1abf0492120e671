import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, destination };
}

async function written(lines: string[], count = 1): Promise<string[]> {
  // pino writes synchronously to a plain stream; one turn of the loop is enough either way.
  await new Promise((resolve) => setImmediate(resolve));
  expect(lines).toHaveLength(count);
  return lines;
}

describe('createLogger redaction', () => {
  const secrets = {
    password: 'Hunter2-password!',
    refreshToken: 'rt_8f2b9c0d1e2f',
    fullName: 'Nguyễn Văn An',
    dateOfBirth: '2008-03-14',
    phone: '+84 912 345 678',
    address: '12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội',
    nestedPassword: 'nested-Secret-99',
    authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.very.secret',
    email: 'an.nguyen@example.edu.vn',
  };

  it('writes [redacted] instead of personal data and secrets, wherever they sit', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test-svc', destination });

    logger.info(
      {
        password: secrets.password,
        refreshToken: secrets.refreshToken,
        fullName: secrets.fullName,
        dateOfBirth: secrets.dateOfBirth,
        phone: secrets.phone,
        address: secrets.address,
        input: { password: secrets.nestedPassword, username: 'an.nguyen' },
        student: { email: secrets.email },
        req: {
          method: 'POST',
          headers: { authorization: secrets.authorization, 'content-type': 'application/json' },
        },
      },
      'login attempt',
    );

    const [line] = await written(lines);
    for (const value of Object.values(secrets)) expect(line).not.toContain(value);

    const record = JSON.parse(line!) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'info',
      service: 'test-svc',
      msg: 'login attempt',
      password: '[redacted]',
      refreshToken: '[redacted]',
      fullName: '[redacted]',
      dateOfBirth: '[redacted]',
      phone: '[redacted]',
      address: '[redacted]',
      input: { password: '[redacted]', username: 'an.nguyen' },
      student: { email: '[redacted]' },
      req: { method: 'POST', headers: { authorization: '[redacted]', 'content-type': 'application/json' } },
    });
    // What is not personal stays readable, so the line is still useful.
    expect(typeof record.time).toBe('string');
    expect(new Date(record.time as string).toISOString()).toBe(record.time);
  });

  it('redacts GraphQL variables and the forwarded identity header', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test-svc', destination });
    logger.warn({
      variables: { input: { password: secrets.password }, refreshToken: secrets.refreshToken },
      headers: { authorization: secrets.authorization, 'x-hocbaso-identity': 'signed.identity.token' },
    });
    const [line] = await written(lines);
    expect(line).not.toContain(secrets.password);
    expect(line).not.toContain(secrets.refreshToken);
    expect(line).not.toContain(secrets.authorization);
    expect(line).not.toContain('signed.identity.token');
    expect(line).toContain('[redacted]');
  });

  it("redacts personal data up to four levels deep, e.g. a resolver's args.input", async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test-svc', destination });
    logger.error({ err: { args: { input: { password: secrets.password, fullName: secrets.fullName } } } });
    const [line] = await written(lines);
    expect(line).not.toContain(secrets.password);
    expect(line).not.toContain(secrets.fullName);
    expect(JSON.parse(line!).err.args.input).toEqual({ password: '[redacted]', fullName: '[redacted]' });
  });

  it('keeps redacting on child loggers', async () => {
    const { lines, destination } = capture();
    const child = createLogger({ service: 'test-svc', destination }).child({ requestId: 'req-1' });
    child.error({ account: { fullName: secrets.fullName } }, 'failed');
    const [line] = await written(lines);
    expect(line).not.toContain(secrets.fullName);
    expect(JSON.parse(line!)).toMatchObject({ requestId: 'req-1', account: { fullName: '[redacted]' } });
  });

  it('honours the level', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'test-svc', level: 'warn', destination });
    logger.info('not written');
    logger.warn('written');
    const [line] = await written(lines);
    expect(JSON.parse(line!)).toMatchObject({ level: 'warn', msg: 'written' });
  });
});
