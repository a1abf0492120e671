import { createHash } from 'node:crypto';
import type { ApolloGateway } from '@apollo/gateway';
import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewayUnsubscriber,
} from '@apollo/server-gateway-interface';
import { GraphQLError, print, type GraphQLSchema } from 'graphql';
import {
  applyDenials,
  authorizeOperation,
  readAuthRequirements,
  type AuthRequirements,
  type DenialError,
} from './authz';
import { evaluatePolicy } from './auth/policies';
import type { GatewayContext } from './gateway-context';

/**
 * Wraps @apollo/gateway so that every operation is authorised field by field before it is
 * planned: fields the caller may not see are cut from the operation (so they are never fetched),
 * and come back as null with a FORBIDDEN error at their path.
 *
 * The query-plan cache is keyed on the hash of the operation that is planned, which here is the
 * rewritten one, so two callers with different scopes never share a plan.
 */
export class AuthorizingGateway implements GatewayInterface {
  private requirements: AuthRequirements;
  private apiSchema: GraphQLSchema | undefined;

  constructor(
    private readonly inner: ApolloGateway,
    supergraphSdl: string,
  ) {
    this.requirements = readAuthRequirements(supergraphSdl);
  }

  async load(options: Parameters<GatewayInterface['load']>[0]) {
    const { schema, executor } = await this.inner.load(options);
    this.apiSchema = schema;
    return { schema, executor: this.wrap(executor) };
  }

  onSchemaLoadOrUpdate(
    callback: Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0],
  ): GatewayUnsubscriber {
    return this.inner.onSchemaLoadOrUpdate((update) => {
      this.requirements = readAuthRequirements(update.coreSupergraphSdl);
      callback(update);
    });
  }

  stop() {
    return this.inner.stop();
  }

  private wrap(executor: GatewayExecutor): GatewayExecutor {
    return async (requestContext: GatewayGraphQLRequestContext) => {
      const context = requestContext.context as unknown as GatewayContext;
      const schema = this.apiSchema!;
      const authorization = authorizeOperation({
        schema,
        requirements: this.requirements,
        document: requestContext.document,
        operationName: requestContext.operationName ?? requestContext.request.operationName ?? null,
        variables: requestContext.request.variables ?? {},
        subject: context.subject,
        policies: evaluatePolicy,
      });
      if (authorization.denied.length === 0) return executor(requestContext);

      const source = print(authorization.document);
      const rewritten = Object.assign(Object.create(Object.getPrototypeOf(requestContext)), requestContext, {
        document: authorization.document,
        source,
        queryHash: createHash('sha256').update(source).digest('hex'),
      }) as GatewayGraphQLRequestContext;
      const result = await executor(rewritten);
      const patched = applyDenials(result, authorization.denied, schema);
      // Apollo Server formats only GraphQLError instances faithfully; denials arrive as plain objects.
      const errors = patched.errors?.map((error) =>
        error instanceof GraphQLError
          ? error
          : new GraphQLError((error as DenialError).message, {
              path: (error as DenialError).path,
              extensions: (error as DenialError).extensions,
            }),
      );
      return { ...result, data: patched.data, errors };
    };
  }
}
