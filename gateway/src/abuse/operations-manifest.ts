import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { SUPERGRAPH_PATH } from '../compose/subgraphs';
import { buildManifest, type PersistedOperationsManifest } from './persisted-operations';

/** The operations real clients send (gateway/operations/*.graphql) and their committed manifest. */
export const OPERATIONS_DIR = path.resolve(__dirname, '../../operations');
export const DEFAULT_MANIFEST_PATH = path.join(OPERATIONS_DIR, 'manifest.json');

/** The manifest as the .graphql files make it today, checked against the committed supergraph. */
export function manifestFromOperationFiles(dir = OPERATIONS_DIR): PersistedOperationsManifest {
  const sources = readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => ({ path: name, text: readFileSync(path.join(dir, name), 'utf8') }));
  // The supergraph's own SDL is valid GraphQL: enough to validate operations against its fields.
  return buildManifest(sources, buildSchema(readFileSync(SUPERGRAPH_PATH, 'utf8')));
}

export function formatManifest(manifest: PersistedOperationsManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
