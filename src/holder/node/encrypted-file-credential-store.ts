/**
 * A CredentialStore in one encrypted file, for Node wallets. Credentials hold personal data
 * (attribute values) and what proving needs (secret_prover_blind), so they are encrypted like
 * the secrets: encrypted-file.ts, type "privid/credential-store". Use a separate file (and
 * ideally passphrase) from the secret store. Wrong passphrase or modified file:
 * `HolderError` `CREDENTIAL_STORE_ERROR`.
 */
import { HolderError } from '../errors.js';
import type { CredentialStore, StoredCredential } from '../stores.js';
import { EncryptedJsonFile, type EncryptedFileOptions } from './encrypted-file.js';

export type EncryptedFileCredentialStoreOptions = EncryptedFileOptions;

const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class EncryptedFileCredentialStore implements CredentialStore {
  readonly #file: EncryptedJsonFile;

  constructor(options: EncryptedFileCredentialStoreOptions) {
    this.#file = new EncryptedJsonFile(options, 'privid/credential-store', 'CREDENTIAL_STORE_ERROR');
  }

  get path(): string {
    return this.#file.path;
  }

  list(): Promise<StoredCredential[]> {
    return this.#file.update((entries) => ({
      result: [...entries.values()].map(copy) as StoredCredential[],
      changed: false,
    }));
  }

  get(id: string): Promise<StoredCredential | undefined> {
    return this.#file.update((entries) => {
      const record = entries.get(id);
      return { result: record === undefined ? undefined : (copy(record) as StoredCredential), changed: false };
    });
  }

  put(record: StoredCredential): Promise<void> {
    if (typeof record?.id !== 'string' || !ID_PATTERN.test(record.id)) {
      return Promise.reject(new HolderError('INVALID_ARGUMENT', 'credential ids: 1..128 of A-Za-z0-9_-'));
    }
    const stored = copy(record);
    return this.#file.update((entries) => {
      entries.set(record.id, stored);
      return { result: undefined, changed: true };
    });
  }

  delete(id: string): Promise<boolean> {
    return this.#file.update((entries) => {
      const existed = entries.delete(id);
      return { result: existed, changed: existed };
    });
  }
}
