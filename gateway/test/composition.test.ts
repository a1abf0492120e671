import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeSupergraph, CompositionError } from '../src/compose/compose';
import { SUBGRAPHS, SUPERGRAPH_PATH } from '../src/compose/subgraphs';
import { readAuthRequirements, requirementOf } from '../src/authz';

describe('supergraph composition', () => {
  it('composes every subgraph schema, and the committed supergraph is the current one', () => {
    expect(SUBGRAPHS.length).toBeGreaterThan(0);
    expect(composeSupergraph(SUBGRAPHS)).toBe(readFileSync(SUPERGRAPH_PATH, 'utf8'));
  });

  it('keeps the authorization directives in the supergraph, where the gateway reads them', () => {
    const requirements = readAuthRequirements(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    expect(requirementOf(requirements, 'Query', 'accounts').scopes).toEqual([
      [['SYSTEM_ADMIN'], ['PRINCIPAL']],
    ]);
    expect(requirementOf(requirements, 'Query', 'me').authenticated).toBe(true);
    expect(requirementOf(requirements, 'Account', 'email').policies).toEqual([[['account.personal']]]);
    expect(requirementOf(requirements, 'Mutation', 'login')).toMatchObject({
      authenticated: false,
      scopes: [],
      policies: [],
    });
  });

  it('fails with the composition errors when subgraphs disagree', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-'));
    const clash = path.join(dir, 'clash.graphql');
    // Same type, same field, incompatible types and neither side @shareable.
    writeFileSync(
      clash,
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
       type School @key(fields: "id") { id: ID! code: Int! }
       type Query { anything: School }`,
    );
    expect(() =>
      composeSupergraph([
        ...SUBGRAPHS,
        { name: 'clash', schemaPath: clash, url: 'http://127.0.0.1:1/graphql' },
      ]),
    ).toThrow(CompositionError);
  });
});
