import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedJsonSchemas } from '../src/json-schemas';

// Writes schema/*.schema.json from the zod schemas (see src/json-schemas.ts).
for (const [file, schema] of Object.entries(publishedJsonSchemas())) {
  writeFileSync(join(__dirname, '..', 'schema', file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schema/${file}`);
}
