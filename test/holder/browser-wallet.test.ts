// The holder SDK in a real browser against a running server: headless Chromium loads a bundle
// of privid/holder (+ the IndexedDB stores) under a strict CSP, creates the holder secret,
// accepts an offer from the lab over HTTP (CORS), and answers a venue's request; the venue's
// screen then shows the request accepted.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { buildServer, type PrividServer } from '../../src/server/server.js';
import { BROWSER_AVAILABLE, BROWSER_REQUIRED, openBundledPage, type BrowserPage } from './browser-harness.js';
import { freePort } from '../server/verifier/support.js';

const run = BROWSER_AVAILABLE || BROWSER_REQUIRED;

describe.skipIf(!run)('a browser wallet against a running privid server', () => {
  let server: PrividServer | undefined;
  let browser: BrowserPage;
  let base = '';

  async function api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  beforeAll(async () => {
    browser = await openBundledPage('test/holder/browser/wallet.entry.ts', {
      // The server allows the wallet page's origin (CORS), as a wallet's deployment would.
      beforeLaunch: async (origin) => {
        const port = await freePort();
        base = `http://127.0.0.1:${port}`;
        server = await buildServer(
          loadConfig({
            PORT: String(port),
            HOST: '127.0.0.1',
            DATABASE_URL: 'pglite:memory',
            PRIVID_PUBLIC_URL: base,
            PRIVID_KEK: randomBytes(32).toString('base64'),
            PRIVID_LOG_LEVEL: 'silent',
            PRIVID_VERIFY_WORKERS: '1',
            PRIVID_CORS_ORIGINS: origin,
          }),
        );
        await server.app.listen({ port, host: '127.0.0.1' });
      },
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a secret, accepts an offer, and presents: the venue accepts', async () => {
    const admin = server!.initialAdminToken!;
    const lab = await api<{ lab: { id: string; issuerId: string }; key: string }>('POST', '/v1/admin/labs', admin, {
      name: 'Browser Lab',
    });
    await api('POST', `/v1/admin/labs/${lab.lab.id}/issuer-keys`, admin, {});
    await api('POST', '/v1/admin/trusted-issuers', admin, { metadataUrl: lab.lab.issuerId, label: 'Browser Lab' });
    const venue = await api<{ venue: { id: string }; key: string }>('POST', '/v1/admin/venues', admin, {
      name: 'Browser Bar',
    });
    await api('POST', '/v1/venue/policies', venue.key, {
      name: 'entry',
      definition: {
        groups: [
          {
            anyOf: [
              {
                schemaRef: 'privid:age-band@1',
                issuers: [{ issuerId: lab.lab.issuerId }],
                disclose: [],
                constraints: [{ attribute: 'ageOver18', op: 'eq', value: true }],
              },
            ],
          },
        ],
      },
    });
    const offer = await api<{ qr: string }>('POST', '/v1/offers', lab.key, {
      schemaRef: 'privid:age-band@1',
      attributes: { band: '18-64', ageOver18: true, ageOver21: true },
      validDays: 30,
    });
    const request = await api<{ id: string; qr: string }>('POST', '/v1/venue/requests', venue.key, {
      policy: 'entry',
    });

    const result = await browser.page.evaluate(
      (input) => (globalThis as unknown as { runWallet(i: unknown): Promise<unknown> }).runWallet(input),
      { offerQr: offer.qr, requestQr: request.qr },
    );
    expect(result).toEqual({
      schemaRef: 'privid:age-band@1',
      verifierName: 'Browser Bar',
      // Proven, never shown: the venue sees no value, not even the validity days.
      consent: [
        'proves ageOver18 = true',
        expect.stringMatching(/^proves validUntil >= \d{4}-\d\d-\d\d$/),
        expect.stringMatching(/^proves validFrom <= \d{4}-\d\d-\d\d$/),
      ],
      disclosed: {},
      verdict: 'accepted',
      secretIds: ['holder-secret-1'],
    });
    const screen = await api<{ status: string }>('GET', `/v1/venue/requests/${request.id}`, venue.key);
    expect(screen.status).toBe('accepted');
    expect(browser.errors).toEqual([]);
  }, 180_000);
});
