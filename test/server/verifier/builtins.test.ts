// The built-in policies over real HTTP: a venue creates each by name, the wallet answers from the QR
// alone (wallet.respond). For every built-in, a credential that expired yesterday is refused by its
// honest wallet and, forced through with the wallet's clock on the expiry day, rejected by the
// server as EXPIRED; a valid one is accepted with no value disclosed, only the statements proven.
// Then the API's rules: exactly one of definition and builtin, unknown ids named, the catalogue.
// Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HolderError, type Wallet } from '../../../src/holder/index.js';
import {
  ADULT,
  AGE,
  bearer,
  COVID,
  createVenue,
  DB_KINDS,
  expectProblem,
  expectStatus,
  freePort,
  give,
  NEGATIVE_TEST,
  newWallet,
  poll,
  startTestServer,
  TestIssuer,
  todayOf,
  trustPinned,
  VACCINATION,
  type TestServer,
  type VenueFixture,
} from './support.js';

const BUILTIN_IDS = ['negative-test', 'test-or-vaccinated', 'vaccinated', 'adult', 'adult-once-a-day'];

const VACCINATED = { productClass: 'mrna', doseCount: 3 };

describe.each(DB_KINDS)('built-in policies on %s', (kind) => {
  let t: TestServer;
  let base: string;
  let lab: TestIssuer;
  let venue: VenueFixture;
  let today: number;
  /** A builtin created while the trust list was still empty. */
  let beforeTrust: { status: number; body: Record<string, unknown> };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestServer(kind, {
      env: { PRIVID_PUBLIC_URL: base, PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '1000000' },
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    today = todayOf(t);
    lab = new TestIssuer();
    venue = await createVenue(t, `Venue ${kind}`);
    const early = await t.app.inject({
      method: 'POST',
      url: '/v1/venue/policies',
      headers: bearer(venue.key),
      payload: { name: 'too-early', builtin: 'adult' },
    });
    beforeTrust = { status: early.statusCode, body: early.json() };
    await trustPinned(t, lab);
    for (const id of BUILTIN_IDS) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/venue/policies',
        headers: bearer(venue.key),
        payload: { name: id, builtin: id },
      });
      expectStatus(res, 201);
      expect(res.json().warnings).toEqual([]);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * What a wallet must hold to satisfy each built-in, with the given validity. For test-or-vaccinated
   * an expired wallet holds both (neither alternative may pass) and a valid one the vaccination only
   * (the alternative with the most to prove).
   */
  async function walletFor(id: string, validity: { from: number; until: number }): Promise<Wallet> {
    const wallet = newWallet(t, [lab]);
    // The schemas' invariants: a sample and a last dose are not after the credential's validFrom.
    const vaccination = { ...VACCINATED, lastDoseDay: Math.min(today - 30, validity.from) };
    const test = { ...NEGATIVE_TEST, sampleDay: validity.from };
    if (id === 'negative-test') await give(wallet, lab, COVID, test, validity);
    if (id === 'test-or-vaccinated') {
      if (validity.until < today) await give(wallet, lab, COVID, test, validity);
      await give(wallet, lab, VACCINATION, vaccination, validity);
    }
    if (id === 'vaccinated') await give(wallet, lab, VACCINATION, vaccination, validity);
    if (id === 'adult' || id === 'adult-once-a-day') await give(wallet, lab, AGE, ADULT, validity);
    return wallet;
  }

  /** The venue's screen: POST /v1/venue/requests over HTTP; the wallet gets only the QR text. */
  async function screenQr(policy: string): Promise<{ qr: string; id: string }> {
    const response = await fetch(`${base}/v1/venue/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${venue.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ policy }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { qr: string; id: string };
  }

  const consent = () => ({ approve: true });

  /** The proven statements the venue sees, validity included (dates as day numbers, eq as in). */
  function expectedProven(id: string) {
    const validity = [
      { attribute: 'validUntil', op: 'gte', value: today },
      { attribute: 'validFrom', op: 'lte', value: today },
    ];
    const negative = [{ attribute: 'testResult', op: 'in', value: ['negative'] }, ...validity];
    const vaccinated = [
      { attribute: 'doseCount', op: 'gte', value: 2 },
      { attribute: 'lastDoseDay', op: 'lte', value: today - 14 },
      ...validity,
    ];
    const adult = [{ attribute: 'ageOver18', op: 'in', value: [true] }, ...validity];
    return {
      'negative-test': negative,
      'test-or-vaccinated': vaccinated,
      vaccinated,
      adult,
      'adult-once-a-day': adult,
    }[id]!;
  }

  describe.each(BUILTIN_IDS)('%s', (id) => {
    it('a credential that expired yesterday: the honest wallet cannot answer, a forced answer is EXPIRED', async () => {
      const wallet = await walletFor(id, { from: today - 30, until: today - 1 });

      const honest = await screenQr(id);
      let asked = 0;
      const refused = await wallet
        .respond(honest.qr, {
          today,
          consent: () => {
            asked++;
            return true;
          },
        })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HolderError);
      expect((refused as HolderError).code).toBe('CANNOT_SATISFY');
      expect(asked).toBe(0);
      expect((await poll(t, venue, honest.id)).status).toBe('pending');

      // The wallet's clock on the credential's last valid day: it proves "valid on that day", which
      // is not "valid today" for the server.
      const forced = await screenQr(id);
      const result = await wallet.respond(forced.qr, { today: today - 1, consent });
      expect(result.status).toBe('rejected');
      expect(result.reasons.map((r) => r.code)).toContain('EXPIRED');
      const view = await poll(t, venue, forced.id);
      expect(view).toMatchObject({ status: 'rejected', outcomeCode: 'EXPIRED' });
      expect(view.outcome.disclosed).toBeUndefined();
    });

    it('a valid credential is accepted with no value disclosed, only the statements proven', async () => {
      const wallet = await walletFor(id, { from: today - 30, until: today + 30 });
      const { qr, id: requestId } = await screenQr(id);
      const result = await wallet.respond(qr, { today, consent });
      expect(result).toMatchObject({ status: 'accepted', reasons: [] });
      const view = await poll(t, venue, requestId);
      expect(view.status).toBe('accepted');
      expect(view.outcome.disclosed).toHaveLength(1);
      expect(view.outcome.disclosed[0].values).toEqual({});
      expect(view.outcome.disclosed[0].proven).toEqual(expectedProven(id));
      if (id === 'adult-once-a-day') {
        expect(view.outcome.pseudonym).toMatch(/^[A-Za-z0-9_-]+$/);
        const again = await screenQr(id);
        const second = await wallet.respond(again.qr, { today, consent });
        expect(second).toMatchObject({ status: 'rejected', reasons: [{ code: 'PSEUDONYM_ALREADY_USED' }] });
      } else {
        expect(view.outcome.pseudonym).toBeUndefined();
      }
    });
  });

  it('stores the expanded definition: every clause over the trust list, nothing disclosed, validity checked', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/venue', headers: bearer(venue.key) });
    expectStatus(res, 200);
    const policies = res.json().policies as { name: string; definition: Record<string, unknown> }[];
    const stored = policies.find((p) => p.name === 'test-or-vaccinated')!.definition;
    expect(stored).toMatchObject({ validity: 'checked' });
    const clauses = (stored.groups as { anyOf: { schemaRef: string; issuers: unknown; disclose: unknown }[] }[])[0]!
      .anyOf;
    expect(clauses.map((c) => c.schemaRef)).toEqual([COVID, VACCINATION]);
    for (const clause of clauses) {
      expect(clause.issuers).toEqual([{ issuerId: lab.issuerId }]);
      expect(clause.disclose).toEqual([]);
    }
    expect(policies.find((p) => p.name === 'adult-once-a-day')!.definition.pseudonym).toEqual({
      scope: 'entry',
      period: 'day',
    });
  });

  it('named issuers replace the trust list (with a warning for one not on it); the admin route takes builtin too', async () => {
    const other = new TestIssuer();
    const named = await t.app.inject({
      method: 'POST',
      url: '/v1/venue/policies',
      headers: bearer(venue.key),
      payload: { name: 'adult-other-lab', builtin: 'adult', issuers: [{ issuerId: other.issuerId }] },
    });
    expectStatus(named, 201);
    expect(named.json().policy.definition.groups[0].anyOf[0].issuers).toEqual([{ issuerId: other.issuerId }]);
    expect(named.json().warnings).toEqual([expect.stringContaining(`${other.issuerId} is not on the trust list`)]);

    const byAdmin = await t.app.inject({
      method: 'POST',
      url: `/v1/admin/venues/${venue.venueId}/policies`,
      headers: bearer(t.adminToken),
      payload: { name: 'vaccinated-by-admin', builtin: 'vaccinated' },
    });
    expectStatus(byAdmin, 201);
    expect(byAdmin.json().policy.definition.groups[0].anyOf[0]).toMatchObject({
      schemaRef: VACCINATION,
      issuers: [{ issuerId: lab.issuerId }],
      disclose: [],
    });
  });

  it('refuses an unknown builtin naming the allowed ids, and a body with both, neither, or stray issuers', async () => {
    const create = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/v1/venue/policies', headers: bearer(venue.key), payload });
    const unknown = expectProblem(await create({ name: 'x', builtin: 'over-21' }), 400, 'VALIDATION_FAILED');
    expect(unknown.detail).toContain('over-21');
    for (const id of BUILTIN_IDS) expect(unknown.detail).toContain(id);
    expect(unknown.errors).toEqual([{ path: 'body/builtin', message: unknown.detail }]);

    const definition = {
      groups: [{ anyOf: [{ schemaRef: AGE, issuers: [{ issuerId: lab.issuerId }], disclose: [], constraints: [] }] }],
    };
    const both = expectProblem(await create({ name: 'x', builtin: 'adult', definition }), 400, 'VALIDATION_FAILED');
    expect(both.detail).toMatch(/either definition or builtin, not both/);
    const neither = expectProblem(await create({ name: 'x' }), 400, 'VALIDATION_FAILED');
    expect(neither.detail).toMatch(/give definition .* or builtin \(one of negative-test, /);
    const stray = expectProblem(
      await create({ name: 'x', definition, issuers: [{ issuerId: lab.issuerId }] }),
      400,
      'VALIDATION_FAILED',
    );
    expect(stray.errors).toEqual([{ path: 'body/issuers', message: stray.detail }]);

    // Before any issuer was trusted, a builtin without issuers had nothing to accept.
    expect(beforeTrust).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(beforeTrust.body.detail).toMatch(/trust list is empty/);
  });

  it('GET /v1/policy-templates lists every built-in for any caller, cacheable', async () => {
    const res = await fetch(`${base}/v1/policy-templates`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      templates: {
        id: string;
        description: string;
        anyOf: { schemaRef: string; proves: string[] }[];
        pseudonym: unknown;
      }[];
    };
    expect(body.templates.map((tpl) => tpl.id)).toEqual(BUILTIN_IDS);
    const testOrVaccinated = body.templates.find((tpl) => tpl.id === 'test-or-vaccinated')!;
    expect(testOrVaccinated.anyOf).toEqual([
      { schemaRef: COVID, proves: ['testResult = negative', 'validUntil >= today', 'validFrom <= today'] },
      {
        schemaRef: VACCINATION,
        proves: ['doseCount >= 2', 'lastDoseDay <= today-14', 'validUntil >= today', 'validFrom <= today'],
      },
    ]);
    expect(body.templates.find((tpl) => tpl.id === 'adult-once-a-day')!.pseudonym).toEqual({
      scope: 'entry',
      period: 'day',
    });
    const etag = res.headers.get('etag')!;
    const again = await fetch(`${base}/v1/policy-templates`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });
});
