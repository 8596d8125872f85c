/**
 * Where a wallet keeps things. Apps plug in their own implementations (Keychain/Keystore,
 * IndexedDB with WebCrypto, an encrypted file: `privid/holder/node`); the in-memory ones here
 * are the defaults and what tests use.
 *
 * - `SecretStore`: holder secrets (32-byte scalars) by id. The most sensitive thing a wallet
 *   holds: whoever has a holder secret and a copy of the credentials can present them.
 * - `CredentialStore`: accepted credentials with what proving needs (the issuer public key and
 *   secret_prover_blind). Personal data (attribute values): keep it in protected app storage.
 * - `NonceLog`: which request nonces the wallet has answered (see `Wallet.present`).
 */
import type { Credential } from '../credential/index.js';
import { HolderError } from './errors.js';

export interface SecretStore {
  get(id: string): Promise<Uint8Array | undefined>;
  set(id: string, secret: Uint8Array): Promise<void>;
  delete(id: string): Promise<boolean>;
  list(): Promise<string[]>;
}

/** Secret ids are 1..64 of A-Za-z0-9_-; secrets 1..1024 bytes. Every store checks this. */
export function checkSecretInput(id: unknown, secret: unknown): void {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
    throw new HolderError('INVALID_ARGUMENT', 'secret ids: 1..64 of A-Za-z0-9_-');
  }
  if (!(secret instanceof Uint8Array) || secret.length === 0 || secret.length > 1024) {
    throw new HolderError('INVALID_ARGUMENT', 'a secret is 1..1024 bytes');
  }
}

/** Credential ids are 1..128 of A-Za-z0-9_-. Every store checks this. */
export function checkCredentialId(id: unknown): void {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(id)) {
    throw new HolderError('INVALID_ARGUMENT', 'credential ids: 1..128 of A-Za-z0-9_-');
  }
}

/** A SecretStore in memory (lost when the process ends). Copies on the way in and out. */
export class MemorySecretStore implements SecretStore {
  readonly #secrets = new Map<string, Uint8Array>();

  async get(id: string): Promise<Uint8Array | undefined> {
    const secret = this.#secrets.get(id);
    return secret === undefined ? undefined : Uint8Array.from(secret);
  }

  async set(id: string, secret: Uint8Array): Promise<void> {
    checkSecretInput(id, secret);
    this.#secrets.set(id, Uint8Array.from(secret));
  }

  async delete(id: string): Promise<boolean> {
    const secret = this.#secrets.get(id);
    secret?.fill(0);
    return this.#secrets.delete(id);
  }

  async list(): Promise<string[]> {
    return [...this.#secrets.keys()];
  }
}

/** A credential as the wallet keeps it. JSON-serializable. */
export interface StoredCredential {
  /** Wallet-local id (random, never sent anywhere). */
  readonly id: string;
  /** The credential (Credential format; `secretId` names its holder secret). */
  readonly credential: Credential;
  /** The issuer public key of `credential.keyId`, base64url (96 bytes), verified at acceptance. */
  readonly publicKey: string;
  /** secret_prover_blind from issuance, base64url (32 bytes): every proof needs it. */
  readonly secretProverBlind: string;
  /**
   * base64url (32 bytes): the tag `finalizeCredential` gave when this wallet verified the
   * credential. Lets presenting skip re-verifying the signature; absent (older records) or not
   * matching the wallet's holder secret (a record copied from another wallet), the wallet
   * verifies it first, as before.
   */
  readonly verificationTag?: string;
  /** The issuer API base URL from the offer. */
  readonly issuerUrl?: string;
  /** Unix seconds (wallet clock). */
  readonly acceptedAt: number;
}

export interface CredentialStore {
  list(): Promise<StoredCredential[]>;
  get(id: string): Promise<StoredCredential | undefined>;
  put(record: StoredCredential): Promise<void>;
  delete(id: string): Promise<boolean>;
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A CredentialStore in memory, in insertion order. Copies on the way in and out. */
export class MemoryCredentialStore implements CredentialStore {
  readonly #records = new Map<string, StoredCredential>();

  constructor(records: readonly StoredCredential[] = []) {
    for (const record of records) this.#records.set(record.id, copy(record));
  }

  async list(): Promise<StoredCredential[]> {
    return [...this.#records.values()].map(copy);
  }

  async get(id: string): Promise<StoredCredential | undefined> {
    const record = this.#records.get(id);
    return record === undefined ? undefined : copy(record);
  }

  async put(record: StoredCredential): Promise<void> {
    checkCredentialId(record?.id);
    this.#records.set(record.id, copy(record));
  }

  async delete(id: string): Promise<boolean> {
    return this.#records.delete(id);
  }
}

/** First time (ms) the wallet answered a nonce, by key `verifierId + " " + nonce`. */
export interface NonceLog {
  firstSeen(key: string): Promise<number | undefined>;
  record(key: string, at: number): Promise<void>;
}

/** A NonceLog in memory, keeping the most recent `limit` nonces. */
export class MemoryNonceLog implements NonceLog {
  readonly #seen = new Map<string, number>();
  readonly #limit: number;

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  async firstSeen(key: string): Promise<number | undefined> {
    return this.#seen.get(key);
  }

  async record(key: string, at: number): Promise<void> {
    if (this.#seen.has(key)) return;
    this.#seen.set(key, at);
    while (this.#seen.size > this.#limit) this.#seen.delete(this.#seen.keys().next().value!);
  }
}
