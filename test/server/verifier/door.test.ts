// The whole door over real HTTP, with nothing handed out of band: the venue creates a request, the
// test "scans" only its QR text, wallet.respond fetches the signed request object and the service's
// JWKS, authenticates them, asks consent and posts the presentation to the response URL; the venue's
// event stream reports the outcome. Then the wallet's refusals (each a distinct HolderError code,
// before any proof is made) and the pseudonym privacy properties. Both databases.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { CompactSign } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  isoDateFromDay,
  parseAuthorizationRequestUri,
  presentationRequestOf,
  requestObjectClaims,
} from '../../../src/credential/index.js';
import { HolderError, Wallet, type ConsentRequest } from '../../../src/holder/index.js';
import { verifierServiceOf } from '../../../src/server/verifier/service.js';
import {
  ADULT,
  AGE,
  barPolicy,
  createPolicy,
  createVenue,
  DB_KINDS,
  entryPolicy,
  freePort,
  give,
  MS_PER_DAY,
  NEGATIVE_TEST,
  newWallet,
  startTestServer,
  TestIssuer,
  todayOf,
  trustPinned,
  COVID,
  type TestServer,
  type VenueFixture,
} from './support.js';

/** Another origin: serves whatever the test puts at a path, and counts POSTs. */
async function otherOrigin() {
  const routes = new Map<string, { type: string; body: string }>();
  let posts = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST') posts++;
    const route = routes.get(req.url ?? '');
    if (!route) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': route.type }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    routes,
    get posts() {
      return posts;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface OutcomeEvent {
  outcome: {
    accepted: boolean;
    pseudonym?: string;
    disclosed: { values: Record<string, unknown>; proven: unknown[] }[];
  };
}

/** The first `event: outcome` (or expired) of a request's server-sent events. */
async function firstOutcome(
  url: string,
  key: string,
  signal: AbortSignal,
): Promise<{ event: string; data: OutcomeEvent }> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (let i = 0; i < 1000; i++) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (const block of buffer.split('\n\n').slice(0, -1)) {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'outcome' || event === 'expired') {
        await reader.cancel();
        return { event, data: JSON.parse(data!) as OutcomeEvent };
      }
    }
  }
  throw new Error('the event stream ended without an outcome');
}

describe.each(DB_KINDS)('the door over real HTTP on %s', (kind) => {
  let t: TestServer;
  let base: string;
  let lab: TestIssuer;
  let stadium: VenueFixture;
  let bar: VenueFixture;
  let pub: VenueFixture;
  let evil: Awaited<ReturnType<typeof otherOrigin>>;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestServer(kind, {
      env: { PRIVID_PUBLIC_URL: base, PRIVID_VERIFY_WORKERS: '0', PRIVID_SUBMIT_RATE_LIMIT: '1000000' },
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    lab = new TestIssuer();
    await trustPinned(t, lab);
    stadium = await createVenue(t, `Stadium ${kind}`);
    bar = await createVenue(t, `Bar ${kind}`);
    pub = await createVenue(t, `Pub ${kind}`);
    await createPolicy(t, stadium, 'entry', entryPolicy([lab.issuerId]));
    await createPolicy(t, bar, 'entry', barPolicy([lab.issuerId], 'day'));
    await createPolicy(t, pub, 'entry', barPolicy([lab.issuerId], 'day'));
    await createPolicy(t, bar, 'member', barPolicy([lab.issuerId], 'none'));
    evil = await otherOrigin();
  });
  afterAll(async () => {
    await evil?.stop();
    await t?.close();
  });

  async function walletWithAll() {
    const wallet = newWallet(t, [lab]);
    const today = todayOf(t);
    await give(wallet, lab, COVID, NEGATIVE_TEST, { from: today - 1, until: today + 1 });
    await give(wallet, lab, AGE, ADULT, { from: today - 100, until: today + 1000 });
    return wallet;
  }

  /** POST /v1/venue/requests over HTTP; the test keeps only what the screen shows: the QR text. */
  async function screenQr(venue: VenueFixture, policy: string): Promise<{ qr: string; id: string }> {
    const response = await fetch(`${base}/v1/venue/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${venue.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ policy }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { qr: string; id: string };
    return { qr: body.qr, id: body.id };
  }

  async function statusOf(venue: VenueFixture, id: string): Promise<string> {
    const response = await fetch(`${base}/v1/venue/requests/${id}`, {
      headers: { authorization: `Bearer ${venue.key}` },
    });
    return ((await response.json()) as { status: string }).status;
  }

  /** Answers a venue's screen and returns the pseudonym the venue's event stream reports. */
  async function enter(wallet: Awaited<ReturnType<typeof walletWithAll>>, venue: VenueFixture, policy: string) {
    const { qr, id } = await screenQr(venue, policy);
    const abort = new AbortController();
    const events = firstOutcome(`${base}/v1/venue/requests/${id}/events`, venue.key, abort.signal);
    const result = await wallet.respond(qr, {
      today: todayOf(t),
      consent: (c) => ({ approve: true, allowPersistentPseudonym: c.pseudonym?.persistent === true }),
    });
    const outcome = await events;
    abort.abort();
    return { result, outcome };
  }

  it('the venue shows a short reference QR; the wallet answers from it alone and the screen learns the outcome', async () => {
    const wallet = await walletWithAll();
    const { qr, id } = await screenQr(stadium, 'entry');
    expect(qr).toMatch(/^openid4vp:\/\/\?client_id=/);
    expect(qr.length).toBeLessThan(250);
    expect(parseAuthorizationRequestUri(qr).requestUri).toBe(`${base}/v1/requests/${id}/object`);

    const abort = new AbortController();
    const events = firstOutcome(`${base}/v1/venue/requests/${id}/events`, stadium.key, abort.signal);
    const seen: ConsentRequest[] = [];
    const result = await wallet.respond(qr, {
      today: todayOf(t),
      consent: (request) => {
        seen.push(request);
        return true;
      },
    });
    expect(result).toMatchObject({ requestId: id, status: 'accepted', reasons: [] });
    expect(result.verifier).toEqual({ origin: base, id: stadium.verifierId, name: `Stadium ${kind}` });
    // Consent saw exactly what the venue learns: no value, only statements proven for today, validity
    // included (it fails closed) and no day of the credential's own.
    expect(seen).toHaveLength(1);
    expect(seen[0]!.pseudonym).toBeUndefined();
    const today = new Date(todayOf(t) * 86_400_000).toISOString().slice(0, 10);
    expect(seen[0]!.disclosures.map((d) => [d.schemaRef, d.disclosed, d.consent])).toEqual([
      [COVID, {}, ['proves testResult = "negative"', `proves validUntil >= ${today}`, `proves validFrom <= ${today}`]],
    ]);
    const { event, data } = await events;
    abort.abort();
    expect(event).toBe('outcome');
    expect(data.outcome).toMatchObject({ accepted: true });
    expect(data.outcome.disclosed[0]!.values).toEqual(seen[0]!.disclosures[0]!.disclosed);
    expect(data.outcome.disclosed[0]!.proven).toEqual(seen[0]!.disclosures[0]!.proven);
  });

  it('the JWKS and the request object are served on the origin, and rotation keeps old requests valid', async () => {
    const wallet = await walletWithAll();
    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    const { qr } = await screenQr(stadium, 'entry');
    const object = await fetch(parseAuthorizationRequestUri(qr).requestUri);
    expect(object.headers.get('content-type')).toMatch(/^application\/oauth-authz-req\+jwt/);
    const rotate = await fetch(`${base}/v1/admin/verifier-keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(rotate.status).toBe(200);
    const { key } = (await rotate.json()) as { key: { kid: string } };
    const after = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(after.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([key.kid, ...jwks.keys.map((k) => k.kid)]));
    // A request signed with the new kid: the wallet fetches the JWKS fresh for every request.
    await expect(wallet.respond(qr, { today: todayOf(t), consent: () => true }).then((r) => r.status)).resolves.toBe(
      'accepted',
    );
    const second = await enter(wallet, stadium, 'entry');
    expect(second.result.status).toBe('accepted');
  });

  describe('the wallet refuses, each with its own code, before any proof', () => {
    async function refusal(
      run: (wallet: Awaited<ReturnType<typeof walletWithAll>>, consent: () => boolean) => Promise<unknown>,
    ) {
      const wallet = await walletWithAll();
      let asked = 0;
      const postsBefore = evil.posts;
      const error = await run(wallet, () => {
        asked++;
        return true;
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HolderError);
      expect(asked).toBe(0);
      expect(evil.posts).toBe(postsBefore);
      return (error as HolderError).code;
    }

    async function realObject(venue: VenueFixture, policy: string) {
      const { qr, id } = await screenQr(venue, policy);
      const jws = await (await fetch(parseAuthorizationRequestUri(qr).requestUri)).text();
      return { id, jws, claims: JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) };
    }

    function serve(path: string, jws: string): string {
      evil.routes.set(path, { type: 'application/oauth-authz-req+jwt', body: jws });
      return `openid4vp://?request_uri=${encodeURIComponent(`${evil.url}${path}`)}`;
    }

    it('a bad signature: REQUEST_SIGNATURE_INVALID', async () => {
      const { id, jws, claims } = await realObject(stadium, 'entry');
      const tampered = Buffer.from(
        JSON.stringify({ ...claims, client_metadata: { client_name: 'Free Beer' } }),
      ).toString('base64url');
      const forged = [jws.split('.')[0], tampered, jws.split('.')[2]].join('.');
      const code = await refusal((wallet, consent) =>
        wallet.respond(serve('/bad-signature', forged), { today: todayOf(t), consent }),
      );
      expect(code).toBe('REQUEST_SIGNATURE_INVALID');
      expect(await statusOf(stadium, id)).toBe('pending');
    });

    it('a key from another origin: VERIFIER_KEY_OTHER_ORIGIN', async () => {
      const { id, claims } = await realObject(stadium, 'entry');
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      evil.routes.set('/.well-known/jwks.json', {
        type: 'application/json',
        body: JSON.stringify({
          keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'evil', alg: 'ES256', use: 'sig' }],
        }),
      });
      const forged = await new CompactSign(Buffer.from(JSON.stringify(claims)))
        .setProtectedHeader({
          alg: 'ES256',
          typ: 'oauth-authz-req+jwt',
          kid: 'evil',
          jku: `${evil.url}/.well-known/jwks.json`,
        })
        .sign(privateKey);
      const code = await refusal((wallet, consent) =>
        wallet.respond(serve('/other-key', forged), { today: todayOf(t), consent }),
      );
      expect(code).toBe('VERIFIER_KEY_OTHER_ORIGIN');
      // Without jku, the stadium's origin has no such key: the signature cannot be authenticated.
      const noJku = await new CompactSign(Buffer.from(JSON.stringify(claims)))
        .setProtectedHeader({ alg: 'ES256', typ: 'oauth-authz-req+jwt', kid: 'evil' })
        .sign(privateKey);
      expect(
        await refusal((wallet, consent) => wallet.respond(serve('/no-jku', noJku), { today: todayOf(t), consent })),
      ).toBe('REQUEST_SIGNATURE_INVALID');
      expect(await statusOf(stadium, id)).toBe('pending');
    });

    it('an expired request: REQUEST_EXPIRED', async () => {
      const { qr, id } = await screenQr(stadium, 'entry');
      const code = await refusal((wallet, consent) => {
        // The same credentials with the wallet's clock ten minutes ahead: the request (TTL 120 s) has expired for it.
        const ahead = new Wallet({
          credentials: wallet.credentials,
          secrets: wallet.secrets,
          now: () => t.clock.now().getTime() + 600_000,
          allowInsecureLocalhost: true,
        });
        return ahead.respond(qr, { today: todayOf(t), consent });
      });
      expect(code).toBe('REQUEST_EXPIRED');
      expect(await statusOf(stadium, id)).toBe('pending');
    });

    it("a response URL on another origin than the signing key (signed with the stadium's own key): RESPONSE_URI_OTHER_ORIGIN", async () => {
      const { id, claims } = await realObject(stadium, 'entry');
      const signed = await verifierServiceOf(t.server.context)!.signingKeys.sign({
        ...claims,
        response_uri: `${evil.url}/collect`,
      });
      const code = await refusal((wallet, consent) =>
        wallet.respond(serve('/other-response', signed), { today: todayOf(t), consent }),
      );
      expect(code).toBe('RESPONSE_URI_OTHER_ORIGIN');
      expect(await statusOf(stadium, id)).toBe('pending');
    });

    it('a period that is not current (signed by the service): PERIOD_NOT_CURRENT', async () => {
      const { id, claims } = await realObject(bar, 'entry');
      expect(claims.privid_pseudonym).toEqual({ scope: 'entry', period: isoDateFromDay(todayOf(t)), timeZone: 'UTC' });
      const signed = await verifierServiceOf(t.server.context)!.signingKeys.sign({
        ...claims,
        privid_pseudonym: { scope: 'entry', period: isoDateFromDay(todayOf(t) - 1), timeZone: 'UTC' },
      });
      const code = await refusal((wallet, consent) =>
        wallet.respond(serve('/old-period', signed), { today: todayOf(t), consent }),
      );
      expect(code).toBe('PERIOD_NOT_CURRENT');
      expect(await statusOf(bar, id)).toBe('pending');
    });

    it("the demo's forgery: the stadium's venue id with another origin's response URL, self-signed", async () => {
      const { claims } = await realObject(stadium, 'entry');
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const forged = await new CompactSign(
        Buffer.from(JSON.stringify({ ...claims, response_uri: `${evil.url}/collect` })),
      )
        .setProtectedHeader({
          alg: 'ES256',
          typ: 'oauth-authz-req+jwt',
          kid: 'evil',
          jku: `${evil.url}/.well-known/jwks.json`,
        })
        .sign(privateKey);
      const code = await refusal((wallet, consent) =>
        wallet.respond(serve('/forged', forged), { today: todayOf(t), consent }),
      );
      expect(['VERIFIER_KEY_OTHER_ORIGIN', 'RESPONSE_URI_OTHER_ORIGIN']).toContain(code);
    });

    it('consent declined, and a persistent pseudonym without its own consent flag: CONSENT_DECLINED', async () => {
      const wallet = await walletWithAll();
      const { qr, id } = await screenQr(bar, 'member');
      let seen: ConsentRequest | undefined;
      const error = await wallet
        .respond(qr, {
          today: todayOf(t),
          consent: (c) => {
            seen = c;
            return true;
          },
        })
        .catch((e: unknown) => e);
      expect(seen?.pseudonym).toMatchObject({
        scope: 'entry',
        persistent: true,
        notice: 'this venue will recognise you on every visit',
      });
      expect((error as HolderError).code).toBe('CONSENT_DECLINED');
      expect(await statusOf(bar, id)).toBe('pending');
    });

    it('plain http without allowInsecureLocalhost: INVALID_REQUEST, nothing fetched', async () => {
      const { qr, id } = await screenQr(stadium, 'entry');
      const strict = new Wallet({ now: () => t.clock.now().getTime() });
      const error = await strict.respond(qr, { today: todayOf(t), consent: () => true }).catch((e: unknown) => e);
      expect((error as HolderError).code).toBe('INVALID_REQUEST');
      expect((error as HolderError).message).toContain('allowInsecureLocalhost');
      expect(await statusOf(stadium, id)).toBe('pending');
    });

    it('today in milliseconds is an argument error, not "expired"', async () => {
      const wallet = await walletWithAll();
      const { qr } = await screenQr(stadium, 'entry');
      const error = await wallet.respond(qr, { today: Date.now(), consent: () => true }).catch((e: unknown) => e);
      expect((error as HolderError).code).toBe('INVALID_ARGUMENT');
    });
  });

  describe('pseudonyms', () => {
    it('the same wallet at two venues with the same scope string and period gets two unlinkable pseudonyms', async () => {
      const wallet = await walletWithAll();
      const atBar = await enter(wallet, bar, 'entry');
      const atPub = await enter(wallet, pub, 'entry');
      expect(atBar.result.status).toBe('accepted');
      expect(atPub.result.status).toBe('accepted');
      expect(atBar.outcome.data.outcome.pseudonym).toMatch(/^[A-Za-z0-9_-]{64}$/);
      expect(atPub.outcome.data.outcome.pseudonym).not.toBe(atBar.outcome.data.outcome.pseudonym);
    });

    it('is stable at one venue within the period (the second entry is refused), and changes the next day', async () => {
      const wallet = await walletWithAll();
      const first = await enter(wallet, bar, 'member');
      const again = await enter(wallet, bar, 'member');
      // period none: the same pseudonym on every visit (and the holder allowed it).
      expect(again.outcome.data.outcome.pseudonym).toBe(first.outcome.data.outcome.pseudonym);

      const monday = await enter(wallet, pub, 'entry');
      expect(monday.result.status).toBe('accepted');
      const sameDay = await enter(wallet, pub, 'entry');
      expect(sameDay.result).toMatchObject({ status: 'rejected', reasons: [{ code: 'PSEUDONYM_ALREADY_USED' }] });
      t.clock.advance(MS_PER_DAY);
      try {
        const tuesday = await enter(wallet, pub, 'entry');
        expect(tuesday.result.status).toBe('accepted');
        expect(tuesday.outcome.data.outcome.pseudonym).not.toBe(monday.outcome.data.outcome.pseudonym);
      } finally {
        t.clock.advance(-MS_PER_DAY);
      }
    });

    it('the submit route takes the PRIVID1:P: text, and names the accepted content types', async () => {
      const wallet = await walletWithAll();
      const { id } = await screenQr(stadium, 'entry');
      const url = `${base}/v1/requests/${id}/presentation`;
      const empty = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
      expect(empty.status).toBe(400);
      expect(((await empty.json()) as { detail: string }).detail).toMatch(/body is empty/);
      const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' });
      expect(wrong.status).toBe(415);
      const wrongProblem = (await wrong.json()) as { detail: string; accepted: string[] };
      expect(wrongProblem.detail).toMatch(/application\/json.*text\/plain/);
      expect(wrongProblem.accepted).toEqual(['application/json', 'text/plain']);
      // The request JSON the venue got (its own copy) lets a kiosk-style wallet answer by QR text.
      const created = await (
        await fetch(`${base}/v1/venue/requests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stadium.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ policy: 'entry' }),
        })
      ).json();
      const qrText = await wallet.presentQr(created.request, { today: todayOf(t) });
      const answered = await fetch(`${base}/v1/requests/${created.id}/presentation`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: qrText,
      });
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({ status: 'accepted' });
    });
  });

  it('requestObjectClaims round-trips what the server signs', async () => {
    const { qr } = await screenQr(bar, 'entry');
    const jws = await (await fetch(parseAuthorizationRequestUri(qr).requestUri)).text();
    const claims = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));
    const request = presentationRequestOf(claims);
    expect(requestObjectClaims(request, { responseUri: claims.response_uri, issuedAt: claims.iat })).toEqual(claims);
  });
});
