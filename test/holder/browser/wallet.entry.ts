// Runs in headless Chromium (test/holder/browser-wallet.test.ts): a browser wallet on the
// IndexedDB stores accepts a lab's offer from a running privid server, then answers a venue's
// request and posts the presentation, all over the network from the page.
import { openIndexedDbStores } from '../../../src/holder/indexeddb/index.js';
import { Wallet } from '../../../src/holder/index.js';

interface Input {
  readonly offerQr: string;
  readonly requestQr: string;
  readonly submitUrl: string;
}

async function runWallet(input: Input): Promise<Record<string, unknown>> {
  const today = Math.floor(Date.now() / 86_400_000);
  const stores = await openIndexedDbStores({ name: 'browser-wallet' });
  const wallet = new Wallet({ secrets: stores.secrets, credentials: stores.credentials });
  const stored = await wallet.acceptOffer(input.offerQr);
  stores.close();

  // A restart of the app: a new wallet over the same IndexedDB finds secret and credential.
  const reopened = await openIndexedDbStores({ name: 'browser-wallet' });
  const again = new Wallet({ secrets: reopened.secrets, credentials: reopened.credentials });
  const match = await again.match(input.requestQr, { today });
  const presentation = await again.present(input.requestQr, { today });
  const response = await fetch(input.submitUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(presentation),
  });
  const answer = (await response.json()) as { status?: string };
  const secretIds = await reopened.secrets.list();
  reopened.close();
  return {
    schemaRef: stored.credential.schemaRef,
    satisfiable: match.satisfiable,
    disclosed: match.groups[0]?.candidates[0]?.disclosed,
    items: presentation.items.length,
    submitStatus: response.status,
    verdict: answer.status,
    secretIds,
  };
}

Object.assign(globalThis, { runWallet, ready: true });
