import { ERROR_CATALOGUE } from '@hocbaso/errors';
import {
  GraphQLError,
  Kind,
  type ASTNode,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export type ComplexityLimit = 'depth' | 'aliases' | 'rootFields' | 'selections';

export interface ComplexityDetails {
  limit: ComplexityLimit;
  max: number;
  actual: number;
}

/** QUERY_TOO_COMPLEX with the catalogue message, a Vietnamese detail and machine-readable numbers. */
export function queryTooComplex(
  detail: string,
  details: ComplexityDetails,
  nodes?: ASTNode | readonly ASTNode[],
): GraphQLError {
  return new GraphQLError(`${ERROR_CATALOGUE.QUERY_TOO_COMPLEX.vi} ${detail}`, {
    nodes,
    extensions: { code: 'QUERY_TOO_COMPLEX', details },
  });
}

/** An operation's size as it would execute: every fragment spread counted where it is used. */
export interface OperationMeasure {
  /** Longest chain of nested fields; `{ me { id } }` has depth 2. */
  depth: number;
  aliases: number;
  /** Fields selected, with fragments expanded. */
  selections: number;
  /** Fields selected directly on the root type. */
  rootFields: number;
}

const NOTHING: OperationMeasure = Object.freeze({ depth: 0, aliases: 0, selections: 0, rootFields: 0 });

/**
 * Measures through fragments with one memo per fragment, so that a fragment reused many times
 * (even exponentially, fragment A spreading B twice, B spreading C twice…) costs its size once.
 * A spread of a fragment already being measured (a cycle) or of an unknown one counts as nothing:
 * other validation rules report those.
 */
export function measureOperation(
  operation: OperationDefinitionNode,
  getFragment: (name: string) => FragmentDefinitionNode | null | undefined,
): OperationMeasure {
  const memo = new Map<string, OperationMeasure>();
  const active = new Set<string>();

  const measureFragment = (name: string): OperationMeasure => {
    const known = memo.get(name);
    if (known) return known;
    const fragment = getFragment(name);
    if (!fragment || active.has(name)) return NOTHING;
    active.add(name);
    const measure = measureSelectionSet(fragment.selectionSet);
    active.delete(name);
    memo.set(name, measure);
    return measure;
  };

  const measureSelectionSet = (selectionSet: SelectionSetNode): OperationMeasure => {
    let depth = 0;
    let aliases = 0;
    let selections = 0;
    let rootFields = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? measureSelectionSet(selection.selectionSet) : NOTHING;
        depth = Math.max(depth, 1 + below.depth);
        aliases += (selection.alias ? 1 : 0) + below.aliases;
        selections += 1 + below.selections;
        rootFields += 1;
        continue;
      }
      const inner =
        selection.kind === Kind.INLINE_FRAGMENT
          ? measureSelectionSet(selection.selectionSet)
          : measureFragment(selection.name.value);
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
      selections += inner.selections;
      rootFields += inner.rootFields;
    }
    return { depth, aliases, selections, rootFields };
  };

  return measureSelectionSet(operation.selectionSet);
}

function limitRule(
  limit: ComplexityLimit,
  max: number,
  describe: (actual: number) => string,
): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const actual = measureOperation(operation, (name) => context.getFragment(name))[limit];
      if (actual > max)
        context.reportError(queryTooComplex(describe(actual), { limit, max, actual }, operation));
      return false; // the measure already covered the whole operation
    },
  });
}

/** Rejects operations nested deeper than `maxDepth` fields (fragments included). */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return limitRule('depth', maxDepth, (actual) => `Độ sâu ${actual} vượt quá giới hạn ${maxDepth}.`);
}

/** Rejects operations using more than `maxAliases` aliases, counting each fragment use. */
export function aliasLimitRule(maxAliases: number): ValidationRule {
  return limitRule(
    'aliases',
    maxAliases,
    (actual) => `Số bí danh (alias) ${actual} vượt quá giới hạn ${maxAliases}.`,
  );
}

/** Rejects operations selecting more than `maxRootFields` fields on the root type. */
export function rootFieldLimitRule(maxRootFields: number): ValidationRule {
  return limitRule(
    'rootFields',
    maxRootFields,
    (actual) => `Số trường gốc ${actual} vượt quá giới hạn ${maxRootFields}.`,
  );
}

/** Rejects operations selecting more than `maxSelections` fields once fragments are expanded. */
export function selectionLimitRule(maxSelections: number): ValidationRule {
  return limitRule(
    'selections',
    maxSelections,
    (actual) => `Số trường được chọn ${actual} vượt quá giới hạn ${maxSelections}.`,
  );
}
