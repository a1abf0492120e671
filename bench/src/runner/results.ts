import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';

/**
 * Writes the run's JSON as the repository's formatter would (the file sits in the working tree,
 * and `npm run format:check` reads every file that git does not ignore at the root).
 */
export async function writeResults(file: string, results: unknown): Promise<void> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  const text = await prettier.format(JSON.stringify(results), { ...options, parser: 'json' });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}
