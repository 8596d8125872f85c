// The venue's door end to end over HTTP: a venue's policy → request (JSON and QR) → the holder
// SDK's wallet answers → the screen learns the outcome once. Exactly once, expiry, replays to
// another request or venue, the daily pseudonym rule, and what is (not) stored, on the embedded
// database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dumpTables } from '../support/server.js';
import {
  ADULT,
  barPolicy,
  bearer,
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
  VACCINATION,
  AGE,
  COVID,
  type TestServer,
  type VenueFixture,
} from './support.js';

describe.each(DB_KINDS)('presentation requests on %s', (kind) => {
  let t: TestServer;
  let lab: TestIssuer;
  let stadium: VenueFixture;
  let bar: VenueFixture;

  beforeAll(async () => {
    t = await startTestServer(kind, {
      env: { PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '1000000', PRIVID_REQUEST_TTL: '120' },
    });
    lab = new TestIssuer();
    await trustPinned(t, lab);
    stadium = await createVenue(t, `Stadium ${kind}`);
    bar = await createVenue(t, `Bar ${kind}`);
    await createPolicy(t, stadium, 'entry', entryPolicy([lab.issuerId]));
    await createPolicy(t, bar, 'entry', barPolicy([lab.issuerId]));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function walletWith(...credentials: ('test' | 'vaccine' | 'age')[]) {
    const wallet = newWallet(t, [lab]);
    const today = todayOf(t);
    for (const c of credentials) {
      if (c === 'test')
        await give(wallet, lab, COVID, { ...NEGATIVE_TEST, sampleDay: today }, { from: today, until: today + 1 });
      if (c === 'vaccine') {
        await give(
          wallet,
          lab,
          VACCINATION,
          { productClass: 'mrna', doseCount: 2, lastDoseDay: today - 30 },
          {
            from: today - 30,
            until: today + 300,
          },
        );
      }
      if (c === 'age') await give(wallet, lab, AGE, ADULT, { from: today, until: today + 3650 });
    }
    return wallet;
  }

  it('admits a guest with a negative test; the screen learns exactly the asked values, once', async () => {
    const wallet = await walletWith('test', 'age');
    const created = await newRequest(t, stadium, 'entry');
    // The screen shows a reference only; the request itself is the signed object behind it.
    expect(created.qr).toBe(
      `openid4vp://?client_id=${encodeURIComponent(stadium.verifierId)}&request_uri=${encodeURIComponent(created.requestUri)}`,
    );
    expect(created.request.verifierId).toBe(stadium.verifierId);
    expect(created.submitUrl).toMatch(new RegExp(`/v1/requests/${created.id}/presentation$`));

    expect((await poll(t, stadium, created.id)).status).toBe('pending');
    const presentation = await present(t, wallet, created.request);
    const res = await submit(t, created.id, presentation);
    expectStatus(res, 200);
    expect(res.json()).toEqual({ requestId: created.id, status: 'accepted', reasons: [] });

    const first = await poll(t, stadium, created.id);
    expect(first).toMatchObject({ status: 'accepted', outcomeCode: 'ACCEPTED' });
    expect(first.outcome).toEqual({
      accepted: true,
      reasons: [],
      disclosed: [
        {
          group: 0,
          clauseIndex: 0,
          schemaRef: COVID,
          // No value, no validity day: only the statements asked for, proven for today.
          values: {},
          proven: [
            { attribute: 'testResult', op: 'in', value: ['negative'] },
            { attribute: 'validUntil', op: 'gte', value: todayOf(t) },
            { attribute: 'validFrom', op: 'lte', value: todayOf(t) },
          ],
        },
      ],
    });
    // Delivered once: later reads show the status only.
    const second = await poll(t, stadium, created.id);
    expect(second).toMatchObject({ status: 'accepted', outcomeCode: 'ACCEPTED' });
    expect(second.outcome).toBeUndefined();
  });

  it('admits the other alternative (two vaccine doses)', async () => {
    const wallet = await walletWith('vaccine');
    const created = await newRequest(t, stadium, 'entry');
    expectStatus(await submit(t, created.id, await present(t, wallet, created.request)), 200);
    const view = await poll(t, stadium, created.id);
    expect(view.outcome.disclosed).toEqual([
      {
        group: 0,
        clauseIndex: 1,
        schemaRef: VACCINATION,
        // "2+ doses", never the count.
        values: {},
        proven: [
          { attribute: 'doseCount', op: 'gte', value: 2 },
          { attribute: 'validUntil', op: 'gte', value: todayOf(t) },
          { attribute: 'validFrom', op: 'lte', value: todayOf(t) },
        ],
      },
    ]);
  });

  it('verifies a request exactly once: a second answer is REQUEST_ALREADY_ANSWERED', async () => {
    const wallet = await walletWith('test');
    const created = await newRequest(t, stadium, 'entry');
    const presentation = await present(t, wallet, created.request);
    expectStatus(await submit(t, created.id, presentation), 200);
    expectProblem(await submit(t, created.id, presentation), 409, 'REQUEST_ALREADY_ANSWERED');
  });

  it('refuses answers after the expiry (REQUEST_EXPIRED), and the screen shows expired', async () => {
    const wallet = await walletWith('test');
    const created = await newRequest(t, stadium, 'entry');
    const presentation = await present(t, wallet, created.request);
    t.clock.advance(121_000);
    try {
      expectProblem(await submit(t, created.id, presentation), 410, 'REQUEST_EXPIRED');
      expect(await poll(t, stadium, created.id)).toMatchObject({ status: 'expired', outcomeCode: 'REQUEST_EXPIRED' });
    } finally {
      t.clock.advance(-121_000);
    }
  });

  it('rejects a presentation replayed to another request or another venue (PRESENTATION_REPLAYED)', async () => {
    const wallet = await walletWith('test', 'age');
    const first = await newRequest(t, stadium, 'entry');
    const presentation = await present(t, wallet, first.request);
    expectStatus(await submit(t, first.id, presentation), 200);

    const again = await newRequest(t, stadium, 'entry');
    const replayed = await submit(t, again.id, presentation);
    expectStatus(replayed, 200);
    expect(replayed.json()).toMatchObject({ status: 'rejected', reasons: [{ code: 'PRESENTATION_REPLAYED' }] });
    expect(await poll(t, stadium, again.id)).toMatchObject({
      status: 'rejected',
      outcomeCode: 'PRESENTATION_REPLAYED',
      outcome: { accepted: false, reasons: [{ code: 'PRESENTATION_REPLAYED' }] },
    });

    const elsewhere = await newRequest(t, bar, 'entry');
    const atBar = await submit(t, elsewhere.id, presentation);
    expect(atBar.json()).toMatchObject({ status: 'rejected', reasons: [{ code: 'PRESENTATION_REPLAYED' }] });
  });

  it('admits one entry per guest per day under a daily pseudonym (PSEUDONYM_ALREADY_USED)', async () => {
    const alice = await walletWith('age');
    const bob = await walletWith('age');
    const enter = async (wallet: typeof alice) => {
      const created = await newRequest(t, bar, 'entry');
      const res = await submit(t, created.id, await present(t, wallet, created.request));
      expectStatus(res, 200);
      return { created, body: res.json(), view: await poll(t, bar, created.id) };
    };
    const a1 = await enter(alice);
    expect(a1.body.status).toBe('accepted');
    expect(a1.view.outcome).toMatchObject({
      accepted: true,
      disclosed: [
        {
          group: 0,
          clauseIndex: 0,
          schemaRef: AGE,
          values: {},
          proven: [
            { attribute: 'ageOver18', op: 'in', value: [true] },
            { attribute: 'validUntil', op: 'gte', value: todayOf(t) },
            { attribute: 'validFrom', op: 'lte', value: todayOf(t) },
          ],
        },
      ],
    });
    expect(a1.view.outcome.pseudonym).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect((await enter(bob)).body.status).toBe('accepted');
    const a2 = await enter(alice);
    expect(a2.body).toMatchObject({ status: 'rejected', reasons: [{ code: 'PSEUDONYM_ALREADY_USED' }] });
    expect(a2.view).toMatchObject({ status: 'rejected', outcomeCode: 'PSEUDONYM_ALREADY_USED' });

    // The next day is a new period.
    t.clock.advance(MS_PER_DAY);
    try {
      const a3 = await enter(alice);
      expect(a3.body.status).toBe('accepted');
      expect(a3.view.outcome.pseudonym).not.toBe(a1.view.outcome.pseudonym);
    } finally {
      t.clock.advance(-MS_PER_DAY);
    }
  });

  it('keeps another venue’s requests invisible, and answers unknown requests with 404', async () => {
    const created = await newRequest(t, stadium, 'entry');
    expectProblem(
      await t.app.inject({ method: 'GET', url: `/v1/venue/requests/${created.id}`, headers: bearer(bar.key) }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await submit(t, '00000000-0000-4000-8000-000000000000', { nope: true }), 400, 'VALIDATION_FAILED');
    const wallet = await walletWith('test');
    const presentation = await present(t, wallet, created.request);
    expectProblem(await submit(t, '00000000-0000-4000-8000-000000000000', presentation), 404, 'NOT_FOUND');
  });

  it('stores no proof, nonce, disclosed value, pseudonym in the clear or client address', async () => {
    const wallet = await walletWith('test', 'age');
    const created = await newRequest(t, stadium, 'entry');
    const presentation = await present(t, wallet, created.request);
    expectStatus(await submit(t, created.id, presentation, '203.0.113.77'), 200);
    const tables = await dumpTables(t.server, { includeEphemeral: true });
    const everything = JSON.stringify(tables);
    const found = (needle: string) => everything.includes(needle);
    expect(found(created.request.nonce), 'the nonce').toBe(false);
    expect(found(presentation.items[0]!.proof.slice(0, 40)), 'the proof').toBe(false);
    expect(found('203.0.113.77'), 'the client address').toBe(false);
    // Disclosed values: the request's row has its status and outcome code, nothing else.
    const row = tables.presentation_requests!.find((r) => r.includes(created.id))!;
    expect(Object.keys(JSON.parse(row)).sort()).toEqual([
      'completed_at',
      'created_at',
      'expires_at',
      'id',
      'nonce_hash',
      'outcome_code',
      'policy_id',
      'status',
      'venue_id',
      'verifying_since',
    ]);
    expect(JSON.stringify([tables.presentation_requests, tables.audit_events, tables.scoped_pseudonyms])).not.toContain(
      'negative',
    );
  });
});
