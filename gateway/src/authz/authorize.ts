import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  TypeInfo,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { queryTooComplex } from './limits';
import {
  isUnrestricted,
  requirementOf,
  type Alternatives,
  type AuthRequirements,
  type Requirement,
} from './requirements';

/** Who is asking, as far as field authorization cares. */
export interface AuthzSubject {
  readonly authenticated: boolean;
  readonly scopes: ReadonlySet<string>;
}

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface PolicyContext {
  subject: AuthzSubject;
  /** Name (not alias) of the root field the checked field is reached from, e.g. `me`. */
  rootField: string;
  operationType: OperationType;
}

/** Decides one `@policy` name; supplied by the gateway, which knows what each policy means. */
export type PolicyEvaluator = (policy: string, context: PolicyContext) => boolean;

export type DenialReason = 'UNAUTHENTICATED' | 'FORBIDDEN';

/** One field on the way from the root to a denied field, as selected in the operation. */
export interface PathStep {
  responseKey: string;
  fieldName: string;
  /** The static parent type at this step: an inline fragment's type condition, or the field's position type. */
  parentType: string;
}

export interface DeniedField {
  /** Response keys (aliases honoured) from the root, without list indices. */
  responsePath: string[];
  /** Parent type where the field was removed; only objects of this type get the error. */
  typeCondition: string;
  reason: DenialReason;
  /**
   * False when `@skip`/`@include` (with the request's variables) left the field out anyway: it is
   * still removed, but the response must not mention it.
   */
  inResponse: boolean;
  /** `responsePath` with field names and parent types, so results can be patched without the document. */
  steps: PathStep[];
}

export interface AuthorizationResult {
  /** The operation to execute; the very input document when nothing had to be removed. */
  document: DocumentNode;
  denied: DeniedField[];
  /** The subject is anonymous and a field the response would hold was removed for needing a signed-in caller. */
  unauthenticated: boolean;
}

export interface AuthorizeOperationArgs {
  /** The API schema the document was validated against. */
  schema: GraphQLSchema;
  requirements: AuthRequirements;
  document: DocumentNode;
  operationName?: string | null;
  /** Used only to tell which removed fields the response would hold (`@skip`/`@include`); may be omitted. */
  variables?: Record<string, unknown> | null;
  subject: AuthzSubject;
  policies: PolicyEvaluator;
  /** Upper bound on selections once named fragments are inlined, against exponential fragment reuse. */
  maxExpandedSelections?: number;
}

export const DEFAULT_MAX_EXPANDED_SELECTIONS = 20_000;

const UNRESTRICTED_FIELDS = new Set(['__typename', '__schema', '__type']);

interface Frame {
  /** The selection set belongs to an interface or union position. */
  abstract: boolean;
  /** A denial below needs `__typename` here so that `applyDenials` can tell object types apart. */
  needsTypename: boolean;
}

/**
 * Removes from the selected operation every field the subject may not read, so that no subgraph
 * is ever asked for it, and reports each removal for `applyDenials`. Named fragments are inlined
 * first: the same fragment can sit under different root fields (and policies may depend on the
 * root field) and each occurrence has its own response path.
 */
export function authorizeOperation(args: AuthorizeOperationArgs): AuthorizationResult {
  const { schema, requirements, document, subject } = args;
  const variables = args.variables ?? undefined;
  const operation = selectOperation(document, args.operationName);
  // Execution rejects a document whose operation cannot be chosen, so there is nothing to guard.
  if (!operation) return { document, denied: [], unauthenticated: false };

  const operationType = operation.operation as OperationType;
  const expanded = inlineFragmentSpreads(
    operation,
    fragmentsOf(document),
    args.maxExpandedSelections ?? DEFAULT_MAX_EXPANDED_SELECTIONS,
  );

  const policyCache = new Map<string, boolean>();
  const decide = (requirement: Requirement, rootField: string): DenialReason | null =>
    evaluateRequirement(requirement, subject, (policy) => {
      const key = `${rootField}\u0000${policy}`;
      let holds = policyCache.get(key);
      if (holds === undefined) {
        holds = args.policies(policy, { subject, rootField, operationType });
        policyCache.set(key, holds);
      }
      return holds;
    });

  const typeInfo = new TypeInfo(schema);
  const path: PathStep[] = [];
  const frames: Frame[] = [];
  const denied = new Map<string, DeniedField>();
  let unauthenticated = false;
  // Fields that `@skip`/`@include` leave out are still removed, but nobody expects their data.
  let excludedDepth = 0;

  const rewritten: OperationDefinitionNode = visit(
    expanded,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: {
        enter() {
          frames.push({ abstract: false, needsTypename: false });
        },
        leave(node) {
          const frame = frames.pop();
          const selectionSet = completeSelectionSet(node.selectionSet, frame);
          return selectionSet === node.selectionSet ? undefined : { ...node, selectionSet };
        },
      },
      InlineFragment: {
        enter(node) {
          if (isExcluded(node.directives, variables)) excludedDepth += 1;
        },
        leave(node) {
          if (isExcluded(node.directives, variables)) excludedDepth -= 1;
          // Everything inside was removed: drop the fragment; the enclosing set is completed later.
          return node.selectionSet.selections.length === 0 ? null : undefined;
        },
      },
      Field: {
        enter(node) {
          const parentType = typeInfo.getParentType();
          const fieldName = node.name.value;
          const excluded = isExcluded(node.directives, variables);
          const step: PathStep = {
            responseKey: (node.alias ?? node.name).value,
            fieldName,
            parentType: parentType?.name ?? '',
          };

          if (!UNRESTRICTED_FIELDS.has(fieldName)) {
            const rootField = path[0]?.fieldName ?? fieldName;
            // A field whose parent type is unknown cannot be checked: fail closed.
            const reason = parentType
              ? decide(requirementOf(requirements, parentType.name, fieldName), rootField)
              : 'FORBIDDEN';
            if (reason) {
              const inResponse = !excluded && excludedDepth === 0;
              const steps = [...path, step];
              const key = steps.map((s) => `${s.parentType}.${s.responseKey}`).join(' ');
              const known = denied.get(key);
              if (known) known.inResponse ||= inResponse;
              else {
                denied.set(key, {
                  responsePath: steps.map((s) => s.responseKey),
                  typeCondition: step.parentType,
                  reason,
                  inResponse,
                  steps,
                });
              }
              if (inResponse) {
                if (reason === 'UNAUTHENTICATED') unauthenticated = true;
                for (const frame of frames) if (frame.abstract) frame.needsTypename = true;
              }
              return null;
            }
          }

          if (excluded) excludedDepth += 1;
          path.push(step);
          if (node.selectionSet) {
            const type = typeInfo.getType();
            frames.push({
              abstract: type ? isAbstractType(getNamedType(type)) : false,
              needsTypename: false,
            });
          }
          return undefined;
        },
        leave(node) {
          path.pop();
          if (isExcluded(node.directives, variables)) excludedDepth -= 1;
          if (!node.selectionSet) return undefined;
          const frame = frames.pop();
          const selectionSet = completeSelectionSet(node.selectionSet, frame);
          return selectionSet === node.selectionSet ? undefined : { ...node, selectionSet };
        },
      },
    }),
  );

  if (denied.size === 0) return { document, denied: [], unauthenticated: false };
  return {
    document: { kind: Kind.DOCUMENT, definitions: [withoutUnusedVariables(rewritten)] },
    denied: [...denied.values()],
    unauthenticated,
  };
}

/** Which denial, if any, a requirement gives this subject. */
export function evaluateRequirement(
  requirement: Requirement,
  subject: AuthzSubject,
  holdsPolicy: (policy: string) => boolean,
): DenialReason | null {
  if (isUnrestricted(requirement)) return null;
  if (requirement.authenticated && !subject.authenticated) return 'UNAUTHENTICATED';
  const hasScope = (scope: string) => subject.scopes.has(scope);
  if (!requirement.scopes.every((alternatives) => satisfies(alternatives, hasScope))) return 'FORBIDDEN';
  if (!requirement.policies.every((alternatives) => satisfies(alternatives, holdsPolicy))) return 'FORBIDDEN';
  return null;
}

function satisfies(alternatives: Alternatives, holds: (name: string) => boolean): boolean {
  return alternatives.some((all) => all.every(holds));
}

export function selectOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** Replaces every `...Name` with `... on Type { …fragment body… }`, keeping the spread's directives. */
function inlineFragmentSpreads(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  maxSelections: number,
): OperationDefinitionNode {
  let remaining = maxSelections;
  const active = new Set<string>();

  const inline = (selectionSet: SelectionSetNode): SelectionSetNode => ({
    ...selectionSet,
    selections: selectionSet.selections.map((selection): SelectionNode => {
      remaining -= 1;
      if (remaining < 0) {
        throw queryTooComplex(
          `Truy vấn có hơn ${maxSelections} lựa chọn sau khi mở rộng fragment.`,
          { limit: 'selections', max: maxSelections, actual: maxSelections + 1 },
          [operation],
        );
      }
      switch (selection.kind) {
        case Kind.FIELD:
          return selection.selectionSet
            ? { ...selection, selectionSet: inline(selection.selectionSet) }
            : selection;
        case Kind.INLINE_FRAGMENT:
          return { ...selection, selectionSet: inline(selection.selectionSet) };
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // Validation rejects both; refuse rather than guess.
          if (!fragment) throw new Error(`Unknown fragment "${name}"`);
          if (active.has(name)) throw new Error(`Fragment "${name}" spreads itself`);
          active.add(name);
          try {
            return {
              kind: Kind.INLINE_FRAGMENT,
              typeCondition: fragment.typeCondition,
              directives: selection.directives ?? [],
              selectionSet: inline(fragment.selectionSet),
            };
          } finally {
            active.delete(name);
          }
        }
      }
    }),
  });

  return { ...operation, selectionSet: inline(operation.selectionSet) };
}

/**
 * The response key of the `__typename` the rewrite adds. An alias of its own, so that
 * `applyDenials` can remove it again and the client gets exactly the shape it asked for.
 */
export const AUTHZ_TYPENAME_KEY = '_hocbasoAuthzType';

const TYPENAME_FIELD: FieldNode = {
  kind: Kind.FIELD,
  alias: { kind: Kind.NAME, value: AUTHZ_TYPENAME_KEY },
  name: { kind: Kind.NAME, value: '__typename' },
};

/**
 * Keeps a selection set valid once fields were removed (an empty set becomes `{ __typename }`)
 * and adds `__typename` where `applyDenials` must tell object types apart.
 */
function completeSelectionSet(selectionSet: SelectionSetNode, frame: Frame | undefined): SelectionSetNode {
  const { selections } = selectionSet;
  if (selections.length === 0) return { ...selectionSet, selections: [TYPENAME_FIELD] };
  if (!frame?.needsTypename) return selectionSet;
  const keyTaken = selections.some(
    (selection) =>
      selection.kind === Kind.FIELD &&
      [AUTHZ_TYPENAME_KEY, '__typename'].includes((selection.alias ?? selection.name).value),
  );
  return keyTaken ? selectionSet : { ...selectionSet, selections: [...selections, TYPENAME_FIELD] };
}

function withoutUnusedVariables(operation: OperationDefinitionNode): OperationDefinitionNode {
  if (!operation.variableDefinitions?.length) return operation;
  const used = new Set<string>();
  visit(
    { ...operation, variableDefinitions: [] },
    {
      Variable(node) {
        used.add(node.name.value);
      },
    },
  );
  const variableDefinitions = operation.variableDefinitions.filter((definition) =>
    used.has(definition.variable.name.value),
  );
  return variableDefinitions.length === operation.variableDefinitions.length
    ? operation
    : { ...operation, variableDefinitions };
}

function isExcluded(
  directives: readonly DirectiveNode[] | undefined,
  variables: Record<string, unknown> | undefined,
) {
  if (!directives?.length) return false;
  const node = { directives };
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return true;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false;
  } catch {
    // A missing or invalid variable: execution reports it; treat the field as present.
    return false;
  }
}
