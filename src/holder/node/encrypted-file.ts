/**
 * One encrypted JSON map in one file: what the Node secret and credential stores are made of.
 *
 * File (JSON, mode 0600, replaced atomically through a 0600 temporary file, fsync and rename):
 *
 *   { "type": <store type>, "v": 1,
 *     "kdf": { "name": "scrypt", "N": 131072, "r": 8, "p": 1, "salt": b64url(16) },
 *     "iv": b64url(12), "ciphertext": b64url(AES-256-GCM(JSON { id: value }) || tag) }
 *
 * key = scrypt(passphrase, salt, 32, { N, r, p }); the AES-GCM additional data is the header
 * (type, v, kdf), so no parameter can be swapped and a secret store cannot be passed off as a
 * credential store. A fresh IV on every write. The whole map is one ciphertext: the file shows
 * neither the ids nor how many entries there are (beyond a length).
 *
 * KDF: scrypt N = 2^17, r = 8, p = 1 by default (OWASP's minimum for scrypt; 128 MiB). A file
 * written with weaker parameters (privid before 0.2 used N = 2^15) is re-encrypted with the
 * configured ones and a fresh salt the first time it is opened with the right passphrase.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HolderError, type HolderErrorCode } from '../errors.js';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. Default 2^17 (128 MiB with r = 8). */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

export interface EncryptedFileOptions {
  readonly path: string;
  readonly passphrase: string | Uint8Array;
  /**
   * For new files, and the minimum for existing ones: a file written with a lower N or r is
   * re-encrypted with these on open. Default `DEFAULT_SCRYPT`.
   */
  readonly scrypt?: ScryptParams;
}

interface Kdf {
  readonly name: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
}

interface FileHeader {
  readonly type: string;
  readonly v: 1;
  readonly kdf: Kdf;
}

interface FileContents extends FileHeader {
  readonly iv: string;
  readonly ciphertext: string;
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

export function checkScryptParams(params: ScryptParams): void {
  if (!Number.isInteger(params.N) || params.N < 2 || (params.N & (params.N - 1)) !== 0) {
    throw new HolderError('INVALID_ARGUMENT', 'scrypt N must be a power of two');
  }
  if (!Number.isInteger(params.r) || params.r < 1 || !Number.isInteger(params.p) || params.p < 1) {
    throw new HolderError('INVALID_ARGUMENT', 'scrypt r and p must be positive integers');
  }
}

/** A map of JSON values kept encrypted in one file; operations run one at a time. */
export class EncryptedJsonFile {
  readonly path: string;
  readonly #type: string;
  readonly #errorCode: HolderErrorCode;
  readonly #passphrase: Uint8Array;
  readonly #scrypt: ScryptParams;
  #key: { kdf: Kdf; key: Buffer } | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: EncryptedFileOptions, type: string, errorCode: HolderErrorCode) {
    if (typeof options.path !== 'string' || options.path === '') {
      throw new HolderError('INVALID_ARGUMENT', 'path required');
    }
    const passphrase =
      typeof options.passphrase === 'string' ? new TextEncoder().encode(options.passphrase) : options.passphrase;
    if (!(passphrase instanceof Uint8Array) || passphrase.length === 0) {
      throw new HolderError('INVALID_ARGUMENT', 'a non-empty passphrase is required');
    }
    const params = options.scrypt ?? DEFAULT_SCRYPT;
    checkScryptParams(params);
    this.path = options.path;
    this.#type = type;
    this.#errorCode = errorCode;
    this.#passphrase = Uint8Array.from(passphrase);
    this.#scrypt = params;
  }

  /** Runs `operation` on the decrypted map; writes it back when `operation` says it changed it. */
  update<T>(operation: (entries: Map<string, unknown>) => { result: T; changed: boolean }): Promise<T> {
    return this.#run(async () => {
      const { entries, weak } = await this.#read();
      const { result, changed } = operation(entries);
      if (changed || weak) await this.#write(entries, weak);
      return result;
    });
  }

  #fail(message: string, cause?: unknown): never {
    throw new HolderError(this.#errorCode, message, cause === undefined ? {} : { cause });
  }

  #run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #keyFor(kdf: Kdf): Promise<Buffer> {
    const cached = this.#key;
    if (cached && JSON.stringify(cached.kdf) === JSON.stringify(kdf)) return cached.key;
    const key = await scrypt(this.#passphrase, Buffer.from(kdf.salt, 'base64url'), kdf);
    this.#key = { kdf, key };
    return key;
  }

  /** The entries, and whether the file's KDF is weaker than the configured one. */
  async #read(): Promise<{ entries: Map<string, unknown>; weak: boolean }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: new Map(), weak: false };
      this.#fail(`cannot read ${this.path}: ${(error as Error).message}`, error);
    }
    let file: FileContents;
    try {
      file = JSON.parse(text) as FileContents;
    } catch (error) {
      this.#fail(`${this.path} is not a ${this.#type} file`, error);
    }
    const kdf = file?.kdf;
    if (
      file?.type !== this.#type ||
      file.v !== 1 ||
      kdf?.name !== 'scrypt' ||
      !Number.isInteger(kdf.N) ||
      !Number.isInteger(kdf.r) ||
      !Number.isInteger(kdf.p) ||
      kdf.N < 2 ||
      kdf.N > 2 ** 20 ||
      kdf.r < 1 ||
      kdf.r > 32 ||
      kdf.p < 1 ||
      kdf.p > 16 ||
      typeof kdf.salt !== 'string' ||
      typeof file.iv !== 'string' ||
      typeof file.ciphertext !== 'string'
    ) {
      this.#fail(`${this.path} is not a ${this.#type} file (v1)`);
    }
    const header: FileHeader = {
      type: file.type,
      v: 1,
      kdf: { name: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt },
    };
    const key = await this.#keyFor(header.kdf);
    const sealed = Buffer.from(file.ciphertext, 'base64url');
    if (sealed.length < 16) this.#fail(`${this.path} is truncated`);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64url'));
      decipher.setAAD(headerAad(header));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
    } catch (error) {
      this.#fail(`cannot decrypt ${this.path}: wrong passphrase or modified file`, error);
    }
    try {
      const entries = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
      const weak = kdf.N < this.#scrypt.N || kdf.r < this.#scrypt.r;
      return { entries: new Map(Object.entries(entries)), weak };
    } finally {
      plain.fill(0);
    }
  }

  async #write(entries: Map<string, unknown>, rekey: boolean): Promise<void> {
    const kdf: Kdf =
      this.#key && !rekey
        ? this.#key.kdf
        : { name: 'scrypt', ...this.#scrypt, salt: randomBytes(16).toString('base64url') };
    const header: FileHeader = { type: this.#type, v: 1, kdf };
    const key = await this.#keyFor(kdf);
    const iv = randomBytes(12);
    const plain = Buffer.from(JSON.stringify(Object.fromEntries(entries)), 'utf8');
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
