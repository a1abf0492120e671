import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';

/** An operation known to be valid GraphQL, about to be planned: what the limits look at. */
export interface ResolvedOperation<TContext> {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  getFragment: (name: string) => FragmentDefinitionNode | undefined;
  variables: Readonly<Record<string, unknown>>;
  context: TContext;
}

/** A limit that needs more than the document (variables, the caller): an error refuses the operation. */
export type OperationCheck<TContext> = (operation: ResolvedOperation<TContext>) => GraphQLError | undefined;

/**
 * Applies the limits once the operation is known to be valid GraphQL, in order: the document
 * rules (depth, aliases, breadth, selections), then the checks (cost, then rate limits, so that
 * an operation refused as too big spends no rate allowance). Apollo Server would relabel an
 * error from `validationRules` as GRAPHQL_VALIDATION_FAILED; raised here it keeps its own code
 * (QUERY_TOO_COMPLEX, QUERY_TOO_COSTLY, RATE_LIMITED), so clients can tell "too big" from
 * "malformed". Each operation of a batch passes through here on its own.
 */
export function operationLimitsPlugin<TContext extends BaseContext>(
  rules: readonly ValidationRule[],
  checks: readonly OperationCheck<TContext>[] = [],
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, operation, request, contextValue }) {
          const [first] = validate(schema, document, rules);
          if (first) {
            throw new GraphQLError(first.message, {
              nodes: first.nodes,
              extensions: { ...first.extensions, http: { status: 400 } },
            });
          }
          if (!operation) return; // Apollo refuses a document without the named operation itself
          const fragments = new Map(
            document.definitions.flatMap((definition) =>
              definition.kind === Kind.FRAGMENT_DEFINITION
                ? [[definition.name.value, definition] as const]
                : [],
            ),
          );
          const resolved: ResolvedOperation<TContext> = {
            schema,
            document,
            operation,
            getFragment: (name) => fragments.get(name),
            variables: request.variables ?? {},
            context: contextValue,
          };
          for (const check of checks) {
            const error = check(resolved);
            if (error) throw error;
          }
        },
      };
    },
  };
}
