import { X509Certificate } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createSchoolPki, isSigningError, type SchoolPkiOptions } from '../src';
import { at, temporaryDirectory } from './helpers';

const fingerprintOf = (pem: string) =>
  new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();

describe('createSchoolPki', () => {
  let directory: { path: string; remove: () => Promise<void> };
  let options: SchoolPkiOptions;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    options = {
      outDir: join(directory.path, 'keystore'),
      schoolId: 'thpt-chu-van-an',
      schoolName: 'Trường THPT Chu Văn An',
      staff: [
        { accountId: 'hieutruong', name: 'Đỗ Minh Quang' },
        {
          accountId: 'gv-van-01',
          name: 'Vũ Thị Lan',
          validFrom: '2024-01-01T00:00:00Z',
          validTo: '2025-01-01T00:00:00Z',
        },
      ],
      now: at('2025-09-01T12:00:00Z'),
    };
  });

  afterAll(() => directory.remove());

  const read = (file: string) => readFile(join(options.outDir, file), 'utf8');

  it('writes the CA, the seal, one certificate per member of staff and a manifest without keys', async () => {
    const pki = await createSchoolPki(options);

    expect((await readdir(options.outDir)).sort()).toEqual([
      'ca.key.pem',
      'ca.pem',
      'gv-van-01.chain.pem',
      'gv-van-01.key.pem',
      'hieutruong.chain.pem',
      'hieutruong.key.pem',
      'manifest.json',
      'seal-thpt-chu-van-an.chain.pem',
      'seal-thpt-chu-van-an.key.pem',
    ]);
    for (const file of [
      'ca.key.pem',
      'hieutruong.key.pem',
      'gv-van-01.key.pem',
      'seal-thpt-chu-van-an.key.pem',
    ]) {
      expect([file, (await stat(join(options.outDir, file))).mode & 0o777]).toEqual([file, 0o600]);
    }
    expect((await stat(options.outDir)).mode & 0o777).toBe(0o700);

    const ca = new X509Certificate(await read('ca.pem'));
    expect(ca.ca).toBe(true);
    expect(pki.caPem).toBe(await read('ca.pem'));
    const manifestText = await read('manifest.json');
    expect(manifestText).not.toContain('PRIVATE KEY');
    const manifest = JSON.parse(manifestText);
    expect(manifest).toEqual(pki.manifest);
    expect(manifest.ca.fingerprint).toBe(fingerprintOf(pki.caPem));

    const principalChain = (await read('hieutruong.chain.pem')).split(/(?<=-----END CERTIFICATE-----\n)/);
    const principal = new X509Certificate(principalChain[0] as string);
    expect(principal.checkIssued(ca) && principal.verify(ca.publicKey)).toBe(true);
    expect(principalChain[1]).toBe(pki.caPem.trimEnd() + '\n');
    expect(principal.subjectAltName).toBe('URI:urn:hocbaso:account:hieutruong');
    expect(principal.subject).toContain('CN=Đỗ Minh Quang');

    const seal = new X509Certificate(await read('seal-thpt-chu-van-an.chain.pem'));
    expect(seal.subjectAltName).toBe('URI:urn:hocbaso:seal:thpt-chu-van-an');

    expect(manifest.certificates).toEqual([
      {
        keyRef: 'seal-thpt-chu-van-an',
        kind: 'ORGANISATION_SEAL',
        accountId: null,
        commonName: 'Trường THPT Chu Văn An',
        fingerprint: fingerprintOf(await read('seal-thpt-chu-van-an.chain.pem')),
        notBefore: '2025-08-31T12:00:00.000Z',
        notAfter: '2027-09-01T12:00:00.000Z',
      },
      {
        keyRef: 'hieutruong',
        kind: 'PERSON',
        accountId: 'hieutruong',
        commonName: 'Đỗ Minh Quang',
        fingerprint: fingerprintOf(principalChain[0] as string),
        notBefore: '2025-08-31T12:00:00.000Z',
        notAfter: '2027-09-01T12:00:00.000Z',
      },
      {
        keyRef: 'gv-van-01',
        kind: 'PERSON',
        accountId: 'gv-van-01',
        commonName: 'Vũ Thị Lan',
        fingerprint: fingerprintOf(await read('gv-van-01.chain.pem')),
        notBefore: '2024-01-01T00:00:00.000Z',
        notAfter: '2025-01-01T00:00:00.000Z',
      },
    ]);
    expect(pki.issued).toEqual(['seal-thpt-chu-van-an', 'hieutruong', 'gv-van-01']);
  });

  it('keeps every key and certificate on a second run, issuing only for new staff', async () => {
    const before = JSON.parse(await read('manifest.json'));
    const principalKey = await read('hieutruong.key.pem');

    const again = await createSchoolPki(options);
    expect(again.manifest).toEqual(before);
    expect(again.issued).toEqual([]);
    expect(await read('hieutruong.key.pem')).toBe(principalKey);

    const grown = await createSchoolPki({
      ...options,
      staff: [...options.staff, { accountId: 'pho-hieutruong-11', name: 'Hoàng Văn Sơn' }],
    });
    expect(grown.issued).toEqual(['pho-hieutruong-11']);
    expect(grown.manifest.certificates.slice(0, 3)).toEqual(before.certificates);
    expect(grown.manifest.ca).toEqual(before.ca);
  });

  it('re-creates everything with force', async () => {
    const before = JSON.parse(await read('manifest.json'));
    const forced = await createSchoolPki({ ...options, force: true });
    expect(forced.manifest.ca.fingerprint).not.toBe(before.ca.fingerprint);
    expect(forced.issued).toHaveLength(3);
    expect(fingerprintOf(await read('ca.pem'))).toBe(forced.manifest.ca.fingerprint);
  });

  it('refuses duplicate, reserved or unsafe account ids', async () => {
    const refusal = (staff: SchoolPkiOptions['staff']) =>
      createSchoolPki({ ...options, staff }).then(
        () => 'created',
        (error: unknown) =>
          isSigningError(error) ? `${error.code} ${String(error.details.field)}` : String(error),
      );
    expect(await refusal([{ accountId: 'ca', name: 'A' }])).toBe('VALIDATION_FAILED staff[0].accountId');
    expect(
      await refusal([
        { accountId: 'gv-1', name: 'A' },
        { accountId: 'gv-1', name: 'B' },
      ]),
    ).toBe('VALIDATION_FAILED staff[1].accountId');
    expect(await refusal([{ accountId: '../gv', name: 'A' }])).toBe('VALIDATION_FAILED staff[0].accountId');
    expect(await refusal([{ accountId: 'gv-2', name: 'A', validTo: 'tomorrow' }])).toBe(
      'VALIDATION_FAILED staff[0].validTo',
    );
  });
});
