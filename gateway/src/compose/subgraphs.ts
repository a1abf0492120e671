import path from 'node:path';

/** The subgraphs composed into the supergraph, with their default local addresses. */
export interface SubgraphDefinition {
  name: string;
  schemaPath: string;
  /** Default URL; overridden at run time by SUBGRAPH_<NAME>_URL. */
  url: string;
}

const REPO = path.resolve(__dirname, '../../..');

export const SUBGRAPHS: readonly SubgraphDefinition[] = [
  {
    name: 'identity',
    schemaPath: path.join(REPO, 'services/identity/src/schema.graphql'),
    url: 'http://127.0.0.1:4001/graphql',
  },
];

export const SUPERGRAPH_PATH = path.join(REPO, 'gateway/supergraph.graphql');
