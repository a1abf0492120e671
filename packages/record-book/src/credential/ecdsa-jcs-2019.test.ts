import { createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { base58 } from '@scure/base';
import { createProof, hashDataOf, verifyProof, type JsonObject } from './ecdsa-jcs-2019';

/**
 * The P-256 test vector of W3C Data Integrity ECDSA Cryptosuites v1.0 (TestVectors/ecdsa-jcs-2019-p256
 * in w3c/vc-di-ecdsa): a credential signed by another implementation, with its did:key.
 */
const w3cSigned: JsonObject = {
  '@context': ['https://www.w3.org/ns/credentials/v2', 'https://www.w3.org/ns/credentials/examples/v2'],
  id: 'urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33',
  type: ['VerifiableCredential', 'AlumniCredential'],
  name: 'Alumni Credential',
  description: 'A minimum viable example of an Alumni Credential.',
  issuer: 'https://vc.example/issuers/5678',
  validFrom: '2023-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:abcdefgh', alumniOf: 'The School of Examples' },
  proof: {
    type: 'DataIntegrityProof',
    cryptosuite: 'ecdsa-jcs-2019',
    created: '2023-02-24T23:36:38Z',
    verificationMethod:
      'did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP#zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP',
    proofPurpose: 'assertionMethod',
    proofValue: 'zq6PrUMCtqY5obCSsrQxuFJdGffCDxvFuopdZiBPUBRTFEs1VVsBZi8YiEwVWgHYrXxoV93gBHqGDBtQLPFxpZxz',
  },
};
/** The second half of the vector's combinedHash: SHA-256 of the JCS document. */
const w3cDocumentHash = '59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19';

/** A did:key P-256 multikey (0x1200 varint, compressed point) as a public key, via its SPKI DER. */
function publicKeyOfDidKey(multikey: string) {
  const bytes = Buffer.from(base58.decode(multikey.slice(1)));
  expect(bytes.subarray(0, 2).toString('hex')).toBe('8024');
  const spkiPrefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
  return createPublicKey({
    key: Buffer.concat([spkiPrefix, bytes.subarray(2)]),
    format: 'der',
    type: 'spki',
  });
}

describe('ecdsa-jcs-2019', () => {
  const w3cKey = publicKeyOfDidKey('zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP');

  it('verifies the W3C test vector and hashes its document as the vector does', () => {
    expect(verifyProof(w3cSigned, w3cKey)).toEqual({ valid: true });
    const { proof: _proof, ...document } = w3cSigned;
    expect(hashDataOf(document, {}).subarray(32).toString('hex')).toBe(w3cDocumentHash);
  });

  it('refuses the W3C vector with its subject or its proof options changed', () => {
    const subject = {
      ...w3cSigned,
      credentialSubject: { id: 'did:example:abcdefgh', alumniOf: 'Elsewhere' },
    };
    expect(verifyProof(subject, w3cKey)).toMatchObject({ valid: false, code: 'PROOF_INVALID' });
    const created = {
      ...w3cSigned,
      proof: { ...(w3cSigned['proof'] as JsonObject), created: '2024-01-01T00:00:00Z' },
    };
    expect(verifyProof(created, w3cKey)).toMatchObject({ valid: false, code: 'PROOF_INVALID' });
  });

  it('creates a proof another key cannot pass for, carrying the document context', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const { proof: _proof, ...document } = w3cSigned;
    const proof = await createProof(
      document,
      {
        type: 'DataIntegrityProof',
        cryptosuite: 'ecdsa-jcs-2019',
        created: '2026-06-20T02:30:00Z',
        verificationMethod: 'urn:example:key',
        proofPurpose: 'assertionMethod',
      },
      async (data) => sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    );
    expect((proof as JsonObject)['@context']).toEqual(document['@context']);
    expect(proof.proofValue.startsWith('z')).toBe(true);
    expect(verifyProof({ ...document, proof }, publicKey)).toEqual({ valid: true });
    expect(verifyProof({ ...document, proof }, other)).toMatchObject({ valid: false, code: 'PROOF_INVALID' });
    const widened = { ...document, '@context': ['https://example.org/other'], proof };
    expect(verifyProof(widened, publicKey)).toMatchObject({ valid: false, code: 'PROOF_INVALID' });
  });

  it('reports other proofs and malformed values without throwing', () => {
    const eddsa = {
      ...w3cSigned,
      proof: { ...(w3cSigned['proof'] as JsonObject), cryptosuite: 'eddsa-jcs-2022' },
    };
    expect(verifyProof(eddsa, w3cKey)).toMatchObject({ valid: false, code: 'UNSUPPORTED_PROOF' });
    expect(verifyProof({ ...w3cSigned, proof: [] }, w3cKey)).toMatchObject({ code: 'UNSUPPORTED_PROOF' });
    const value = { ...w3cSigned, proof: { ...(w3cSigned['proof'] as JsonObject), proofValue: 'u0OI' } };
    expect(verifyProof(value, w3cKey)).toMatchObject({ valid: false, code: 'PROOF_INVALID' });
    const notJson = { ...w3cSigned, name: Number.NaN };
    expect(verifyProof(notJson, w3cKey)).toMatchObject({ valid: false, code: 'PROOF_INVALID' });
  });
});
