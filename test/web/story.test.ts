// The story on the pages themselves, in a real headless Chromium against a real server: the desk
// creates a negative-test offer; its QR is read from the desk's rendered QR image (an element
// screenshot decoded with @paulmillr/qr), not from an API answer; a wallet accepts it; the gate
// shows a request; the wallet answers it; the gate turns green and says what it learned; then a
// second wallet without a test is refused and the gate turns red with the reason. Every screen is
// screenshotted to SCREENS_DIR and audited with axe-core; the CSP header is asserted, and no page
// breaks it.
//
// Wallet A is the wallet page (the holder SDK in the browser, IndexedDB stores), fed the text of
// each QR code as read from the desk's and the gate's rendered images (pasted: headless Chromium has
// no camera). The gate's QR is only a reference (openid4vp://…); the page answers it with
// wallet.respond: fetch and authenticate the signed request, consent, post to its response URL.
// Wallet B, whose app offers an age band where a test is asked, is a dishonest client in Node (it
// reads the signed request and posts a presentation of the wrong kind): the wallet page itself
// refuses to answer without a matching credential (checked too).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  fromBase64url,
  parseAuthorizationRequestUri,
  presentationRequestOf,
  type PresentationRequest,
  type RequestObject,
} from '../../src/credential/index.js';
import { Wallet } from '../../src/holder/index.js';
import { loadConfig } from '../../src/server/config.js';
import { buildServer, type PrividServer } from '../../src/server/server.js';
import { CONTENT_SECURITY_POLICY } from '../../src/server/web/routes.js';
import { axeViolations, HAVE_CHROMIUM, launchChromium } from './browser.js';
import { decodeImage, readPng } from './images.js';
import { freePort } from '../server/verifier/support.js';

/** Where the screenshots go (the README shows three of them, copied to docs/screens/). */
export const SCREENS_DIR = process.env.PRIVID_SCREENS_DIR ?? join(process.cwd(), 'test-output', 'screens');
const WAIT = { timeout: 60_000 };

describe.skipIf(!HAVE_CHROMIUM && !process.env.CI)('the screens in headless Chromium', () => {
  let server: PrividServer;
  let browser: Browser;
  let base: string;
  let dataDir: string;
  let labKey: string;
  let venueKey: string;
  const cspViolations: string[] = [];
  const audits: Record<string, unknown[]> = {};

  const api = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json as unknown as { key: string; lab: { id: string; issuerId: string }; qr: string };
  };

  beforeAll(async () => {
    mkdirSync(SCREENS_DIR, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'privid-screens-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await buildServer(
      loadConfig({
        PORT: String(port),
        DATABASE_URL: 'pglite:memory',
        PRIVID_DATA_DIR: dataDir,
        PRIVID_PUBLIC_URL: base,
        PRIVID_KEK: randomBytes(32).toString('base64'),
        PRIVID_LOG_LEVEL: 'warn',
        PRIVID_VERIFY_WORKERS: '1',
      }),
    );
    await server.app.listen({ port, host: '127.0.0.1' });
    const admin = server.initialAdminToken!;
    const lab = await api('POST', '/v1/admin/labs', admin, { name: 'Riverside Lab' });
    labKey = lab.key;
    const { id: labId, issuerId } = lab.lab;
    await api('POST', `/v1/admin/labs/${labId}/issuer-keys`, admin, {});
    await api('POST', '/v1/admin/trusted-issuers', admin, { metadataUrl: issuerId, label: 'Riverside Lab' });
    venueKey = (await api('POST', '/v1/admin/venues', admin, { name: 'Riverside Stadium' })).key;
    await api('POST', '/v1/venue/policies', venueKey, {
      name: 'entry',
      definition: {
        description: 'A negative test valid today',
        groups: [
          {
            anyOf: [
              {
                schemaRef: 'privid:covid-test-result@1',
                issuers: [{ issuerId }],
                disclose: [],
                constraints: [
                  { attribute: 'testResult', op: 'eq', value: 'negative' },
                  { attribute: 'validUntil', op: 'gte', value: 'today' },
                ],
              },
            ],
          },
        ],
      },
    });
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A tablet-sized page that records CSP violations and checks each page's policy header. */
  async function openPage(path: string, viewport = { width: 1024, height: 768 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${path}: ${message.text()}`);
    });
    const response = (await page.goto(`${base}${path}`, { waitUntil: 'load' })) as Response;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    return page;
  }

  async function audit(page: Page, name: string): Promise<void> {
    audits[name] = await axeViolations(page);
    await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
  }

  /** The text of the QR code an <img> shows, read from its pixels on the screen. */
  async function readQr(page: Page, selector: string): Promise<string> {
    const img = page.locator(selector);
    await page.waitForFunction(
      (sel) => {
        const el = document.querySelector(sel) as HTMLImageElement | null;
        return !!el && el.complete && el.naturalWidth > 0 && el.getBoundingClientRect().width > 0;
      },
      selector,
      WAIT,
    );
    return decodeImage(readPng(await img.screenshot()));
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.getByLabel(/API key/).fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('runs the door story on the pages', async () => {
    const today = Math.floor(Date.now() / 86_400_000);

    // The landing page and the wallet page (a placeholder until the wallet page lands).
    await audit(await openPage('/'), 'landing');

    // The desk: a negative test, valid for one day.
    const desk = await openPage('/desk');
    await audit(desk, 'desk-signin');
    await signIn(desk, labKey);
    await desk.getByLabel('Credential type').selectOption('privid:covid-test-result@1');
    await desk.getByLabel('Test result').selectOption('negative');
    await desk.getByLabel('Test type').selectOption('antigen');
    await desk.getByLabel('Valid for (days)').fill('1');
    const created = desk.waitForResponse((r) => r.url().endsWith('/v1/offers') && r.request().method() === 'POST');
    await desk.getByRole('button', { name: 'Create offer' }).click();
    const apiQr = ((await (await created).json()) as { qr: string }).qr;
    const offerQr = await readQr(desk, '#offer-qr');
    expect(offerQr).toBe(apiQr);
    expect(offerQr.startsWith('PRIVID1:O:')).toBe(true);
    await expect
      .poll(() => desk.locator('#offer-status').textContent(), WAIT)
      .toBe('Waiting for the holder to scan it');
    await audit(desk, 'desk-offer');

    // Wallet A (the wallet page) takes the offer from the desk's screen; the desk sees it collected.
    const walletA = await openPage('/wallet', { width: 412, height: 915 });
    await audit(walletA, 'wallet-empty');
    const paste = async (wallet: Page, text: string) => {
      await wallet.getByLabel('Or paste the code’s text').fill(text);
      await wallet.getByRole('button', { name: 'Read' }).click();
    };
    await paste(walletA, offerQr);
    await expect
      .poll(() => walletA.locator('#scan-status').textContent(), WAIT)
      .toBe(`Collected: COVID-19 test result, valid until ${new Date(today * 86_400_000).toISOString().slice(0, 10)}.`);
    await audit(walletA, 'wallet-collected');
    await expect.poll(() => desk.locator('#offer-status').textContent(), WAIT).toBe('Collected by the holder');
    await expect(desk.getByRole('button', { name: 'Cancel offer' }).isDisabled()).resolves.toBe(true);

    // The printed receipt: the offer alone, without the page's controls.
    await desk.emulateMedia({ media: 'print' });
    expect(await desk.locator('#offer .actions').isVisible()).toBe(false);
    expect(await desk.locator('nav').isVisible()).toBe(false);
    expect(await desk.locator('#offer-qr').isVisible()).toBe(true);
    await desk.screenshot({ path: join(SCREENS_DIR, 'desk-receipt-print.png'), fullPage: true });
    await desk.emulateMedia({ media: 'screen' });

    // A second offer, cancelled at the desk.
    await desk.getByRole('button', { name: 'New offer' }).click();
    await desk.getByLabel('Test result').selectOption('negative');
    await desk.getByLabel('Test type').selectOption('pcr');
    await desk.getByRole('button', { name: 'Create offer' }).click();
    await expect
      .poll(() => desk.locator('#offer-status').textContent(), WAIT)
      .toBe('Waiting for the holder to scan it');
    await desk.getByRole('button', { name: 'Cancel offer' }).click();
    await expect.poll(() => desk.locator('#offer-status').textContent(), WAIT).toBe('Cancelled');

    // Contradictory values: the server refuses them, and its words show next to each field concerned.
    await desk.getByRole('button', { name: 'New offer' }).click();
    await desk.getByLabel('Credential type').selectOption('privid:age-band@1');
    await desk.getByLabel('Age band').selectOption('under-18');
    await desk.getByLabel('Over 18').selectOption('true');
    await desk.getByLabel('Over 21').selectOption('false');
    const contradiction = 'band is "under-18", so ageOver18 must be false, got true';
    await desk.getByRole('button', { name: 'Create offer' }).click();
    await expect.poll(() => desk.locator('#attr-ageOver18-error').textContent(), WAIT).toBe(contradiction);
    expect(await desk.locator('#attr-band-error').textContent()).toBe(contradiction);
    expect(await desk.locator('#attr-ageOver21-error').isVisible()).toBe(false);
    expect(await desk.locator('#attr-ageOver18').getAttribute('aria-invalid')).toBe('true');
    expect(await desk.locator('#offer').isVisible()).toBe(false);

    // The gate, portrait tablet.
    const gate = await openPage('/gate', { width: 800, height: 1280 });
    await audit(gate, 'gate-signin');
    await signIn(gate, venueKey);
    await gate.getByLabel('What to check').selectOption('entry');
    await audit(gate, 'gate-setup');
    await gate.getByRole('button', { name: 'Start' }).click();
    const firstQr = await readQr(gate, '#door-qr');
    await audit(gate, 'gate-waiting');
    expect(firstQr).toMatch(/^openid4vp:\/\/\?client_id=/);
    // What a client that skips the signature check would read: the request object's claims.
    const requestBehind = async (qr: string): Promise<PresentationRequest> => {
      const jws = await (await fetch(parseAuthorizationRequestUri(qr).requestUri)).text();
      const claims = JSON.parse(new TextDecoder().decode(fromBase64url(jws.split('.')[1]!))) as RequestObject;
      return presentationRequestOf(claims);
    };
    const request = await requestBehind(firstQr);

    const answer = async (wallet: Wallet, req: PresentationRequest, shown = req) => {
      const presentation = await wallet.present(shown, { today });
      const submitUrl = `${new URL(req.verifierId).origin}/v1/requests/${req.requestId}/presentation`;
      const res = await fetch(submitUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(presentation),
      });
      return (await res.json()) as { status: string };
    };
    await paste(walletA, firstQr);
    await walletA.locator('#consent').waitFor({ state: 'visible', ...WAIT });
    expect(await walletA.locator('#consent-title').textContent()).toBe('Riverside Stadium asks to see');
    expect(await walletA.locator('#consent-venue').textContent()).toBe(
      `Signed by ${base}; your answer goes there and nowhere else.`,
    );
    const isoToday = new Date(today * 86_400_000).toISOString().slice(0, 10);
    // No value leaves the wallet: the test result and the validity are proven, not shown.
    expect(await walletA.locator('#consent-items').innerText()).toBe(
      `COVID-19 test result: shows no value. proves, without showing it: Test result = negative test; Valid until ≥ ${isoToday}; Valid from ≤ ${isoToday}`,
    );
    expect(await walletA.locator('#consent-recognise').textContent()).toBe(
      'This venue cannot recognise you on a later visit.',
    );
    await audit(walletA, 'wallet-consent');
    await walletA.getByRole('button', { name: 'Share' }).click();
    await expect.poll(() => walletA.locator('#answer-title').textContent(), WAIT).toBe('The venue’s answer: Accepted');
    await gate.waitForFunction(() => document.body.classList.contains('accepted'), undefined, WAIT);
    expect(await gate.locator('#door-verdict').textContent()).toBe('Welcome in');
    expect(await gate.locator('#door-details').innerText()).toContain('negative test, valid today');
    await audit(gate, 'gate-green');

    // The next code comes by itself; wallet B has only an age band and offers it anyway.
    await gate.waitForFunction(
      (id) => {
        const img = document.querySelector('#door-qr') as HTMLImageElement;
        return img.dataset.requestId !== id && document.body.classList.contains('waiting') && img.naturalWidth > 0;
      },
      request.requestId,
      WAIT,
    );
    const secondQr = await readQr(gate, '#door-qr');
    const second = await requestBehind(secondQr);
    expect(second.requestId).not.toBe(request.requestId);
    // The wallet page without a test does not answer at all.
    const emptyWallet = await (await browser.newContext({ viewport: { width: 412, height: 915 } })).newPage();
    await emptyWallet.goto(`${base}/wallet`);
    await paste(emptyWallet, secondQr);
    await emptyWallet.locator('#consent').waitFor({ state: 'visible', ...WAIT });
    expect(await emptyWallet.locator('#consent-title').textContent()).toBe(
      'You have no credential that this venue accepts.',
    );
    expect(await emptyWallet.getByRole('button', { name: 'Share' }).isVisible()).toBe(false);
    await audit(emptyWallet, 'wallet-cannot');
    const walletB = new Wallet();
    const ageOffer = await api('POST', '/v1/offers', labKey, {
      schemaRef: 'privid:age-band@1',
      attributes: { band: '18-64', ageOver18: true, ageOver21: false },
      validDays: 365,
    });
    await walletB.acceptOffer(ageOffer.qr);
    const ageClause = {
      schemaRef: 'privid:age-band@1',
      issuers: second.groups[0]!.anyOf[0]!.issuers,
      disclose: [],
      constraints: [{ attribute: 'ageOver18', op: 'eq' as const, value: true }],
    };
    const refused = await answer(walletB, second, { ...second, groups: [{ anyOf: [ageClause] }] });
    expect(refused.status).toBe('rejected');
    await gate.waitForFunction(() => document.body.classList.contains('rejected'), undefined, WAIT);
    expect(await gate.locator('#door-verdict').textContent()).toBe('Not accepted');
    expect(await gate.locator('#door-details').innerText()).toContain('The pass is not the kind this door asks for');
    await audit(gate, 'gate-red');
    // Landscape too: the verdict stays on screen.
    await gate.setViewportSize({ width: 1280, height: 800 });
    await gate.screenshot({ path: join(SCREENS_DIR, 'gate-red-landscape.png') });

    // No page broke the policy by itself.
    expect(cspViolations).toEqual([]);
    // The policy is enforced, not only sent: an inline script and a third-party image are refused.
    const enforced = await gate.evaluate(async () => {
      const violated: string[] = [];
      document.addEventListener('securitypolicyviolation', (event) => violated.push(event.effectiveDirective));
      const script = document.createElement('script');
      script.textContent = 'window.__inline = true';
      document.body.append(script);
      const img = document.createElement('img');
      img.src = 'https://third-party.invalid/pixel.png';
      img.alt = '';
      document.body.append(img);
      await new Promise((resolve) => setTimeout(resolve, 500));
      img.remove();
      return { violated: violated.sort(), inlineRan: (window as unknown as { __inline?: boolean }).__inline === true };
    });
    expect(enforced).toEqual({ violated: ['img-src', 'script-src-elem'], inlineRan: false });

    writeFileSync(join(SCREENS_DIR, 'axe.json'), JSON.stringify(audits, null, 2));
    for (const [name, violations] of Object.entries(audits)) expect(violations, name).toEqual([]);
  }, 600_000);
});
