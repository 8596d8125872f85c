// Runs in headless Chromium (test/holder/browser-wallet.test.ts): a browser wallet on the
// IndexedDB stores accepts a lab's offer from a running privid server, then answers a venue's
// request with wallet.respond (the QR text alone), all over the network from the page.
import { openIndexedDbStores } from '../../../src/holder/indexeddb/index.js';
import { Wallet, type ConsentRequest } from '../../../src/holder/index.js';

interface Input {
  readonly offerQr: string;
  readonly requestQr: string;
}

async function runWallet(input: Input): Promise<Record<string, unknown>> {
  const today = Math.floor(Date.now() / 86_400_000);
  const stores = await openIndexedDbStores({ name: 'browser-wallet' });
  const wallet = new Wallet({ secrets: stores.secrets, credentials: stores.credentials });
  const stored = await wallet.acceptOffer(input.offerQr);
  stores.close();

  // A restart of the app: a new wallet over the same IndexedDB finds secret and credential, then
  // answers the venue from its QR text alone (fetch, authenticate, consent, prove, post).
  const reopened = await openIndexedDbStores({ name: 'browser-wallet' });
  // The test server is plain http on 127.0.0.1: development, so this wallet opts in explicitly.
  const again = new Wallet({
    secrets: reopened.secrets,
    credentials: reopened.credentials,
    allowInsecureLocalhost: true,
  });
  let consented: ConsentRequest | undefined;
  const result = await again.respond(input.requestQr, {
    today,
    consent: (request) => {
      consented = request;
      return true;
    },
  });
  const secretIds = await reopened.secrets.list();
  reopened.close();
  return {
    schemaRef: stored.credential.schemaRef,
    verifierName: consented?.verifier.name,
    consent: consented?.disclosures[0]?.consent,
    disclosed: consented?.disclosures[0]?.disclosed,
    verdict: result.status,
    secretIds,
  };
}

Object.assign(globalThis, { runWallet, ready: true });
