// Malformed requests: each answers the documented problem (status, problem+json, catalogue code)
// and leaves every table exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  bearer,
  covidOffer,
  createOffer,
  expectProblem,
  expectStatus,
  labWithKey,
  type LabFixture,
} from '../support/api.js';
import { DB_KINDS, dumpTables, startIssuerServer, type TestServer } from '../support/server.js';

interface Case {
  name: string;
  method?: 'POST' | 'GET';
  url: string;
  auth: 'lab' | 'admin' | 'none';
  /** A JSON value (serialized here), or raw text sent as is. */
  body?: unknown;
  raw?: string;
  contentType?: string;
  status: number;
  code: string;
}

const b64 = (bytes: number, fill = 7) => Buffer.alloc(bytes, fill).toString('base64url');

describe.each(DB_KINDS)('malformed requests on %s', (kind) => {
  let t: TestServer;
  let lab: LabFixture & { kid: string };
  let offer: { id: string; code: string };

  beforeAll(async () => {
    t = await startIssuerServer(kind, { env: { PRIVID_BODY_LIMIT: '65536' } });
    lab = await labWithKey(t);
    offer = await createOffer(t, lab);
    // Warm-up: the first use of an API key records its day, which is not what these cases are about.
    expectStatus(await t.app.inject({ method: 'GET', url: '/v1/offers', headers: bearer(lab.apiKey) }), 200);
  });
  afterAll(async () => {
    await t?.close();
  });

  const offerBody = (overrides: Record<string, unknown>) => ({ ...covidOffer(t), ...overrides });
  const attributes = (overrides: Record<string, unknown>) =>
    offerBody({ attributes: { ...covidOffer(t).attributes, ...overrides } });
  const redeemBody = (overrides: Record<string, unknown>) => ({
    type: 'privid/issuance-request',
    v: 1,
    offerId: offer.id,
    code: offer.code,
    commitmentWithProof: b64(120),
    ...overrides,
  });
  const offers = (c: Omit<Case, 'url' | 'auth'>): Case => ({ url: '/v1/offers', auth: 'lab', ...c });
  const redeem = (c: Omit<Case, 'url' | 'auth'>): Case => ({
    url: `/v1/offers/${offer.id}/redeem`,
    auth: 'none',
    ...c,
  });
  const invalid = { status: 400, code: 'VALIDATION_FAILED' };

  const cases = (): Case[] => [
    // Not JSON, or not the JSON that was announced.
    offers({ name: 'truncated JSON', raw: '{"schemaRef":', status: 400, code: 'MALFORMED_JSON' }),
    offers({ name: 'empty JSON body (the offer needs one)', raw: '', ...invalid }),
    offers({ name: 'trailing garbage', raw: '{"validDays":2}}', status: 400, code: 'MALFORMED_JSON' }),
    offers({
      name: '__proto__ key',
      raw: '{"__proto__":{"admin":true},"validDays":2}',
      status: 400,
      code: 'MALFORMED_JSON',
    }),
    offers({
      name: 'constructor.prototype key',
      raw: '{"constructor":{"prototype":{"admin":true}}}',
      status: 400,
      code: 'MALFORMED_JSON',
    }),
    offers({
      name: 'text/plain body',
      raw: 'hello',
      contentType: 'text/plain',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    }),
    offers({
      name: 'XML body',
      raw: '<offer/>',
      contentType: 'application/xml',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    }),
    offers({
      name: 'form body',
      raw: 'validDays=2',
      contentType: 'application/x-www-form-urlencoded',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    }),
    offers({
      name: 'oversized body',
      body: offerBody({ pad: 'x'.repeat(70_000) }),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    }),
    // The wrong JSON shape.
    offers({ name: 'null body', raw: 'null', ...invalid }),
    offers({ name: 'array for the object', body: [covidOffer(t)], ...invalid }),
    offers({ name: 'string for the object', body: 'offer', ...invalid }),
    offers({ name: 'missing schemaRef', body: { ...covidOffer(t), schemaRef: undefined }, ...invalid }),
    offers({ name: 'missing validDays', body: { ...covidOffer(t), validDays: undefined }, ...invalid }),
    offers({ name: 'unknown field', body: offerBody({ admin: true }), ...invalid }),
    offers({
      name: 'duplicate key, last one wrong',
      raw: JSON.stringify(covidOffer(t)).replace(/}$/, ',"validDays":"2"}'),
      ...invalid,
    }),
    offers({ name: 'schemaRef as a number', body: offerBody({ schemaRef: 42 }), ...invalid }),
    offers({ name: 'schemaRef null', body: offerBody({ schemaRef: null }), ...invalid }),
    offers({ name: 'huge schemaRef', body: offerBody({ schemaRef: `a:${'b'.repeat(20_000)}@1` }), ...invalid }),
    offers({ name: 'validDays as a string (no coercion)', body: offerBody({ validDays: '2' }), ...invalid }),
    offers({ name: 'validDays zero', body: offerBody({ validDays: 0 }), ...invalid }),
    offers({ name: 'validDays negative', body: offerBody({ validDays: -1 }), ...invalid }),
    offers({ name: 'validDays fractional', body: offerBody({ validDays: 1.5 }), ...invalid }),
    offers({
      name: 'validDays huge',
      raw: JSON.stringify(covidOffer(t)).replace('"validDays":2', '"validDays":1e308'),
      ...invalid,
    }),
    offers({ name: 'validFrom not a date', body: offerBody({ validFrom: 'tomorrow' }), ...invalid }),
    offers({ name: 'validFrom impossible date', body: offerBody({ validFrom: '2026-02-30' }), ...invalid }),
    offers({ name: 'keyId with spaces', body: offerBody({ keyId: 'ik one' }), ...invalid }),
    offers({ name: 'attributes as an array', body: offerBody({ attributes: ['negative'] }), ...invalid }),
    offers({ name: 'attributes null', body: offerBody({ attributes: null }), ...invalid }),
    offers({ name: 'attribute value an object', body: attributes({ testResult: { value: 'negative' } }), ...invalid }),
    offers({ name: 'attribute value null', body: attributes({ testResult: null }), ...invalid }),
    offers({ name: 'attribute value huge', body: attributes({ testResult: 'n'.repeat(50_000) }), ...invalid }),
    offers({
      name: 'attribute deeply nested',
      raw: JSON.stringify(covidOffer(t)).replace('"negative"', `${'['.repeat(5000)}${']'.repeat(5000)}`),
      ...invalid,
    }),
    offers({
      name: 'unicode look-alike value (dotless i)',
      body: attributes({ testResult: 'negat\u0131ve' }),
      ...invalid,
    }),
    offers({
      name: 'zero-width space in an attribute name',
      body: attributes({ 'testResult\u200b': 'negative' }),
      ...invalid,
    }),
    offers({
      name: 'lone surrogate in schemaRef',
      body: offerBody({ schemaRef: 'privid:covid-test-result\ud800@1' }),
      ...invalid,
    }),
    offers({ name: 'fullwidth digits in a date', body: attributes({ sampleDay: '２０２６-01-01' }), ...invalid }),
    offers({ name: 'negative day number', body: attributes({ sampleDay: -5 }), ...invalid }),
    // Redemption: the issuance request format.
    redeem({ name: 'redeem: missing commitment', body: redeemBody({ commitmentWithProof: undefined }), ...invalid }),
    redeem({ name: 'redeem: wrong format type', body: redeemBody({ type: 'privid/credential' }), ...invalid }),
    redeem({ name: 'redeem: unsupported version', body: redeemBody({ v: 2 }), ...invalid }),
    redeem({
      name: 'redeem: commitment padded base64',
      body: redeemBody({ commitmentWithProof: `${b64(121)}==` }),
      ...invalid,
    }),
    redeem({
      name: 'redeem: commitment in standard base64',
      body: redeemBody({ commitmentWithProof: Buffer.alloc(120, 0xfb).toString('base64') }),
      ...invalid,
    }),
    redeem({ name: 'redeem: commitment too short', body: redeemBody({ commitmentWithProof: b64(16) }), ...invalid }),
    redeem({ name: 'redeem: commitment too long', body: redeemBody({ commitmentWithProof: b64(3000) }), ...invalid }),
    redeem({ name: 'redeem: commitment a number', body: redeemBody({ commitmentWithProof: 12345 }), ...invalid }),
    redeem({
      name: 'redeem: code non-canonical base64url',
      body: redeemBody({ code: `${offer.code.slice(0, -1)}B` }),
      ...invalid,
    }),
    redeem({ name: 'redeem: code too short', body: redeemBody({ code: b64(8) }), ...invalid }),
    redeem({ name: 'redeem: offerId with unicode', body: redeemBody({ offerId: 'ofé-12345678' }), ...invalid }),
    redeem({ name: 'redeem: unknown field', body: redeemBody({ holderName: 'Alice' }), ...invalid }),
    redeem({
      name: 'redeem: wrong code',
      body: redeemBody({ code: b64(32, 9) }),
      status: 401,
      code: 'OFFER_CODE_INVALID',
    }),
    {
      name: 'redeem: unknown offer',
      url: '/v1/offers/00000000-0000-4000-8000-000000000000/redeem',
      auth: 'none',
      body: redeemBody({ offerId: '00000000-0000-4000-8000-000000000000' }),
      status: 401,
      code: 'OFFER_CODE_INVALID',
    },
    redeem({ name: 'redeem: body for another offer', body: redeemBody({ offerId: 'other-offer-id' }), ...invalid }),
    // Well-formed JSON, malformed cryptography (checked with the right code, before anything is signed).
    redeem({
      name: 'redeem: commitment not a curve point',
      body: redeemBody({ commitmentWithProof: b64(144, 0xff) }),
      status: 400,
      code: 'INVALID_CRYPTO_INPUT',
    }),
    redeem({
      name: 'redeem: commitment of a wrong length',
      body: redeemBody({ commitmentWithProof: b64(120) }),
      status: 400,
      code: 'INVALID_CRYPTO_INPUT',
    }),
    redeem({
      name: 'redeem: commitment to two secrets',
      body: redeemBody({ commitmentWithProof: b64(176) }),
      status: 400,
      code: 'INVALID_CRYPTO_INPUT',
    }),
    // Admin bodies and query strings.
    { name: 'lab name empty', url: '/v1/admin/labs', auth: 'admin', body: { name: '' }, ...invalid },
    { name: 'lab name with a NUL', url: '/v1/admin/labs', auth: 'admin', body: { name: 'Lab\u0000' }, ...invalid },
    {
      name: 'lab name with a lone surrogate',
      url: '/v1/admin/labs',
      auth: 'admin',
      body: { name: 'Lab\udfff' },
      ...invalid,
    },
    {
      name: 'schema title with a NUL',
      url: '/v1/admin/schemas',
      auth: 'admin',
      body: {
        definition: { id: 'lab.x:y', version: 1, title: 'Y\u0000', attributes: [{ name: 'a', type: 'boolean' }] },
      },
      ...invalid,
    },
    {
      name: 'schema description with a lone surrogate',
      url: '/v1/admin/schemas',
      auth: 'admin',
      body: {
        definition: {
          id: 'lab.x:y',
          version: 1,
          title: 'Y',
          description: '\ud800',
          attributes: [{ name: 'a', type: 'boolean' }],
        },
      },
      ...invalid,
    },
    {
      name: 'offer attribute value with a NUL',
      url: '/v1/offers',
      auth: 'lab',
      body: covidOffer(t, { attributes: { testResult: 'negative\u0000', testType: 'antigen', sampleDay: 20_000 } }),
      ...invalid,
    },
    { name: 'offer id with a NUL', method: 'GET', url: '/v1/offers/a%00b', auth: 'lab', ...invalid },
    {
      name: 'offer id not UTF-8 (a lone surrogate)',
      method: 'GET',
      url: '/v1/offers/a%ED%BF%BFb',
      auth: 'lab',
      ...invalid,
    },
    { name: 'cursor with a NUL', method: 'GET', url: '/v1/offers?cursor=%00', auth: 'lab', ...invalid },
    { name: 'lab name as an array', url: '/v1/admin/labs', auth: 'admin', body: { name: ['Lab'] }, ...invalid },
    { name: 'lab name huge', url: '/v1/admin/labs', auth: 'admin', body: { name: 'L'.repeat(10_000) }, ...invalid },
    {
      name: 'schema attributes as an object',
      url: '/v1/admin/schemas',
      auth: 'admin',
      body: { definition: { id: 'lab.x:y', version: 1, title: 'Y', attributes: { a: 'boolean' } } },
      ...invalid,
    },
    {
      name: 'issuer key suite unknown',
      url: `/v1/admin/labs/${lab.labId}/issuer-keys`,
      auth: 'admin',
      body: { suite: 'bbs' },
      ...invalid,
    },
    { name: 'lab id not a uuid', url: '/v1/admin/labs/not-a-uuid/api-keys', auth: 'admin', ...invalid },
    { name: 'limit not a number', method: 'GET', url: '/v1/offers?limit=ten', auth: 'lab', ...invalid },
    { name: 'limit zero', method: 'GET', url: '/v1/offers?limit=0', auth: 'lab', ...invalid },
    { name: 'unknown query parameter', method: 'GET', url: '/v1/offers?admin=1', auth: 'lab', ...invalid },
    { name: 'unknown status filter', method: 'GET', url: '/v1/offers?status=withdrawn', auth: 'lab', ...invalid },
  ];

  it('has at least 30 kinds of malformed request', () => {
    expect(cases().length).toBeGreaterThanOrEqual(30);
  });

  it('answers each with its problem and changes no stored data', async () => {
    // Failed authentications (wrong offer codes) are counted, by design, in rate_counters, which
    // dumpTables leaves out: everything else stays as it was.
    const stored = () => dumpTables(t.server);
    const before = await stored();
    const failures: string[] = [];
    for (const c of cases()) {
      const headers: Record<string, string> = {
        ...(c.auth === 'lab' ? bearer(lab.apiKey) : c.auth === 'admin' ? bearer(t.adminToken) : {}),
      };
      if (c.raw !== undefined || c.body !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
      const res = await t.app.inject({
        method: c.method ?? 'POST',
        url: c.url,
        headers,
        ...(c.raw !== undefined ? { payload: c.raw } : c.body !== undefined ? { payload: JSON.stringify(c.body) } : {}),
      });
      try {
        expectProblem(res, c.status, c.code);
      } catch {
        failures.push(`${c.name}: expected ${c.status} ${c.code}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await stored()).toEqual(before);

    // The offer the redemption cases aimed at is still pending, with its values.
    const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: offer.id } });
    expect(row.status).toBe('pending');
    expect(row.sealedAttributes).not.toBeNull();
  });
});
