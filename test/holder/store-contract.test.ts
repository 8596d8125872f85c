// Every Node-side store passes the shared store contract (test/holder/store-contract.ts); the
// IndexedDB stores pass the same one in headless Chromium (indexeddb-store.test.ts). Plus what is
// particular to the encrypted files: what the file shows, wrong passphrases, and the KDF
// migration of files written with the old scrypt parameters.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HolderError, MemoryCredentialStore, MemorySecretStore } from '../../src/holder/index.js';
import { DEFAULT_SCRYPT, EncryptedFileCredentialStore, EncryptedFileSecretStore } from '../../src/holder/node/index.js';
import { credentialStoreContract, sampleRecord, secretStoreContract } from './store-contract.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const dirs: string[] = [];

async function tempPath(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'privid-stores-'));
  dirs.push(dir);
  return join(dir, name);
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HolderError) return error.code;
    throw error;
  }
  return 'none';
}

describe('the store contract', () => {
  it('MemorySecretStore', async () => {
    const store = new MemorySecretStore();
    expect(await secretStoreContract({ open: async () => store, persistent: false })).toContain('delete');
  });

  it('MemoryCredentialStore', async () => {
    const store = new MemoryCredentialStore();
    expect(await credentialStoreContract({ open: async () => store, persistent: false })).toContain('delete');
  });

  it('EncryptedFileSecretStore (persistent)', async () => {
    const path = await tempPath('secrets.json');
    const open = async () => new EncryptedFileSecretStore({ path, passphrase: 'pass', scrypt: FAST });
    expect(await secretStoreContract({ open, persistent: true })).toContain('persistent');
  });

  it('EncryptedFileCredentialStore (persistent)', async () => {
    const path = await tempPath('credentials.json');
    const open = async () => new EncryptedFileCredentialStore({ path, passphrase: 'pass', scrypt: FAST });
    expect(await credentialStoreContract({ open, persistent: true })).toContain('persistent');
  });

  it('the contract can fail: a store that forgets on reopen is caught', async () => {
    await expect(secretStoreContract({ open: async () => new MemorySecretStore(), persistent: true })).rejects.toThrow(
      /survive reopening/,
    );
  });
});

describe('EncryptedFileCredentialStore', () => {
  it('shows no attribute value, id or key material; wrong passphrase or a swapped file type fail', async () => {
    const path = await tempPath('credentials.json');
    const record = sampleRecord('cred-visible-id');
    await new EncryptedFileCredentialStore({ path, passphrase: 'right', scrypt: FAST }).put(record);
    const text = await readFile(path, 'utf8');
    for (const needle of ['cred-visible-id', record.publicKey, record.secretProverBlind, 'negative', 'lab.example']) {
      expect(text).not.toContain(needle);
    }
    expect(JSON.parse(text)).toMatchObject({ type: 'privid/credential-store', v: 1 });
    expect(await errorCode(new EncryptedFileCredentialStore({ path, passphrase: 'wrong' }).list())).toBe(
      'CREDENTIAL_STORE_ERROR',
    );
    // A credential file is not a secret file, and the other way round (the type is authenticated too).
    expect(await errorCode(new EncryptedFileSecretStore({ path, passphrase: 'right' }).list())).toBe(
      'SECRET_STORE_ERROR',
    );
  });
});

describe('scrypt parameters', () => {
  it('default to OWASP guidance: N = 2^17, r = 8, p = 1', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const path = await tempPath('secrets.json');
    await new EncryptedFileSecretStore({ path, passphrase: 'pass' }).set('holder-secret-1', new Uint8Array(32).fill(7));
    expect(JSON.parse(await readFile(path, 'utf8')).kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
  });

  it('a file written with the old parameters (N = 2^15) is re-encrypted with the new ones on open, keeping its contents', async () => {
    for (const [Store, name] of [
      [EncryptedFileSecretStore, 'secrets.json'],
      [EncryptedFileCredentialStore, 'credentials.json'],
    ] as const) {
      const path = await tempPath(name);
      const old = { N: 2 ** 15, r: 8, p: 1 };
      if (Store === EncryptedFileSecretStore) {
        await new EncryptedFileSecretStore({ path, passphrase: 'pass', scrypt: old }).set(
          'holder-secret-1',
          new Uint8Array(32).fill(9),
        );
      } else {
        await new EncryptedFileCredentialStore({ path, passphrase: 'pass', scrypt: old }).put(sampleRecord('cred-1'));
      }
      const before = JSON.parse(await readFile(path, 'utf8'));
      expect(before.kdf.N).toBe(2 ** 15);

      // A wrong passphrase migrates nothing.
      expect(await errorCode(new Store({ path, passphrase: 'wrong' }).list())).not.toBe('none');
      expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(before);

      // Opening with the right passphrase and the default parameters upgrades the file.
      const listed = await new Store({ path, passphrase: 'pass' }).list();
      const after = JSON.parse(await readFile(path, 'utf8'));
      expect(after.kdf).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
      expect(after.kdf.salt).not.toBe(before.kdf.salt);
      expect(await new Store({ path, passphrase: 'pass', scrypt: FAST }).list()).toEqual(listed);
      // Never downgraded: a store configured weaker keeps the stronger file as it is.
      expect(JSON.parse(await readFile(path, 'utf8')).kdf.N).toBe(2 ** 17);
    }
  });
});
