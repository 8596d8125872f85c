// The trust list: an issuer followed by its metadata URL (served by a second HTTP server on
// 127.0.0.1), synced with If-None-Match, kept working from its snapshot while the issuer is down,
// picking up key retirement and revocation on the next sync; issuers pinned to keys (JWK, Multikey)
// with every key validated; the kiosk snapshot; on the embedded database and on PostgreSQL.
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pointToOctetsG2 } from '../../../src/bbs/index.js';
import { publicKeyMultibase } from '../../../src/server/issuer/public-keys.js';
import { verifierServiceOf } from '../../../src/server/verifier/service.js';
import { parseTrustList, verifyPresentation } from '../../../src/verifier/index.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import {
  bearer,
  COVID,
  createPolicy,
  createVenue,
  DB_KINDS,
  entryPolicy,
  expectProblem,
  expectStatus,
  give,
  NEGATIVE_TEST,
  newRequest,
  newWallet,
  present,
  serveMetadata,
  startTestServer,
  submit,
  TestIssuer,
  todayOf,
  type MetadataServer,
  type TestServer,
  type VenueFixture,
} from './support.js';

describe.each(DB_KINDS)('trust list on %s', (kind) => {
  let t: TestServer;
  let venue: VenueFixture;
  let served: MetadataServer;
  let port: number;
  const lab = new TestIssuer(undefined, 'Remote Lab');
  let entryId: string;

  beforeAll(async () => {
    t = await startTestServer(kind, { env: { PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '1000000' } });
    served = await serveMetadata(lab);
    port = Number(new URL(served.url).port);
    lab.issuerId = `${served.url}/v1/issuers/${randomUUID()}`;
    venue = await createVenue(t);
  });
  afterAll(async () => {
    await served?.stop().catch(() => undefined);
    await t?.close();
  });

  const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(t.adminToken), ...(payload ? { payload } : {}) });

  async function attempt(wallet: ReturnType<typeof newWallet>) {
    const created = await newRequest(t, venue, 'entry');
    const res = await submit(t, created.id, await present(t, wallet, created.request));
    expectStatus(res, 200);
    return res.json() as { status: string; reasons: { code: string }[] };
  }

  async function walletWithTest() {
    const wallet = newWallet(t, [lab]);
    const today = todayOf(t);
    await give(wallet, lab, COVID, { ...NEGATIVE_TEST, sampleDay: today }, { from: today, until: today + 1 });
    return wallet;
  }

  it('follows an issuer by metadata URL: keys synced, ETag kept, If-None-Match sent, 304 changes nothing', async () => {
    const res = await admin('POST', '/v1/admin/trusted-issuers', { metadataUrl: lab.issuerId, label: 'Remote lab' });
    expectStatus(res, 201);
    const entry = res.json();
    entryId = entry.id;
    expect(entry).toMatchObject({
      source: 'metadata-url',
      issuerId: lab.issuerId,
      metadataUrl: lab.issuerId,
      name: 'Remote Lab',
      lastSyncError: null,
      keys: [{ kid: lab.activeKey.kid, status: 'active', suite: 'BLS12-381-SHA-256' }],
    });
    expect(entry.etag).toMatch(/^".+"$/);
    expect(entry.lastSyncedAt).not.toBeNull();
    // A policy naming a trusted issuer gets no warning.
    const policy = await createPolicy(t, venue, 'entry', entryPolicy([lab.issuerId]));
    expect(policy.warnings).toEqual([]);
    expect((await attempt(await walletWithTest())).status).toBe('accepted');

    const before = served.requests.length;
    const synced = await admin('POST', `/v1/admin/trusted-issuers/${entryId}/sync`);
    expectStatus(synced, 200);
    expect(served.requests.slice(before)).toEqual([{ ifNoneMatch: entry.etag }]);
    expect(synced.json()).toMatchObject({ etag: entry.etag, lastSyncError: null });
  });

  it('keeps verifying from its snapshot while the issuer is down, and records the error', async () => {
    const wallet = await walletWithTest();
    await served.stop();
    const res = await admin('POST', `/v1/admin/trusted-issuers/${entryId}/sync`);
    expectStatus(res, 200);
    expect(res.json().lastSyncError).toMatch(/fetch failed|ECONNREFUSED/);
    expect(res.json().keys).toHaveLength(1);
    expect((await attempt(wallet)).status).toBe('accepted');
    // The scheduled sync of every issuer says the same.
    const all = await admin('POST', '/v1/admin/trusted-issuers/sync', {});
    expectStatus(all, 200);
    expect(all.json().trustedIssuers[0].lastSyncError).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it('honours retirement and revocation at the next sync once the issuer is back', async () => {
    const oldKeyWallet = await walletWithTest();
    // The issuer rotates: the old key is retired (its credentials stay valid), a new one signs.
    lab.activeKey.status = 'retired';
    lab.addKey();
    served = await serveMetadata(lab, port);
    let res = await admin('POST', `/v1/admin/trusted-issuers/${entryId}/sync`);
    expect(res.json()).toMatchObject({ lastSyncError: null });
    expect(res.json().keys.map((k: { status: string }) => k.status)).toEqual(['retired', 'active']);
    expect((await attempt(oldKeyWallet)).status).toBe('accepted');
    const newKeyWallet = await walletWithTest();
    expect((await attempt(newKeyWallet)).status).toBe('accepted');

    // The old key is revoked at the issuer: rejected from the next sync on.
    lab.keys[0]!.status = 'revoked';
    res = await admin('POST', `/v1/admin/trusted-issuers/${entryId}/sync`);
    expect(res.json().keys.map((k: { status: string }) => k.status)).toEqual(['revoked', 'active']);
    const rejected = await attempt(oldKeyWallet);
    expect(rejected.status).toBe('rejected');
    expect(rejected.reasons.map((r) => r.code)).toContain('KEY_REVOKED');
    expect((await attempt(newKeyWallet)).status).toBe('accepted');
  });

  it('refuses metadata with an invalid key and keeps the last good snapshot', async () => {
    const good = lab.keys[1]!;
    const saved = good.publicKey;
    good.publicKey = new Uint8Array(96).fill(0xaa);
    try {
      const res = await admin('POST', `/v1/admin/trusted-issuers/${entryId}/sync`);
      expect(res.json().lastSyncError).toMatch(/not a valid BLS12-381 G2 public key/);
      expect(res.json().keys.map((k: { status: string }) => k.status)).toEqual(['revoked', 'active']);
    } finally {
      good.publicKey = saved;
    }
  });

  it('gives kiosks the trust list in privid/verifier’s format, cacheable, usable offline', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/venue/trust-list', headers: bearer(venue.key) });
    expectStatus(res, 200);
    const list = parseTrustList(res.json());
    expect(list.issuers.find((i) => i.issuerId === lab.issuerId)?.keys.map((k) => k.status)).toEqual([
      'revoked',
      'active',
    ]);
    const etag = res.headers.etag as string;
    const again = await t.app.inject({
      method: 'GET',
      url: '/v1/venue/trust-list',
      headers: { ...bearer(venue.key), 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);

    // A kiosk verifies a presentation with the list and no server.
    const wallet = await walletWithTest();
    const created = await newRequest(t, venue, 'entry');
    const presentation = await present(t, wallet, created.request);
    const result = verifyPresentation(presentation, created.request, list, {
      today: todayOf(t),
      nowSeconds: Math.floor(t.clock.now().getTime() / 1000),
    });
    expect(result.accepted).toBe(true);
  });

  it('pins issuers to keys given as JWK or Multikey, and validates every key', async () => {
    const pinned = new TestIssuer(undefined, 'Pinned Lab');
    const [first] = pinned.keys;
    const second = pinned.addKey();
    const res = await admin('POST', '/v1/admin/trusted-issuers', {
      issuerId: pinned.issuerId,
      label: 'Pinned',
      keys: [
        { kid: first!.kid, jwk: pinned.jwk(first) },
        { kid: second.kid, publicKeyMultibase: publicKeyMultibase(second.publicKey), status: 'retired' },
      ],
    });
    expectStatus(res, 201);
    expect(res.json()).toMatchObject({
      source: 'key',
      issuerId: pinned.issuerId,
      metadataUrl: null,
      keys: [
        { kid: first!.kid, status: 'active', publicKey: Buffer.from(first!.publicKey).toString('base64url') },
        { kid: second.kid, status: 'retired', publicKey: Buffer.from(second.publicKey).toString('base64url') },
      ],
    });
    // Nothing to sync for a pinned issuer; it is listed with the others.
    expectStatus(await admin('POST', `/v1/admin/trusted-issuers/${res.json().id}/sync`), 200);
    const listed = await admin('GET', '/v1/admin/trusted-issuers');
    expect(listed.json().trustedIssuers.map((e: { issuerId: string }) => e.issuerId)).toEqual(
      expect.arrayContaining([lab.issuerId, pinned.issuerId]),
    );
    expectProblem(
      await admin('POST', '/v1/admin/trusted-issuers', {
        issuerId: pinned.issuerId,
        label: 'Again',
        keys: [{ kid: first!.kid, jwk: pinned.jwk(first) }],
      }),
      409,
      'CONFLICT',
    );
    expectStatus(await admin('DELETE', `/v1/admin/trusted-issuers/${res.json().id}`), 200);
    expectProblem(await admin('DELETE', `/v1/admin/trusted-issuers/${res.json().id}`), 404, 'NOT_FOUND');
  });

  it.each([
    ['the identity point', () => ({ jwk: { kty: 'OKP', crv: 'Bls12381G2', x: b64(identityG2()) } })],
    ['a point not on the curve', () => ({ jwk: { kty: 'OKP', crv: 'Bls12381G2', x: b64(offCurve()) } })],
    ['a point outside the subgroup', () => ({ jwk: { kty: 'OKP', crv: 'Bls12381G2', x: b64(outsideSubgroup()) } })],
    ['a 95-byte key', () => ({ jwk: { kty: 'OKP', crv: 'Bls12381G2', x: b64(new Uint8Array(95)) } })],
    ['a Multikey with another multicodec', () => ({ publicKeyMultibase: otherMulticodec() })],
  ])('refuses %s (INVALID_CRYPTO_INPUT)', async (_name, key) => {
    const res = await admin('POST', '/v1/admin/trusted-issuers', {
      issuerId: `https://bad-${randomUUID()}.test`,
      label: 'Bad',
      keys: [{ kid: 'ik_bad-key-0000000', ...key() }],
    });
    expectProblem(res, 400, 'INVALID_CRYPTO_INPUT');
  });

  it('warns about policies naming issuers that are not trusted, and rejects unknown issuers’ credentials', async () => {
    const stranger = new TestIssuer(undefined, 'Stranger');
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/venue/policies',
      headers: bearer(venue.key),
      payload: { name: 'strangers', definition: entryPolicy([stranger.issuerId]) },
    });
    expectStatus(res, 201);
    expect(res.json().warnings).toHaveLength(2);
    for (const warning of res.json().warnings) expect(warning).toContain('is not on the trust list');
    const service = verifierServiceOf(t.server.context)!;
    expect(service.trust.issuer(stranger.issuerId)).toBeUndefined();
  });
});

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function identityG2(): Uint8Array {
  const bytes = new Uint8Array(96);
  bytes[0] = 0xc0;
  return bytes;
}

/** A compressed encoding whose x has no point on the curve. */
function offCurve(): Uint8Array {
  const good = pointToOctetsG2(bls12_381.G2.Point.BASE);
  for (let i = 1; i < 256; i++) {
    const bytes = new Uint8Array(good);
    bytes[95] = (bytes[95]! + i) & 0xff;
    try {
      bls12_381.G2.Point.fromBytes(bytes);
    } catch {
      return bytes;
    }
  }
  throw new Error('no off-curve encoding found');
}

/** A point on the curve but outside the prime-order subgroup (cofactor not cleared). */
function outsideSubgroup(): Uint8Array {
  const Fp2 = bls12_381.fields.Fp2;
  const { a, b } = bls12_381.G2.Point.CURVE();
  for (let i = 1n; i < 1000n; i++) {
    const x = Fp2.fromBigTuple([i, 1n]);
    const y2 = Fp2.add(Fp2.add(Fp2.mul(Fp2.sqr(x), x), Fp2.mul(a, x)), b);
    let y;
    try {
      y = Fp2.sqrt(y2);
    } catch {
      continue;
    }
    if (!Fp2.eql(Fp2.sqr(y), y2)) continue;
    const point = bls12_381.G2.Point.fromAffine({ x, y });
    if (point.isTorsionFree()) continue;
    // Compressed (ZCash) encoding by hand, since noble refuses to encode it: x.c1 || x.c0, compression flag.
    const bytes = new Uint8Array(96);
    bytes.set(Buffer.from(x.c1.toString(16).padStart(96, '0'), 'hex'), 0);
    bytes.set(Buffer.from(x.c0.toString(16).padStart(96, '0'), 'hex'), 48);
    bytes[0]! |= 0x80;
    return bytes;
  }
  throw new Error('no point outside the subgroup found');
}

function otherMulticodec(): string {
  const key = pointToOctetsG2(bls12_381.G2.Point.BASE);
  const text = publicKeyMultibase(key);
  // The same key under the ed25519-pub multicodec (0xed 0x01).
  const bytes = new Uint8Array(98);
  bytes.set([0xed, 0x01]);
  bytes.set(key, 2);
  void text;
  return `z${base58(bytes)}`;
}

function base58(bytes: Uint8Array): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = alphabet[Number(n % 58n)]! + out;
    n /= 58n;
  }
  return out;
}
