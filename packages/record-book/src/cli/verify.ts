#!/usr/bin/env node
/**
 * hocbaso-verify: checks an exported record book with only the files it is given, no network, no
 * database, no service running.
 *
 *   hocbaso-verify <file.json|file.xml> --trust <ca.pem> [--trust <ca2.pem>] [--json]
 *   npx tsx packages/record-book/src/cli/verify.ts <file> --trust <ca.pem>
 *
 * The file is a record book credential (JSON), a plain record book (JSON) or an XML export; each
 * --trust file holds the CA certificate(s) (PEM) of the schools whose signatures are accepted.
 * Exit status: 0 valid, 1 not valid (or not a record book), 2 wrong usage or a file not readable.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { splitPemChain } from '@hocbaso/signing';
import { describeVerification, verifyExportText } from './verify-file';

const USAGE = 'Cách dùng: hocbaso-verify <tệp.json|tệp.xml> --trust <ca.pem> [--trust <ca2.pem>] [--json]';

class UsageError extends Error {}

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Không đọc được ${what} "${path}".`);
  }
}

function run(argv: string[]): number {
  let options: { trust?: string[]; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values: options, positionals } = parseArgs({
      args: argv,
      options: {
        trust: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    }));
  } catch (error) {
    throw new UsageError(`Tham số không hợp lệ: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('Cần đúng một tệp cần kiểm tra.');
  if (!options.trust || options.trust.length === 0) {
    throw new UsageError('Thiếu --trust: cần tệp chứng thư CA (PEM) của trường để biết chữ ký nào đáng tin.');
  }
  const trustedCas = options.trust.flatMap((path) => {
    const pems = splitPemChain(read(path, 'tệp chứng thư CA'));
    if (pems.length === 0) throw new UsageError(`Tệp "${path}" không chứa chứng thư PEM nào.`);
    return pems;
  });
  const result = verifyExportText(read(file, 'tệp cần kiểm tra'), { trustedCas });
  process.stdout.write(
    options.json ? `${JSON.stringify(result, null, 2)}\n` : describeVerification(result, file),
  );
  return result.valid ? 0 : 1;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n${USAGE}\n`);
  process.exitCode = 2;
}
