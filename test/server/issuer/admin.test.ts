// The admin API (labs, API keys, issuer keys, schemas), authentication, and the public issuer
// metadata, on the embedded database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ietfSuite } from '../../../src/bbs/index.js';
import { base58btcDecode } from '../../../src/server/issuer/public-keys.js';
import { generateSecret, hashSecret, secretPrefix } from '../../../src/server/security/secrets.js';
import {
  bearer,
  createIssuerKey,
  createLab,
  createOffer,
  expectProblem,
  expectStatus,
  labWithKey,
  redeem,
} from '../support/api.js';
import { holderFor } from '../support/holder.js';
import { DB_KINDS, startIssuerServer, TEST_PUBLIC_URL, type TestServer } from '../support/server.js';

describe.each(DB_KINDS)('admin and metadata API on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startIssuerServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('authentication', () => {
    it('refuses admin routes without, with a malformed, or with a wrong admin token', async () => {
      const cases: Record<string, string>[] = [
        {},
        { authorization: 'Basic YWRtaW46YWRtaW4=' },
        { authorization: 'Bearer' },
        { authorization: `Bearer ${t.adminToken}x` },
        { authorization: `Bearer ${t.adminToken.slice(0, -1)}${t.adminToken.endsWith('A') ? 'B' : 'A'}` },
        { authorization: `Bearer adm_${'A'.repeat(43)}` },
        { authorization: `Bearer  ${t.adminToken}` },
        { authorization: `Token ${t.adminToken}` },
      ];
      for (const headers of cases) {
        const res = await t.app.inject({ method: 'GET', url: '/v1/admin/labs', headers });
        expectProblem(res, 401, 'UNAUTHENTICATED');
      }
    });

    it('refuses a lab API key on admin routes and the admin token on lab routes', async () => {
      const lab = await createLab(t);
      expectProblem(
        await t.app.inject({ method: 'GET', url: '/v1/admin/labs', headers: bearer(lab.apiKey) }),
        401,
        'UNAUTHENTICATED',
      );
      expectProblem(
        await t.app.inject({ method: 'GET', url: '/v1/offers', headers: bearer(t.adminToken) }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('authenticates before validating: a bad body without credentials is 401, not 400', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/admin/labs', payload: { nope: true } });
      expectProblem(res, 401, 'UNAUTHENTICATED');
    });

    it('refuses a revoked admin token', async () => {
      // A second admin token, as a reset would leave behind, revoked.
      const token = generateSecret('adm');
      const row = await t.server.db.prisma.apiKey.create({
        data: { ownerKind: 'admin', keyHash: hashSecret(token), prefix: secretPrefix(token) },
      });
      expectStatus(await t.app.inject({ method: 'GET', url: '/v1/admin/labs', headers: bearer(token) }), 200);
      await t.server.db.prisma.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
      expectProblem(
        await t.app.inject({ method: 'GET', url: '/v1/admin/labs', headers: bearer(token) }),
        401,
        'UNAUTHENTICATED',
      );
    });

    it('stores secrets only as hashes', async () => {
      const lab = await createLab(t);
      const rows = await t.server.db.prisma.apiKey.findMany();
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(lab.apiKey);
      expect(stored).not.toContain(t.adminToken);
      expect(rows.find((row) => row.id === lab.apiKeyId)?.prefix).toBe(lab.apiKey.slice(0, 12));
    });
  });

  describe('labs and API keys', () => {
    it('creates a lab with an API key shown once, lists labs, refuses a duplicate name', async () => {
      const lab = await createLab(t, 'Unique Lab');
      expect(lab.apiKey).toMatch(/^lab_[A-Za-z0-9_-]{43}$/);
      expect(lab.issuerId).toBe(`${TEST_PUBLIC_URL}/v1/issuers/${lab.labId}`);

      const list = await t.app.inject({ method: 'GET', url: '/v1/admin/labs', headers: bearer(t.adminToken) });
      expectStatus(list, 200);
      expect(list.json().labs.map((l: { name: string }) => l.name)).toContain('Unique Lab');
      expect(list.body).not.toContain(lab.apiKey);

      const dup = await t.app.inject({
        method: 'POST',
        url: '/v1/admin/labs',
        headers: bearer(t.adminToken),
        payload: { name: 'Unique Lab' },
      });
      expectProblem(dup, 409, 'CONFLICT');
    });

    it('creates another API key, revokes one: the revoked key stops working, the other keeps working', async () => {
      const lab = await createLab(t);
      const second = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/api-keys`,
        headers: bearer(t.adminToken),
      });
      expectStatus(second, 201);
      const { key, apiKey } = second.json();
      expect(key).not.toBe(lab.apiKey);

      expectStatus(await t.app.inject({ method: 'GET', url: '/v1/offers', headers: bearer(key) }), 200);
      const revoke = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/api-keys/${lab.apiKeyId}/revoke`,
        headers: bearer(t.adminToken),
      });
      expectStatus(revoke, 200);
      expect(revoke.json().revokedAt).toEqual(expect.any(String));

      expectProblem(
        await t.app.inject({ method: 'GET', url: '/v1/offers', headers: bearer(lab.apiKey) }),
        401,
        'UNAUTHENTICATED',
      );
      expectStatus(await t.app.inject({ method: 'GET', url: '/v1/offers', headers: bearer(key) }), 200);

      const again = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/api-keys/${lab.apiKeyId}/revoke`,
        headers: bearer(t.adminToken),
      });
      expectProblem(again, 409, 'CONFLICT');

      const detail = await t.app.inject({
        method: 'GET',
        url: `/v1/admin/labs/${lab.labId}`,
        headers: bearer(t.adminToken),
      });
      expectStatus(detail, 200);
      const keys = detail.json().apiKeys as { id: string; revokedAt: string | null; lastUsedOn: string | null }[];
      expect(keys.find((k) => k.id === apiKey.id)).toMatchObject({ revokedAt: null, lastUsedOn: expect.any(String) });
      expect(detail.body).not.toContain(key);
    });

    it('disables a lab: its API keys stop working, its pending offers are cancelled, its metadata stays published', async () => {
      const lab = await labWithKey(t);
      const pending = await createOffer(t, lab);
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/disable`,
        headers: bearer(t.adminToken),
      });
      expectStatus(res, 200);
      expectProblem(
        await t.app.inject({ method: 'GET', url: '/v1/offers', headers: bearer(lab.apiKey) }),
        401,
        'UNAUTHENTICATED',
      );
      expectStatus(await t.app.inject({ method: 'GET', url: `/v1/issuers/${lab.labId}` }), 200);
      // The offer in a holder's hands no longer redeems, and its attribute values are gone.
      expectProblem(await redeem(t, holderFor(pending.offer).request), 410, 'OFFER_CANCELLED');
      const row = await t.server.db.prisma.offer.findUniqueOrThrow({ where: { id: pending.id } });
      expect(row).toMatchObject({ status: 'cancelled', attributes: null });
    });

    it('answers 404 for unknown labs and keys', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      for (const [method, url] of [
        ['GET', `/v1/admin/labs/${unknown}`],
        ['POST', `/v1/admin/labs/${unknown}/api-keys`],
        ['POST', `/v1/admin/labs/${unknown}/api-keys/${unknown}/revoke`],
        ['POST', `/v1/admin/labs/${unknown}/issuer-keys/ik_nope/retire`],
        ['GET', `/v1/issuers/${unknown}`],
        ['GET', '/v1/issuers/not-a-uuid'],
      ] as const) {
        const res = await t.app.inject({ method, url, headers: bearer(t.adminToken) });
        expectProblem(res, 404, 'NOT_FOUND');
      }
      const create = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${unknown}/issuer-keys`,
        headers: bearer(t.adminToken),
        payload: {},
      });
      expectProblem(create, 404, 'NOT_FOUND');
    });
  });

  describe('issuer keys and metadata', () => {
    it('publishes keys as JWK and Multikey, with their status and the lab schemas', async () => {
      const lab = await createLab(t);
      const key = await createIssuerKey(t, lab.labId);
      expect(key).toMatchObject({ suite: 'BLS12-381-SHA-256', status: 'active', retiredAt: null, revokedAt: null });
      expect(key.kid).toMatch(/^ik_[A-Za-z0-9_-]{16}$/);

      const res = await t.app.inject({ method: 'GET', url: `/v1/issuers/${lab.labId}` });
      expectStatus(res, 200);
      const metadata = res.json();
      expect(metadata).toMatchObject({ id: lab.issuerId, labId: lab.labId, issuerUrl: TEST_PUBLIC_URL });
      const published = metadata.keys[0];
      expect(published.jwk).toEqual({ kty: 'OKP', crv: 'Bls12381G2', x: key.jwk.x, kid: key.kid, alg: 'BBS' });
      const publicKey = Buffer.from(published.jwk.x, 'base64url');
      expect(publicKey).toHaveLength(96);
      expect(published.multikey).toEqual({
        type: 'Multikey',
        id: `${lab.issuerId}#${key.kid}`,
        controller: lab.issuerId,
        publicKeyMultibase: expect.stringMatching(/^zUC7/),
      });
      const multikey = base58btcDecode(published.multikey.publicKeyMultibase.slice(1));
      expect([...multikey.subarray(0, 2)]).toEqual([0xeb, 0x01]);
      expect(Buffer.from(multikey.subarray(2))).toEqual(publicKey);
      expect(metadata.schemas.map((s: { ref: string }) => s.ref)).toEqual(
        expect.arrayContaining(['privid:covid-test-result@1', 'privid:vaccination-record@1', 'privid:age-band@1']),
      );

      // The published key is the one the server signs with: a signature made with the stored secret verifies.
      const stored = await t.server.db.prisma.issuerKey.findUniqueOrThrow({ where: { id: key.kid } });
      expect(Buffer.from(stored.secretKeyCiphertext).includes(publicKey)).toBe(false);
      const secretKey = t.server.context.kek.decrypt(stored.secretKeyCiphertext, stored.secretKeyNonce, key.kid);
      const suite = ietfSuite('BLS12-381-SHA-256');
      const messages = [new Uint8Array([1, 2, 3])];
      const signature = await suite.sign({ secretKey, publicKey, messages });
      expect(await suite.verify({ publicKey, signature, messages })).toBe(true);
      // The KEK binds each ciphertext to its key id.
      expect(() =>
        t.server.context.kek.decrypt(stored.secretKeyCiphertext, stored.secretKeyNonce, 'ik_other'),
      ).toThrow();
    });

    it('creates SHAKE-256 and BBS+2020 keys; metadata gives alg only where registered', async () => {
      const lab = await createLab(t);
      const shake = await createIssuerKey(t, lab.labId, 'BLS12-381-SHAKE-256');
      const legacy = await createIssuerKey(t, lab.labId, 'BBS+2020');
      expect(shake.suite).toBe('BLS12-381-SHAKE-256');
      expect(shake.jwk.alg).toBeUndefined();
      expect(legacy.suite).toBe('BBS+2020');
      expect(Buffer.from(legacy.jwk.x, 'base64url')).toHaveLength(96);
      const bad = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/issuer-keys`,
        headers: bearer(t.adminToken),
        payload: { suite: 'RSA' },
      });
      expectProblem(bad, 400, 'VALIDATION_FAILED');
    });

    it('rotates (new active + old retired atomically), retires and revokes, flagged in the metadata', async () => {
      const lab = await labWithKey(t);
      const rotate = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/rotate`,
        headers: bearer(t.adminToken),
        payload: {},
      });
      expectStatus(rotate, 201);
      const { retired, active } = rotate.json();
      expect(retired).toMatchObject({ kid: lab.kid, status: 'retired', retiredAt: expect.any(String) });
      expect(active).toMatchObject({ status: 'active', suite: 'BLS12-381-SHA-256' });

      // Only an active key rotates; the retired one cannot rotate again.
      const twice = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/rotate`,
        headers: bearer(t.adminToken),
        payload: {},
      });
      expectProblem(twice, 409, 'KEY_NOT_ACTIVE');

      const revoke = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/issuer-keys/${lab.kid}/revoke`,
        headers: bearer(t.adminToken),
      });
      expectStatus(revoke, 200);
      expect(revoke.json()).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });

      const retire = await t.app.inject({
        method: 'POST',
        url: `/v1/admin/labs/${lab.labId}/issuer-keys/${active.kid}/retire`,
        headers: bearer(t.adminToken),
      });
      expectStatus(retire, 200);
      expect(retire.json().status).toBe('retired');

      const metadata = (await t.app.inject({ method: 'GET', url: `/v1/issuers/${lab.labId}` })).json();
      const statuses = Object.fromEntries(metadata.keys.map((k: { kid: string; status: string }) => [k.kid, k.status]));
      expect(statuses).toEqual({ [lab.kid]: 'revoked', [active.kid]: 'retired' });

      const list = await t.app.inject({
        method: 'GET',
        url: `/v1/admin/labs/${lab.labId}/issuer-keys`,
        headers: bearer(t.adminToken),
      });
      expect(list.json().keys).toHaveLength(2);
      expect(list.body).not.toMatch(/secret|ciphertext/i);
    });

    it('serves metadata with a strong ETag, Cache-Control and 304 on If-None-Match; the ETag changes with the keys', async () => {
      const lab = await labWithKey(t);
      const first = await t.app.inject({ method: 'GET', url: `/v1/issuers/${lab.labId}` });
      expectStatus(first, 200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      expect(first.headers['cache-control']).toBe('public, max-age=60');

      const cached = await t.app.inject({
        method: 'GET',
        url: `/v1/issuers/${lab.labId}`,
        headers: { 'if-none-match': `"other", ${etag}` },
      });
      expect(cached.statusCode).toBe(304);
      expect(cached.body).toBe('');
      expect(cached.headers.etag).toBe(etag);

      await createIssuerKey(t, lab.labId);
      const changed = await t.app.inject({
        method: 'GET',
        url: `/v1/issuers/${lab.labId}`,
        headers: { 'if-none-match': etag },
      });
      expectStatus(changed, 200);
      expect(changed.headers.etag).not.toBe(etag);

      for (const url of ['/v1/schemas', '/v1/issuers']) {
        const res = await t.app.inject({ method: 'GET', url });
        expectStatus(res, 200);
        const again = await t.app.inject({
          method: 'GET',
          url,
          headers: { 'if-none-match': res.headers.etag as string },
        });
        expect(again.statusCode).toBe(304);
      }
    });
  });

  describe('schemas', () => {
    const definition = (overrides: Record<string, unknown> = {}) => ({
      id: 'lab.example:antibody-titer',
      version: 1,
      title: 'Antibody titer',
      attributes: [{ name: 'titer', type: 'integer', min: 0, max: 100000 }],
      ...overrides,
    });
    const register = (body: object) =>
      t.app.inject({ method: 'POST', url: '/v1/admin/schemas', headers: bearer(t.adminToken), payload: body });

    it('registers a lab schema once (identical re-registration is 200), listed publicly and in its metadata', async () => {
      const lab = await createLab(t);
      const first = await register({ labId: lab.labId, definition: definition() });
      expectStatus(first, 201);
      expect(first.json()).toMatchObject({ ref: 'lab.example:antibody-titer@1', labId: lab.labId, builtin: false });
      expectStatus(await register({ labId: lab.labId, definition: definition() }), 200);

      const conflict = await register({ labId: lab.labId, definition: definition({ title: 'Other' }) });
      expectProblem(conflict, 409, 'SCHEMA_CONFLICT');
      const otherOwner = await register({ definition: definition({ version: 2 }) });
      expectProblem(otherOwner, 409, 'SCHEMA_CONFLICT');
      expectStatus(await register({ labId: lab.labId, definition: definition({ version: 2 }) }), 201);

      const schemas = (await t.app.inject({ method: 'GET', url: '/v1/schemas' })).json().schemas;
      expect(schemas.map((s: { ref: string }) => s.ref)).toEqual(
        expect.arrayContaining(['lab.example:antibody-titer@1', 'lab.example:antibody-titer@2']),
      );
      const metadata = (await t.app.inject({ method: 'GET', url: `/v1/issuers/${lab.labId}` })).json();
      expect(metadata.schemas.map((s: { ref: string }) => s.ref)).toContain('lab.example:antibody-titer@1');
      const other = await createLab(t);
      const otherMetadata = (await t.app.inject({ method: 'GET', url: `/v1/issuers/${other.labId}` })).json();
      expect(otherMetadata.schemas.map((s: { ref: string }) => s.ref)).not.toContain('lab.example:antibody-titer@1');
    });

    it("refuses invalid definitions with privid/credential's reasons, and the reserved privid: namespace", async () => {
      const reserved = await register({ definition: definition({ id: 'privid:fake' }) });
      expect(expectProblem(reserved, 400, 'VALIDATION_FAILED').errors).toEqual([
        expect.objectContaining({ path: 'body/definition/id' }),
      ]);
      const duplicate = await register({
        definition: definition({
          id: 'lab.example:dup',
          attributes: [
            { name: 'a', type: 'boolean' },
            { name: 'a', type: 'boolean' },
          ],
        }),
      });
      expect(expectProblem(duplicate, 400, 'VALIDATION_FAILED').errors).toEqual([
        expect.objectContaining({ path: 'body/definition/attributes/1/name' }),
      ]);
      const bounds = await register({
        definition: definition({
          id: 'lab.example:bounds',
          attributes: [{ name: 'n', type: 'integer', min: 5, max: 1 }],
        }),
      });
      expectProblem(bounds, 400, 'VALIDATION_FAILED');
      expectProblem(await register({ definition: { ...definition(), extra: 1 } }), 400, 'VALIDATION_FAILED');
      expectProblem(
        await register({ labId: '00000000-0000-4000-8000-000000000000', definition: definition({ id: 'lab.x:y' }) }),
        404,
        'NOT_FOUND',
      );
    });
  });

  it('records audit events with actor, action, subject and time only', async () => {
    const lab = await labWithKey(t);
    const events = await t.server.db.prisma.auditEvent.findMany({ where: { subjectId: { in: [lab.labId, lab.kid] } } });
    expect(events.map((e) => e.action).sort()).toEqual(['issuer_key.created', 'lab.created']);
    for (const event of events) {
      expect(Object.keys(event).sort()).toEqual(['action', 'actorId', 'actorKind', 'at', 'id', 'subjectId']);
      expect(event.actorKind).toBe('admin');
    }
  });
});

describe.each(DB_KINDS)('failed authentications are rate limited on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startIssuerServer(kind, {
      env: {
        PRIVID_AUTH_FAILURE_RATE_LIMIT: '3',
        PRIVID_AUTH_FAILURE_ADDRESS_LIMIT: '6',
        // Behind one trusted proxy (the test's 127.0.0.1): X-Forwarded-For names the client.
        PRIVID_TRUST_PROXY: '127.0.0.1',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const labs = (token: string, remoteAddress: string, forwardedFor?: string) =>
    t.app.inject({
      method: 'GET',
      url: '/v1/admin/labs',
      headers: { ...bearer(token), ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      remoteAddress,
    });

  it('limits a bad token, not the other users behind the same address, with 429 and Retry-After until the minute is over', async () => {
    const remoteAddress = '203.0.113.7';
    for (let i = 0; i < 3; i++) expectProblem(await labs('adm_wrong', remoteAddress), 401, 'UNAUTHENTICATED');
    // The same bad token again: 429, answered without looking the token up.
    const limited = await labs('adm_wrong', remoteAddress);
    const problem = expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(problem.retryAfter).toBe(Number(limited.headers['retry-after']));
    // The right token from the same address (another user behind the same NAT) still works.
    expectStatus(await labs(t.adminToken, remoteAddress), 200);

    // Rotating through bad tokens meets the coarse address limit (6): then every attempt from there waits.
    for (let i = 0; i < 3; i++) expectProblem(await labs(`adm_guess${i}`, remoteAddress), 401, 'UNAUTHENTICATED');
    expectProblem(await labs('adm_guess9', remoteAddress), 429, 'RATE_LIMITED');
    expectProblem(await labs(t.adminToken, remoteAddress), 429, 'RATE_LIMITED');
    // Other addresses are not affected.
    expectStatus(await labs(t.adminToken, '203.0.113.8'), 200);

    t.clock.advance(61_000);
    expectStatus(await labs(t.adminToken, remoteAddress), 200);
    expectProblem(await labs('adm_wrong', remoteAddress), 401, 'UNAUTHENTICATED');
  });

  it('believes X-Forwarded-For only from the trusted proxy: a client cannot rotate or spoof its address', async () => {
    // Through the trusted proxy, each forwarded client has its own address limit.
    for (let i = 0; i < 6; i++) {
      expectProblem(await labs(`adm_bad${i}`, '127.0.0.1', '198.51.100.1'), 401, 'UNAUTHENTICATED');
    }
    expectProblem(await labs('adm_badx', '127.0.0.1', '198.51.100.1'), 429, 'RATE_LIMITED');
    expectStatus(await labs(t.adminToken, '127.0.0.1', '198.51.100.2'), 200);

    // A client that is not the proxy sends X-Forwarded-For itself: ignored, its own address counts.
    const direct = '192.0.2.99';
    for (let i = 0; i < 6; i++) {
      expectProblem(await labs(`adm_rot${i}`, direct, `192.0.2.${i + 1}`), 401, 'UNAUTHENTICATED');
    }
    expectProblem(await labs('adm_rotx', direct, '192.0.2.200'), 429, 'RATE_LIMITED');
    // ... and naming a victim's address in the header does not lock the victim out.
    expectStatus(await labs(t.adminToken, '127.0.0.1', '192.0.2.1'), 200);
    t.clock.advance(61_000);
  });
});
