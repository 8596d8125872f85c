// The SecretStore and CredentialStore contracts (docs/holder-sdk.md#stores), as checks every
// store must pass: the in-memory stores and the encrypted-file stores under vitest, the
// IndexedDB stores in headless Chromium (test/holder/indexeddb-store.test.ts bundles this file
// for the browser). Framework-free on purpose: a failed check throws an Error naming it.
import type { CredentialStore, SecretStore, StoredCredential } from '../../src/holder/index.js';
import { credential } from '../credential/fixtures.js';

export interface StoreFactory<S> {
  /** A store over the same backing storage every call (a fresh instance, like an app restart). */
  open(): Promise<S>;
  /** Whether contents survive a new `open()`; false for in-memory stores. */
  readonly persistent: boolean;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`store contract: ${what}`);
}

/** Canonical JSON (sorted keys), for deep equality. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(object[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array) =>
  a instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);

async function rejects(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return false;
  } catch {
    return true;
  }
}

/** Runs every SecretStore check; returns their names. */
export async function secretStoreContract(factory: StoreFactory<SecretStore>): Promise<string[]> {
  const passed: string[] = [];
  const store = await factory.open();
  check((await store.list()).length === 0, 'a new store lists nothing');
  check((await store.get('holder-secret-1')) === undefined, 'get of an unknown id is undefined');
  check((await store.delete('holder-secret-1')) === false, 'delete of an unknown id is false');
  passed.push('empty');

  const secret = crypto.getRandomValues(new Uint8Array(32));
  const input = Uint8Array.from(secret);
  await store.set('holder-secret-1', input);
  input.fill(0);
  const out = await store.get('holder-secret-1');
  check(sameBytes(out, secret), 'get returns the bytes set, unaffected by later changes to the input');
  out!.fill(0);
  check(sameBytes(await store.get('holder-secret-1'), secret), 'changing a returned secret does not change the store');
  passed.push('set/get copies');

  const other = crypto.getRandomValues(new Uint8Array(48));
  await store.set('other_secret-2', other);
  check(
    canonical((await store.list()).sort()) === canonical(['holder-secret-1', 'other_secret-2']),
    'list gives every id',
  );
  const replaced = crypto.getRandomValues(new Uint8Array(32));
  await store.set('other_secret-2', replaced);
  check(sameBytes(await store.get('other_secret-2'), replaced), 'set replaces the secret of an existing id');
  check((await store.list()).length === 2, 'replacing adds no id');
  passed.push('list/replace');

  check(await rejects(store.set('bad id!', secret)), 'an id outside [A-Za-z0-9_-]{1,64} is refused');
  check(await rejects(store.set('empty', new Uint8Array(0))), 'an empty secret is refused');
  passed.push('input checks');

  if (factory.persistent) {
    const reopened = await factory.open();
    check(sameBytes(await reopened.get('holder-secret-1'), secret), 'secrets survive reopening');
    check((await reopened.list()).length === 2, 'ids survive reopening');
    passed.push('persistent');
  }

  check((await store.delete('other_secret-2')) === true, 'delete of a stored id is true');
  check((await store.get('other_secret-2')) === undefined, 'a deleted secret is gone');
  check((await store.delete('other_secret-2')) === false, 'a second delete is false');
  check(canonical(await store.list()) === canonical(['holder-secret-1']), 'delete removes exactly one id');
  if (factory.persistent) {
    check((await (await factory.open()).get('other_secret-2')) === undefined, 'a delete survives reopening');
  }
  passed.push('delete');
  return passed;
}

/** A realistic record (what Wallet.acceptOffer stores). */
export function sampleRecord(id: string, acceptedAt = 1_749_902_400): StoredCredential {
  const b64 = (n: number) =>
    btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(n))))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  return {
    id,
    credential: JSON.parse(JSON.stringify(credential)) as StoredCredential['credential'],
    publicKey: b64(96),
    secretProverBlind: b64(32),
    issuerUrl: 'https://lab.example',
    acceptedAt,
  };
}

/** Runs every CredentialStore check; returns their names. */
export async function credentialStoreContract(factory: StoreFactory<CredentialStore>): Promise<string[]> {
  const passed: string[] = [];
  const store = await factory.open();
  check((await store.list()).length === 0, 'a new store lists nothing');
  check((await store.get('cred-1')) === undefined, 'get of an unknown id is undefined');
  check((await store.delete('cred-1')) === false, 'delete of an unknown id is false');
  passed.push('empty');

  const first = sampleRecord('cred-1');
  const expected = canonical(first);
  const input = JSON.parse(JSON.stringify(first)) as StoredCredential;
  await store.put(input);
  (input.credential.attributes as Record<string, unknown>).testResult = 'changed-after-put';
  const out = await store.get('cred-1');
  check(canonical(out) === expected, 'get returns the record put, unaffected by later changes to the input');
  (out!.credential.attributes as Record<string, unknown>).testResult = 'changed-after-get';
  check(canonical(await store.get('cred-1')) === expected, 'changing a returned record does not change the store');
  passed.push('put/get copies');

  const second = sampleRecord('cred_2-b', 1_749_902_500);
  await store.put(second);
  const listed = (await store.list()).sort((a, b) => (a.id < b.id ? -1 : 1));
  check(canonical(listed) === canonical([first, second]), 'list gives every record, whole');
  const updated = { ...second, acceptedAt: 1_749_999_999 };
  await store.put(updated);
  check(canonical(await store.get('cred_2-b')) === canonical(updated), 'put replaces the record of an existing id');
  check((await store.list()).length === 2, 'replacing adds no record');
  passed.push('list/replace');

  if (factory.persistent) {
    const reopened = await factory.open();
    check(canonical(await reopened.get('cred-1')) === expected, 'records survive reopening');
    check((await reopened.list()).length === 2, 'the list survives reopening');
    passed.push('persistent');
  }

  check((await store.delete('cred-1')) === true, 'delete of a stored id is true');
  check((await store.get('cred-1')) === undefined, 'a deleted record is gone');
  check((await store.delete('cred-1')) === false, 'a second delete is false');
  check((await store.list()).map((r) => r.id).join() === 'cred_2-b', 'delete removes exactly one record');
  if (factory.persistent) {
    check((await (await factory.open()).get('cred-1')) === undefined, 'a delete survives reopening');
  }
  passed.push('delete');
  return passed;
}
