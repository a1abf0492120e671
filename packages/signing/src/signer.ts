import { createPrivateKey, sign as signBytes, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitPemChain } from './certificates';
import { SigningError } from './errors';

/** ES256: ECDSA P-256 over SHA-256 of the data; the signature is IEEE P1363 r||s (64 bytes), base64url. */
export interface SignatureValue {
  algorithm: 'ES256';
  signature: string;
}

/**
 * The remote-signing boundary: whatever holds a signer's private key. The platform never needs
 * the key itself, only these two operations, so the key can stay in the signer's custody.
 *
 * `LocalKeystoreSigner` (below) is the first implementation, for development and tests. In
 * production a licensed Vietnamese CA's remote signing service plugs in here as another class, e.g.
 * a Cloud Signature Consortium API v2 client where `keyRef` is the CSC `credentialID`:
 * - `certificateChain(keyRef)`: `credentials/info` with `certificates: "chain"`, each base64 DER
 *   certificate wrapped as PEM, leaf first;
 * - `sign(keyRef, data)`: SHA-256 of `data`, `credentials/authorize` (the signer approves on their
 *   own device: OTP or app, which yields the SAD), then `signatures/signHash` with that hash,
 *   `hashAlgorithmOID` 2.16.840.1.101.3.4.2.1 and `signAlgo` 1.2.840.10045.4.3.2 (ecdsa-with-SHA256);
 *   the DER ECDSA signature it returns is converted to r||s and base64url-encoded.
 * Nothing else changes: `signSnapshot` and `verifySignedSnapshot` only see this interface.
 */
export interface Signer {
  /** The signer's certificate chain, leaf first (PEM). */
  certificateChain(keyRef: string): Promise<string[]>;
  /** Signs these bytes with the key `keyRef` names; the private key stays with the implementation. */
  sign(keyRef: string, data: Uint8Array): Promise<SignatureValue>;
}

/** Names a key file can have: no path separators, no leading dot. */
const KEY_REF = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

/**
 * A signer over a directory of PEM files (the keystore), as `createSchoolPki` writes it:
 * `<keyRef>.key.pem` (PKCS#8, mode 0600) and `<keyRef>.chain.pem` (leaf, then its CA). A key ref is
 * known only when both files are there; anything else is refused with `CERTIFICATE_MISSING`.
 */
export class LocalKeystoreSigner implements Signer {
  constructor(private readonly directory: string) {}

  async certificateChain(keyRef: string): Promise<string[]> {
    const chain = splitPemChain(await this.read(keyRef, 'chain'));
    if (chain.length === 0) {
      throw new SigningError(
        'CERTIFICATE_INVALID',
        `Tệp chứng thư của khóa "${keyRef}" không chứa chứng thư nào.`,
        {
          keyRef,
        },
      );
    }
    return chain;
  }

  async sign(keyRef: string, data: Uint8Array): Promise<SignatureValue> {
    const key = this.privateKey(keyRef, await this.read(keyRef, 'key'));
    const signature = signBytes('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    return { algorithm: 'ES256', signature: signature.toString('base64url') };
  }

  private async read(keyRef: string, part: 'key' | 'chain'): Promise<string> {
    if (typeof keyRef !== 'string' || !KEY_REF.test(keyRef)) throw unknownKey(keyRef);
    const files = {
      key: join(this.directory, `${keyRef}.key.pem`),
      chain: join(this.directory, `${keyRef}.chain.pem`),
    };
    try {
      // Both must exist: a key without its certificate (the CA's own key, say) signs nothing here.
      const [key, chain] = await Promise.all([readFile(files.key, 'utf8'), readFile(files.chain, 'utf8')]);
      return part === 'key' ? key : chain;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw unknownKey(keyRef);
      throw cause;
    }
  }

  private privateKey(keyRef: string, pem: string): KeyObject {
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch (cause) {
      throw new SigningError(
        'CERTIFICATE_INVALID',
        `Khóa bí mật "${keyRef}" không đọc được.`,
        { keyRef },
        cause,
      );
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new SigningError('CERTIFICATE_INVALID', `Khóa "${keyRef}" không phải khóa ECDSA P-256.`, {
        keyRef,
      });
    }
    return key;
  }
}

function unknownKey(keyRef: unknown): SigningError {
  return new SigningError(
    'CERTIFICATE_MISSING',
    `Không có khóa ký "${String(keyRef)}" trong kho khóa: chưa cấp chứng thư số cho người ký này.`,
    { keyRef: String(keyRef) },
  );
}
