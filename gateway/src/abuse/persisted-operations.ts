import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { PersistedQueryOptions } from '@apollo/server';

import { ERROR_CATALOGUE } from '@hocbaso/errors';
import {
  Kind,
  parse,
  print,
  validate,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type express from 'express';
import { sendErrors } from './http-limits';

/**
 * How the gateway treats operations by their hash:
 * - `apq`: Apollo's automatic persisted queries (a client sends a hash, and the text once when the
 *   gateway does not know it yet): saves bandwidth, accepts any operation. Development.
 * - `allow-list`: only the operations of the committed manifest run, by hash or by their exact
 *   text; nothing can be registered. Production: a stolen token cannot run a hand-made query.
 * - `off`: operations are sent as text; hashes are refused.
 */
export type PersistedOperationsMode = 'apq' | 'allow-list' | 'off';

/** Apollo's persisted query manifest format (the one its client tooling reads and writes). */
export interface PersistedOperationsManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

export interface PersistedOperation {
  /** sha256 of `body`, hex: what clients send as `extensions.persistedQuery.sha256Hash`. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Builds the manifest from `.graphql` sources (each may hold several operations and fragments):
 * one entry per named operation, its body the operation followed by the fragments it uses,
 * printed canonically. Every operation must be valid against the schema and named once.
 */
export function buildManifest(
  sources: readonly { path: string; text: string }[],
  schema: GraphQLSchema,
): PersistedOperationsManifest {
  const definitions: DefinitionNode[] = [];
  for (const source of sources) {
    try {
      definitions.push(...parse(source.text, { noLocation: true }).definitions);
    } catch (error) {
      throw new Error(`${source.path}: ${(error as Error).message}`);
    }
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    if (fragments.has(definition.name.value))
      throw new Error(`fragment ${definition.name.value} is defined twice`);
    fragments.set(definition.name.value, definition);
  }

  const operations: PersistedOperation[] = [];
  for (const definition of definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = definition.name?.value;
    if (!name) throw new Error('every persisted operation needs a name');
    if (operations.some((operation) => operation.name === name))
      throw new Error(`operation ${name} is defined twice`);
    const used = usedFragments(definition, fragments);
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition, ...used] };
    const errors = validate(schema, document);
    if (errors.length > 0) throw new Error(`operation ${name}: ${errors.map((e) => e.message).join('; ')}`);
    const body = print(document);
    operations.push({ id: sha256Hex(body), name, type: definition.operation, body });
  }
  operations.sort((a, b) => a.name.localeCompare(b.name));
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

function usedFragments(
  root: DefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const pending: DefinitionNode[] = [root];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment) throw new Error(`fragment ${spread.name.value} is not defined`);
        if (used.has(fragment.name.value)) return;
        used.set(fragment.name.value, fragment);
        pending.push(fragment);
      },
    });
  }
  return [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
}

export function readManifest(path: string): PersistedOperationsManifest {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as PersistedOperationsManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1) {
    throw new Error(`${path}: not an apollo-persisted-query-manifest version 1`);
  }
  for (const operation of manifest.operations) {
    if (sha256Hex(operation.body) !== operation.id)
      throw new Error(`${path}: ${operation.name} has a wrong id`);
  }
  return manifest;
}

/** The part of a GraphQL request the allow-list looks at. */
export interface PersistedRequest {
  query?: string;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
}

/**
 * Allow-list mode: a request runs only if it names a listed operation by hash (with no text, or
 * with exactly the listed text) or sends the listed text itself.
 */
export function isAllowed(request: PersistedRequest, listed: ReadonlyMap<string, string>): boolean {
  const hash = request.extensions?.persistedQuery?.sha256Hash;
  if (hash !== undefined) {
    if (typeof hash !== 'string' || !listed.has(hash)) return false;
    return request.query === undefined || listed.get(hash) === request.query;
  }
  return typeof request.query === 'string' && listed.has(sha256Hex(request.query));
}

export function persistedQueryNotAllowed(): GraphQLFormattedError {
  return {
    message: ERROR_CATALOGUE.PERSISTED_QUERY_NOT_ALLOWED.vi,
    extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' },
  };
}

/** The operations of a request: a POST body (one or a batch) or a GET's query parameters. */
function requestedOperations(req: express.Request): PersistedRequest[] {
  if (req.method === 'GET') {
    const { query, extensions } = req.query as Record<string, unknown>;
    let parsed: unknown = undefined;
    if (typeof extensions === 'string') {
      try {
        parsed = JSON.parse(extensions);
      } catch {
        parsed = { persistedQuery: { sha256Hash: null } }; // unreadable: refused like an unknown hash
      }
    }
    return [
      {
        query: typeof query === 'string' ? query : undefined,
        extensions: parsed as PersistedRequest['extensions'],
      },
    ];
  }
  const body: unknown = req.body;
  return (Array.isArray(body) ? body : [body]) as PersistedRequest[];
}

/**
 * In allow-list mode: refuses every request that is not made of listed operations before anything
 * is parsed (a whole batch, if one of its operations is not listed), and serves the listed texts
 * as Apollo's persisted query store, read-only, so a client cannot register anything.
 */
export function allowListPersistedOperations(manifest: PersistedOperationsManifest): {
  cache: NonNullable<PersistedQueryOptions['cache']>;
  middleware: express.RequestHandler;
} {
  const listed = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));
  return {
    cache: {
      // Apollo prefixes its keys (`apq:<hash>`): the hash is what follows the last colon.
      get: (key) => Promise.resolve(listed.get(key.slice(key.lastIndexOf(':') + 1))),
      set: () => Promise.resolve(),
      delete: () => Promise.resolve(),
    },
    middleware: (req, res, next) => {
      if (requestedOperations(req).every((operation) => isAllowed(operation ?? {}, listed))) {
        next();
        return;
      }
      sendErrors(res, 400, [persistedQueryNotAllowed()]);
    },
  };
}
