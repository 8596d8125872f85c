// Memory stays bounded under a flood: what the verifier keeps per request or per client has a cap,
// and the flood meets it. Undelivered outcomes (disclosed values) stay within
// PRIVID_OUTCOME_HOLD_BYTES, dropping the oldest first; screens waiting for outcomes stay within
// PRIVID_EVENT_WAITERS (429 OVERLOADED past it); the verification queue stays within
// PRIVID_VERIFY_WORKERS + PRIVID_VERIFY_QUEUE (429 OVERLOADED past it); the in-process rate counters
// stay within their key bound. All of it is per process memory, the same on either database: the
// embedded one is used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Presentation, PresentationRequest } from '../../../src/credential/index.js';
import type { Wallet } from '../../../src/holder/index.js';
import { MemoryCounters } from '../../../src/server/cluster/counters.js';
import { HELD_ENTRY_OVERHEAD_BYTES } from '../../../src/server/verifier/outcomes.js';
import { verifierServiceOf, type VerifierService } from '../../../src/server/verifier/service.js';
import {
  bearer,
  expectProblem,
  expectStatus,
  gateFixture,
  newRequest,
  poll,
  present,
  startTestServer,
  submit,
  TestIssuer,
  verifyStateless,
  type TestServer,
  type VenueFixture,
} from './support.js';

/** Room for a few held outcomes only (an accepted 'entry' outcome is some hundreds of bytes). */
const HOLD_BYTES = 4 * 1024;
const WAITERS = 2;
const WORKERS = 1;
const QUEUE = 3;

async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('memory bounds under a flood', () => {
  let t: TestServer;
  let service: VerifierService;
  let venue: VenueFixture;
  let wallet: Wallet;
  const lab = new TestIssuer();

  beforeAll(async () => {
    t = await startTestServer('pglite', {
      env: {
        PRIVID_VERIFY_WORKERS: String(WORKERS),
        PRIVID_VERIFY_QUEUE: String(QUEUE),
        PRIVID_OUTCOME_HOLD_BYTES: String(HOLD_BYTES),
        PRIVID_EVENT_WAITERS: String(WAITERS),
        PRIVID_SUBMIT_RATE_LIMIT: '1000000',
      },
    });
    service = verifierServiceOf(t.server.context)!;
    await service.pool.ready();
    ({ venue, wallet } = await gateFixture(t, lab));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('holds undelivered outcomes within PRIVID_OUTCOME_HOLD_BYTES, dropping the oldest first', async () => {
    const hub = service.hub;
    expect(hub.maxHeldBytes).toBe(HOLD_BYTES);
    const ids: string[] = [];
    let most = 0;
    // Twenty answers that no screen collects: far more than the budget holds.
    for (let i = 0; i < 20; i++) {
      const created = await newRequest(t, venue, 'entry');
      expectStatus(await submit(t, created.id, await present(t, wallet, created.request)), 200);
      ids.push(created.id);
      most = Math.max(most, hub.heldBytes);
      expect(hub.heldBytes).toBeLessThanOrEqual(HOLD_BYTES);
    }
    expect(most).toBeGreaterThan(HOLD_BYTES / 2);
    expect(hub.heldCount).toBeGreaterThan(0);
    expect(hub.heldCount).toBeLessThan(ids.length);
    expect(hub.heldCount).toBeLessThanOrEqual(Math.floor(HOLD_BYTES / HELD_ENTRY_OVERHEAD_BYTES));
    expect(hub.dropped).toBe(ids.length - hub.heldCount);

    // The newest still has its disclosed values; the oldest was dropped: status and code only.
    const newest = await poll(t, venue, ids[ids.length - 1]!);
    expect(newest).toMatchObject({ status: 'accepted', outcome: { accepted: true, disclosed: [{ values: {} }] } });
    const oldest = await poll(t, venue, ids[0]!);
    expect(oldest).toMatchObject({ status: 'accepted', outcomeCode: 'ACCEPTED' });
    expect(oldest.outcome).toBeUndefined();
  });

  it('lets PRIVID_EVENT_WAITERS screens wait at once and answers 429 OVERLOADED to one more', async () => {
    const [first, second, third] = await Promise.all([0, 1, 2].map(() => newRequest(t, venue, 'entry')));
    const longPoll = t.app.inject({
      method: 'GET',
      url: `/v1/venue/requests/${first!.id}/events`,
      headers: bearer(venue.key),
    });
    const stream = t.app.inject({
      method: 'GET',
      url: `/v1/venue/requests/${second!.id}/events`,
      headers: { ...bearer(venue.key), accept: 'text/event-stream' },
    });
    await eventually(() => service.hub.listenerCount === WAITERS);
    expect(service.waiters.count).toBe(WAITERS);

    for (const accept of ['application/json', 'text/event-stream']) {
      const refused = await t.app.inject({
        method: 'GET',
        url: `/v1/venue/requests/${third!.id}/events`,
        headers: { ...bearer(venue.key), accept },
      });
      expectProblem(refused, 429, 'OVERLOADED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    expect(service.hub.listenerCount).toBe(WAITERS);
    // Reading the request holds nothing and still answers.
    expect((await poll(t, venue, third!.id)).status).toBe('pending');

    // Once the waits end, their places are free again.
    for (const created of [first!, second!]) {
      expectStatus(await submit(t, created.id, await present(t, wallet, created.request)), 200);
    }
    expectStatus(await longPoll, 200);
    expect((await stream).body).toContain('event: outcome');
    await eventually(() => service.waiters.count === 0);
    const admitted = t.app.inject({
      method: 'GET',
      url: `/v1/venue/requests/${third!.id}/events`,
      headers: bearer(venue.key),
    });
    await eventually(() => service.waiters.count === 1);
    expectStatus(await submit(t, third!.id, await present(t, wallet, third!.request)), 200);
    const answered = await admitted;
    expectStatus(answered, 200);
    expect(answered.json()).toMatchObject({ status: 'accepted', outcome: { accepted: true } });
    expect(service.waiters.count).toBe(0);
  });

  it('never queues more than PRIVID_VERIFY_WORKERS + PRIVID_VERIFY_QUEUE verifications', async () => {
    const answers: { request: PresentationRequest; presentation: Presentation }[] = [];
    for (let i = 0; i < 16; i++) {
      const { request } = await newRequest(t, venue, 'entry');
      answers.push({ request, presentation: await present(t, wallet, request) });
    }
    let most = 0;
    let flooding = true;
    const watch = (async () => {
      while (flooding) {
        most = Math.max(most, service.pool.load);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const results = await Promise.all(answers.map((a) => verifyStateless(t, venue, a.request, a.presentation)));
    flooding = false;
    await watch;

    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(WORKERS + QUEUE);
    const refused = results.filter((r) => r.statusCode === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const res of refused) expectProblem(res, 429, 'OVERLOADED');
    for (const res of results.filter((r) => r.statusCode !== 429)) {
      expectStatus(res, 200);
      expect(res.json().accepted).toBe(true);
    }
    expect(service.pool.load).toBe(0);
  });
});

describe('in-process rate counters', () => {
  it('track at most their key bound under a flood of distinct clients, and keep counting', async () => {
    const counters = new MemoryCounters(1000);
    const now = 1_000_000;
    let most = 0;
    for (let i = 0; i < 10_000; i++) {
      await counters.hit(`client-${i}`, 60_000, now);
      most = Math.max(most, counters.size);
    }
    expect(most).toBeLessThanOrEqual(1000);
    // The newest clients are still counted.
    expect(await counters.hit('client-9999', 60_000, now)).toMatchObject({ count: 2 });
  });
});
