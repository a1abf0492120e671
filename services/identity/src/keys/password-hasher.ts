import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id at the OWASP Password Storage Cheat Sheet's first recommended setting:
 * 19 MiB of memory, 2 iterations, 1 degree of parallelism.
 */
const OWASP_ARGON2ID = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export const argon2idHasher: PasswordHasher = {
  hash: (password) => hash(password.normalize('NFC'), OWASP_ARGON2ID),
  verify: async (stored, password) => {
    try {
      return await verify(stored, password.normalize('NFC'));
    } catch {
      return false;
    }
  },
};
