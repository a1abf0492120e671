import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@hocbaso/testkit';

/**
 * No secret in the repository: what git tracks holds no private key, no real-looking secret
 * assigned in a configuration file, and nothing from `.local/` (where `npm start` keeps the
 * generated secrets, the demo passwords and the school's keystore).
 */

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });

const tracked = git('ls-files', '-z').split('\0').filter(Boolean);

/** Written so that this file does not match itself. */
const PRIVATE_KEY_HEADER = new RegExp(['-----BEGIN', '([A-Z0-9]+ )*PRIVATE KEY-----'].join(' '));

/** Files whose lines are `NAME=value` or `NAME: value` (environment files, shell, CI, compose). */
const CONFIG_FILE =
  /(^|\/)(\.env[^/]*|[^/]*\.env|[^/]*\.(sh|ya?ml|properties|ini|toml|conf))$|(^|\/)\.ci\/[^/]+$/;

/** A secret-sounding name given a literal value. */
const SECRET_ASSIGNMENT =
  /\b(?:export\s+)?([A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY)[A-Z0-9_]*)\s*[=:]\s*["']?([^"'\s#]+)/;

/** Deliberately fake values kept in tracked files, each with its reason. None today. */
const ALLOWED_FAKES: Array<{ file: string; value: string; reason: string }> = [];

/** Shannon entropy in bits per character: random keys score above 3.5, words and placeholders below. */
function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A literal value (not `$VAR`, `${VAR}`, `$(command)`), long and random enough to be a real secret. */
function looksLikeSecret(value: string): boolean {
  if (value.startsWith('$') || value.includes('${') || value.includes('$(')) return false;
  return value.length >= 16 && entropy(value) >= 3.5;
}

/** The secret a configuration line assigns, if it assigns one. */
function secretAssignedIn(line: string): string | undefined {
  const value = SECRET_ASSIGNMENT.exec(line)?.[2];
  return value && looksLikeSecret(value) ? value : undefined;
}

function textOf(file: string): string | null {
  const content = readFileSync(path.join(REPO_ROOT, file));
  // Binary files (images, spreadsheets) hold no configuration lines.
  return content.includes(0) ? null : content.toString('utf8');
}

describe('secrets in the repository', () => {
  it('tracks files from the repository root', () => {
    expect(tracked.length).toBeGreaterThan(100);
    expect(tracked).toContain('package.json');
  });

  it('tracks nothing from .local/, no secrets.env, no .env, no key or keystore file', () => {
    const forbidden = tracked.filter((file) =>
      /(^|\/)\.local\/|(^|\/)(secrets\.env|\.env|demo-credentials\.json)$|\.key\.pem$|\.(p12|pfx|jks|keystore)$|(^|\/)id_(rsa|ed25519|ecdsa)$/.test(
        file,
      ),
    );
    expect(forbidden).toEqual([]);
  });

  it('holds no private key in any tracked file', () => {
    const withKeys = tracked.filter((file) => PRIVATE_KEY_HEADER.test(textOf(file) ?? ''));
    expect(withKeys).toEqual([]);
  });

  it('assigns no real-looking secret in configuration files', () => {
    const found: string[] = [];
    const configFiles = tracked.filter((f) => CONFIG_FILE.test(f));
    // The scan reads something: the local infrastructure scripts and the CI entry point at least.
    expect(configFiles).toEqual(expect.arrayContaining(['deploy/local/infra.sh', 'scripts/start.sh']));
    for (const file of configFiles) {
      for (const [index, line] of (textOf(file) ?? '').split('\n').entries()) {
        const value = secretAssignedIn(line);
        if (!value) continue;
        if (ALLOWED_FAKES.some((fake) => fake.file === file && fake.value === value)) continue;
        found.push(`${file}:${index + 1} ${line.slice(0, line.indexOf(value))}${value.slice(0, 3)}…`);
      }
    }
    expect(found).toEqual([]);
  });

  it('tells an assigned secret from a placeholder or a reference', () => {
    const hex = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    expect(secretAssignedIn(`INTERNAL_IDENTITY_SECRET=${hex}`)).toBe(hex);
    expect(secretAssignedIn(`export MINISTRY_API_TOKEN="Zq8vR2mX0pL7tY4wK1nB6cH3"`)).toBe(
      'Zq8vR2mX0pL7tY4wK1nB6cH3',
    );
    expect(secretAssignedIn(`  DB_PASSWORD: 'Zq8vR2mX0pL7tY4wK1nB6cH3'`)).toBe('Zq8vR2mX0pL7tY4wK1nB6cH3');
    expect(secretAssignedIn(`SECRET="$(node -e 'process.stdout.write(1)')"`)).toBeUndefined();
    expect(secretAssignedIn('MINISTRY_API_TOKEN=${MINISTRY_API_TOKEN}')).toBeUndefined();
    expect(secretAssignedIn('ADMIN_PASSWORD=change-me')).toBeUndefined();
    expect(secretAssignedIn('TOKEN=aaaaaaaaaaaaaaaaaaaaaaaa')).toBeUndefined();
    expect(secretAssignedIn(`GATEWAY_URL=${hex}`)).toBeUndefined();
  });

  it('has .gitignore keep the local state, secrets and keys out of git', () => {
    const probes = [
      '.local/secrets.env',
      '.local/demo-credentials.json',
      '.local/keystore/school.key.pem',
      '.env',
      'services/identity/.env',
      'deploy/local/secrets.env',
      'scripts/keystore/seal.key.pem',
    ];
    // check-ignore prints the paths that are ignored (exit 1 when none is).
    const ignored = git('check-ignore', '--no-index', ...probes)
      .split('\n')
      .filter(Boolean);
    expect(ignored.sort()).toEqual([...probes].sort());
  });
});
