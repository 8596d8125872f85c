// Venues, their API keys and policies; retention and purging; what the logs may contain; on the
// embedded database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LogCapture } from '../support/server.js';
import { verifierServiceOf } from '../../../src/server/verifier/service.js';
import {
  adultWallet,
  barPolicy,
  bearer,
  COVID,
  createPolicy,
  createVenue,
  DB_KINDS,
  entryPolicy,
  expectProblem,
  expectStatus,
  give,
  MS_PER_DAY,
  NEGATIVE_TEST,
  newRequest,
  newWallet,
  poll,
  present,
  startTestServer,
  submit,
  TestIssuer,
  todayOf,
  trustPinned,
  type TestServer,
} from './support.js';

describe.each(DB_KINDS)('venues, policies and housekeeping on %s', (kind) => {
  let t: TestServer;
  const logs = new LogCapture();
  const lab = new TestIssuer();

  beforeAll(async () => {
    t = await startTestServer(kind, {
      logs,
      env: { PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '1000000', PRIVID_RETENTION_DAYS: '7' },
    });
    await trustPinned(t, lab);
  });
  afterAll(async () => {
    await t?.close();
  });

  const admin = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(t.adminToken), ...(payload ? { payload } : {}) });

  it('creates venues with a one-time API key; only the admin can', async () => {
    expectProblem(
      await t.app.inject({ method: 'POST', url: '/v1/admin/venues', payload: { name: 'x' } }),
      401,
      'UNAUTHENTICATED',
    );
    const venue = await createVenue(t, `Club ${kind}`);
    expect(venue.key).toMatch(/^ven_[A-Za-z0-9_-]{43}$/);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/v1/admin/venues', headers: bearer(venue.key) }),
      401,
      'UNAUTHENTICATED',
    );
    expectProblem(await admin('POST', '/v1/admin/venues', { name: `Club ${kind}` }), 409, 'CONFLICT');
    // A name that would show as another on the consent screen (a bidi override) is a 400 naming it.
    const spoof = expectProblem(
      await admin('POST', '/v1/admin/venues', { name: 'Bar \u202emuidatS' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(JSON.stringify(spoof)).toContain('/name');
    const listed = await admin('GET', '/v1/admin/venues');
    expect(listed.json().venues.map((v: { id: string }) => v.id)).toContain(venue.venueId);
    const one = await admin('GET', `/v1/admin/venues/${venue.venueId}`);
    expect(one.json()).toMatchObject({
      venue: { id: venue.venueId, name: `Club ${kind}`, verifierId: venue.verifierId, disabledAt: null },
      apiKeys: [{ prefix: venue.key.slice(0, 12), revokedAt: null }],
      policies: [],
    });
    expect(JSON.stringify(one.json())).not.toContain(venue.key);
    // The verifier id names the venue publicly, for wallets.
    const info = await t.app.inject({ method: 'GET', url: `/v1/venues/${venue.venueId}` });
    expect(info.json()).toEqual({ verifierId: venue.verifierId, name: `Club ${kind}` });
    const me = await t.app.inject({ method: 'GET', url: '/v1/venue', headers: bearer(venue.key) });
    expect(me.json().venue.id).toBe(venue.venueId);
  });

  it('rotates and revokes venue API keys; a disabled venue is locked out and its requests unanswerable', async () => {
    const venue = await createVenue(t);
    await createPolicy(t, venue, 'entry', entryPolicy([lab.issuerId]));
    const second = await admin('POST', `/v1/admin/venues/${venue.venueId}/api-keys`);
    expectStatus(second, 201);
    const secondKey = second.json().key as string;
    expectStatus(await t.app.inject({ method: 'GET', url: '/v1/venue', headers: bearer(secondKey) }), 200);
    const revoked = await admin('POST', `/v1/admin/venues/${venue.venueId}/api-keys/${second.json().apiKey.id}/revoke`);
    expect(revoked.json().revokedAt).not.toBeNull();
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/v1/venue', headers: bearer(secondKey) }),
      401,
      'UNAUTHENTICATED',
    );
    expectStatus(await t.app.inject({ method: 'GET', url: '/v1/venue', headers: bearer(venue.key) }), 200);

    const pending = await newRequest(t, venue, 'entry');
    const wallet = newWallet(t, [lab]);
    const today = todayOf(t);
    await give(wallet, lab, COVID, { ...NEGATIVE_TEST, sampleDay: today }, { from: today, until: today + 1 });
    const presentation = await present(t, wallet, pending.request);
    expectStatus(await admin('POST', `/v1/admin/venues/${venue.venueId}/disable`), 200);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/v1/venue', headers: bearer(venue.key) }),
      401,
      'UNAUTHENTICATED',
    );
    expectProblem(await submit(t, pending.id, presentation), 404, 'NOT_FOUND');
    expectProblem(await t.app.inject({ method: 'GET', url: `/v1/venues/${venue.venueId}` }), 404, 'NOT_FOUND');
    expectProblem(await admin('POST', `/v1/admin/venues/${venue.venueId}/disable`), 409, 'CONFLICT');
  });

  it('validates policies against privid/credential and the schemas; policies are immutable', async () => {
    const venue = await createVenue(t);
    const post = (name: string, definition: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/venue/policies',
        headers: bearer(venue.key),
        payload: { name, definition },
      });

    const unknownSchema = entryPolicy([lab.issuerId]);
    unknownSchema.groups[0]!.anyOf[0]!.schemaRef = 'lab.example:nothing@1';
    const bad1 = expectProblem(await post('a', unknownSchema), 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(bad1.errors)).toContain('/groups/0/anyOf/0/schemaRef');

    const wrongType = barPolicy([lab.issuerId]);
    wrongType.groups[0]!.anyOf[0]!.constraints = [{ attribute: 'ageOver18', op: 'gte', value: 2 }];
    expectProblem(await post('b', wrongType), 400, 'VALIDATION_FAILED');

    const unknownAttribute = barPolicy([lab.issuerId]);
    unknownAttribute.groups[0]!.anyOf[0]!.disclose = ['birthDate'];
    expectProblem(await post('c', unknownAttribute), 400, 'VALIDATION_FAILED');

    const badPeriod = { ...barPolicy([lab.issuerId]), pseudonym: { scope: 'entry', period: 'year' } };
    expectProblem(await post('d', badPeriod), 400, 'VALIDATION_FAILED');

    // Opting out of validity checks is allowed, with a warning.
    const optOut = await post('zz-unchecked', { ...entryPolicy([lab.issuerId]), validity: 'unchecked' });
    expectStatus(optOut, 201);
    expect(JSON.stringify(optOut.json().warnings)).toContain('validity');

    expectStatus(await post('entry', entryPolicy([lab.issuerId])), 201);
    expectProblem(await post('entry', entryPolicy([lab.issuerId])), 409, 'CONFLICT');

    // The admin can define a venue's policies too; requests name a policy by name or id.
    const byAdmin = await admin('POST', `/v1/admin/venues/${venue.venueId}/policies`, {
      name: 'bar',
      definition: barPolicy([lab.issuerId], 'week'),
    });
    expectStatus(byAdmin, 201);
    const byId = await newRequest(t, venue, byAdmin.json().policy.id);
    expect(byId.request.pseudonym).toEqual({
      scope: 'entry',
      period: expect.stringMatching(/^\d{4}-W\d{2}$/),
      timeZone: 'UTC',
    });
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/v1/venue/requests',
        headers: bearer(venue.key),
        payload: { policy: 'none' },
      }),
      404,
      'NOT_FOUND',
    );
    const me = await t.app.inject({ method: 'GET', url: '/v1/venue', headers: bearer(venue.key) });
    expect(me.json().policies.map((p: { name: string }) => p.name)).toEqual(['zz-unchecked', 'entry', 'bar']);
  });

  it('expires unanswered requests, purges outcomes after the retention and pseudonyms after their period', async () => {
    const service = verifierServiceOf(t.server.context)!;
    const venue = await createVenue(t);
    await createPolicy(t, venue, 'bar', barPolicy([lab.issuerId]));
    const wallet = await adultWallet(t, lab);
    const answered = await newRequest(t, venue, 'bar');
    expectStatus(await submit(t, answered.id, await present(t, wallet, answered.request)), 200);
    const unanswered = await newRequest(t, venue, 'bar');
    const count = () => t.server.db.prisma.scopedPseudonym.count({ where: { venueId: venue.venueId } });
    expect(await count()).toBe(1);

    t.clock.advance(121_000);
    await service.housekeeping();
    const expiredRow = await t.server.db.prisma.presentationRequest.findUnique({ where: { id: unanswered.id } });
    expect(expiredRow).toMatchObject({ status: 'expired', outcomeCode: 'REQUEST_EXPIRED' });

    // The next UTC day: the pseudonym's period is over.
    const nextMidnight = (Math.floor(t.clock.now().getTime() / MS_PER_DAY) + 1) * MS_PER_DAY;
    const toMidnight = nextMidnight - t.clock.now().getTime() + 1000;
    t.clock.advance(toMidnight);
    await service.housekeeping();
    expect(await count()).toBe(0);
    expect(await poll(t, venue, answered.id)).toMatchObject({ status: 'accepted', outcomeCode: 'ACCEPTED' });

    // Past the retention: the outcomes are gone.
    t.clock.advance(7 * MS_PER_DAY);
    await service.housekeeping();
    const rows = await t.server.db.prisma.presentationRequest.findMany({ where: { venueId: venue.venueId } });
    expect(rows).toEqual([]);
    t.clock.advance(-(121_000 + toMidnight + 7 * MS_PER_DAY));
  });

  it('records a verification a stopped process left unfinished as rejected, INTERRUPTED (never accepted)', async () => {
    const service = verifierServiceOf(t.server.context)!;
    const venue = await createVenue(t);
    await createPolicy(t, venue, 'bar', barPolicy([lab.issuerId]));
    const created = await newRequest(t, venue, 'bar');
    // What a crash between claiming the request and recording its outcome leaves behind.
    await t.server.db.prisma.presentationRequest.update({ where: { id: created.id }, data: { status: 'verifying' } });
    expect(await poll(t, venue, created.id)).toMatchObject({ status: 'verifying' });

    t.clock.advance(121_000);
    await service.housekeeping();
    expect(await poll(t, venue, created.id)).toMatchObject({ status: 'verifying' });

    t.clock.advance(5 * 60_000);
    await service.housekeeping();
    const row = await t.server.db.prisma.presentationRequest.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ status: 'rejected', outcomeCode: 'INTERRUPTED' });
    t.clock.advance(-(121_000 + 5 * 60_000));
  });

  it('logs no proof, nonce, disclosed value or pseudonym', async () => {
    const venue = await createVenue(t);
    await createPolicy(t, venue, 'bar', barPolicy([lab.issuerId]));
    const wallet = await adultWallet(t, lab);
    const created = await newRequest(t, venue, 'bar');
    const presentation = await present(t, wallet, created.request);
    expectStatus(await submit(t, created.id, presentation), 200);
    const view = await poll(t, venue, created.id);
    expect(view.outcome.pseudonym).toBeDefined();
    const text = logs.text;
    expect(text).toContain('presentation verified');
    expect(text).not.toContain(created.request.nonce);
    expect(text).not.toContain(presentation.items[0]!.proof.slice(0, 32));
    expect(text).not.toContain(view.outcome.pseudonym);
    expect(text).not.toContain(presentation.items[0]!.pseudonym!);
    expect(text).not.toContain('ageOver18');
    expect(text).not.toContain(venue.key);
  });
});

describe.each(DB_KINDS)('the wallet route’s rate limit on %s', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { env: { PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '3' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After past PRIVID_SUBMIT_RATE_LIMIT per client', async () => {
    const url = '/v1/requests/00000000-0000-4000-8000-000000000000/presentation';
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({ method: 'POST', url, payload: {}, remoteAddress: '192.0.2.10' });
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
    const limited = await t.app.inject({ method: 'POST', url, payload: {}, remoteAddress: '192.0.2.10' });
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another client is not affected.
    expectProblem(
      await t.app.inject({ method: 'POST', url, payload: {}, remoteAddress: '192.0.2.11' }),
      400,
      'VALIDATION_FAILED',
    );
  });
});
