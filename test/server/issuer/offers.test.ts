// The lab desk's offers: creation (validation, keys, validity days), Idempotency-Key, listing,
// cancellation and expiry, on the embedded database and on PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeQr, parseCredentialOffer } from '../../../src/credential/index.js';
import { expireOffers } from '../../../src/server/issuer/offers.js';
import { openAttributes, SealedAttributesError } from '../../../src/server/issuer/offer-sealing.js';
import { hashSecret } from '../../../src/server/security/secrets.js';
import {
  bearer,
  covidOffer,
  createIssuerKey,
  createLab,
  createOffer,
  expectProblem,
  expectStatus,
  isoDay,
  labWithKey,
} from '../support/api.js';
import { DB_KINDS, startIssuerServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

describe.each(DB_KINDS)('offers on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startIssuerServer(kind, { env: { PRIVID_OFFER_TTL: '3600' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (apiKey: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/offers',
      headers: { ...bearer(apiKey), ...headers },
      payload: payload as object,
    });

  it('creates an offer: one-time code stored hashed, the offer JSON and its QR text, validity in days', async () => {
    const lab = await labWithKey(t);
    const before = t.clock.now().getTime();
    const created = await createOffer(t, lab);
    expect(created).toMatchObject({
      status: 'pending',
      schemaRef: 'privid:covid-test-result@1',
      keyId: lab.kid,
      validFrom: isoDay(t.clock.now()),
      validUntil: isoDay(t.clock.now(), 1),
      redeemedAt: null,
    });
    expect(created.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresAt = Date.parse(created.expiresAt);
    expect(expiresAt - before).toBeGreaterThanOrEqual(3_599_000);
    expect(expiresAt - before).toBeLessThanOrEqual(3_601_000);

    const offer = parseCredentialOffer(created.offer);
    expect(offer).toEqual({
      type: 'privid/credential-offer',
      v: 1,
      issuerId: lab.issuerId,
      issuerUrl: TEST_PUBLIC_URL,
      offerId: created.id,
      code: created.code,
      schemaRef: 'privid:covid-test-result@1',
      keyId: lab.kid,
      suite: 'BLS12-381-SHA-256',
      expiresAt: Math.floor(expiresAt / 1000),
    });
    expect(decodeQr(created.qr)).toEqual({ kind: 'offer', value: offer });

    const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.codeHash).toBe(hashSecret(created.code));
    expect(JSON.stringify(row)).not.toContain(created.code);
    const sampleDay = Math.floor(t.clock.now().getTime() / 86_400_000) - 1;
    // The values are stored sealed under a key of the code (crypto-shredding), not in clear: only the
    // code opens them.
    expect(row.attributes).toBeNull();
    expect(Buffer.from(row.sealedAttributes!).toString('latin1')).not.toMatch(/negative|antigen/);
    const values = openAttributes(created.code, created.id, row.sealedAttributes!);
    expect(JSON.parse(values)).toEqual({ testResult: 'negative', testType: 'antigen', sampleDay });
    expect(() =>
      openAttributes(
        `${created.code.slice(0, -1)}${created.code.endsWith('A') ? 'B' : 'A'}`,
        created.id,
        row.sealedAttributes!,
      ),
    ).toThrow(SealedAttributesError);
    expect(() => openAttributes(created.code, randomUUID(), row.sealedAttributes!)).toThrow(SealedAttributesError);
  });

  it('takes validFrom and date attributes as day numbers or YYYY-MM-DD', async () => {
    const lab = await labWithKey(t);
    const created = await createOffer(
      t,
      lab,
      covidOffer(t, {
        attributes: { testResult: 'positive', testType: 'pcr', sampleDay: 20_000 },
        validFrom: isoDay(t.clock.now(), 3),
        validDays: 10,
      }),
    );
    expect(created).toMatchObject({ validFrom: isoDay(t.clock.now(), 3), validUntil: isoDay(t.clock.now(), 12) });
  });

  it('refuses unknown schemas, bad attribute values and impossible validity with the reason', async () => {
    const lab = await labWithKey(t);
    expectProblem(await post(lab.apiKey, covidOffer(t, { schemaRef: 'privid:nope@1' })), 422, 'UNKNOWN_SCHEMA');
    const cases: [Record<string, unknown>, string][] = [
      [{ attributes: { testResult: 'maybe', testType: 'pcr', sampleDay: 20_000 } }, 'body/attributes/testResult'],
      [{ attributes: { testResult: 'negative', testType: 'pcr' } }, 'body/attributes/sampleDay'],
      [{ attributes: { testResult: 'negative', testType: 'pcr', sampleDay: 20_000, age: 3 } }, 'body/attributes/age'],
      [
        { attributes: { testResult: 'negative', testType: 'pcr', sampleDay: '2026-02-30' } },
        'body/attributes/sampleDay',
      ],
      [{ attributes: { testResult: 'negative', testType: 'pcr', sampleDay: true } }, 'body/attributes/sampleDay'],
      [{ validFrom: '2020-01-01', validDays: 3 }, 'body/validDays'],
      [{ validFrom: '2026-13-01' }, 'body/validFrom'],
      [{ validFrom: '9999-12-30', validDays: 5 }, 'body/validDays'],
    ];
    for (const [overrides, path] of cases) {
      const problem = expectProblem(await post(lab.apiKey, covidOffer(t, overrides)), 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
  });

  it('refuses contradictory values with a 400 naming the attributes involved, and stores nothing', async () => {
    const lab = await labWithKey(t);
    const offers = async () => t.server.db.prisma.offer.count({ where: { labId: lab.labId } });
    const ageBand = (attributes: Record<string, unknown>) => ({
      schemaRef: 'privid:age-band@1',
      attributes,
      validDays: 30,
    });
    const problem = expectProblem(
      await post(lab.apiKey, ageBand({ band: 'under-18', ageOver18: true, ageOver21: false }), {
        'idempotency-key': 'contradiction-1',
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(problem.detail).toMatch(/band, ageOver18/);
    expect(problem.detail).toMatch(/band is "under-18", so ageOver18 must be false, got true/);
    expect(problem.errors).toEqual([
      {
        path: 'body/attributes/ageOver18',
        message: 'band is "under-18", so ageOver18 must be false, got true',
        attributes: ['band', 'ageOver18'],
      },
    ]);
    expect(await offers()).toBe(0);

    // 21 implies 18, whatever the band says.
    const over21 = expectProblem(
      await post(lab.apiKey, ageBand({ band: '18-64', ageOver18: false, ageOver21: true })),
      400,
      'VALIDATION_FAILED',
    );
    expect((over21.errors as { attributes: string[] }[]).map((e) => e.attributes)).toEqual([
      ['band', 'ageOver18'],
      ['ageOver21', 'ageOver18'],
    ]);
    // A sample taken after the result starts being valid: the validity day is named by its body field.
    const early = expectProblem(
      await post(
        lab.apiKey,
        covidOffer(t, {
          attributes: { testResult: 'negative', testType: 'pcr', sampleDay: isoDay(t.clock.now(), 2) },
        }),
      ),
      400,
      'VALIDATION_FAILED',
    );
    expect(early.errors).toEqual([
      expect.objectContaining({ path: 'body/attributes/sampleDay', attributes: ['sampleDay', 'validFrom'] }),
    ]);
    expect(await offers()).toBe(0);

    // Corrected, the same Idempotency-Key creates the offer: the refusal left nothing behind.
    await createOffer(t, lab, ageBand({ band: 'under-18', ageOver18: false, ageOver21: false }), {
      'idempotency-key': 'contradiction-1',
    });
    expect(await offers()).toBe(1);
  });

  it("enforces a registered schema's invariants, and refuses a schema whose invariants name no attribute", async () => {
    const lab = await labWithKey(t);
    const register = (invariants: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/admin/schemas',
        headers: bearer(t.adminToken),
        payload: {
          labId: lab.labId,
          definition: {
            id: `lab.${kind}:membership`,
            version: 1,
            title: 'Membership',
            attributes: [
              { name: 'tier', type: 'enum', values: ['guest', 'member', 'board'] },
              { name: 'votes', type: 'boolean' },
            ],
            invariants,
          },
        },
      });
    const refused = expectProblem(
      await register([{ if: { attribute: 'tier', in: ['guest'] }, then: [{ attribute: 'vote', in: [false] }] }]),
      400,
      'VALIDATION_FAILED',
    );
    expect(refused.errors).toEqual([
      expect.objectContaining({ path: 'body/definition/invariants/0/then/0/attribute' }),
    ]);
    expectStatus(
      await register([{ if: { attribute: 'tier', in: ['guest'] }, then: [{ attribute: 'votes', in: [false] }] }]),
      201,
    );
    const body = (tier: string, votes: boolean) => ({
      schemaRef: `lab.${kind}:membership@1`,
      attributes: { tier, votes },
      validDays: 1,
    });
    const problem = expectProblem(await post(lab.apiKey, body('guest', true)), 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: 'body/attributes/votes', attributes: ['tier', 'votes'] }),
    ]);
    await createOffer(t, lab, body('guest', false));
    await createOffer(t, lab, body('board', true));
  });

  it('signs with an active key that can issue blindly, or says why it cannot', async () => {
    const lab = await createLab(t);
    expectProblem(await post(lab.apiKey, covidOffer(t)), 409, 'NO_ACTIVE_KEY');
    const legacy = await createIssuerKey(t, lab.labId, 'BBS+2020');
    expectProblem(await post(lab.apiKey, covidOffer(t)), 409, 'NO_ACTIVE_KEY');
    expectProblem(await post(lab.apiKey, covidOffer(t, { keyId: legacy.kid })), 422, 'UNSUPPORTED_SUITE');

    const older = await createIssuerKey(t, lab.labId);
    const newer = await createIssuerKey(t, lab.labId, 'BLS12-381-SHAKE-256');
    expect((await createOffer(t, lab)).keyId).toBe(newer.kid);
    const chosen = await createOffer(t, lab, covidOffer(t, { keyId: older.kid }));
    expect(chosen).toMatchObject({ keyId: older.kid, offer: { suite: 'BLS12-381-SHA-256' } });

    await t.app.inject({
      method: 'POST',
      url: `/v1/admin/labs/${lab.labId}/issuer-keys/${older.kid}/retire`,
      headers: bearer(t.adminToken),
    });
    expectProblem(await post(lab.apiKey, covidOffer(t, { keyId: older.kid })), 409, 'KEY_NOT_ACTIVE');
    const other = await labWithKey(t);
    expectProblem(await post(lab.apiKey, covidOffer(t, { keyId: other.kid })), 400, 'VALIDATION_FAILED');
  });

  it("lets a lab issue its own schemas and the shared ones, not another lab's", async () => {
    const lab = await labWithKey(t);
    const other = await labWithKey(t);
    const registered = await t.app.inject({
      method: 'POST',
      url: '/v1/admin/schemas',
      headers: bearer(t.adminToken),
      payload: {
        labId: lab.labId,
        definition: {
          id: `lab.${kind}:member`,
          version: 1,
          title: 'Member',
          attributes: [{ name: 'member', type: 'boolean' }],
        },
      },
    });
    expectStatus(registered, 201);
    const body = { schemaRef: `lab.${kind}:member@1`, attributes: { member: true }, validDays: 1 };
    await createOffer(t, lab, body);
    expectProblem(await post(other.apiKey, body), 422, 'UNKNOWN_SCHEMA');
  });

  describe('Idempotency-Key', () => {
    it('replays the same offer, with the same code, for the same key and body; refuses another body', async () => {
      const lab = await labWithKey(t);
      const headers = { 'idempotency-key': 'desk-1/visit-42' };
      const first = await post(lab.apiKey, covidOffer(t), headers);
      expectStatus(first, 201);
      // Same body with its keys in another order.
      const { attributes, ...rest } = covidOffer(t);
      const again = await post(
        lab.apiKey,
        { validDays: rest.validDays, attributes, schemaRef: rest.schemaRef },
        headers,
      );
      expectStatus(again, 201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      expect(await t.server.db.prisma.offer.count({ where: { labId: lab.labId } })).toBe(1);

      const different = await post(lab.apiKey, covidOffer(t, { validDays: 3 }), headers);
      expectProblem(different, 409, 'IDEMPOTENCY_MISMATCH');

      // Neither the key nor the body is stored as such.
      const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: first.json().id } });
      expect(row.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(row)).not.toContain('desk-1/visit-42');

      // Once the offer is no longer pending, its key cannot be replayed.
      await t.app.inject({ method: 'POST', url: `/v1/offers/${row.id}/cancel`, headers: bearer(lab.apiKey) });
      const after = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: row.id } });
      expect(after).toMatchObject({ attributes: null, sealedAttributes: null, requestHash: null });
      expectProblem(await post(lab.apiKey, covidOffer(t), headers), 409, 'CONFLICT');

      // Keys are per lab: another lab's identical key is another offer, with another code.
      const other = await labWithKey(t);
      const theirs = await post(other.apiKey, covidOffer(t), headers);
      expectStatus(theirs, 201);
      expect(theirs.json().code).not.toBe(first.json().code);
    });

    it('creates one offer when the same request is sent several times at once', async () => {
      const lab = await labWithKey(t);
      const headers = { 'idempotency-key': 'burst' };
      const results = await Promise.all(Array.from({ length: 4 }, () => post(lab.apiKey, covidOffer(t), headers)));
      for (const res of results) expectStatus(res, 201);
      expect(new Set(results.map((res) => res.json().id)).size).toBe(1);
      expect(new Set(results.map((res) => res.json().code)).size).toBe(1);
      expect(await t.server.db.prisma.offer.count({ where: { labId: lab.labId } })).toBe(1);
    });

    it('refuses malformed keys', async () => {
      const lab = await labWithKey(t);
      for (const key of ['', 'has space', 'x'.repeat(256), 'ünïcode']) {
        expectProblem(await post(lab.apiKey, covidOffer(t), { 'idempotency-key': key }), 400, 'VALIDATION_FAILED');
      }
    });
  });

  describe('listing, cancelling, expiring', () => {
    it("lists the lab's own offers with status and no attribute values, a page at a time", async () => {
      const lab = await labWithKey(t);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await createOffer(t, lab)).id);
      const other = await labWithKey(t);
      await createOffer(t, other);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Awaited<ReturnType<typeof t.app.inject>> = await t.app.inject({
          method: 'GET',
          url: `/v1/offers?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          headers: bearer(lab.apiKey),
        });
        expectStatus(res, 200);
        expect(res.body).not.toMatch(/negative|antigen|"code"/);
        const page = res.json() as { offers: { id: string }[]; nextCursor: string | null };
        expect(page.offers.length).toBeLessThanOrEqual(2);
        seen.push(...page.offers.map((o) => o.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual([...ids].sort());

      const one = await t.app.inject({ method: 'GET', url: `/v1/offers/${ids[0]}`, headers: bearer(lab.apiKey) });
      expectStatus(one, 200);
      expect(Object.keys(one.json()).sort()).toEqual(
        ['expiresAt', 'id', 'keyId', 'redeemedAt', 'schemaRef', 'status', 'validFrom', 'validUntil'].sort(),
      );
      expectProblem(
        await t.app.inject({ method: 'GET', url: `/v1/offers/${ids[0]}`, headers: bearer(other.apiKey) }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await t.app.inject({ method: 'GET', url: '/v1/offers?cursor=bogus', headers: bearer(lab.apiKey) }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('cancels a pending offer and deletes its attribute values; a second cancel is refused', async () => {
      const lab = await labWithKey(t);
      const created = await createOffer(t, lab);
      const cancel = () =>
        t.app.inject({ method: 'POST', url: `/v1/offers/${created.id}/cancel`, headers: bearer(lab.apiKey) });
      const res = await cancel();
      expectStatus(res, 200);
      expect(res.json().status).toBe('cancelled');
      const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: created.id } });
      expect(row).toMatchObject({ status: 'cancelled', attributes: null, sealedAttributes: null });
      expectProblem(await cancel(), 410, 'OFFER_CANCELLED');
      const other = await labWithKey(t);
      expectProblem(
        await t.app.inject({ method: 'POST', url: `/v1/offers/${created.id}/cancel`, headers: bearer(other.apiKey) }),
        404,
        'NOT_FOUND',
      );
    });

    it('expires offers after PRIVID_OFFER_TTL and deletes their attribute values', async () => {
      const lab = await labWithKey(t);
      const created = await createOffer(t, lab);
      t.clock.advance(3_601_000);
      try {
        const listed = await t.app.inject({
          method: 'GET',
          url: '/v1/offers?status=expired',
          headers: bearer(lab.apiKey),
        });
        expect(listed.json().offers.map((o: { id: string }) => o.id)).toContain(created.id);
        expect(await expireOffers(t.server.context)).toBeGreaterThanOrEqual(1);
        const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: created.id } });
        expect(row).toMatchObject({ status: 'expired', attributes: null, sealedAttributes: null });
        const events = await t.server.db.prisma.auditEvent.findMany({ where: { subjectId: created.id } });
        expect(events.map((e) => [e.action, e.actorKind])).toEqual(
          expect.arrayContaining([
            ['offer.created', 'lab'],
            ['offer.expired', 'system'],
          ]),
        );
      } finally {
        t.clock.advance(-3_601_000);
      }
    });

    it("moves a rotated key's pending offers to the new key", async () => {
      const lab = await labWithKey(t);
      const created = await createOffer(t, lab);
      const rotate = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/rotate`,
        headers: bearer(t.adminToken),
        payload: {},
      });
      const { active } = rotate.json();
      const one = await t.app.inject({ method: 'GET', url: `/v1/offers/${created.id}`, headers: bearer(lab.apiKey) });
      expect(one.json().keyId).toBe(active.kid);
    });
  });
});
