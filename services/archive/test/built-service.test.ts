import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { infra, uniqueDbName, uniqueId } from '@hocbaso/testkit';

/**
 * The archive as `npm start` runs it: the compiled service (dist) with its environment, not the
 * sources the other tests load. Compiled CommonJS differs from what the tests run (a local named
 * `exports` once shadowed the module's own and broke start-up only there).
 */
const ENTRY = path.join(__dirname, '..', 'dist', 'index.js');

describe('the built archive service', () => {
  it('starts, answers ready, and stops cleanly on SIGTERM', async () => {
    expect(existsSync(ENTRY)).toBe(true); // npm test builds every workspace first
    const keystore = mkdtempSync(path.join(tmpdir(), 'hocbaso-archive-built-'));
    const child = spawn(process.execPath, [ENTRY], {
      env: {
        PATH: process.env.PATH,
        MONGODB_URI: infra().mongodbUri,
        KAFKA_BROKERS: infra().kafkaBrokers.join(','),
        INTERNAL_IDENTITY_SECRET: randomBytes(32).toString('hex'),
        ARCHIVE_PORT: '0',
        ARCHIVE_METRICS_PORT: '0',
        ARCHIVE_DB_NAME: uniqueDbName('archive-built'),
        ARCHIVE_CONSUMER_GROUP: uniqueId('archive-built'),
        ARCHIVE_CONSUME_FROM_BEGINNING: 'false',
        MINISTRY_API_URL: 'http://127.0.0.1:9',
        MINISTRY_API_TOKEN: randomBytes(16).toString('hex'),
        SIGNING_KEYSTORE_DIR: keystore,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`not listening within 30 s:\n${output}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const listening = /"port":(\d+)[^\n]*"msg":"archive subgraph listening"/.exec(output);
          if (listening) {
            clearTimeout(timer);
            resolve(Number(listening[1]));
          }
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
      });
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(keystore, { recursive: true, force: true });
    }
  }, 60_000);
});
