// The IndexedDB stores (privid/holder/indexeddb) pass the shared store contract in real headless
// Chromium, with a non-extractable wrapping key and no plaintext in IndexedDB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_AVAILABLE, BROWSER_REQUIRED, CHROMIUM, openBundledPage, type BrowserPage } from './browser-harness.js';

const run = BROWSER_AVAILABLE || BROWSER_REQUIRED;

describe.skipIf(!run)(`IndexedDB stores in headless Chromium (${CHROMIUM})`, () => {
  let browser: BrowserPage;

  beforeAll(async () => {
    browser = await openBundledPage('test/holder/browser/store-contract.entry.ts');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('pass the store contract, keep the key non-extractable and nothing in plaintext, and detect tampering', async () => {
    const result = await browser.page.evaluate(() =>
      (globalThis as unknown as { runStoreContract(): Promise<unknown> }).runStoreContract(),
    );
    expect(result).toEqual({
      secrets: ['empty', 'set/get copies', 'list/replace', 'input checks', 'persistent', 'delete'],
      credentials: ['empty', 'put/get copies', 'list/replace', 'persistent', 'delete'],
      key: { type: 'secret', extractable: false, algorithm: 'AES-GCM', exportRefused: true },
      plaintextVisible: false,
      credentialPlaintextVisible: false,
      tampered: 'SECRET_STORE_ERROR',
      movedResult: 'CREDENTIAL_STORE_ERROR',
    });
    expect(browser.errors).toEqual([]);
  }, 120_000);
});
