// Every rejection code over HTTP: each case answers a fresh request with a real presentation from
// the holder SDK, changed in one way, sent both to the wallet route (POST /v1/requests/:id/presentation,
// then read by the venue's screen) and to the stateless POST /v1/verify. Plus the codes only one of
// the two routes can give, on the embedded database and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Presentation, PresentationRequest } from '../../../src/credential/index.js';
import { VERIFICATION_REASON_CODES } from '../../../src/verifier/index.js';
import type { Wallet } from '../../../src/holder/index.js';
import {
  ADULT,
  AGE,
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
  poll,
  startTestServer,
  submit,
  TestIssuer,
  todayOf,
  trustPinned,
  verifyStateless,
  type TestServer,
  type VenueFixture,
} from './support.js';

type Tamper = (p: Presentation) => void;

interface Case {
  code: string;
  policy: string;
  wallet: () => Wallet;
  tamper?: Tamper;
  /** The wallet's idea of today (to present credentials the server sees as expired or not yet valid). */
  walletToday?: number;
}

/** Flips the lowest bit of a base64url byte string's last byte. */
function flipLastBit(b64: string): string {
  const bytes = Buffer.from(b64, 'base64url');
  bytes[bytes.length - 1]! ^= 1;
  return bytes.toString('base64url');
}

describe.each(DB_KINDS)('rejection reasons over HTTP on %s', (kind) => {
  let t: TestServer;
  let venue: VenueFixture;
  const lab = new TestIssuer();
  const untrusted = new TestIssuer(undefined, 'Untrusted Lab');
  const revoked = new TestIssuer(undefined, 'Revoked Lab');
  const seen = new Set<string>();
  let today: number;
  let standard: Wallet;
  let fromUntrusted: Wallet;
  let fromRevoked: Wallet;
  let expired: Wallet;
  let notYetValid: Wallet;

  beforeAll(async () => {
    t = await startTestServer(kind, { env: { PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '1000000' } });
    today = todayOf(t);
    await trustPinned(t, lab);
    // The revoked lab's key is revoked on the trust list (its credentials were issued before).
    const revokedKey = revoked.activeKey;
    standard = newWallet(t, [lab, untrusted, revoked]);
    fromUntrusted = newWallet(t, [untrusted]);
    fromRevoked = newWallet(t, [revoked]);
    expired = newWallet(t, [lab]);
    notYetValid = newWallet(t, [lab]);
    const test = { ...NEGATIVE_TEST, sampleDay: today };
    await give(standard, lab, COVID, test, { from: today, until: today + 1 });
    await give(standard, lab, AGE, ADULT, { from: today, until: today + 3650 });
    await give(fromUntrusted, untrusted, COVID, test, { from: today, until: today + 1 });
    await give(fromRevoked, revoked, COVID, test, { from: today, until: today + 1 });
    await give(expired, lab, COVID, { ...test, sampleDay: today - 3 }, { from: today - 3, until: today - 1 });
    await give(notYetValid, lab, COVID, test, { from: today + 1, until: today + 2 });
    revokedKey.status = 'revoked';
    await trustPinned(t, revoked);

    venue = await createVenue(t);
    const issuers = [lab.issuerId, untrusted.issuerId, revoked.issuerId];
    await createPolicy(t, venue, 'entry', entryPolicy(issuers));
    const from = entryPolicy(issuers);
    from.groups[0]!.anyOf[0]!.disclose = ['validFrom'];
    await createPolicy(t, venue, 'from', from);
    const shown = entryPolicy(issuers);
    shown.groups[0]!.anyOf[0]!.disclose = ['testResult'];
    await createPolicy(t, venue, 'shown', shown);
    const two = entryPolicy(issuers);
    two.groups.push({
      anyOf: [
        {
          schemaRef: AGE,
          issuers: issuers.map((issuerId) => ({ issuerId })),
          disclose: [],
          constraints: [{ attribute: 'ageOver18', op: 'eq', value: true }],
        },
      ],
    });
    await createPolicy(t, venue, 'two', two);
  });
  afterAll(async () => {
    await t?.close();
  });

  const cases: Case[] = [
    {
      code: 'MALFORMED',
      policy: 'entry',
      wallet: () => standard,
      // 48 bytes that are no compressed G1 point.
      tamper: (p) => void (p.items[0]!.pseudonym = Buffer.alloc(48, 0xff).toString('base64url')),
    },
    {
      code: 'SCHEMA_MISMATCH',
      policy: 'entry',
      wallet: () => standard,
      tamper: (p) => void (p.items[0]!.schemaRef = AGE),
    },
    { code: 'UNTRUSTED_ISSUER', policy: 'entry', wallet: () => fromUntrusted },
    {
      code: 'UNKNOWN_KEY',
      policy: 'entry',
      wallet: () => standard,
      tamper: (p) => void (p.items[0]!.keyId = 'ik_no-such-key-000'),
    },
    { code: 'KEY_REVOKED', policy: 'entry', wallet: () => fromRevoked },
    {
      code: 'UNSUPPORTED_SUITE',
      policy: 'entry',
      wallet: () => standard,
      tamper: (p) => void (p.items[0]!.suite = 'BBS+2020'),
    },
    {
      code: 'UNDISCLOSED_ATTRIBUTE',
      policy: 'from',
      wallet: () => standard,
      tamper: (p) => void delete (p.items[0]!.disclosed as Record<string, unknown>).validFrom,
    },
    {
      // The statement proven is weaker than the one asked for (any test result).
      code: 'PREDICATE_MISMATCH',
      policy: 'entry',
      wallet: () => standard,
      tamper: (p) => void (p.items[0]!.proven![0]!.value = ['negative', 'positive']),
    },
    {
      code: 'PREDICATE_FAILED',
      policy: 'entry',
      wallet: () => standard,
      tamper: (p) => void (p.items[0]!.predicateProof = flipLastBit(p.items[0]!.predicateProof!)),
    },
    {
      code: 'EXTRA_DISCLOSURE',
      policy: 'entry',
      wallet: () => standard,
      tamper: (p) => void ((p.items[0]!.disclosed as Record<string, unknown>).testType = 'antigen'),
    },
    { code: 'NOT_YET_VALID', policy: 'from', wallet: () => notYetValid, walletToday: 1 },
    { code: 'EXPIRED', policy: 'entry', wallet: () => expired, walletToday: -1 },
    {
      // A constraint on a value the venue asked to see is checked on that value.
      code: 'CONSTRAINT_FAILED',
      policy: 'shown',
      wallet: () => standard,
      tamper: (p) => void ((p.items[0]!.disclosed as Record<string, unknown>).testResult = 'positive'),
    },
    {
      code: 'PSEUDONYM_MISMATCH',
      policy: 'entry',
      wallet: () => standard,
      tamper: (p) => void delete p.items[0]!.pseudonym,
    },
    {
      code: 'PROOF_INVALID',
      policy: 'entry',
      wallet: () => standard,
      tamper: (p) => void (p.items[0]!.proof = flipLastBit(p.items[0]!.proof)),
    },
    { code: 'MISSING_GROUP', policy: 'two', wallet: () => standard, tamper: (p) => void p.items.splice(1, 1) },
  ];

  async function presentationFor(
    c: Case,
  ): Promise<{ id: string; request: PresentationRequest; presentation: Presentation }> {
    const created = await newRequest(t, venue, c.policy);
    const presentation = await c.wallet().present(created.request, { today: today + (c.walletToday ?? 0) });
    c.tamper?.(presentation);
    return { id: created.id, request: created.request, presentation };
  }

  it.each(cases.map((c) => [c.code, c] as const))('%s: wallet route and the screen', async (code, c) => {
    const { id, presentation } = await presentationFor(c);
    const res = await submit(t, id, presentation);
    expectStatus(res, 200);
    const body = res.json();
    expect(body.status).toBe('rejected');
    expect(body.reasons.map((r: { code: string }) => r.code)).toContain(code);
    const view = await poll(t, venue, id);
    expect(view.status).toBe('rejected');
    expect(view.outcome.accepted).toBe(false);
    expect(view.outcome.disclosed).toBeUndefined();
    expect(view.outcome.reasons.map((r: { code: string }) => r.code)).toContain(code);
    seen.add(code);
  });

  it.each(cases.map((c) => [c.code, c] as const))('%s: stateless /v1/verify', async (code, c) => {
    const { request, presentation } = await presentationFor(c);
    const res = await verifyStateless(t, venue, request, presentation);
    expectStatus(res, 200);
    expect(res.json().accepted).toBe(false);
    expect(res.json().reasons.map((r: { code: string }) => r.code)).toContain(code);
  });

  it('REQUEST_MISMATCH, NONCE_MISMATCH and REQUEST_EXPIRED on /v1/verify (the wallet route answers 409/410)', async () => {
    const { request, presentation } = await presentationFor({ code: '', policy: 'entry', wallet: () => standard });
    const accepted = await verifyStateless(t, venue, request, presentation);
    expect(accepted.json()).toMatchObject({ accepted: true, reasons: [] });

    const otherId = await verifyStateless(t, venue, { ...request, requestId: 'another-request-id' }, presentation);
    expect(otherId.json().reasons.map((r: { code: string }) => r.code)).toContain('REQUEST_MISMATCH');
    // A request naming another verifier is refused before any verification: a venue verifies its own only.
    const otherVerifier = await verifyStateless(
      t,
      venue,
      { ...request, verifierId: 'https://elsewhere.test' },
      presentation,
    );
    expectProblem(otherVerifier, 403, 'FORBIDDEN');
    // Another venue cannot have this venue's presentation verified to read its disclosed values.
    const intruder = await createVenue(t);
    const stolen = await verifyStateless(t, intruder, request, presentation);
    const problem = expectProblem(stolen, 403, 'FORBIDDEN');
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'body/request/verifierId' })]);
    expect(stolen.body).not.toContain('disclosed');
    const otherNonce = await verifyStateless(
      t,
      venue,
      { ...request, nonce: Buffer.alloc(32, 7).toString('base64url') },
      presentation,
    );
    expect(otherNonce.json().reasons.map((r: { code: string }) => r.code)).toContain('NONCE_MISMATCH');
    t.clock.advance(10 * 60_000);
    try {
      const late = await verifyStateless(t, venue, request, presentation);
      expect(late.json().reasons.map((r: { code: string }) => r.code)).toContain('REQUEST_EXPIRED');
    } finally {
      t.clock.advance(-10 * 60_000);
    }
    // A request the integrator made without validity constraints fails closed.
    const bare = {
      ...request,
      groups: request.groups.map((g: { anyOf: { constraints: { attribute: string }[] }[] }) => ({
        anyOf: g.anyOf.map((c) => ({
          ...c,
          constraints: c.constraints.filter((x) => x.attribute !== 'validUntil' && x.attribute !== 'validFrom'),
        })),
      })),
    };
    const unchecked = await verifyStateless(t, venue, bare, presentation);
    expect(unchecked.json().reasons.map((r: { code: string }) => r.code)).toContain('VALIDITY_UNCHECKED');
    for (const code of ['REQUEST_MISMATCH', 'NONCE_MISMATCH', 'REQUEST_EXPIRED', 'VALIDITY_UNCHECKED']) seen.add(code);
  });

  it('covers every reason code of privid/verifier', () => {
    expect([...VERIFICATION_REASON_CODES].filter((code) => !seen.has(code))).toEqual([]);
  });
});
