/**
 * Hive Gateway (@graphql-hive/gateway) run programmatically with its defaults over the same
 * supergraph and subgraphs, for the comparison. It forwards the client's signed identity header,
 * which the subgraphs require; it does none of our authorization.
 *
 * Env: PORT, SUPERGRAPH_FILE (already pointing at this run's subgraphs).
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const IDENTITY_HEADER = 'x-hocbaso-identity';

const gateway = createGatewayRuntime({
  supergraph: readFileSync(process.env.SUPERGRAPH_FILE ?? '', 'utf8'),
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({ [IDENTITY_HEADER]: request.headers.get(IDENTITY_HEADER) }),
  },
});
const server = http.createServer(gateway);
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write(`hive gateway on port ${process.env.PORT}\n`);
});
process.once('SIGTERM', () => {
  server.close(() => void Promise.resolve(gateway.dispose()).then(() => process.exit(0)));
  server.closeAllConnections();
});
