import { ERROR_CATALOGUE } from '@hocbaso/errors';
import {
  getNamedType,
  GraphQLError,
  isCompositeType,
  isListType,
  isNonNullType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { OperationCheck } from '../operation-limits';

export interface CostOptions {
  /** How many items a list field is assumed to return when the operation does not say (a class: ~45). */
  listSize: number;
  variables?: Readonly<Record<string, unknown>>;
}

/** Introspection's entry points, which are not among the root type's fields. */
const META_FIELDS: ReadonlyMap<string, string> = new Map([
  ['__schema', '__Schema'],
  ['__type', '__Type'],
]);

/** Arguments that bound a list's length; their value replaces the assumed size. */
const SLICING_ARGUMENTS = ['first', 'limit'];

/**
 * A static estimate of the work an operation asks for: each field costs 1, and a field returning a
 * list multiplies the cost of what is selected below it by the list's assumed size (or by its
 * `first`/`limit` argument). So a class's roster with each student's results costs about
 * 45 × (fields of a student + 15 × fields of a result), and the same over every class of a school
 * multiplies that again. `__typename` is free.
 *
 * Fragments are costed once each and reused wherever they are spread (like measureOperation), so
 * a document of fragments spreading fragments cannot make the estimate itself expensive. Under an
 * abstract type every type condition is added up: an upper bound.
 */
export function estimateOperationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  getFragment: (name: string) => FragmentDefinitionNode | null | undefined,
  options: CostOptions,
): number {
  const memo = new Map<string, number>();
  const active = new Set<string>();
  const variables = options.variables ?? {};

  const fragmentCost = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const fragment = getFragment(name);
    if (!fragment || active.has(name)) return 0;
    const type = schema.getType(fragment.typeCondition.name.value);
    if (!type || !isCompositeType(type)) return 0;
    active.add(name);
    const cost = selectionSetCost(type, fragment.selectionSet);
    active.delete(name);
    memo.set(name, cost);
    return cost;
  };

  const selectionSetCost = (parent: GraphQLCompositeType, selectionSet: SelectionSetNode): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += fieldCost(parent, selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        if (condition && isCompositeType(condition))
          cost += selectionSetCost(condition, selection.selectionSet);
      } else {
        cost += fragmentCost(selection.name.value);
      }
    }
    return Math.min(cost, Number.MAX_SAFE_INTEGER);
  };

  const fieldCost = (parent: GraphQLCompositeType, node: FieldNode): number => {
    const name = node.name.value;
    if (name === '__typename') return 0;
    const metaType = META_FIELDS.get(name);
    const meta = metaType ? schema.getType(metaType) : undefined;
    if (meta && isCompositeType(meta) && node.selectionSet)
      return 1 + selectionSetCost(meta, node.selectionSet);
    const field = fieldOf(parent, name);
    if (!field) return 1; // not in the schema: validation reports it
    const below = getNamedType(field.type);
    const inner =
      node.selectionSet && isCompositeType(below) ? selectionSetCost(below, node.selectionSet) : 0;
    return 1 + listMultiplier(field.type, sliceOf(field, node) ?? options.listSize, options.listSize) * inner;
  };

  /** `first: 10` or `limit: $n` on the field, else the argument's default; undefined when absent. */
  const sliceOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined => {
    for (const argumentName of SLICING_ARGUMENTS) {
      const definition = field.args.find((arg) => arg.name === argumentName);
      if (!definition) continue;
      const given = node.arguments?.find((arg) => arg.name.value === argumentName);
      const value = given ? literalOrVariable(given.value) : definition.defaultValue;
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    }
    return undefined;
  };

  const literalOrVariable = (value: ValueNode): unknown => {
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const given = variables[value.name.value];
      if (given !== undefined) return given;
      const definition = operation.variableDefinitions?.find(
        (variable) => variable.variable.name.value === value.name.value,
      );
      return definition?.defaultValue?.kind === Kind.INT ? Number(definition.defaultValue.value) : undefined;
    }
    return undefined;
  };

  const root = rootTypeOf(schema, operation);
  return root ? selectionSetCost(root, operation.selectionSet) : 0;
}

/** Each list wrapper multiplies: the outermost by the slice, nested ones ([[X]]) by the assumed size. */
function listMultiplier(type: GraphQLOutputType, outer: number, nested: number): number {
  let multiplier = 1;
  let first = true;
  let current: GraphQLOutputType = type;
  for (;;) {
    if (isNonNullType(current)) {
      current = current.ofType;
    } else if (isListType(current)) {
      multiplier *= first ? outer : nested;
      first = false;
      current = current.ofType as GraphQLOutputType;
    } else {
      return multiplier;
    }
  }
}

function fieldOf(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return 'getFields' in parent ? parent.getFields()[name] : undefined;
}

function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode) {
  switch (operation.operation) {
    case 'query':
      return schema.getQueryType();
    case 'mutation':
      return schema.getMutationType();
    default:
      return schema.getSubscriptionType();
  }
}

/** QUERY_TOO_COSTLY with the catalogue message, a Vietnamese detail and the numbers. */
export function queryTooCostly(max: number, actual: number, nodes?: OperationDefinitionNode): GraphQLError {
  return new GraphQLError(
    `${ERROR_CATALOGUE.QUERY_TOO_COSTLY.vi} Chi phí ước tính ${actual} vượt quá giới hạn ${max}.`,
    {
      nodes,
      extensions: {
        code: 'QUERY_TOO_COSTLY',
        details: { limit: 'cost', max, actual },
        http: { status: 400 },
      },
    },
  );
}

/** Refuses an operation whose estimate (with its variables) is above `max`. */
export function costLimitCheck<TContext>(max: number, listSize: number): OperationCheck<TContext> {
  return ({ schema, operation, getFragment, variables }) => {
    const actual = estimateOperationCost(schema, operation, getFragment, { listSize, variables });
    return actual > max ? queryTooCostly(max, actual, operation) : undefined;
  };
}
