import path from 'node:path';

/** The subgraphs composed into the supergraph, with their default local addresses. */
export interface SubgraphDefinition {
  name: string;
  schemaPath: string;
  /** Default URL; overridden at run time by SUBGRAPH_<NAME>_URL. */
  url: string;
}

const REPO = path.resolve(__dirname, '../../..');

const service = (name: string, port: number): SubgraphDefinition => ({
  name,
  schemaPath: path.join(REPO, `services/${name}/src/schema.graphql`),
  url: `http://127.0.0.1:${port}/graphql`,
});

export const SUBGRAPHS: readonly SubgraphDefinition[] = [
  service('identity', 4001),
  service('students', 4002),
  service('academics', 4003),
  service('conduct', 4004),
  service('signatures', 4005),
  service('archive', 4006),
];

export const SUPERGRAPH_PATH = path.join(REPO, 'gateway/supergraph.graphql');
