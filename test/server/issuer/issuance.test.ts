// Blind issuance end to end: admin → lab → offer → the wallet redeems with a real commitment to
// its holder secret → the credential verifies and proves selectively. Key rotation, exactly-once
// redemption, expiry, bad commitments and the redemption rate limit, on the embedded database and
// on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeQr } from '../../../src/credential/index.js';
import {
  bearer,
  covidOffer,
  createOffer,
  expectProblem,
  expectStatus,
  labWithKey,
  redeem,
  type LabFixture,
} from '../support/api.js';
import {
  holderFor,
  proveAndVerify,
  tamperedCommitment,
  verifyCredential,
  withCommitment,
  type IssuedCredential,
} from '../support/holder.js';
import { DB_KINDS, startIssuerServer, type TestServer } from '../support/server.js';

type Offer = { id: string; code: string; qr: string; offer: { offerId: string; code: string; keyId: string } };

describe.each(DB_KINDS)('issuance on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startIssuerServer(kind, { env: { PRIVID_OFFER_TTL: '600' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function publicKeyOf(lab: LabFixture, kid: string): Promise<{ key: Uint8Array; status: string }> {
    const metadata = (await t.app.inject({ method: 'GET', url: `/v1/issuers/${lab.labId}` })).json();
    const published = metadata.keys.find((k: { kid: string }) => k.kid === kid);
    return { key: new Uint8Array(Buffer.from(published.jwk.x, 'base64url')), status: published.status };
  }

  it('issues a credential the wallet accepts under the published key, and that proves selectively', async () => {
    const lab = await labWithKey(t);
    const created: Offer = await createOffer(t, lab);

    // The wallet scans the QR code: everything it needs is in there.
    const scanned = decodeQr(created.qr);
    expect(scanned.kind).toBe('offer');
    const holder = holderFor(scanned.value);
    const res = await redeem(t, holder.request);
    expectStatus(res, 200);
    const credential = res.json() as IssuedCredential & { type: string };
    const today = Math.floor(t.clock.now().getTime() / 86_400_000);
    expect(credential).toEqual({
      type: 'privid/credential',
      v: 1,
      suite: 'BLS12-381-SHA-256',
      issuerId: lab.issuerId,
      keyId: holder.offer.keyId,
      schemaRef: 'privid:covid-test-result@1',
      validFrom: today,
      validUntil: today + 1,
      attributes: { testResult: 'negative', testType: 'antigen', sampleDay: today - 1 },
      signature: expect.stringMatching(/^[A-Za-z0-9_-]{107}$/),
    });

    const { key } = await publicKeyOf(lab, holder.offer.keyId);
    expect(verifyCredential(credential, key, holder)).toBe(true);
    // Another holder secret, or another attribute value, does not verify.
    expect(verifyCredential(credential, key, holderFor(created.offer))).toBe(false);
    const forged = { ...credential, attributes: { ...credential.attributes, testResult: 'positive' } };
    expect(verifyCredential(forged, key, holder)).toBe(false);
    expect(proveAndVerify(credential, key, holder, ['testResult', 'validUntil'])).toBe(true);

    const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({
      status: 'redeemed',
      attributes: null,
      sealedAttributes: null,
      redeemedAt: expect.any(Date),
    });
    const listed = await t.app.inject({ method: 'GET', url: `/v1/offers/${created.id}`, headers: bearer(lab.apiKey) });
    expect(listed.json()).toMatchObject({ status: 'redeemed', redeemedAt: expect.any(String) });
  });

  it('keeps credentials of a rotated key verifiable, signs new ones with the new key, flags a revoked key', async () => {
    const lab = await labWithKey(t);
    const before: Offer = await createOffer(t, lab);
    const pending: Offer = await createOffer(t, lab);
    const holder = holderFor(before.offer);
    const oldCredential = (await redeem(t, holder.request)).json();
    expect(oldCredential.keyId).toBe(lab.kid);

    const rotated = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/rotate`,
      headers: bearer(t.adminToken),
      payload: {},
    });
    expectStatus(rotated, 201);
    const newKid = rotated.json().active.kid as string;

    const old = await publicKeyOf(lab, lab.kid);
    expect(old.status).toBe('retired');
    expect(verifyCredential(oldCredential, old.key, holder)).toBe(true);
    expect(proveAndVerify(oldCredential, old.key, holder, ['testResult'])).toBe(true);

    // The offer made before the rotation is signed by the new key (same holder secret), as is a new one.
    const pendingHolder = holderFor({ ...pending.offer, keyId: newKid }, holder.secret);
    const fromPending = (await redeem(t, pendingHolder.request)).json();
    const fresh: Offer = await createOffer(t, lab);
    expect(fresh.offer.keyId).toBe(newKid);
    const newCredential = (await redeem(t, holderFor(fresh.offer).request)).json();
    expect([fromPending.keyId, newCredential.keyId]).toEqual([newKid, newKid]);
    const current = await publicKeyOf(lab, newKid);
    expect(verifyCredential(fromPending, current.key, pendingHolder)).toBe(true);
    expect(verifyCredential(fromPending, old.key, pendingHolder)).toBe(false);

    await t.app.inject({
      method: 'POST',
      url: `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/revoke`,
      headers: bearer(t.adminToken),
    });
    expect((await publicKeyOf(lab, lab.kid)).status).toBe('revoked');
  });

  it('refuses to sign with a key revoked without rotation', async () => {
    const lab = await labWithKey(t);
    const created: Offer = await createOffer(t, lab);
    await t.app.inject({
      method: 'POST',
      url: `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/revoke`,
      headers: bearer(t.adminToken),
    });
    expectProblem(await redeem(t, holderFor(created.offer).request), 409, 'KEY_NOT_ACTIVE');
  });

  it('redeems an offer once: a second redemption, sequential or concurrent, is OFFER_ALREADY_REDEEMED', async () => {
    const lab = await labWithKey(t);
    const sequential: Offer = await createOffer(t, lab);
    expectStatus(await redeem(t, holderFor(sequential.offer).request), 200);
    expectProblem(await redeem(t, holderFor(sequential.offer).request), 409, 'OFFER_ALREADY_REDEEMED');

    for (let round = 0; round < 3; round++) {
      const concurrent: Offer = await createOffer(t, lab);
      const holders = Array.from({ length: 3 }, () => holderFor(concurrent.offer));
      const results = await Promise.all(holders.map((holder) => redeem(t, holder.request)));
      expect(results.map((res) => res.statusCode).sort()).toEqual([200, 409, 409]);
      for (const res of results.filter((r) => r.statusCode === 409)) expectProblem(res, 409, 'OFFER_ALREADY_REDEEMED');
      const events = await t.server.db.prisma.auditEvent.count({
        where: { subjectId: concurrent.id, action: 'offer.redeemed' },
      });
      expect(events).toBe(1);
    }
  });

  it('refuses an expired offer (OFFER_EXPIRED, values deleted) and a cancelled one (OFFER_CANCELLED)', async () => {
    const lab = await labWithKey(t);
    const created: Offer = await createOffer(t, lab);
    t.clock.advance(601_000);
    try {
      expectProblem(await redeem(t, holderFor(created.offer).request), 410, 'OFFER_EXPIRED');
      const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: created.id } });
      expect(row).toMatchObject({ status: 'expired', attributes: null, sealedAttributes: null });
    } finally {
      t.clock.advance(-601_000);
    }
    const cancelled: Offer = await createOffer(t, lab);
    await t.app.inject({ method: 'POST', url: `/v1/offers/${cancelled.id}/cancel`, headers: bearer(lab.apiKey) });
    expectProblem(await redeem(t, holderFor(cancelled.offer).request), 410, 'OFFER_CANCELLED');
  });

  it('refuses a commitment whose proof fails (COMMITMENT_INVALID) or that is malformed; the offer stays redeemable', async () => {
    const lab = await labWithKey(t);
    const created: Offer = await createOffer(t, lab);
    const holder = holderFor(created.offer);
    expectProblem(await redeem(t, withCommitment(holder, tamperedCommitment(holder))), 422, 'COMMITMENT_INVALID');

    const badPoint = new Uint8Array(holder.commitmentWithProof);
    badPoint.fill(0xff, 0, 48);
    const identity = new Uint8Array(holder.commitmentWithProof);
    identity.fill(0, 0, 48);
    identity[0] = 0xc0;
    const scalarOutOfRange = new Uint8Array(holder.commitmentWithProof);
    scalarOutOfRange.fill(0xff, 48, 80);
    const twoSecrets = new Uint8Array([...holder.commitmentWithProof, ...new Uint8Array(32).fill(1)]);
    const truncated = holder.commitmentWithProof.slice(0, holder.commitmentWithProof.length - 7);
    for (const bytes of [badPoint, identity, scalarOutOfRange, twoSecrets, truncated]) {
      expectProblem(await redeem(t, withCommitment(holder, bytes)), 400, 'INVALID_CRYPTO_INPUT');
    }
    const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.status).toBe('pending');
    expect(row.sealedAttributes).not.toBeNull();

    expectStatus(await redeem(t, holder.request), 200);
  });

  it('refuses wrong codes, codes of other offers, and a body for another offer than the URL', async () => {
    const lab = await labWithKey(t);
    const created: Offer = await createOffer(t, lab);
    const other: Offer = await createOffer(t, lab);
    const holder = holderFor(created.offer);
    const wrong = { ...holder.request, code: Buffer.alloc(32, 1).toString('base64url') };
    expectProblem(await redeem(t, wrong), 401, 'OFFER_CODE_INVALID');
    expectProblem(await redeem(t, { ...holder.request, code: other.code }), 401, 'OFFER_CODE_INVALID');
    const mismatch = await redeem(t, holder.request, { offerId: other.id });
    expect(expectProblem(mismatch, 400, 'VALIDATION_FAILED').errors).toEqual([
      expect.objectContaining({ path: 'body/offerId' }),
    ]);
    expectStatus(await redeem(t, holder.request), 200);
  });
});

describe.each(DB_KINDS)('redemption limits on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startIssuerServer(kind, { env: { PRIVID_REDEEM_RATE_LIMIT: '4', PRIVID_AUTH_FAILURE_RATE_LIMIT: '2' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('rate-limits redemptions per client with 429 and Retry-After', async () => {
    const lab = await labWithKey(t);
    const remoteAddress = '192.0.2.10';
    const responses = [];
    for (let i = 0; i < 5; i++) {
      const created: Offer = await createOffer(t, lab, covidOffer(t));
      responses.push(await redeem(t, holderFor(created.offer).request, { remoteAddress }));
    }
    expect(responses.map((res) => res.statusCode)).toEqual([200, 200, 200, 200, 429]);
    expectProblem(responses[4]!, 429, 'RATE_LIMITED');
    expect(Number(responses[4]!.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('stops a wrong code after too many tries, without touching the offer or locking out the right code', async () => {
    const lab = await labWithKey(t);
    const created: Offer = await createOffer(t, lab);
    const remoteAddress = '192.0.2.20';
    const holder = holderFor(created.offer);
    const wrong = { ...holder.request, code: Buffer.alloc(32, 2).toString('base64url') };
    for (let i = 0; i < 2; i++) expectProblem(await redeem(t, wrong, { remoteAddress }), 401, 'OFFER_CODE_INVALID');
    const locked = await redeem(t, wrong, { remoteAddress });
    expectProblem(locked, 429, 'RATE_LIMITED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // The holder, behind the same address, redeems it with the right code.
    expectStatus(await redeem(t, holder.request, { remoteAddress }), 200);
  });
});
