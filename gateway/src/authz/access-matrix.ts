import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { ROLES } from '@hocbaso/events';
import { isObjectType, type GraphQLSchema } from 'graphql';
import { z } from 'zod';
import rawMatrix from './access-matrix.json';

/**
 * The authorization matrix (issue 6): for every role and every field or mutation of the composed
 * API, whether the role may read or call it on every row it reaches, only on its own scope's rows,
 * or never. The data is access-matrix.json (reviewed by people); the gateway's directives and the
 * subgraphs' row rules are what enforce it, and the tests check that both agree with it.
 */
export const MATRIX_ROLES = ['ANONYMOUS', ...ROLES] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];

/** ALLOWED: on every row the role reaches; OWN: only on its own scope's rows; FORBIDDEN: never. */
export type Access = 'ALLOWED' | 'OWN' | 'FORBIDDEN';
export const ACCESS_LEVELS: readonly Access[] = ['ALLOWED', 'OWN', 'FORBIDDEN'];

export interface AccessRule {
  readonly allowed: readonly MatrixRole[];
  readonly own: readonly MatrixRole[];
  /** What "own scope" means here (e.g. 'the class they lead'). */
  readonly scope?: string | undefined;
  /** Why the rule is what it is, when it is not obvious. */
  readonly why?: string | undefined;
}

export interface AccessMatrix {
  /** Every `Type.field` coordinate with a rule. */
  coordinates(): string[];
  /** The rule for one cell; throws for a coordinate with no rule. */
  access(coordinate: string, role: MatrixRole): Access;
  /** What "own scope" means for this coordinate (e.g. 'class they lead', 'their child'), for docs and test messages. */
  scopeOf(coordinate: string): string | undefined;
  /** Why the rule is what it is, where the JSON says. */
  whyOf(coordinate: string): string | undefined;
  /** The expanded rule (plain roles, no group names). */
  ruleOf(coordinate: string): AccessRule;
  /** What each role's own scope is in general, for the doc. */
  readonly ownScopes: Readonly<Partial<Record<MatrixRole, string>>>;
}

const roleName = z.string().min(1);
const ruleSchema = z
  .object({
    allowed: z.array(roleName).default([]),
    own: z.array(roleName).default([]),
    scope: z.string().min(1).optional(),
    why: z.string().min(1).optional(),
  })
  .strict();
const matrixFileSchema = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    ownScopes: z.record(z.string(), z.string()).default({}),
    groups: z.record(z.string(), z.array(roleName)).default({}),
    /** Named rules that many fields share; a field may name one instead of writing it out. */
    rules: z.record(z.string(), ruleSchema).default({}),
    /** Type name -> field name -> a rule, or the name of a shared rule. */
    types: z.record(z.string(), z.record(z.string(), z.union([z.string(), ruleSchema]))),
  })
  .strict();
export type AccessMatrixFile = z.input<typeof matrixFileSchema>;

const MATRIX_ROLE_SET: ReadonlySet<string> = new Set(MATRIX_ROLES);

/** The matrix in access-matrix.json next to this file. */
export function loadAccessMatrix(): AccessMatrix {
  return parseAccessMatrix(rawMatrix);
}

/**
 * Builds the matrix from the JSON shape, expanding groups (a group may name other groups) and
 * shared rules. Anything unknown (role, group, rule) or a role both ALLOWED and OWN throws, so a
 * typo never silently forbids or allows.
 */
export function parseAccessMatrix(raw: unknown): AccessMatrix {
  const file = matrixFileSchema.parse(raw);
  for (const name of Object.keys(file.groups)) {
    if (MATRIX_ROLE_SET.has(name)) throw new Error(`access matrix: group "${name}" has a role's name`);
  }
  for (const role of Object.keys(file.ownScopes)) {
    if (!MATRIX_ROLE_SET.has(role)) throw new Error(`access matrix: ownScopes names unknown role "${role}"`);
  }

  const expand = (names: readonly string[], where: string, seen: readonly string[] = []): MatrixRole[] => {
    const roles = new Set<MatrixRole>();
    for (const name of names) {
      if (MATRIX_ROLE_SET.has(name)) {
        roles.add(name as MatrixRole);
        continue;
      }
      const group = file.groups[name];
      if (!group) throw new Error(`access matrix: ${where} names unknown role or group "${name}"`);
      if (seen.includes(name)) throw new Error(`access matrix: group "${name}" contains itself`);
      for (const role of expand(group, `group ${name}`, [...seen, name])) roles.add(role);
    }
    return MATRIX_ROLES.filter((role) => roles.has(role));
  };

  const expandRule = (rule: z.infer<typeof ruleSchema>, where: string): AccessRule => {
    const allowed = expand(rule.allowed, where);
    const own = expand(rule.own, where);
    const both = allowed.filter((role) => own.includes(role));
    if (both.length > 0)
      throw new Error(`access matrix: ${where} has ${both.join(', ')} both allowed and own`);
    if (own.length > 0 && !rule.scope) throw new Error(`access matrix: ${where} has OWN roles but no scope`);
    return { allowed, own, scope: rule.scope, why: rule.why };
  };

  const sharedRules = new Map<string, AccessRule>();
  for (const [name, rule] of Object.entries(file.rules))
    sharedRules.set(name, expandRule(rule, `rule ${name}`));

  const rules = new Map<string, AccessRule>();
  for (const [typeName, fields] of Object.entries(file.types)) {
    for (const [fieldName, entry] of Object.entries(fields)) {
      const coordinate = `${typeName}.${fieldName}`;
      if (typeof entry === 'string') {
        const shared = sharedRules.get(entry);
        if (!shared) throw new Error(`access matrix: ${coordinate} names unknown rule "${entry}"`);
        rules.set(coordinate, shared);
      } else {
        rules.set(coordinate, expandRule(entry, coordinate));
      }
    }
  }

  const ruleOf = (coordinate: string): AccessRule => {
    const rule = rules.get(coordinate);
    if (!rule) throw new Error(`access matrix: no rule for ${coordinate}`);
    return rule;
  };
  return {
    coordinates: () => [...rules.keys()],
    access(coordinate, role) {
      const rule = ruleOf(coordinate);
      if (rule.allowed.includes(role)) return 'ALLOWED';
      if (rule.own.includes(role)) return 'OWN';
      return 'FORBIDDEN';
    },
    scopeOf: (coordinate) => ruleOf(coordinate).scope,
    whyOf: (coordinate) => ruleOf(coordinate).why,
    ruleOf,
    ownScopes: file.ownScopes as Partial<Record<MatrixRole, string>>,
  };
}

/** Every Type.field of the composed API schema (object types incl. Query and Mutation; no introspection or federation internals). */
export function apiCoordinates(schema: GraphQLSchema): string[] {
  const coordinates: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const fieldName of Object.keys(type.getFields())) coordinates.push(`${type.name}.${fieldName}`);
  }
  return coordinates;
}

export const SUPERGRAPH_FILE = path.resolve(__dirname, '../../supergraph.graphql');

/** gateway/supergraph.graphql as committed. */
export function readSupergraphSdl(file: string = SUPERGRAPH_FILE): string {
  return readFileSync(file, 'utf8');
}

/** The API schema clients see (what the gateway serves): no join/link internals, no @inaccessible. */
export function buildApiSchema(supergraphSdl: string = readSupergraphSdl()): GraphQLSchema {
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}
