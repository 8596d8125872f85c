// The pages as HTTP resources (the browser test drives them): served at the API's origin with a
// strict Content-Security-Policy, no inline script or style, each page's script and style sheet
// within 100 KB gzipped (the wallet, which carries the holder SDK, aside), and only the screens of
// the roles this instance serves.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CONTENT_SECURITY_POLICY } from '../../src/server/web/routes.js';
import { startTestServer, type TestServer } from '../server/support/server.js';

const PAGES = ['/', '/desk', '/gate', '/wallet'];
const BUDGET_GZIP_BYTES = 100 * 1024;

describe('the pages', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', { env: { PRIVID_VERIFY_WORKERS: '0' } });
  });
  afterAll(() => t?.close());

  const assetsOf = (html: string) => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);

  it('answers every page with the strict policy and no inline script or style', async () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)|https?:|\*/);
    for (const url of PAGES) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['permissions-policy']).toBe(
        url === '/wallet' ? 'camera=(self)' : 'camera=(), microphone=(), geolocation=()',
      );
      const html = res.body;
      expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
      // Every <script> has a src on this origin; no style element or attribute; no event handler attribute.
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/assets\//);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=|javascript:/i);
      expect(html).toContain('<main id="main"');
    }
  });

  it('keeps each page within 100 KB of script and style, gzipped', async () => {
    for (const url of ['/', '/desk', '/gate']) {
      const html = (await t.app.inject({ url })).body;
      let total = 0;
      for (const asset of assetsOf(html)) {
        const res = await t.app.inject({ url: asset, headers: { 'accept-encoding': 'gzip' } });
        expect(res.statusCode, asset).toBe(200);
        expect(res.headers['content-encoding']).toBe('gzip');
        expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        total += res.rawPayload.length;
        // The gzip served is the asset's own bytes.
        const plain = await t.app.inject({ url: asset });
        expect(plain.headers['content-encoding']).toBeUndefined();
        expect(gunzipSync(res.rawPayload).equals(plain.rawPayload)).toBe(true);
      }
      expect(total, url).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    }
  });

  it('links the screens, Swagger UI and the docs from the landing page', async () => {
    const html = (await t.app.inject({ url: '/' })).body;
    for (const href of ['/desk', '/gate', '/wallet', '/docs', '/docs/json', '/guide/verifier-api.md']) {
      expect(html).toContain(`href="${href}"`);
    }
    const doc = await t.app.inject({ url: '/guide/verifier-api.md' });
    expect(doc.statusCode).toBe(200);
    expect(doc.body).toMatch(/^# The verifier API/);
    expect((await t.app.inject({ url: '/guide/..%2Fpackage.json' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/assets/nope.js' })).headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('an issuer-only instance', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('pglite', { env: { PRIVID_ROLES: 'issuer' } });
  });
  afterAll(() => t?.close());

  it('serves the desk and not the gate', async () => {
    expect((await t.app.inject({ url: '/desk' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/gate' })).statusCode).toBe(404);
    const landing = (await t.app.inject({ url: '/' })).body;
    expect(landing).not.toContain('href="/gate"');
    expect(landing).toContain('not served by this instance');
  });
});
