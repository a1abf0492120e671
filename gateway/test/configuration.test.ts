import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '@hocbaso/testkit';

/** Starts a service's real entry point with the given environment only, and returns how it ended. */
function startWith(entry: string, env: Record<string, string>) {
  return spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

jest.setTimeout(60_000);

describe('configuration is checked once, at start-up', () => {
  it('identity lists every bad variable at once and exits non-zero, printing no secret', () => {
    const result = startWith('services/identity/src/index.ts', {
      KAFKA_BROKERS: 'not a broker list',
      INTERNAL_IDENTITY_SECRET: 'too-short-secret-value',
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      IDENTITY_PORT: 'abc',
    });
    expect(result.status).toBe(1);
    for (const name of [
      'MONGODB_URI',
      'KAFKA_BROKERS',
      'INTERNAL_IDENTITY_SECRET',
      'SIGNING_KEY_ENCRYPTION_SECRET',
      'ACCESS_TOKEN_TTL_SECONDS',
      'IDENTITY_PORT',
    ]) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stderr).not.toContain('too-short-secret-value');
  });

  it('the gateway does the same', () => {
    const result = startWith('gateway/src/index.ts', {
      GATEWAY_PORT: '99999',
      IDENTITY_BASE_URL: 'not-a-url',
    });
    expect(result.status).toBe(1);
    for (const name of ['INTERNAL_IDENTITY_SECRET', 'GATEWAY_PORT', 'IDENTITY_BASE_URL']) {
      expect(result.stderr).toContain(name);
    }
  });
});
