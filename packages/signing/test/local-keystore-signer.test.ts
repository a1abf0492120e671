import { verify, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSchoolPki, isSigningError, LocalKeystoreSigner } from '../src';
import { temporaryDirectory } from './helpers';

describe('LocalKeystoreSigner', () => {
  let directory: { path: string; remove: () => Promise<void> };
  let signer: LocalKeystoreSigner;

  beforeAll(async () => {
    directory = await temporaryDirectory();
    await createSchoolPki({
      outDir: directory.path,
      schoolId: 'thpt-le-loi',
      schoolName: 'Trường THPT Lê Lợi',
      staff: [{ accountId: 'gvcn-10a1', name: 'Phạm Thu Hà' }],
    });
    signer = new LocalKeystoreSigner(directory.path);
  });

  afterAll(() => directory.remove());

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'signed',
      (error: unknown) => (isSigningError(error) ? error.code : String(error)),
    );

  it('gives the chain leaf first and signs ES256 that the leaf key verifies', async () => {
    const chain = await signer.certificateChain('gvcn-10a1');
    expect(chain).toHaveLength(2);
    const [leaf, ca] = chain.map((pem) => new X509Certificate(pem)) as [X509Certificate, X509Certificate];
    expect(leaf.subjectAltName).toBe('URI:urn:hocbaso:account:gvcn-10a1');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(ca.ca).toBe(true);

    const data = Buffer.from('dữ liệu cần ký', 'utf8');
    const { algorithm, signature } = await signer.sign('gvcn-10a1', data);
    expect(algorithm).toBe('ES256');
    const bytes = Buffer.from(signature, 'base64url');
    expect(bytes).toHaveLength(64);
    expect(verify('sha256', data, { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' }, bytes)).toBe(true);
  });

  it('refuses an unknown key ref with CERTIFICATE_MISSING', async () => {
    expect(await refusal(signer.sign('gv-khong-co', Buffer.from('x')))).toBe('CERTIFICATE_MISSING');
    expect(await refusal(signer.certificateChain('gv-khong-co'))).toBe('CERTIFICATE_MISSING');
    const error = await signer.sign('gv-khong-co', Buffer.from('x')).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('gv-khong-co');
  });

  it('refuses key refs that reach outside the keystore, and the CA key which has no chain', async () => {
    for (const keyRef of ['../gvcn-10a1', '/etc/passwd', '.hidden', '', 'ca']) {
      expect([keyRef, await refusal(signer.sign(keyRef, Buffer.from('x')))]).toEqual([
        keyRef,
        'CERTIFICATE_MISSING',
      ]);
    }
  });

  it('refuses an unreadable key and an empty chain file', async () => {
    await writeFile(join(directory.path, 'rsa.key.pem'), 'not a key');
    await writeFile(join(directory.path, 'rsa.chain.pem'), '');
    expect(await refusal(signer.sign('rsa', Buffer.from('x')))).toBe('CERTIFICATE_INVALID');
    expect(await refusal(signer.certificateChain('rsa'))).toBe('CERTIFICATE_INVALID');
  });
});
