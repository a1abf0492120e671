import { z } from 'zod';
import { ministryRecordSchema } from './ministry-record';
import { recordBookSchema } from './record-book';

/**
 * The published JSON Schemas (draft 2020-12) of the formats that leave the platform, generated
 * from the zod schemas the code validates with, so the documentation cannot drift from the code.
 * `npm run schemas -w @hocbaso/record-book` writes them to schema/; a test checks they are current.
 */
export function publishedJsonSchemas(): Record<string, unknown> {
  return {
    'record-book.v1.schema.json': {
      $id: 'https://hocbaso.vn/schemas/record-book/v1',
      title: 'Học bạ số: sổ học bạ đã ký (hocbaso.record-book/1)',
      ...z.toJSONSchema(recordBookSchema),
    },
    'ministry-record.v1.schema.json': {
      $id: 'https://hocbaso.vn/schemas/ministry-record/v1',
      title: 'Học bạ số: bản ghi đồng bộ lên CSDL ngành (hocbaso.ministry-record/1)',
      ...z.toJSONSchema(ministryRecordSchema),
    },
  };
}
