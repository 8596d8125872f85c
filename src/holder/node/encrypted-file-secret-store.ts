/**
 * A SecretStore in one encrypted file, for Node wallets (CLI wallets, desktop apps, tests).
 *
 * File (JSON, mode 0600, replaced atomically through a 0600 temporary file and rename):
 *
 *   { "type": "privid/secret-store", "v": 1,
 *     "kdf": { "name": "scrypt", "N": 32768, "r": 8, "p": 1, "salt": b64url(16) },
 *     "iv": b64url(12), "ciphertext": b64url(AES-256-GCM(JSON { id: b64url(secret) }) || tag) }
 *
 * key = scrypt(passphrase, salt, 32, { N, r, p }); the AES-GCM additional data is the file's
 * header (type, v, kdf) so no parameter can be swapped. A fresh IV on every write. The whole
 * map is one ciphertext: the file reveals neither the secret ids nor how many there are
 * (beyond a length). A wrong passphrase or a modified file fails authentication:
 * `HolderError` `SECRET_STORE_ERROR`.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { HolderError } from '../errors.js';
import type { SecretStore } from '../stores.js';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. Default 2^15 (32 MiB with r = 8). */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export interface EncryptedFileSecretStoreOptions {
  readonly path: string;
  readonly passphrase: string | Uint8Array;
  /** For new files; existing files keep theirs. */
  readonly scrypt?: ScryptParams;
}

export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

interface FileHeader {
  readonly type: 'privid/secret-store';
  readonly v: 1;
  readonly kdf: {
    readonly name: 'scrypt';
    readonly N: number;
    readonly r: number;
    readonly p: number;
    readonly salt: string;
  };
}

interface FileContents extends FileHeader {
  readonly iv: string;
  readonly ciphertext: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function fail(message: string, cause?: unknown): never {
  throw new HolderError('SECRET_STORE_ERROR', message, cause === undefined ? {} : { cause });
}

function scrypt(passphrase: Uint8Array, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(
      passphrase,
      salt,
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function headerAad(header: FileHeader): Buffer {
  return Buffer.from(JSON.stringify({ type: header.type, v: header.v, kdf: header.kdf }), 'utf8');
}

export class EncryptedFileSecretStore implements SecretStore {
  readonly path: string;
  readonly #passphrase: Uint8Array;
  readonly #scrypt: ScryptParams;
  #key: { salt: string; params: ScryptParams; key: Buffer } | undefined;
  /** Operations run one at a time (read-modify-write of one file). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: EncryptedFileSecretStoreOptions) {
    if (typeof options.path !== 'string' || options.path === '')
      throw new HolderError('INVALID_ARGUMENT', 'path required');
    const passphrase =
      typeof options.passphrase === 'string' ? new TextEncoder().encode(options.passphrase) : options.passphrase;
    if (!(passphrase instanceof Uint8Array) || passphrase.length === 0) {
      throw new HolderError('INVALID_ARGUMENT', 'a non-empty passphrase is required');
    }
    const params = options.scrypt ?? DEFAULT_SCRYPT;
    if (!Number.isInteger(params.N) || params.N < 2 || (params.N & (params.N - 1)) !== 0) {
      throw new HolderError('INVALID_ARGUMENT', 'scrypt N must be a power of two');
    }
    this.path = options.path;
    this.#passphrase = Uint8Array.from(passphrase);
    this.#scrypt = params;
  }

  get(id: string): Promise<Uint8Array | undefined> {
    return this.#run(async () => {
      const secret = (await this.#read()).get(id);
      return secret === undefined ? undefined : Uint8Array.from(secret);
    });
  }

  set(id: string, secret: Uint8Array): Promise<void> {
    if (!ID_PATTERN.test(id))
      return Promise.reject(new HolderError('INVALID_ARGUMENT', 'secret ids: 1..64 of A-Za-z0-9_-'));
    if (!(secret instanceof Uint8Array) || secret.length === 0 || secret.length > 1024) {
      return Promise.reject(new HolderError('INVALID_ARGUMENT', 'a secret is 1..1024 bytes'));
    }
    return this.#run(async () => {
      const secrets = await this.#read();
      secrets.set(id, Uint8Array.from(secret));
      await this.#write(secrets);
    });
  }

  delete(id: string): Promise<boolean> {
    return this.#run(async () => {
      const secrets = await this.#read();
      const existed = secrets.delete(id);
      if (existed) await this.#write(secrets);
      return existed;
    });
  }

  list(): Promise<string[]> {
    return this.#run(async () => [...(await this.#read()).keys()]);
  }

  #run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #keyFor(kdf: FileHeader['kdf']): Promise<Buffer> {
    const params = { N: kdf.N, r: kdf.r, p: kdf.p };
    const cached = this.#key;
    if (
      cached &&
      cached.salt === kdf.salt &&
      cached.params.N === kdf.N &&
      cached.params.r === kdf.r &&
      cached.params.p === kdf.p
    ) {
      return cached.key;
    }
    const key = await scrypt(this.#passphrase, Buffer.from(kdf.salt, 'base64url'), params);
    this.#key = { salt: kdf.salt, params, key };
    return key;
  }

  async #read(): Promise<Map<string, Uint8Array>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      fail(`cannot read ${this.path}: ${(error as Error).message}`, error);
    }
    let file: FileContents;
    try {
      file = JSON.parse(text) as FileContents;
    } catch (error) {
      fail(`${this.path} is not a privid secret store`, error);
    }
    const kdf = file?.kdf;
    if (
      file?.type !== 'privid/secret-store' ||
      file.v !== 1 ||
      kdf?.name !== 'scrypt' ||
      !Number.isInteger(kdf.N) ||
      !Number.isInteger(kdf.r) ||
      !Number.isInteger(kdf.p) ||
      kdf.N > 2 ** 20 ||
      kdf.r > 32 ||
      kdf.p > 16 ||
      typeof kdf.salt !== 'string' ||
      typeof file.iv !== 'string' ||
      typeof file.ciphertext !== 'string'
    ) {
      fail(`${this.path} is not a privid secret store (v1)`);
    }
    const key = await this.#keyFor(kdf);
    const sealed = Buffer.from(file.ciphertext, 'base64url');
    if (sealed.length < 16) fail(`${this.path} is truncated`);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64url'));
      decipher.setAAD(headerAad(file));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
    } catch (error) {
      fail('cannot decrypt the secret store: wrong passphrase or modified file', error);
    }
    try {
      const entries = JSON.parse(plain.toString('utf8')) as Record<string, string>;
      return new Map(
        Object.entries(entries).map(([id, value]) => [id, new Uint8Array(Buffer.from(value, 'base64url'))]),
      );
    } finally {
      plain.fill(0);
    }
  }

  async #write(secrets: Map<string, Uint8Array>): Promise<void> {
    let header: FileHeader;
    const existing = this.#key;
    if (existing) {
      header = { type: 'privid/secret-store', v: 1, kdf: { name: 'scrypt', ...existing.params, salt: existing.salt } };
    } else {
      header = {
        type: 'privid/secret-store',
        v: 1,
        kdf: { name: 'scrypt', ...this.#scrypt, salt: randomBytes(16).toString('base64url') },
      };
    }
    const key = await this.#keyFor(header.kdf);
    const iv = randomBytes(12);
    const plain = Buffer.from(
      JSON.stringify(
        Object.fromEntries([...secrets].map(([id, secret]) => [id, Buffer.from(secret).toString('base64url')])),
      ),
      'utf8',
    );
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(headerAad(header));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    plain.fill(0);
    const contents: FileContents = {
      ...header,
      iv: iv.toString('base64url'),
      ciphertext: sealed.toString('base64url'),
    };
    const temporary = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(contents), 'utf8');
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await handle.close();
    try {
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}
