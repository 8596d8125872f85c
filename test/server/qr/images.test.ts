// QR images from the API: POST /v1/qr.svg and /v1/qr.png draw exactly the QR texts the offer and
// request creations return (decoded back with @paulmillr/qr's decoder), with the quiet zone and
// error correction a phone camera needs; anything but privid QR text is a 400 problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encodeQr, minQrVersionM } from '../../../src/credential/index.js';
import { presentationOneItem } from '../../credential/fixtures.js';
import { QUIET_ZONE_MODULES, qrMatrix } from '../../../src/server/qr/render.js';
import { bearer, createOffer, expectProblem, expectStatus, labWithKey } from '../support/api.js';
import { DB_KINDS, startTestServer, type TestServer } from '../support/server.js';
import { decodeImage, rasterizeQrSvg, readPng } from '../../web/images.js';

describe.each(DB_KINDS)('QR images on %s', (kind) => {
  let t: TestServer;
  let offerQr: string;
  let requestQr: string;

  beforeAll(async () => {
    t = await startTestServer(kind, { env: { PRIVID_VERIFY_WORKERS: '0' } });
    const lab = await labWithKey(t);
    offerQr = (await createOffer(t, lab)).qr;
    const venue = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/venues',
      headers: bearer(t.adminToken),
      payload: { name: 'Riverside Stadium' },
    });
    expectStatus(venue, 201);
    const venueKey = venue.json().key as string;
    const policy = await t.app.inject({
      method: 'POST',
      url: '/v1/venue/policies',
      headers: bearer(venueKey),
      payload: {
        name: 'entry',
        definition: {
          groups: [
            {
              anyOf: [
                {
                  schemaRef: 'privid:covid-test-result@1',
                  issuers: [{ issuerId: lab.issuerId }],
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
      },
    });
    expectStatus(policy, 201);
    const request = await t.app.inject({
      method: 'POST',
      url: '/v1/venue/requests',
      headers: bearer(venueKey),
      payload: { policy: 'entry' },
    });
    expectStatus(request, 201);
    requestQr = request.json().qr;
  });
  afterAll(() => t?.close());

  const image = (format: 'svg' | 'png', payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `/v1/qr.${format}`, payload: payload as object, headers });

  it('draws offers and requests as SVG that decode to exactly the API texts', async () => {
    for (const text of [offerQr, requestQr]) {
      const res = await image('svg', { text });
      expectStatus(res, 200);
      expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toBe("default-src 'none'");
      expect(res.body).not.toMatch(/<script|on\w+=/i);
      expect(decodeImage(rasterizeQrSvg(res.body))).toBe(text);
    }
  });

  it('draws them as PNG for printers, at the requested scale', async () => {
    for (const [text, scale] of [
      [offerQr, undefined],
      [requestQr, 3],
    ] as const) {
      const res = await image('png', scale === undefined ? { text } : { text, scale });
      expectStatus(res, 200);
      expect(res.headers['content-type']).toBe('image/png');
      const png = readPng(res.rawPayload);
      expect(png.width).toBe(qrMatrix(text).length * (scale ?? 8));
      expect(decodeImage(png)).toBe(text);
    }
  });

  it('uses error correction M and a light quiet zone of 4 modules', () => {
    const matrix = qrMatrix(offerQr);
    // Version v has 17 + 4v modules; M is the level whose capacity the sizes in the docs assume.
    expect(matrix.length).toBe(17 + 4 * minQrVersionM(offerQr)! + 2 * QUIET_ZONE_MODULES);
    const edge = [
      ...matrix.slice(0, QUIET_ZONE_MODULES).flat(),
      ...matrix.slice(-QUIET_ZONE_MODULES).flat(),
      ...matrix.flatMap((row) => [...row.slice(0, QUIET_ZONE_MODULES), ...row.slice(-QUIET_ZONE_MODULES)]),
    ];
    expect(edge.every((dark) => !dark)).toBe(true);
    expect(matrix[QUIET_ZONE_MODULES]![QUIET_ZONE_MODULES]).toBe(true); // the finder pattern's corner
  });

  it("draws a venue's request reference only when it names a request of this service", async () => {
    expect(requestQr).toMatch(/^openid4vp:\/\/\?client_id=/);
    const elsewhere = requestQr.replace(
      /request_uri=[^&]+/,
      `request_uri=${encodeURIComponent('https://tracker.example/v1/requests/x/object')}`,
    );
    const refused = expectProblem(await image('svg', { text: elsewhere }), 400, 'VALIDATION_FAILED');
    expect(refused).toMatchObject({
      errors: [{ path: 'body/text', message: 'the request_uri is not on this service' }],
    });
    expectProblem(await image('svg', { text: 'openid4vp://?client_id=x' }), 400, 'VALIDATION_FAILED');
    const foreignClient = requestQr.replace(
      /client_id=[^&]+/,
      `client_id=${encodeURIComponent('https://tracker.example/v1/venues/x')}`,
    );
    const notOurs = expectProblem(await image('svg', { text: foreignClient }), 400, 'VALIDATION_FAILED');
    expect(notOurs).toMatchObject({ errors: [{ message: 'the client_id is not a venue of this service' }] });
  });

  it('refuses to draw a presentation: it is drawn on the holder’s device, never sent to the service', async () => {
    const presentation = encodeQr('presentation', presentationOneItem);
    const refused = expectProblem(await image('png', { text: presentation }), 400, 'VALIDATION_FAILED');
    expect(refused).toMatchObject({ errors: [{ path: 'body/text' }] });
  });

  it('refuses anything that is not privid QR text, with a problem naming why', async () => {
    const notPrivid = expectProblem(await image('svg', { text: 'https://evil.example/' }), 400, 'VALIDATION_FAILED');
    expect(notPrivid).toMatchObject({ formatCode: 'QR_PREFIX', errors: [{ path: 'body/text' }] });
    const broken = expectProblem(await image('png', { text: `${offerQr.slice(0, -3)}~~~` }), 400, 'VALIDATION_FAILED');
    expect(broken).toMatchObject({ formatCode: 'QR_ALPHABET' });
    const truncated = expectProblem(await image('svg', { text: offerQr.slice(0, 40) }), 400, 'VALIDATION_FAILED');
    expect(String(truncated.formatCode)).toMatch(/^QR_/);
    expectProblem(await image('svg', { text: offerQr, extra: 1 }), 400, 'VALIDATION_FAILED');
    expectProblem(await image('svg', { text: '' }), 400, 'VALIDATION_FAILED');
    expectProblem(await image('svg', { text: 'PRIVID1:O:'.padEnd(5000, 'A') }), 400, 'VALIDATION_FAILED');
    expectProblem(await image('png', { text: offerQr, scale: 0 }), 400, 'VALIDATION_FAILED');
    expectProblem(await image('png', { text: offerQr, scale: 33 }), 400, 'VALIDATION_FAILED');
    expectProblem(await image('png', { text: offerQr, scale: '8' }), 400, 'VALIDATION_FAILED');
    expectProblem(await image('svg', {}), 400, 'VALIDATION_FAILED');
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/v1/qr.svg',
        payload: offerQr,
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectProblem(
      await t.app.inject({ method: 'GET', url: `/v1/qr.svg?text=${encodeURIComponent(offerQr)}` }),
      404,
      'NOT_FOUND',
    );
  });
});
