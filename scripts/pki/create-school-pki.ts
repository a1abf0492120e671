/**
 * Creates, for development and tests, a school's local PKI: the school CA, the seal certificate
 * (keyRef `seal-<schoolId>`) and one certificate per member of staff (keyRef = account id), as a
 * keystore directory that `LocalKeystoreSigner` reads. Idempotent: existing keys and certificates
 * are kept unless --force. In production certificates come from a licensed CA instead.
 *
 * Usage: npx tsx scripts/pki/create-school-pki.ts --out <dir> --school <schoolId>
 *          --school-name <name> --staff <staff.json> [--valid-from <ISO>] [--valid-to <ISO>] [--force]
 * staff.json: [{ "accountId": "...", "name": "...", "validFrom"?: "<ISO>", "validTo"?: "<ISO>" }]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createSchoolPki, isSigningError, type StaffMember } from '@hocbaso/signing';

const USAGE =
  'Usage: npx tsx scripts/pki/create-school-pki.ts --out <dir> --school <schoolId> --school-name <name> ' +
  '--staff <staff.json> [--valid-from <ISO>] [--valid-to <ISO>] [--force]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      school: { type: 'string' },
      'school-name': { type: 'string' },
      staff: { type: 'string' },
      'valid-from': { type: 'string' },
      'valid-to': { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.out || !values.school || !values['school-name'] || !values.staff) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const staff = JSON.parse(readFileSync(values.staff, 'utf8')) as unknown;
  if (!Array.isArray(staff)) throw new Error(`${values.staff}: expected a JSON array of { accountId, name }`);

  const pki = await createSchoolPki({
    outDir: values.out,
    schoolId: values.school,
    schoolName: values['school-name'],
    staff: staff as StaffMember[],
    validFrom: optionalDate(values['valid-from'], '--valid-from'),
    validTo: optionalDate(values['valid-to'], '--valid-to'),
    force: values.force,
  });

  console.log(`CA ${pki.manifest.ca.commonName}  sha256 ${pki.manifest.ca.fingerprint}`);
  for (const entry of pki.manifest.certificates) {
    const state = pki.issued.includes(entry.keyRef) ? 'issued' : 'kept  ';
    console.log(
      `${state} ${entry.keyRef}  ${entry.notBefore} → ${entry.notAfter}  sha256 ${entry.fingerprint}`,
    );
  }
  console.log(`Keystore: ${values.out} (register ca.pem as the school's CA)`);
}

function optionalDate(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${flag}: "${value}" is not a date`);
  return date;
}

main().catch((error: unknown) => {
  console.error(isSigningError(error) ? `${error.code}: ${error.message}` : error);
  process.exit(1);
});
