/**
 * A plain, default-configured @apollo/gateway for the comparison: ApolloServer + ApolloGateway
 * over the same supergraph and subgraphs, nothing of ours (no authorization, no limits). It
 * forwards the client's signed identity header, which the subgraphs require.
 *
 * Env: PORT, SUPERGRAPH_FILE (already pointing at this run's subgraphs, without the SECURITY markers).
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const IDENTITY_HEADER = 'x-hocbaso-identity';

interface Context {
  identity: string;
}

async function main() {
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_FILE ?? '', 'utf8'),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest: ({ request, context }) => {
          request.http?.headers.set(IDENTITY_HEADER, context.identity);
        },
      }),
  });
  const server = new ApolloServer<Context>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    context: async ({ req }) => ({ identity: String(req.headers[IDENTITY_HEADER] ?? '') }),
  });
  process.stdout.write(`apollo gateway at ${url}\n`);
  process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
