import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishedJsonSchemas } from './json-schemas';

describe('published JSON Schemas', () => {
  it.each(Object.entries(publishedJsonSchemas()))(
    'schema/%s is current (npm run schemas)',
    (file, schema) => {
      const published: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'schema', file), 'utf8'));
      expect(published).toEqual(schema);
    },
  );
});
