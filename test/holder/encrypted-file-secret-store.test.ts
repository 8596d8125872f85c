// The Node-only encrypted-file SecretStore: scrypt + AES-256-GCM, mode 0600, real files.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HolderError, Wallet } from '../../src/holder/index.js';
import { EncryptedFileSecretStore } from '../../src/holder/node/index.js';
import { TestIssuer, TODAY, sharesWindow, typicalClause, makeRequest } from './support.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const dirs: string[] = [];

async function tempPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'privid-secrets-'));
  dirs.push(dir);
  return join(dir, 'secrets.json');
}

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function storeError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HolderError) return error.code;
    throw error;
  }
  return 'none';
}

describe('EncryptedFileSecretStore', () => {
  it('round-trips secrets across instances, in a 0600 file that shows neither secrets nor ids', async () => {
    const path = await tempPath();
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const store = new EncryptedFileSecretStore({ path, passphrase: 'correct horse', scrypt: FAST });
    expect(await store.get('holder-secret-1')).toBeUndefined();
    await store.set('holder-secret-1', secret);
    await store.set('other-secret', new Uint8Array([1, 2, 3]));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('holder-secret-1');
    expect(sharesWindow(await readFile(path), secret, 8)).toBe(false);
    expect(JSON.parse(text)).toMatchObject({ type: 'privid/secret-store', v: 1, kdf: { name: 'scrypt', N: 1024 } });

    const reopened = new EncryptedFileSecretStore({ path, passphrase: 'correct horse' });
    expect(await reopened.get('holder-secret-1')).toEqual(secret);
    expect((await reopened.list()).sort()).toEqual(['holder-secret-1', 'other-secret']);
    expect(await reopened.delete('other-secret')).toBe(true);
    expect(await reopened.delete('other-secret')).toBe(false);
    expect(await new EncryptedFileSecretStore({ path, passphrase: 'correct horse' }).list()).toEqual([
      'holder-secret-1',
    ]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('a wrong passphrase or a modified file: SECRET_STORE_ERROR', async () => {
    const path = await tempPath();
    await new EncryptedFileSecretStore({ path, passphrase: 'right', scrypt: FAST }).set(
      's1',
      new Uint8Array(32).fill(7),
    );
    expect(await storeError(new EncryptedFileSecretStore({ path, passphrase: 'wrong' }).get('s1'))).toBe(
      'SECRET_STORE_ERROR',
    );
    const file = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown> & { kdf: Record<string, unknown> };
    // Weaker KDF parameters swapped in: the header is authenticated.
    await writeFile(path, JSON.stringify({ ...file, kdf: { ...file.kdf, N: 512 } }));
    expect(await storeError(new EncryptedFileSecretStore({ path, passphrase: 'right' }).get('s1'))).toBe(
      'SECRET_STORE_ERROR',
    );
    const sealed = Buffer.from(file.ciphertext as string, 'base64url');
    sealed[0]! ^= 1;
    await writeFile(path, JSON.stringify({ ...file, ciphertext: sealed.toString('base64url') }));
    expect(await storeError(new EncryptedFileSecretStore({ path, passphrase: 'right' }).get('s1'))).toBe(
      'SECRET_STORE_ERROR',
    );
    await writeFile(path, 'not json');
    expect(await storeError(new EncryptedFileSecretStore({ path, passphrase: 'right' }).list())).toBe(
      'SECRET_STORE_ERROR',
    );
  });

  it("keeps a wallet's holder secret across restarts: the credential still presents", async () => {
    const path = await tempPath();
    const issuer = new TestIssuer();
    const first = new Wallet({
      transport: issuer,
      secrets: new EncryptedFileSecretStore({ path, passphrase: 'pin 1234', scrypt: FAST }),
    });
    const stored = await first.acceptOffer(issuer.offer('privid:age-band@1'));
    const { MemoryCredentialStore } = await import('../../src/holder/index.js');
    const restarted = new Wallet({
      transport: issuer,
      secrets: new EncryptedFileSecretStore({ path, passphrase: 'pin 1234' }),
      credentials: new MemoryCredentialStore([stored]),
    });
    const presentation = await restarted.present(makeRequest([typicalClause('privid:age-band@1', [issuer])]), {
      today: TODAY,
    });
    expect(presentation.items).toHaveLength(1);
    // With the wrong passphrase the wallet cannot reach its secret.
    const locked = new Wallet({
      transport: issuer,
      secrets: new EncryptedFileSecretStore({ path, passphrase: 'pin 0000' }),
      credentials: new MemoryCredentialStore([stored]),
    });
    const code = await storeError(
      locked.present(makeRequest([typicalClause('privid:age-band@1', [issuer])]), { today: TODAY }),
    );
    expect(code).toBe('SECRET_STORE_ERROR');
  });
});
