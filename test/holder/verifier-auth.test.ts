// What the wallet trusts about a verifier before it proves anything: plain http only when the app
// opts in, a JWKS fetched fresh for every online request (never looked up again by an unknown kid,
// so a verifier cannot tag a wallet with a per-wallet kid), cached keys for offline kiosks that
// expire, and signed requests that live at most MAX_REQUEST_TTL_SECONDS. The online cases run
// against a real local verifier (node:http) through the real fetch transport.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CompactSign } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { requestObjectClaims, type RequestObject } from '../../src/credential/index.js';
import { authenticateRequest, CLOCK_SKEW_MS, MAX_REQUEST_TTL_SECONDS, Wallet } from '../../src/holder/index.js';
import { clause, KIOSK_JWKS, KIOSK_ORIGIN, kioskSigned, makeRequest, TestIssuer, TODAY } from './support.js';
import { failure } from './failure.js';

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const JWKS = { keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }] };
const issuer = new TestIssuer();

async function sign(claims: RequestObject | Record<string, unknown>, kid = 'k1'): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-authz-req+jwt', kid })
    .sign(keys.privateKey);
}

/** Claims of a venue at `origin`, issued now, living `ttl` seconds. */
function claimsAt(origin: string, options: { ttl?: number; iat?: number } = {}): RequestObject {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const request = {
    ...makeRequest([clause('privid:age-band@1', [issuer])], { verifierId: `${origin}/v1/venues/v1` }),
    expiresAt: iat + (options.ttl ?? 120),
  };
  return requestObjectClaims(request, { issuedAt: iat, responseUri: `${origin}/v1/requests/r/presentation` });
}

describe('wallet.respond against a local verifier', () => {
  let server: Server;
  let base: string;
  const routes = new Map<string, { status?: number; type: string; body: string }>();
  const hits = new Map<string, number>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      req.resume();
      const route = routes.get(path);
      if (!route) return res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
      res.writeHead(route.status ?? 200, { 'content-type': route.type }).end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    hits.clear();
    routes.clear();
    routes.set('/.well-known/jwks.json', { type: 'application/json', body: JSON.stringify(JWKS) });
  });

  async function serve(path: string, claims: RequestObject | Record<string, unknown>, kid?: string) {
    routes.set(path, { type: 'application/oauth-authz-req+jwt', body: await sign(claims, kid) });
    return `openid4vp://?request_uri=${encodeURIComponent(`${base}${path}`)}`;
  }

  const jwksFetches = () => hits.get('/.well-known/jwks.json') ?? 0;
  const respond = (wallet: Wallet, qr: string) => wallet.respond(qr, { today: TODAY, consent: () => false });

  it('refuses plain http unless the wallet opts in, before fetching anything', async () => {
    const qr = await serve('/r', claimsAt(base));
    const error = await failure(() => respond(new Wallet(), qr));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('allowInsecureLocalhost');
    expect(hits.size).toBe(0);
    // Opted in, the request is authenticated (and this wallet, holding nothing, cannot satisfy it).
    expect((await failure(() => respond(new Wallet({ allowInsecureLocalhost: true }), qr))).code).toBe(
      'CANNOT_SATISFY',
    );
  });

  it('authenticateRequest refuses a plain-http client_id and response_uri unless allowed', async () => {
    const jws = await sign(claimsAt(base));
    const error = await failure(() => authenticateRequest(jws, { nowMs: Date.now(), keys: async () => JWKS }));
    expect(error.code).toBe('INVALID_REQUEST');
    await expect(
      authenticateRequest(jws, { nowMs: Date.now(), keys: async () => JWKS, allowInsecureLocalhost: true }),
    ).resolves.toMatchObject({ origin: base });
  });

  it('fetches the JWKS fresh for every online request', async () => {
    const wallet = new Wallet({ allowInsecureLocalhost: true });
    const qr = await serve('/r', claimsAt(base));
    await failure(() => respond(wallet, qr));
    await failure(() => respond(wallet, qr));
    expect(jwksFetches()).toBe(2);
  });

  it('looks an unknown kid up once, never refetching the JWKS for it', async () => {
    const wallet = new Wallet({ allowInsecureLocalhost: true });
    const error = await failure(async () => respond(wallet, await serve('/r', claimsAt(base), 'per-wallet-7f3a')));
    expect(error.code).toBe('REQUEST_SIGNATURE_INVALID');
    expect(jwksFetches()).toBe(1);
  });

  it('a JWKS that cannot be fetched is VERIFIER_KEY_UNAVAILABLE, whatever the transport saw', async () => {
    const wallet = new Wallet({ allowInsecureLocalhost: true });
    const qr = await serve('/r', claimsAt(base));
    routes.delete('/.well-known/jwks.json');
    expect((await failure(() => respond(wallet, qr))).code).toBe('VERIFIER_KEY_UNAVAILABLE');
    routes.set('/.well-known/jwks.json', { type: 'application/json', body: 'not json' });
    expect((await failure(() => respond(wallet, qr))).code).toBe('VERIFIER_KEY_UNAVAILABLE');
  });
});

describe('signed requests live minutes', () => {
  const origin = 'https://venue.example';
  const auth = (jws: string, nowMs = Date.now()) => authenticateRequest(jws, { nowMs, keys: async () => JWKS });

  it(`accepts exp - iat up to ${MAX_REQUEST_TTL_SECONDS} s and refuses longer: INVALID_REQUEST at /exp`, async () => {
    await expect(auth(await sign(claimsAt(origin, { ttl: MAX_REQUEST_TTL_SECONDS })))).resolves.toMatchObject({
      origin,
    });
    const error = await failure(async () => auth(await sign(claimsAt(origin, { ttl: MAX_REQUEST_TTL_SECONDS + 1 }))));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.path).toBe('/exp');
  });

  it('refuses a request issued in the future beyond the clock skew', async () => {
    const nowMs = Date.now();
    const ahead = Math.floor((nowMs + CLOCK_SKEW_MS) / 1000) + 60;
    const error = await failure(async () => auth(await sign(claimsAt(origin, { iat: ahead })), nowMs));
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.path).toBe('/iat');
  });
});

describe('offline kiosks: cached keys expire', () => {
  const request = makeRequest([clause('privid:age-band@1', [issuer])]);

  it('refuses keys loaded longer ago than verifierKeyMaxAgeMs: VERIFIER_KEY_UNAVAILABLE', async () => {
    let offsetMs = 0;
    const wallet = new Wallet({ now: () => Date.now() + offsetMs, verifierKeyMaxAgeMs: 7 * 86_400_000 });
    const signed = await kioskSigned(request, [wallet]);
    // Fresh keys: authenticated (the wallet holds nothing, so it cannot satisfy the request).
    expect((await failure(() => wallet.present(signed, { today: TODAY }))).code).toBe('CANNOT_SATISFY');
    // The same keys loaded eight days earlier.
    offsetMs = -8 * 86_400_000;
    await wallet.loadVerifierKeys(KIOSK_ORIGIN, KIOSK_JWKS);
    offsetMs = 0;
    const error = await failure(() => wallet.present(signed, { today: TODAY }));
    expect(error.code).toBe('VERIFIER_KEY_UNAVAILABLE');
    expect(error.message).toContain(KIOSK_ORIGIN);
  });

  it('loadVerifierKeys takes an origin and a JWK set only', async () => {
    const wallet = new Wallet();
    expect((await failure(() => wallet.loadVerifierKeys('https://a.example/path', KIOSK_JWKS))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await failure(() => wallet.loadVerifierKeys(KIOSK_ORIGIN, { keys: 'x' }))).code).toBe('INVALID_ARGUMENT');
  });
});
