// Hostile input at the routes the door added: the request object a QR refers to
// (GET /v1/requests/:id/object), the JWKS, key rotation, the QR image routes (which now also draw
// request references) and the submit route's QR-text body. No answer may be a 5xx, every refusal
// is problem+json, and afterwards the door still works: a fresh request is served and verifies.
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthorizationRequestUri } from '../../../src/credential/index.js';
import {
  bearer,
  createPolicy,
  createVenue,
  DB_KINDS,
  entryPolicy,
  expectStatus,
  newRequest,
  startTestServer,
  TestIssuer,
  trustPinned,
  type TestServer,
  type VenueFixture,
} from './support.js';

const SEED = 20261130;

describe.each(DB_KINDS)('the door routes under hostile input on %s', (kind) => {
  const lab = new TestIssuer();
  let t: TestServer;
  let venue: VenueFixture;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    t = await startTestServer(kind, {
      env: { PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '1000000' },
    });
    await trustPinned(t, lab);
    venue = await createVenue(t);
    await createPolicy(t, venue, 'entry', entryPolicy([lab.issuerId]));
  });
  afterAll(async () => {
    await t?.close();
  });

  function record(res: LightMyRequestResponse, what: string): void {
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    if (res.statusCode >= 500) throw new Error(`${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  }

  it('request objects: any id in the path is a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uuid()), async (id) => {
        const res = await t.app.inject({ method: 'GET', url: `/v1/requests/${encodeURIComponent(id)}/object` });
        record(res, `object ${JSON.stringify(id)}`);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('QR images: any text is drawn only when it is privid QR text or a reference to this service', async () => {
    const { qr } = await newRequest(t, venue, 'entry');
    const reference = fc
      .tuple(fc.string(), fc.oneof(fc.webUrl(), fc.string()))
      .map(([id, uri]) => `openid4vp://?client_id=${encodeURIComponent(id)}&request_uri=${encodeURIComponent(uri)}`);
    const mutatedOwn = fc.nat().map((at) => qr.slice(0, at % qr.length) + '%' + qr.slice((at % qr.length) + 1));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          reference,
          mutatedOwn,
          fc.string().map((s) => `PRIVID1:R:${s}`),
        ),
        fc.constantFrom('svg', 'png'),
        async (text, format) => {
          const res = await t.app.inject({ method: 'POST', url: `/v1/qr.${format}`, payload: { text } });
          record(res, `qr.${format} ${JSON.stringify(text).slice(0, 80)}`);
          if (res.statusCode === 200) {
            // Only a reference to a request of this very service is drawn.
            expect(new URL(parseAuthorizationRequestUri(text).requestUri).origin).toBe(
              new URL(t.server.config.publicUrl).origin,
            );
          }
        },
      ),
      // Below the per-client limit of the QR routes (120 a minute), so each text is judged, not rate-limited.
      { numRuns: 110, seed: SEED },
    );
  });

  it('the submit route: QR text bodies and random content types are 4xx', async () => {
    const { id } = await newRequest(t, venue, 'entry');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string().map((s) => `PRIVID1:P:${s}`),
          fc.string(),
          fc.stringMatching(/^PRIVID1:P:[0-9A-Z $%*+\-./:]{0,300}$/),
        ),
        fc.constantFrom('text/plain', 'text/plain; charset=utf-8', 'application/json', 'application/octet-stream'),
        async (body, contentType) => {
          const res = await t.app.inject({
            method: 'POST',
            url: `/v1/requests/${id}/presentation`,
            headers: { 'content-type': contentType },
            body,
          });
          record(res, `submit ${contentType} ${JSON.stringify(body).slice(0, 80)}`);
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 200, seed: SEED },
    );
  });

  it('key rotation refuses any body but {} and the JWKS stays served', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string(), fc.jsonValue()).filter((body) => Object.keys(body).length > 0),
        async (body) => {
          const res = await t.app.inject({
            method: 'POST',
            url: '/v1/admin/verifier-keys/rotate',
            headers: { ...bearer(t.adminToken), 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
          record(res, `rotate ${JSON.stringify(body).slice(0, 80)}`);
          expect(res.statusCode).toBe(400);
        },
      ),
      { numRuns: 60, seed: SEED },
    );
    const jwks = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expectStatus(jwks, 200);
    expect(jwks.json().keys.length).toBeGreaterThanOrEqual(1);
  });

  it('still serves a fresh signed request afterwards', async () => {
    const { requestUri } = await newRequest(t, venue, 'entry');
    const res = await t.app.inject({ method: 'GET', url: new URL(requestUri).pathname });
    expectStatus(res, 200);
    expect(res.headers['content-type']).toMatch(/^application\/oauth-authz-req\+jwt/);
    expect(res.body.split('.')).toHaveLength(3);
    // Every kind of answer above was met.
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
  });
});
