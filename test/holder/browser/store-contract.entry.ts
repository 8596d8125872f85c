// Runs in headless Chromium (test/holder/indexeddb-store.test.ts): the shared store contract
// against the IndexedDB stores, and what a browser adds: the wrapping key is a non-extractable
// CryptoKey, records hold no plaintext, and a modified record fails to decrypt.
import { openIndexedDbStores } from '../../../src/holder/indexeddb/index.js';
import { HolderError } from '../../../src/holder/index.js';
import { credentialStoreContract, sampleRecord, secretStoreContract } from '../store-contract.js';

function raw<T>(
  name: string,
  store: string,
  run: (objects: IDBObjectStore) => IDBRequest<T>,
  mode: IDBTransactionMode = 'readonly',
): Promise<T> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = run(db.transaction(store, mode).objectStore(store));
      request.onsuccess = () => {
        resolve(request.result);
        db.close();
      };
      request.onerror = () => reject(request.error);
    };
  });
}

async function runStoreContract(): Promise<Record<string, unknown>> {
  const secrets = await secretStoreContract({
    open: async () => (await openIndexedDbStores({ name: 'contract-secrets' })).secrets,
    persistent: true,
  });
  const credentials = await credentialStoreContract({
    open: async () => (await openIndexedDbStores({ name: 'contract-credentials' })).credentials,
    persistent: true,
  });

  const stores = await openIndexedDbStores({ name: 'inspect' });
  const secret = crypto.getRandomValues(new Uint8Array(32));
  await stores.secrets.set('holder-secret-1', secret);
  await stores.credentials.put(sampleRecord('cred-1'));
  const key = (await raw('inspect', 'keys', (o) => o.get('wrapping-key'))) as CryptoKey;
  let exportRefused = false;
  try {
    await crypto.subtle.exportKey('raw', key);
  } catch {
    exportRefused = true;
  }
  const record = (await raw('inspect', 'secrets', (o) => o.get('holder-secret-1'))) as {
    iv: Uint8Array;
    data: ArrayBuffer;
  };
  const stored = new Uint8Array(record.data);
  const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  const plaintextVisible = hex(stored).includes(hex(secret.subarray(0, 8)));
  const credentialRecord = (await raw('inspect', 'credentials', (o) => o.get('cred-1'))) as { data: ArrayBuffer };
  const credentialText = new TextDecoder('latin1').decode(new Uint8Array(credentialRecord.data));

  // Tamper: flip one ciphertext bit, and move a record to another id.
  stored[0]! ^= 1;
  await raw('inspect', 'secrets', (o) => o.put({ iv: record.iv, data: stored.buffer }, 'holder-secret-1'), 'readwrite');
  let tampered = 'none';
  try {
    await stores.secrets.get('holder-secret-1');
  } catch (error) {
    tampered = error instanceof HolderError ? error.code : String(error);
  }
  const moved = (await raw('inspect', 'credentials', (o) => o.get('cred-1'))) as object;
  await raw('inspect', 'credentials', (o) => o.put(moved, 'cred-2'), 'readwrite');
  let movedResult = 'none';
  try {
    await stores.credentials.get('cred-2');
  } catch (error) {
    movedResult = error instanceof HolderError ? error.code : String(error);
  }
  stores.close();
  return {
    secrets,
    credentials,
    key: { type: key.type, extractable: key.extractable, algorithm: key.algorithm.name, exportRefused },
    plaintextVisible,
    credentialPlaintextVisible: credentialText.includes('negative') || credentialText.includes('cred-1'),
    tampered,
    movedResult,
  };
}

Object.assign(globalThis, { runStoreContract, ready: true });
