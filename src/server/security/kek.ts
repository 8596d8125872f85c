/**
 * Encryption at rest of issuer secret keys: AES-256-GCM under a key-encryption key (KEK).
 *
 * The KEK comes from PRIVID_KEK (production: from a secret store) or, on a fresh machine,
 * from a key file created with mode 0600 — with a warning, because a KEK beside the database
 * it protects only guards against leaked backups of the database alone.
 * The key id is bound as additional authenticated data so a ciphertext cannot be moved to
 * another key record.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Kek {
  /** A short fingerprint of the KEK (not secret), stored with each ciphertext to detect a wrong KEK. */
  readonly id: string;
  encrypt(plaintext: Uint8Array, aad: string): { ciphertext: Uint8Array; nonce: Uint8Array };
  decrypt(ciphertext: Uint8Array, nonce: Uint8Array, aad: string): Uint8Array;
  /** A 32-byte key for another purpose, derived with HKDF-SHA-256 (`info` names the purpose). */
  deriveKey(info: string): Uint8Array;
}

export class KekError extends Error {
  override readonly name = 'KekError';
}

export function kekFromBytes(key: Uint8Array): Kek {
  if (key.length !== 32) throw new KekError('the KEK must be exactly 32 bytes');
  const secret = Buffer.from(key);
  const id = createHash('sha256').update('privid-kek-id').update(secret).digest('hex').slice(0, 16);
  return {
    id,
    encrypt(plaintext, aad) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, nonce);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return { ciphertext: new Uint8Array(body), nonce: new Uint8Array(nonce) };
    },
    decrypt(ciphertext, nonce, aad) {
      if (ciphertext.length < 16) throw new KekError('ciphertext too short');
      const decipher = createDecipheriv('aes-256-gcm', secret, Buffer.from(nonce));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(ciphertext.subarray(ciphertext.length - 16)));
      try {
        return new Uint8Array(
          Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]),
        );
      } catch {
        throw new KekError('decryption failed: wrong KEK or tampered ciphertext');
      }
    },
    deriveKey(info) {
      return new Uint8Array(hkdfSync('sha256', secret, 'privid', info, 32));
    },
  };
}

/**
 * Loads the KEK from the base64 setting, or from (creating if absent) the key file.
 * `warn` is told when a key file is created, so the operator moves it to a secret store.
 */
export function loadKek(options: { kek: string | undefined; kekFile: string; warn: (message: string) => void }): Kek {
  if (options.kek) {
    const bytes = Buffer.from(options.kek, 'base64');
    if (bytes.length !== 32) throw new KekError('PRIVID_KEK must be base64 of exactly 32 bytes');
    return kekFromBytes(bytes);
  }
  if (!existsSync(options.kekFile)) {
    mkdirSync(dirname(options.kekFile), { recursive: true });
    writeFileSync(options.kekFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(options.kekFile, 0o600);
    options.warn(
      `created a new key-encryption key at ${options.kekFile} (mode 0600). ` +
        'Move it to a secret store and pass it as PRIVID_KEK; losing it makes the issuer keys unusable.',
    );
  }
  const bytes = Buffer.from(readFileSync(options.kekFile, 'utf8').trim(), 'base64');
  if (bytes.length !== 32) throw new KekError(`${options.kekFile} does not hold base64 of 32 bytes`);
  return kekFromBytes(bytes);
}
