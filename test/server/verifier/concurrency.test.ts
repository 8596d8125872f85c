// Races and load, with real worker threads (the .ts worker started under tsx): N concurrent answers
// to one request give exactly one verification; a full verification queue answers 429 OVERLOADED with
// Retry-After without consuming the request; the screen's server-sent events and long poll; on the
// embedded database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Presentation } from '../../../src/credential/index.js';
import type { Wallet } from '../../../src/holder/index.js';
import { verifierServiceOf, type VerifierService } from '../../../src/server/verifier/service.js';
import {
  bearer,
  COVID,
  DB_KINDS,
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

const N = 20;

describe.each(DB_KINDS)('concurrency and backpressure on %s', (kind) => {
  let t: TestServer;
  let service: VerifierService;
  let venue: VenueFixture;
  const lab = new TestIssuer();
  let wallet: Wallet;

  beforeAll(async () => {
    t = await startTestServer(kind, {
      // One worker and a queue of one: the third verification at once is refused.
      env: { PRIVID_VERIFY_WORKERS: '1', PRIVID_VERIFY_QUEUE: '1', PRIVID_SUBMIT_RATE_LIMIT: '1000000' },
    });
    service = verifierServiceOf(t.server.context)!;
    await service.pool.ready();
    ({ venue, wallet } = await gateFixture(t, lab));
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`verifies ${N} concurrent answers to one request exactly once`, async () => {
    const created = await newRequest(t, venue, 'entry');
    const presentation = await present(t, wallet, created.request);
    const before = service.pool.completed;
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => submit(t, created.id, presentation, `198.51.100.${i + 1}`)),
    );
    const statuses = answers.map((res) => res.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const res of answers.filter((r) => r.statusCode !== 200)) expectProblem(res, 409, 'REQUEST_ALREADY_ANSWERED');
    expect(service.pool.completed - before).toBe(1);
    expect(answers.find((r) => r.statusCode === 200)!.json().status).toBe('accepted');
    expect((await poll(t, venue, created.id)).status).toBe('accepted');
  });

  it('records one pseudonym per period when answers to different requests race', async () => {
    const requests = await Promise.all(Array.from({ length: 4 }, () => newRequest(t, venue, 'bar')));
    const presentations = await Promise.all(requests.map((r) => present(t, wallet, r.request)));
    // One at a time through the queue (1 worker + 1 waiting): two at once, twice.
    const results: string[] = [];
    for (let i = 0; i < requests.length; i += 2) {
      const pair = await Promise.all([0, 1].map((j) => submit(t, requests[i + j]!.id, presentations[i + j]!)));
      for (const res of pair) {
        expectStatus(res, 200);
        results.push(res.json().status === 'accepted' ? 'accepted' : res.json().reasons[0].code);
      }
    }
    expect(results.filter((r) => r === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r === 'PSEUDONYM_ALREADY_USED')).toHaveLength(3);
  });

  it('answers 429 OVERLOADED with Retry-After when the queue is full, and keeps the request answerable', async () => {
    const created = await newRequest(t, venue, 'entry');
    const presentation = await present(t, wallet, created.request);
    const others: { request: unknown; presentation: Presentation }[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await newRequest(t, venue, 'entry');
      others.push({ request: r.request, presentation: await present(t, wallet, r.request) });
    }
    const burst = others.map((o) => verifyStateless(t, venue, o.request, o.presentation));
    const overloaded = submit(t, created.id, presentation);
    const results = await Promise.all(burst);
    const refused = results.filter((r) => r.statusCode === 429);
    const served = results.filter((r) => r.statusCode === 200);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(served.length).toBeLessThanOrEqual(2);
    expect(refused.length).toBe(results.length - served.length);
    for (const res of refused) {
      expectProblem(res, 429, 'OVERLOADED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    for (const res of served) expect(res.json().accepted).toBe(true);

    const wallets = await overloaded;
    expectProblem(wallets, 429, 'OVERLOADED');
    expect(wallets.headers['retry-after']).toBe('1');
    // Not consumed: the wallet retries and is admitted.
    expect((await poll(t, venue, created.id)).status).toBe('pending');
    const retry = await submit(t, created.id, presentation);
    expectStatus(retry, 200);
    expect(retry.json().status).toBe('accepted');
  });

  it('tells the screen over server-sent events, once', async () => {
    const created = await newRequest(t, venue, 'entry');
    const stream = t.app.inject({
      method: 'GET',
      url: `/v1/venue/requests/${created.id}/events`,
      headers: { ...bearer(venue.key), accept: 'text/event-stream' },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expectStatus(await submit(t, created.id, await present(t, wallet, created.request)), 200);
    const res = await stream;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = res.body
      .split('\n\n')
      .filter((block) => block.startsWith('event:'))
      .map((block) => {
        const [event, data] = block.split('\n');
        return { event: event!.slice(7), data: JSON.parse(data!.slice(6)) };
      });
    expect(events.map((e) => e.event)).toEqual(['status', 'outcome']);
    expect(events[0]!.data).toEqual({ id: created.id, status: 'pending' });
    expect(events[1]!.data).toMatchObject({
      status: 'accepted',
      outcome: {
        accepted: true,
        disclosed: [
          {
            schemaRef: COVID,
            values: {},
            proven: [{ attribute: 'testResult', op: 'in', value: ['negative'] }, expect.anything(), expect.anything()],
          },
        ],
      },
    });
    // The stream delivered the disclosed values: a poll no longer has them.
    expect((await poll(t, venue, created.id)).outcome).toBeUndefined();
  });

  it('answers a long poll as soon as the outcome is known', async () => {
    const created = await newRequest(t, venue, 'entry');
    const waiting = t.app.inject({
      method: 'GET',
      url: `/v1/venue/requests/${created.id}/events`,
      headers: bearer(venue.key),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expectStatus(await submit(t, created.id, await present(t, wallet, created.request)), 200);
    const res = await waiting;
    expectStatus(res, 200);
    expect(res.json()).toMatchObject({ status: 'accepted', outcome: { accepted: true } });
  });

  it('ends the event stream with `expired` when nobody answers', async () => {
    const created = await newRequest(t, venue, 'entry');
    t.clock.advance(119_900);
    try {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/venue/requests/${created.id}/events`,
        headers: { ...bearer(venue.key), accept: 'text/event-stream' },
      });
      expect(res.body).toContain('event: expired');
    } finally {
      t.clock.advance(-119_900);
    }
  });
});
