/**
 * A SecretStore in one encrypted file, for Node wallets (CLI wallets, desktop apps, tests).
 * The file format, KDF and migration of older files: encrypted-file.ts (type
 * "privid/secret-store"; values are the secrets, base64url). A wrong passphrase or a modified
 * file: `HolderError` `SECRET_STORE_ERROR`.
 */
import { HolderError } from '../errors.js';
import type { SecretStore } from '../stores.js';
import { EncryptedJsonFile, type EncryptedFileOptions } from './encrypted-file.js';

export { DEFAULT_SCRYPT, type ScryptParams } from './encrypted-file.js';
export type EncryptedFileSecretStoreOptions = EncryptedFileOptions;

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class EncryptedFileSecretStore implements SecretStore {
  readonly #file: EncryptedJsonFile;

  constructor(options: EncryptedFileSecretStoreOptions) {
    this.#file = new EncryptedJsonFile(options, 'privid/secret-store', 'SECRET_STORE_ERROR');
  }

  get path(): string {
    return this.#file.path;
  }

  get(id: string): Promise<Uint8Array | undefined> {
    return this.#file.update((entries) => {
      const value = entries.get(id);
      return {
        result: typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64url')) : undefined,
        changed: false,
      };
    });
  }

  set(id: string, secret: Uint8Array): Promise<void> {
    if (!ID_PATTERN.test(id)) {
      return Promise.reject(new HolderError('INVALID_ARGUMENT', 'secret ids: 1..64 of A-Za-z0-9_-'));
    }
    if (!(secret instanceof Uint8Array) || secret.length === 0 || secret.length > 1024) {
      return Promise.reject(new HolderError('INVALID_ARGUMENT', 'a secret is 1..1024 bytes'));
    }
    const encoded = Buffer.from(secret).toString('base64url');
    return this.#file.update((entries) => {
      entries.set(id, encoded);
      return { result: undefined, changed: true };
    });
  }

  delete(id: string): Promise<boolean> {
    return this.#file.update((entries) => {
      const existed = entries.delete(id);
      return { result: existed, changed: existed };
    });
  }

  list(): Promise<string[]> {
    return this.#file.update((entries) => ({ result: [...entries.keys()], changed: false }));
  }
}
