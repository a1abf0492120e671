import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, validate, type ValidationRule } from 'graphql';

/**
 * Applies the complexity limits once the operation is known to be valid GraphQL. Apollo Server
 * would relabel an error from `validationRules` as GRAPHQL_VALIDATION_FAILED; raised here it keeps
 * its own code (QUERY_TOO_COMPLEX), so clients can tell "too big" from "malformed".
 */
export function operationLimitsPlugin(rules: readonly ValidationRule[]): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema }) {
          const [first] = validate(schema, document, rules);
          if (first) {
            throw new GraphQLError(first.message, {
              nodes: first.nodes,
              extensions: { ...first.extensions, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
