/**
 * `npm run compose`: writes gateway/supergraph.graphql.
 * `npm run compose:check`: fails when composition fails or the committed file is not current.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph, CompositionError } from './compose';
import { SUBGRAPHS, SUPERGRAPH_PATH } from './subgraphs';

function main(): number {
  const check = process.argv.includes('--check');
  let supergraph: string;
  try {
    supergraph = composeSupergraph(SUBGRAPHS);
  } catch (error) {
    process.stderr.write(`${error instanceof CompositionError ? error.message : String(error)}\n`);
    return 1;
  }
  if (check) {
    const current = existsSync(SUPERGRAPH_PATH) ? readFileSync(SUPERGRAPH_PATH, 'utf8') : '';
    if (current !== supergraph) {
      process.stderr.write(
        'gateway/supergraph.graphql is out of date: run `npm run compose` and commit it.\n',
      );
      return 1;
    }
    process.stdout.write('supergraph is current\n');
    return 0;
  }
  writeFileSync(SUPERGRAPH_PATH, supergraph);
  process.stdout.write(`wrote ${SUPERGRAPH_PATH}\n`);
  return 0;
}

process.exitCode = main();
