/**
 * The reference wallet's stores in IndexedDB: the holder secret sealed with AES-GCM under a
 * non-extractable WebCrypto key (kept in the same database: a script can use the key but never read
 * it out, so a copied database without the browser's key store is useless), and the credentials.
 * The holder SDK's own IndexedDB store (privid/holder) can replace these; they implement the same
 * SecretStore and CredentialStore contracts.
 */
import type { CredentialStore, SecretStore, StoredCredential } from '../../holder/index.js';

const DB_NAME = 'privid-wallet';
const VERSION = 1;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let opened: Promise<IDBDatabase> | undefined;
function db(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('keys');
      req.result.createObjectStore('secrets');
      req.result.createObjectStore('credentials', { keyPath: 'id' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return opened;
}

async function store(name: string, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await db()).transaction(name, mode).objectStore(name);
}

/** The wrapping key: created once, non-extractable. */
async function wrappingKey(): Promise<CryptoKey> {
  const existing = (await request((await store('keys', 'readonly')).get('wrap'))) as CryptoKey | undefined;
  if (existing) return existing;
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  await request((await store('keys', 'readwrite')).put(key, 'wrap'));
  return key;
}

interface Sealed {
  iv: Uint8Array;
  data: ArrayBuffer;
}

export class IndexedDbSecretStore implements SecretStore {
  async get(id: string): Promise<Uint8Array | undefined> {
    const sealed = (await request((await store('secrets', 'readonly')).get(id))) as Sealed | undefined;
    if (!sealed) return undefined;
    const iv = new Uint8Array(sealed.iv);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, await wrappingKey(), sealed.data);
    return new Uint8Array(plain);
  }
  async set(id: string, secret: Uint8Array): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await wrappingKey(), new Uint8Array(secret));
    await request((await store('secrets', 'readwrite')).put({ iv, data } satisfies Sealed, id));
  }
  async delete(id: string): Promise<boolean> {
    const had = (await this.get(id)) !== undefined;
    await request((await store('secrets', 'readwrite')).delete(id));
    return had;
  }
  async list(): Promise<string[]> {
    return ((await request((await store('secrets', 'readonly')).getAllKeys())) as IDBValidKey[]).map(String);
  }
}

export class IndexedDbCredentialStore implements CredentialStore {
  async list(): Promise<StoredCredential[]> {
    return (await request((await store('credentials', 'readonly')).getAll())) as StoredCredential[];
  }
  async get(id: string): Promise<StoredCredential | undefined> {
    return (await request((await store('credentials', 'readonly')).get(id))) as StoredCredential | undefined;
  }
  async put(record: StoredCredential): Promise<void> {
    await request((await store('credentials', 'readwrite')).put(record));
  }
  async delete(id: string): Promise<boolean> {
    const had = (await this.get(id)) !== undefined;
    await request((await store('credentials', 'readwrite')).delete(id));
    return had;
  }
}
