import { createHash } from 'node:crypto';
import {
  getNamedType,
  isEnumType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { MongoClient } from 'mongodb';
import { eventually, infra } from '@hocbaso/testkit';
import { parse, type OperationDefinitionNode } from 'graphql';
import { estimateOperationCost } from '../src/abuse/operation-cost';
import {
  apiCoordinates,
  buildApiSchema,
  loadAccessMatrix,
  MATRIX_ROLES,
  type Access,
  type AccessMatrix,
  type MatrixRole,
} from '../src/authz/access-matrix';
import {
  buildAccessWorld,
  OUTSIDE,
  OWN_SUBJECT,
  ROOT_CASES,
  Throwaways,
  YEAR,
  type AccessWorld,
  type CaseContext,
  type Reach,
  type Variant,
  withRoomyRateLimits,
} from './access-fixtures';
import { FullStack } from './full-stack';

jest.setTimeout(900_000);

/**
 * The live authorization matrix (issue 6): every role × every coordinate of the composed schema,
 * checked against the running platform with each role's real token, on its own rows and on rows
 * just outside its scope. The gateway's field rules and the subgraphs' row rules must both hold.
 */

// ── Cells that no answer can decide, each with its reason ─────────────────────────────────────
/**
 * `Type.field` or `Type.*`, optionally `@ROLE|ROLE`: cells no honest fixture of this world can
 * make the platform show (they stay out of the count of checked cells, and are printed).
 */
const EXCLUDED: Record<string, string> = {
  'AuditBrokenEntry.*':
    'the audit chain is intact: no broken entry to show (signing-chain.e2e tampers with it)',
  'VerificationProblem.*': 'every signature and record book verifies: no problem to show',
  'Problem.*': 'no signature failed and no approval was refused with a problem in this world',
  'SyncReason.*': 'the Ministry simulator accepted every record: no refusal reason to show',
  'StudentSyncLine.reasons':
    'a list in a list in a list of a school: above the cost limit; RecordSync.reasons is checked',
  'SubjectSigningProgress.signatures':
    'a list in a list in a list of a school: above the cost limit; Class.signatures is checked',
  'Reassessment.*': 'a summer re-assessment needs a failed year; record-book and outcome tests cover it',
  'CorrectionChangeApplied.*': 'no correction is applied in this world (signing-chain.e2e applies one)',
  'Query.transferImport': 'the one transfer goes to school B: school A’s cast never receives one',
  'TransferImport.*': 'the one transfer goes to school B: school A’s cast never receives one',
  'OutstandingSubject.*@HOMEROOM_TEACHER': 'every subject of A1 is entered and signed: nothing outstanding',
  'ClassApprovalResult.*@VICE_PRINCIPAL':
    'the vice principal’s grade-11 class has no complete year to approve (refused, no result)',
  'StudentApproval.*@VICE_PRINCIPAL':
    'the vice principal’s grade-11 class has no complete year to approve (refused, no result)',
  'Exemption.*@SUBJECT_TEACHER':
    'exemptions exist only for GD_THE_CHAT and GDQP_AN, which the subject teacher (TOAN) does not teach',
  'PeriodResult.result@SUBJECT_TEACHER':
    'TOAN is a scored subject: its result is an average; `result` is for comment subjects',
  'TeachingAssignment.*@VICE_PRINCIPAL|HOMEROOM_TEACHER|ACADEMIC_STAFF|STUDENT|PARENT|INSPECTOR|DEPARTMENT_ANALYST':
    'OWN through `me` only, and these accounts teach nothing: no assignment of their own to show',
  'TeachingAssignment.teacher@SUBJECT_TEACHER':
    'an Account under an Account: a cycle the walk does not follow',
  'GradebookCellError.*@SUBJECT_TEACHER':
    'A1’s gradebooks are locked by their signatures: a write is refused (RECORD_LOCKED) before any cell is checked',
  'Class.students@PARENT|STUDENT':
    'reached only through Student.currentClass (a cycle the walk does not follow); parent-isolation.e2e checks that roster',
  'SignatureVerification.problems@PARENT|STUDENT':
    'deeper than the walk goes from the family’s roots (student → recordStatus → approval)',
};

function excluded(coordinate: string, role: MatrixRole): string | undefined {
  const typeName = coordinate.split('.')[0]!;
  for (const [pattern, reason] of Object.entries(EXCLUDED)) {
    const [target, roles] = pattern.split('@') as [string, string | undefined];
    const matches = target === coordinate || target === `${typeName}.*`;
    if (matches && (!roles || roles.split('|').includes(role))) return reason;
  }
  return undefined;
}

// ── Operations: the return type's fields, recursively, to a bounded depth ─────────────────────

/** Arguments of nested fields, by argument name (the fixtures' year, term and subject). */
const NESTED_ARGUMENTS: Record<string, string> = {
  schoolYear: `"${YEAR}"`,
  term: 'TERM_1',
  subjectCode: `"${OWN_SUBJECT}"`,
};
/** Object levels below the root field. */
const MAX_DEPTH = 4;
/** Comfortably under the gateway's 20 kB and 2000 selections. */
const MAX_OPERATION_CHARS = 12_000;

interface SelectionNode {
  field: string;
  /** `Type.field` */
  coordinate: string;
  argsText: string;
  children: SelectionNode[] | null;
  /** A null here (a denied field) nulls its parent too. */
  nonNull: boolean;
}

/** The node an error path (below the root field, list indices skipped) points at. */
function nodeAt(nodes: SelectionNode[], path: ReadonlyArray<string | number>): SelectionNode | undefined {
  const names = path.filter((p): p is string => typeof p === 'string');
  let level: SelectionNode[] | null = nodes;
  let found: SelectionNode | undefined;
  for (const name of names) {
    found = level?.find((n) => n.field === name);
    if (!found) return undefined;
    level = found.children;
  }
  return found;
}

/** The selection without the fields at these coordinates (denied ones whose null would hide their parent). */
function without(nodes: SelectionNode[], coordinates: ReadonlySet<string>): SelectionNode[] {
  return nodes
    .filter((node) => !coordinates.has(node.coordinate))
    .map((node) => (node.children ? { ...node, children: without(node.children, coordinates) } : node))
    .filter((node) => !node.children || node.children.length > 0);
}

function selectionOf(type: GraphQLObjectType, depth: number, path: readonly string[]): SelectionNode[] {
  const nodes: SelectionNode[] = [];
  for (const field of Object.values(type.getFields())) {
    const args: string[] = [];
    let fillable = true;
    for (const arg of field.args) {
      const literal = NESTED_ARGUMENTS[arg.name];
      if (literal) args.push(`${arg.name}: ${literal}`);
      else if (isNonNullType(arg.type) && arg.defaultValue === undefined) fillable = false;
    }
    if (!fillable) continue;
    const argsText = args.length ? `(${args.join(', ')})` : '';
    const named = getNamedType(field.type);
    const coordinate = `${type.name}.${field.name}`;
    if (isScalarType(named) || isEnumType(named)) {
      nodes.push({
        field: field.name,
        coordinate,
        argsText,
        children: null,
        nonNull: isNonNullType(field.type),
      });
    } else if (isObjectType(named)) {
      if (depth >= MAX_DEPTH || path.includes(named.name)) continue;
      const children = selectionOf(named, depth + 1, [...path, named.name]);
      if (children.length) {
        nodes.push({ field: field.name, coordinate, argsText, children, nonNull: isNonNullType(field.type) });
      }
    }
  }
  return nodes;
}

function printSelection(nodes: SelectionNode[]): string {
  return nodes
    .map((n) => `${n.field}${n.argsText}${n.children ? ` { ${printSelection(n.children)} }` : ''}`)
    .join(' ');
}

/** Two nodes each selecting part of what `node` selects (at the first level with more than one child), or null for a lone leaf path. */
function splitNode(node: SelectionNode): SelectionNode[] | null {
  if (!node.children) return null;
  if (node.children.length > 1) {
    const half = Math.ceil(node.children.length / 2);
    return [
      { ...node, children: node.children.slice(0, half) },
      { ...node, children: node.children.slice(half) },
    ];
  }
  const pieces = splitNode(node.children[0]!);
  return pieces ? pieces.map((piece) => ({ ...node, children: [piece] })) : null;
}

function typeText(type: GraphQLInputType): string {
  return type.toString();
}

function operationText(
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  selection: SelectionNode[] | null,
): string {
  const used = field.args.filter((a) => a.name in args);
  const definitions = used.map((a) => `$${a.name}: ${typeText(a.type)}`).join(', ');
  const passed = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${kind} Cell${definitions ? `(${definitions})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${
    selection ? ` { ${printSelection(selection)} }` : ''
  } }`;
}

// ── Observations: what each answer showed for each selected coordinate ───────────────────────

/**
 * - value: a non-empty value without an authorization error;
 * - empty: null or [] without an error, the parent present;
 * - denied: FORBIDDEN or UNAUTHENTICATED at this very path;
 * - notFound: NOT_FOUND at this path (a row the caller may not see looks absent);
 * - above: an ancestor was denied or not found;
 * - absent: the parent is null or missing without an error of its own (decides nothing);
 * - error: another error code at this path (a business refusal).
 */
type Seen = 'value' | 'empty' | 'denied' | 'notFound' | 'above' | 'absent' | 'error';

interface Observation {
  seen: Seen;
  code?: string;
  reach: Reach;
  inScope: boolean;
  root: string;
  /** The call (root, variant, arguments) and the path in it, without list indices: the same row for every role. */
  place: string;
}

const AUTH_CODES = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);
/** Refusals that name the caller's lack of scope in the domain's words (not the approver of that grade). */
const SCOPE_CODES = new Set(['NOT_APPROVER']);

class Observations {
  readonly cells = new Map<string, Observation[]>();
  /** Places where some role saw a value. */
  readonly shown = new Set<string>();
  /** Calls that failed for a reason that is no one's authorization (a fixture or builder bug). */
  readonly broken: string[] = [];

  add(coordinate: string, role: MatrixRole, observation: Observation): void {
    const key = `${coordinate}@${role}`;
    const list = this.cells.get(key) ?? [];
    list.push(observation);
    this.cells.set(key, list);
    if (observation.seen === 'value') this.shown.add(observation.place);
  }
}

interface GraphQLErrorShape {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

function errorIndex(errors: GraphQLErrorShape[] | undefined): Map<string, string> {
  const index = new Map<string, string>();
  for (const error of errors ?? []) {
    if (!error.path) continue;
    const key = error.path.join('.');
    let code = String(error.extensions?.code ?? 'INTERNAL');
    // "No such class in your school" on an input field: the scope refusal of an argument.
    const fieldErrors = error.extensions?.fieldErrors as Array<{ code?: string }> | undefined;
    if (
      code === 'VALIDATION_FAILED' &&
      fieldErrors?.length &&
      fieldErrors.every((f) => f.code === 'NOT_FOUND')
    ) {
      code = 'NOT_FOUND';
    }
    // An authorization error wins over anything else reported at the same path.
    if (!index.has(key) || AUTH_CODES.has(code)) index.set(key, code);
  }
  return index;
}

const isEmpty = (value: unknown) =>
  value === null || value === undefined || (Array.isArray(value) && value.length === 0);

function record(
  observations: Observations,
  role: MatrixRole,
  call: { root: string; reach: Reach; inScope: boolean; place: string },
  nodes: SelectionNode[],
  parent: unknown,
  path: Array<string | number>,
  errors: Map<string, string>,
  ancestorRefused: boolean,
): void {
  for (const node of nodes) {
    const here = [...path, node.field];
    const code = errors.get(here.join('.'));
    const value =
      parent && typeof parent === 'object' && !Array.isArray(parent)
        ? (parent as Record<string, unknown>)[node.field]
        : undefined;
    let seen: Seen;
    if (code && AUTH_CODES.has(code)) seen = 'denied';
    else if (code === 'NOT_FOUND' || (code && SCOPE_CODES.has(code))) seen = 'notFound';
    else if (code) seen = 'error';
    else if (ancestorRefused) seen = 'above';
    else if (parent === null || parent === undefined) seen = 'absent';
    else seen = isEmpty(value) ? 'empty' : 'value';
    const place = `${call.place}|${here.filter((p) => typeof p === 'string').join('.')}`;
    observations.add(node.coordinate, role, { seen, ...(code ? { code } : {}), ...call, place });
    if (!node.children) continue;
    const refused = ancestorRefused || seen === 'denied' || seen === 'notFound';
    if (Array.isArray(value)) {
      if (value.length === 0) {
        record(observations, role, call, node.children, null, here, errors, refused);
      }
      value.forEach((item, i) =>
        record(observations, role, call, node.children!, item, [...here, i], errors, refused),
      );
    } else {
      record(observations, role, call, node.children, value ?? null, here, errors, refused);
    }
  }
}

// ── Judgement ──────────────────────────────────────────────────────────────────────────────────

interface Verdict {
  checked: boolean;
  contradiction?: string;
}

const describe_ = (o: Observation) => `${o.seen}${o.code ? `(${o.code})` : ''} in ${o.root} [${o.reach}]`;

function judge(
  coordinate: string,
  expected: Access,
  observations: Observation[],
  shown: ReadonlySet<string>,
  isRoot: boolean,
  isMutation: boolean,
): Verdict {
  const refusal = (o: Observation) =>
    o.seen === 'denied' ||
    o.seen === 'above' ||
    (o.seen === 'notFound' && isRoot) ||
    // Nothing shown where another role saw this very row's value: withheld.
    (o.seen === 'empty' && shown.has(o.place)) ||
    (o.seen === 'absent' && !o.inScope);
  if (expected === 'FORBIDDEN') {
    const leak = observations.find((o) => o.seen === 'value');
    if (leak) return { checked: true, contradiction: `returned: ${describe_(leak)}` };
    if (isMutation) {
      const reached = observations.find((o) => o.seen === 'error' || o.seen === 'empty');
      if (reached) return { checked: true, contradiction: `not refused: ${describe_(reached)}` };
    }
    return { checked: observations.some(refusal) };
  }
  const inScope = observations.filter((o) => o.inScope);
  const outside = observations.filter((o) => !o.inScope);
  // ALLOWED/OWN on rows within scope: never refused for authorization.
  const refusedInScope = inScope.find(
    (o) =>
      (o.seen === 'denied' && (expected === 'ALLOWED' || isRoot)) ||
      // A mutation aimed at another row of its scope may find nothing to act on (no record book yet).
      (o.seen === 'notFound' && isRoot && (!isMutation || o.reach === 'own')) ||
      (isMutation && isRoot && o.seen === 'above'),
  );
  if (refusedInScope)
    return { checked: true, contradiction: `refused on its own scope: ${describe_(refusedInScope)}` };
  // Present without an authorization error: a value, or nothing where no role saw anything either.
  const granted = inScope.some(
    (o) =>
      o.seen === 'value' ||
      (o.seen === 'empty' && !shown.has(o.place)) ||
      (isMutation && isRoot && (o.seen === 'error' || o.seen === 'notFound')),
  );
  if (expected === 'ALLOWED') {
    if (isRoot && isMutation) {
      const outsideRefused = outside.find((o) => o.seen === 'denied');
      if (outsideRefused) return { checked: true, contradiction: `refused: ${describe_(outsideRefused)}` };
    }
    return { checked: granted };
  }
  // OWN: rows outside the scope are never returned; a mutation aimed outside is refused.
  const leak = outside.find((o) => o.seen === 'value');
  if (leak) return { checked: true, contradiction: `returned outside its scope: ${describe_(leak)}` };
  if (isMutation && isRoot) {
    const notRefused = outside.find((o) => o.seen === 'error');
    if (notRefused)
      return { checked: true, contradiction: `not refused outside its scope: ${describe_(notRefused)}` };
  }
  // Outside rows are checked where they hold something to withhold (some role, or the other
  // school's own principal, saw a value there); an empty row elsewhere proves nothing either way.
  const withheld = observations.some(refusal);
  const somethingOutside = outside.some((o) => shown.has(o.place));
  return { checked: granted && (withheld || !somethingOutside) };
}

// ── The database, before and after calls that must write nothing ──────────────────────────────

/** Fields that move by themselves (outbox relay, consumers' bookkeeping, sync attempts). */
const VOLATILE_COLLECTIONS = /processed|outbox|relay|offset|lease|lock|sync|session|audit/i;
const VOLATILE_FIELDS = new Set([
  'outbox',
  'updatedAt',
  'publishedAt',
  'lastSeenAt',
  'nextAttemptAt',
  'attempts',
]);

async function digest(client: MongoClient, databases: string[]): Promise<Map<string, string>> {
  const sums = new Map<string, string>();
  for (const name of databases) {
    const db = client.db(name);
    for (const { name: collection } of await db.listCollections().toArray()) {
      if (VOLATILE_COLLECTIONS.test(collection)) continue;
      const docs = await db.collection(collection).find({}).toArray();
      const hash = createHash('sha256');
      for (const doc of docs
        .map((d) => JSON.stringify(d, (k, val: unknown) => (VOLATILE_FIELDS.has(k) ? undefined : val)))
        .sort()) {
        hash.update(doc);
      }
      sums.set(`${name}.${collection}`, `${docs.length}:${hash.digest('hex').slice(0, 16)}`);
    }
  }
  return sums;
}

async function quietDigest(client: MongoClient, databases: string[]): Promise<Map<string, string>> {
  let previous = await digest(client, databases);
  return eventually(async () => {
    await new Promise((resolve) => setTimeout(resolve, 400));
    const next = await digest(client, databases);
    const same = [...next].every(([k, val]) => previous.get(k) === val) && next.size === previous.size;
    previous = next;
    return same ? next : null;
  }, 30_000);
}

// ── The test ────────────────────────────────────────────────────────────────────────────────────

describe('the authorization matrix, cell by cell, against the running platform', () => {
  let stack: FullStack;
  let world: AccessWorld;
  let schema: GraphQLSchema;
  let matrix: AccessMatrix;

  beforeAll(async () => {
    stack = await FullStack.startAll();
    await withRoomyRateLimits(stack);
    world = await buildAccessWorld(stack);
    schema = buildApiSchema();
    matrix = loadAccessMatrix();
  });
  afterAll(() => stack?.stop());

  it('has a rule for every field and mutation of the composed schema, and a builder for every root field', () => {
    const coordinates = apiCoordinates(schema);
    const ruled = new Set(matrix.coordinates());
    expect(coordinates.filter((c) => !ruled.has(c))).toEqual([]);
    const roots = coordinates.filter((c) => c.startsWith('Query.') || c.startsWith('Mutation.'));
    expect(roots.filter((c) => !ROOT_CASES[c])).toEqual([]);
    expect(Object.keys(ROOT_CASES).filter((c) => !roots.includes(c))).toEqual([]);
  });

  it('holds in every cell: each role, each field, own rows and rows outside its scope', async () => {
    const observations = new Observations();
    const make = new Throwaways(stack, world);
    const workbookResult = await stack.query<{ gradebookFile: { base64: string } | null }>(
      `query($c: ID!, $s: String!, $y: String!) { gradebookFile(classId: $c, subjectCode: $s, schoolYear: $y, term: TERM_1) { base64 } }`,
      { c: world.classA1, s: OWN_SUBJECT, y: YEAR },
      world.cast.SUBJECT_TEACHER.token,
    );
    const workbook = workbookResult.data!.gradebookFile!.base64;
    const tokens = new Map<MatrixRole, string | undefined>(MATRIX_ROLES.map((r) => [r, world.tokenOf(r)]));

    const maxCost = stack.gatewayConfig.MAX_QUERY_COST;
    let requests = 0;
    let retried = 0;
    const costOf = (
      kind: 'query' | 'mutation',
      field: GraphQLField<unknown, unknown>,
      args: Record<string, unknown>,
      part: SelectionNode[],
    ) =>
      estimateOperationCost(
        schema,
        parse(operationText(kind, field, args, part)).definitions[0] as OperationDefinitionNode,
        () => undefined,
        { listSize: stack.gatewayConfig.QUERY_COST_LIST_SIZE, variables: args },
      );
    /** Parts of the selection that each pass the gateway's cost limit; a path too costly even alone is left out. */
    const fit = (cost: (part: SelectionNode[]) => number, nodes: SelectionNode[]): SelectionNode[][] => {
      if (nodes.length === 0) return [];
      if (cost(nodes) <= maxCost && printSelection(nodes).length <= MAX_OPERATION_CHARS) return [nodes];
      if (nodes.length > 1) {
        const half = Math.ceil(nodes.length / 2);
        return [...fit(cost, nodes.slice(0, half)), ...fit(cost, nodes.slice(half))];
      }
      const pieces = splitNode(nodes[0]!);
      return pieces ? pieces.flatMap((piece) => fit(cost, [piece])) : [];
    };

    /**
     * Another school's rows as that school's principal sees them: what exists there, so that an
     * empty answer to school A's cast counts as withheld rather than as nothing to show.
     */
    const witnessed = new Set<string>();
    const witnessObservations = new Observations();
    const witness = async (
      field: GraphQLField<unknown, unknown>,
      variant: Variant,
      place: string,
      parts: SelectionNode[][],
    ) => {
      if (witnessed.has(place)) return;
      witnessed.add(place);
      const call = { root: `Query.${field.name}`, reach: variant.reach, inScope: true, place };
      for (const part of parts) {
        const result = await stack.query<Record<string, unknown>>(
          operationText('query', field, variant.args, part),
          variant.args,
          world.principalB.token,
        );
        const value = result.data?.[field.name];
        if (!isEmpty(value)) observations.shown.add(`${place}|`);
        const items = Array.isArray(value)
          ? value.map((item, i) => [item, i] as const)
          : [[value ?? null, null] as const];
        for (const [item, i] of items) {
          record(
            witnessObservations,
            'PRINCIPAL',
            call,
            part,
            item,
            i === null ? [field.name] : [field.name, i],
            errorIndex(result.errors),
            false,
          );
        }
      }
      for (const shownPlace of witnessObservations.shown) observations.shown.add(shownPlace);
    };

    const run = async (
      kind: 'query' | 'mutation',
      field: GraphQLField<unknown, unknown>,
      role: MatrixRole,
      variants: Variant[],
    ) => {
      const root = `${kind === 'query' ? 'Query' : 'Mutation'}.${field.name}`;
      const named = getNamedType(field.type);
      const selection = isObjectType(named) ? selectionOf(named, 1, [named.name]) : null;
      for (const variant of variants) {
        const token = variant.as && role === 'SYSTEM_ADMIN' ? world.platformAdmin.token : tokens.get(role);
        const outside = variant.outsideFor?.includes(role) || OUTSIDE[role].includes(variant.reach);
        const inScope = variant.reach === 'own' || !outside;
        // The row of `me` and of a mutation's answer is the caller's own: a place of its own.
        const place = `${root}|${variant.reach}|${JSON.stringify(variant.args)}${
          field.name === 'me' || kind === 'mutation' ? `|${role}` : ''
        }`;
        const call = { root, reach: variant.reach, inScope, place };
        const fitting = selection ? fit((part) => costOf(kind, field, variant.args, part), selection) : [];
        // A mutation runs once (the first part of its answer); a query as many times as it has parts.
        const parts: Array<SelectionNode[] | null> = selection
          ? kind === 'mutation'
            ? fitting.slice(0, 1)
            : [...fitting]
          : [null];
        if (kind === 'query' && variant.reach === 'otherSchool' && selection)
          await witness(field, variant, place, fitting);
        let answeredAtRoot: 'refused' | 'nothing' | null = null;
        /** Parts asked again without denied non-null fields, and how many times over. */
        const resent = new Map<SelectionNode[], number>();
        for (const part of parts) {
          if (answeredAtRoot) {
            // The same call again would be refused at its root, or return nothing, again.
            record(
              observations,
              role,
              call,
              part!,
              null,
              [field.name],
              new Map(),
              answeredAtRoot === 'refused',
            );
            continue;
          }
          requests += 1;
          const text = operationText(kind, field, variant.args, part);
          let result = await stack.query<Record<string, unknown>>(text, variant.args, token);
          // A query failing as a whole (not at a field) is asked again, at most twice.
          for (let retry = 0; kind === 'query' && retry < 2 && result.errors?.some((e) => !e.path); retry++) {
            retried += 1;
            result = await stack.query<Record<string, unknown>>(text, variant.args, token);
          }
          const errors = errorIndex(result.errors);
          const unplaced = (result.errors ?? []).filter((e) => !e.path);
          if (unplaced.length) {
            observations.broken.push(
              `${root} as ${role} [${variant.reach}]: ${JSON.stringify(unplaced).slice(0, 300)}`,
            );
            continue;
          }
          const rootCode = errors.get(field.name);
          const value = result.data?.[field.name];
          const seen: Seen = rootCode
            ? AUTH_CODES.has(rootCode)
              ? 'denied'
              : rootCode === 'NOT_FOUND' || SCOPE_CODES.has(rootCode)
                ? 'notFound'
                : 'error'
            : isEmpty(value)
              ? 'empty'
              : 'value';
          observations.add(root, role, {
            seen,
            ...(rootCode ? { code: rootCode } : {}),
            ...call,
            place: `${place}|`,
          });
          if (seen === 'error' && kind === 'query') {
            observations.broken.push(
              `${root} as ${role} [${variant.reach}]: ${JSON.stringify(result.errors).slice(0, 300)}`,
            );
          }
          // An empty root with no error at all: the other parts would find nothing either.
          answeredAtRoot =
            seen === 'denied' || seen === 'notFound'
              ? 'refused'
              : seen === 'empty' && !result.errors?.length
                ? 'nothing'
                : null;
          // A denied non-null field nulls its parent: ask once more without it, to see the rest.
          if (kind === 'query' && part && (resent.get(part) ?? 0) < 8) {
            const hiding = new Set(
              (result.errors ?? [])
                .filter((e) => e.path && AUTH_CODES.has(String(e.extensions?.code)))
                .map((e) => nodeAt(part, e.path!.slice(1)))
                .filter((node): node is SelectionNode => !!node && node.nonNull)
                .map((node) => node.coordinate),
            );
            const rest = hiding.size ? without(part, hiding) : [];
            if (rest.length && seen !== 'denied') {
              resent.set(rest, (resent.get(part) ?? 0) + 1);
              parts.push(rest);
              answeredAtRoot = null;
            }
          }
          if (!part) continue;
          const refused = seen === 'denied' || seen === 'notFound';
          if (Array.isArray(value)) {
            if (value.length === 0)
              record(observations, role, call, part, null, [field.name], errors, refused);
            value.forEach((item, i) =>
              record(observations, role, call, part, item, [field.name, i], errors, refused),
            );
          } else {
            record(observations, role, call, part, value ?? null, [field.name], errors, refused);
          }
        }
      }
    };

    const context = (role: MatrixRole, coordinate: string): CaseContext => ({
      world,
      make,
      fresh: matrix.access(coordinate, role) !== 'FORBIDDEN',
      workbook,
    });

    // Queries: every role, every root field.
    const queryType = schema.getQueryType()!;
    for (const field of Object.values(queryType.getFields())) {
      const coordinate = `Query.${field.name}`;
      // Roles are independent readers: ask for them side by side.
      await Promise.all(
        MATRIX_ROLES.map(async (role) =>
          run('query', field, role, await ROOT_CASES[coordinate]!(context(role, coordinate), role)),
        ),
      );
    }

    // Mutations: first every call that must be refused (a FORBIDDEN cell, or an OWN cell aimed
    // outside the role's scope), with the stores compared before and after; then the others.
    const mutationType = schema.getMutationType()!;
    const refusedCalls: Array<() => Promise<void>> = [];
    const permittedCalls: Array<{ redeems: boolean; run: () => Promise<void> }> = [];
    for (const field of Object.values(mutationType.getFields())) {
      const coordinate = `Mutation.${field.name}`;
      for (const role of MATRIX_ROLES) {
        const access = matrix.access(coordinate, role);
        const variants = await ROOT_CASES[coordinate]!(context(role, coordinate), role);
        const outside = (variant: Variant) =>
          access === 'FORBIDDEN' ||
          (access === 'OWN' && variant.reach !== 'own' && OUTSIDE[role].includes(variant.reach));
        const refused = variants.filter(outside);
        const permitted = variants.filter((variant) => !outside(variant));
        if (refused.length) refusedCalls.push(() => run('mutation', field, role, refused));
        if (permitted.length) {
          permittedCalls.push({
            redeems: field.name === 'redeemFamilyLinkCode',
            run: () => run('mutation', field, role, permitted),
          });
        }
      }
    }
    const client = await MongoClient.connect(infra().mongodbUri);
    const databases = Object.values(stack.stores.databases);
    let written: string[] = [];
    try {
      const before = await quietDigest(client, databases);
      for (const call of refusedCalls) await call();
      const after = await quietDigest(client, databases);
      written = [...new Set([...before.keys(), ...after.keys()])].filter(
        (k) => before.get(k) !== after.get(k),
      );
    } finally {
      await client.close();
    }
    // Redeeming a code makes the account a parent: last of all, so no other cell sees the new role.
    for (const call of permittedCalls.filter((c) => !c.redeems)) await call.run();
    for (const call of permittedCalls.filter((c) => c.redeems)) await call.run();

    // ── Verdicts ──────────────────────────────────────────────────────────────────────────────
    const coordinates = apiCoordinates(schema);
    const contradictions: string[] = [];
    const unchecked: string[] = [];
    let checked = 0;
    let total = 0;
    let excludedCells = 0;
    for (const coordinate of coordinates) {
      const isRoot = coordinate.startsWith('Query.') || coordinate.startsWith('Mutation.');
      const isMutation = coordinate.startsWith('Mutation.');
      for (const role of MATRIX_ROLES) {
        total += 1;
        const expected = matrix.access(coordinate, role);
        const seen = observations.cells.get(`${coordinate}@${role}`) ?? [];
        const verdict = judge(coordinate, expected, seen, observations.shown, isRoot, isMutation);
        if (verdict.contradiction) {
          contradictions.push(`${coordinate} × ${role}: expected ${expected}, ${verdict.contradiction}`);
        }
        if (verdict.checked) checked += 1;
        else if (excluded(coordinate, role)) excludedCells += 1;
        else {
          const summary = [
            ...new Set(seen.map((o) => `${o.seen}${o.code ? `(${o.code})` : ''}[${o.reach}]`)),
          ].join(' ');
          unchecked.push(`${coordinate} × ${role} (${expected}): ${summary || 'never reached'}`);
        }
      }
    }
    console.log(
      `access matrix: ${checked} of ${total} cells checked (roles × coordinates), ${excludedCells} excluded (${Object.keys(EXCLUDED).length} reasons), ${requests} operations sent`,
    );
    if (observations.broken.length) {
      const serverErrors = Object.entries(stack.logs).flatMap(([service, lines]) =>
        lines
          .filter((line) => line.includes('"level":50'))
          .map((line) => `${service}: ${line.slice(0, 400)}`),
      );
      console.log(
        `calls that failed for other reasons (${retried} retried):\n${observations.broken.join('\n')}\n${serverErrors.slice(0, 20).join('\n')}`,
      );
    }
    if (contradictions.length)
      console.log(`contradictions (${contradictions.length}):\n${contradictions.join('\n')}`);
    if (unchecked.length) console.log(`unchecked (${unchecked.length}):\n${unchecked.join('\n')}`);
    if (written.length) console.log(`refused mutations changed: ${written.join(', ')}`);
    expect(contradictions).toEqual([]);
    expect(written).toEqual([]);
    expect(unchecked).toEqual([]);
  });
});
