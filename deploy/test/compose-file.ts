/**
 * Reading deploy/compose/compose.yaml the way `docker compose` does: YAML with merge keys, then
 * `${VAR}` interpolation from the operator's environment.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const COMPOSE_DIR = path.join(REPO_ROOT, 'deploy/compose');
export const COMPOSE_PATH = path.join(COMPOSE_DIR, 'compose.yaml');

export type ComposeDocument = {
  services: Record<string, ComposeService>;
  networks?: Record<string, { internal?: boolean } | null>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
};

export type ComposeService = {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> | string[] };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string | string[] };
  depends_on?: string[] | Record<string, { condition: string }>;
  networks?: string[] | Record<string, unknown>;
  network_mode?: string;
  ports?: Array<string | number | { target?: number; published?: number | string }>;
  volumes?: Array<string | { type: string; source?: string; target?: string; read_only?: boolean }>;
  restart?: string;
  [key: string]: unknown;
};

/** The file as written: `${VAR}` references are still text. */
export function readComposeDocument(): ComposeDocument {
  return parse(readFileSync(COMPOSE_PATH, 'utf8'), { merge: true }) as ComposeDocument;
}

export interface MissingVariable {
  variable: string;
  message: string;
}

const REFERENCE = /\$(?:(\$)|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/;

/**
 * Compose's interpolation: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alternative}`, `${VAR+alternative}`. A required
 * variable that is missing is collected in `missing` (compose refuses to start on any).
 */
export function interpolateText(
  text: string,
  environment: Record<string, string | undefined>,
  missing: MissingVariable[],
): string {
  return text.replace(REFERENCE, (whole, dollar?: string, braced?: string, bare?: string) => {
    if (dollar) return '$';
    if (bare) return environment[bare] ?? '';
    const match = BRACED.exec(braced ?? '');
    if (!match) throw new Error(`invalid interpolation ${whole}`);
    const [, name = '', operator, argument = ''] = match;
    const value = environment[name];
    const empty = value === undefined || value === '';
    switch (operator) {
      case undefined:
        return value ?? '';
      case ':-':
        return empty ? argument : value;
      case '-':
        return value ?? argument;
      case ':?':
      case '?':
        if (operator === ':?' ? empty : value === undefined) {
          missing.push({ variable: name, message: argument });
          return '';
        }
        return value ?? '';
      case ':+':
        return empty ? '' : argument;
      default:
        return value === undefined ? '' : argument;
    }
  });
}

/** Interpolates every string value (never keys), as compose does before validating the model. */
export function interpolateDocument<T>(
  document: T,
  environment: Record<string, string | undefined>,
): { document: T; missing: MissingVariable[] } {
  const missing: MissingVariable[] = [];
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return interpolateText(value, environment, missing);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    }
    return value;
  };
  return { document: walk(document) as T, missing };
}

/** A service's environment as a map, from either the map or the `KEY=value` list form. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const index = entry.indexOf('=');
        return index < 0 ? [entry, ''] : [entry.slice(0, index), entry.slice(index + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [key, value === null ? '' : String(value)]),
  );
}

export function networksOf(service: ComposeService): string[] {
  const networks = service.networks;
  if (networks === undefined) return ['default'];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]));
}

export function healthcheckCommand(service: ComposeService): string[] {
  const test = service.healthcheck?.test;
  if (test === undefined) return [];
  return typeof test === 'string' ? ['CMD-SHELL', test] : test;
}
