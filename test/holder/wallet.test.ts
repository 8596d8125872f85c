// The Wallet end to end on the real BBS code: offers accepted through an in-process issuer that
// runs the real issueCredential (and once over real HTTP with fetchTransport), match for the
// consent screen, presentations the verifier library accepts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILTIN_SCHEMAS,
  attributesToDisclose,
  encodeQr,
  formatSchemaRef,
  fromBase64url,
  issueCredential,
  parseIssuanceRequest,
  type CredentialOffer,
} from '../../src/credential/index.js';
import {
  HolderError,
  MemoryCredentialStore,
  MemorySecretStore,
  Wallet,
  fetchTransport,
  issuerMetadataUrl,
  redeemUrl,
} from '../../src/holder/index.js';
import { verifyPresentation } from '../../src/verifier/index.js';
import {
  FAR_FUTURE,
  SAMPLE_ATTRIBUTES,
  TODAY,
  TestIssuer,
  clause,
  makeRequest,
  schemas,
  sharesWindow,
  trustListOf,
  typicalClause,
  currentDay,
  kioskSigned,
  verifyOptions,
} from './support.js';

async function holderError(promise: Promise<unknown>): Promise<HolderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HolderError) return error;
    throw error;
  }
  throw new Error('expected a HolderError');
}

describe('wallet round trips for every built-in schema', () => {
  for (const schema of BUILTIN_SCHEMAS) {
    const schemaRef = formatSchemaRef(schema);
    it(`${schemaRef}: offer → commitment → blind signature → store → match → present → verify`, async () => {
      const issuer = new TestIssuer();
      const wallet = new Wallet({ transport: issuer });
      const stored = await wallet.acceptOffer(issuer.offer(schemaRef));
      expect(issuer.metadataCalls).toBe(1);
      expect(stored.credential.attributes).toEqual(SAMPLE_ATTRIBUTES[schemaRef]);
      expect(stored.credential.secretId).toBe(wallet.secretId);

      const request = makeRequest([typicalClause(schemaRef, [issuer])]);
      const match = await wallet.match(request, { today: TODAY });
      expect(match.satisfiable).toBe(true);
      const candidate = match.groups[0]!.candidates[0]!;
      expect(candidate.credentialId).toBe(stored.id);
      // The consent screen shows exactly what will be disclosed.
      const wanted = attributesToDisclose(request.groups[0]!.anyOf[0]!);
      expect(Object.keys(candidate.disclosed)).toEqual(wanted);

      const presentation = await wallet.present(request, { today: TODAY });
      expect(presentation.items[0]!.disclosed).toEqual(candidate.disclosed);
      const result = verifyPresentation(presentation, request, trustListOf([issuer]), verifyOptions(TODAY));
      expect(result).toMatchObject({ accepted: true });
      if (!result.accepted) return;
      expect(result.disclosed[0]!.values).toEqual(candidate.disclosed);
      expect(result.disclosed[0]!.proven).toEqual(candidate.proven);
      expect(result.pseudonym).toBeUndefined();
    });
  }

  it('BLS12-381-SHAKE-256 credentials too', async () => {
    const issuer = new TestIssuer('https://shake-lab.example/v1/issuers/s', ['BLS12-381-SHAKE-256']);
    const wallet = new Wallet({ transport: issuer });
    const stored = await wallet.acceptOffer(issuer.offer('privid:vaccination-record@1'));
    expect(stored.credential.suite).toBe('BLS12-381-SHAKE-256');
    const request = makeRequest([typicalClause('privid:vaccination-record@1', [issuer])], {
      pseudonym: { scope: 'x', period: currentDay() },
    });
    const signed = await kioskSigned(request, [wallet]);
    const result = verifyPresentation(
      await wallet.present(signed, { today: TODAY }),
      request,
      trustListOf([issuer]),
      verifyOptions(TODAY),
    );
    expect(result.accepted).toBe(true);
  });

  it('accepts QR text, an injected issuer key, and presents as QR text', async () => {
    const issuer = new TestIssuer();
    const wallet = new Wallet({ transport: issuer });
    const offer = issuer.offer('privid:age-band@1');
    await wallet.acceptOffer(encodeQr('offer', offer), { publicKey: issuer.key().publicKey });
    expect(issuer.metadataCalls).toBe(0);
    const request = makeRequest([typicalClause('privid:age-band@1', [issuer])], {
      pseudonym: { scope: 'entry', period: currentDay() },
    });
    // Unsigned, a scoped pseudonym is refused: the wallet cannot tell which venue would recognise it.
    expect((await holderError(wallet.presentQr(encodeQr('request', request), { today: TODAY }))).code).toBe(
      'UNAUTHENTICATED_VERIFIER',
    );
    const qr = await wallet.presentQr(await kioskSigned(request, [wallet]), { today: TODAY });
    expect(qr.startsWith('PRIVID1:P:')).toBe(true);
    const result = verifyPresentation(qr, request, trustListOf([issuer]), verifyOptions(TODAY));
    expect(result.accepted).toBe(true);
    if (result.accepted) expect(result.pseudonym).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });

  it('presents two groups with two credentials of one wallet, and lets the user choose', async () => {
    const issuer = new TestIssuer();
    const wallet = new Wallet({ transport: issuer });
    const older = await wallet.acceptOffer(issuer.offer('privid:covid-test-result@1', { validUntil: TODAY + 1 }));
    const newer = await wallet.acceptOffer(issuer.offer('privid:covid-test-result@1', { validUntil: TODAY + 3 }));
    await wallet.acceptOffer(issuer.offer('privid:age-band@1'));
    const request = makeRequest([
      [typicalClause('privid:covid-test-result@1', [issuer]), typicalClause('privid:vaccination-record@1', [issuer])],
      typicalClause('privid:age-band@1', [issuer]),
    ]);
    const match = await wallet.match(request, { today: TODAY });
    expect(match.groups[0]!.candidates.map((c) => c.credentialId)).toEqual([newer.id, older.id]);
    const chosen = await wallet.present(request, { today: TODAY, choices: [older.id] });
    // validUntil is proven (>= today), not shown: the chosen credential is the one whose proof verifies.
    expect(chosen.items[0]!.disclosed.validUntil).toBeUndefined();
    expect(chosen.items[0]!.proven?.find((p) => p.attribute === 'validUntil')?.value).toBe(TODAY);
    expect(chosen.items[0]!.pseudonym).toBe(chosen.items[1]!.pseudonym);
    expect(verifyPresentation(chosen, request, trustListOf([issuer]), verifyOptions(TODAY)).accepted).toBe(true);
    const other = await holderError(wallet.present(request, { today: TODAY, choices: [undefined, older.id] }));
    expect(other.code).toBe('INVALID_CHOICE');
    expect((await holderError(wallet.present(request, { today: TODAY, choices: ['nope-nope'] }))).code).toBe(
      'CREDENTIAL_NOT_FOUND',
    );
  });
});

describe('match: why no credential fits', () => {
  const issuer = new TestIssuer();
  const stranger = new TestIssuer('https://other-lab.example/v1/issuers/x');
  const wallet = new Wallet({ transport: issuer });
  const ready = (async () => {
    await wallet.acceptOffer(
      issuer.offer('privid:covid-test-result@1', { validFrom: TODAY - 5, validUntil: TODAY - 1 }),
    );
  })();

  const reasonFor = async (c: ReturnType<typeof clause>, today = TODAY) => {
    await ready;
    const match = await wallet.match(makeRequest([c]), { today });
    expect(match.satisfiable).toBe(false);
    return match.groups[0]!.reason;
  };

  it('EXPIRED, NOT_YET_VALID', async () => {
    expect(await reasonFor(typicalClause('privid:covid-test-result@1', [issuer]))).toBe('EXPIRED');
    expect(await reasonFor(typicalClause('privid:covid-test-result@1', [issuer]), TODAY - 6)).toBe('NOT_YET_VALID');
  });

  it('UNTRUSTED_ISSUER (issuer, or key not listed)', async () => {
    expect(await reasonFor(typicalClause('privid:covid-test-result@1', [stranger]), TODAY - 2)).toBe(
      'UNTRUSTED_ISSUER',
    );
    const keyed = {
      ...typicalClause('privid:covid-test-result@1', [issuer]),
      issuers: [{ issuerId: issuer.issuerId, keyIds: ['key-9'] }],
    };
    expect(await reasonFor(keyed, TODAY - 2)).toBe('UNTRUSTED_ISSUER');
  });

  it('WRONG_SCHEMA (another version), NO_CREDENTIAL (none of the schema)', async () => {
    expect(await reasonFor(clause('privid:covid-test-result@2', [issuer]))).toBe('WRONG_SCHEMA');
    expect(await reasonFor(typicalClause('privid:age-band@1', [issuer]))).toBe('NO_CREDENTIAL');
  });

  it('CONSTRAINT_FALSE, and present refuses with CANNOT_SATISFY', async () => {
    const positive = clause('privid:covid-test-result@1', [issuer], {
      constraints: [{ attribute: 'testResult', op: 'eq', value: 'positive' }],
    });
    expect(await reasonFor(positive, TODAY - 2)).toBe('CONSTRAINT_FALSE');
    const error = await holderError(wallet.present(makeRequest([positive]), { today: TODAY - 2 }));
    expect(error.code).toBe('CANNOT_SATISFY');
  });
});

describe('accepting offers: what the wallet refuses', () => {
  it('an expired offer, a BBS+2020 offer, an unknown schema, garbage', async () => {
    const issuer = new TestIssuer();
    const wallet = new Wallet({ transport: issuer });
    const offer = issuer.offer('privid:age-band@1');
    expect((await holderError(wallet.acceptOffer({ ...offer, expiresAt: 1000 }))).code).toBe('OFFER_EXPIRED');
    expect((await holderError(wallet.acceptOffer({ ...offer, suite: 'BBS+2020' }))).code).toBe('UNSUPPORTED_SUITE');
    expect((await holderError(wallet.acceptOffer({ ...offer, schemaRef: 'acme:thing@1' }))).code).toBe(
      'UNKNOWN_SCHEMA',
    );
    expect((await holderError(wallet.acceptOffer('PRIVID1:O:%%%'))).code).toBe('INVALID_OFFER');
    expect((await holderError(wallet.acceptOffer({ ...offer, v: 2 }))).code).toBe('INVALID_OFFER');
    expect(issuer.redeemCalls).toBe(0);
  });

  it('a revoked issuer key, before redeeming (the one-time offer is not burnt)', async () => {
    const issuer = new TestIssuer();
    issuer.key().status = 'revoked';
    const wallet = new Wallet({ transport: issuer });
    const error = await holderError(wallet.acceptOffer(issuer.offer('privid:age-band@1')));
    expect(error.code).toBe('ISSUER_KEY_UNAVAILABLE');
    expect(issuer.redeemCalls).toBe(0);
  });

  it('a credential whose signature does not verify, or that is not the one offered: nothing stored', async () => {
    const issuer = new TestIssuer();
    const wallet = new Wallet({ transport: issuer });
    issuer.tamper = (c) => ({ ...c, attributes: { band: '65+', ageOver18: true, ageOver21: true } });
    expect((await holderError(wallet.acceptOffer(issuer.offer('privid:age-band@1')))).code).toBe('INVALID_CREDENTIAL');
    issuer.tamper = (c) => ({ ...c, keyId: 'key-2' });
    expect((await holderError(wallet.acceptOffer(issuer.offer('privid:age-band@1')))).code).toBe('INVALID_CREDENTIAL');
    issuer.tamper = (c) => ({ ...c, signature: 'not base64url!' });
    expect((await holderError(wallet.acceptOffer(issuer.offer('privid:age-band@1')))).code).toBe('INVALID_RESPONSE');
    expect(await wallet.list()).toEqual([]);
  });
});

describe('accepting: a lab bug does not become a credential', () => {
  it('a correctly signed credential whose values contradict the schema invariants is refused, nothing stored', async () => {
    const issuer = new TestIssuer();
    const wallet = new Wallet({ transport: issuer });
    const offer = issuer.offer('privid:age-band@1', {
      attributes: { band: 'under-18', ageOver18: true, ageOver21: false },
    });
    const error = await holderError(wallet.acceptOffer(offer));
    expect(error.code).toBe('INVALID_CREDENTIAL');
    expect(error.path).toBe('/attributes/ageOver18');
    expect(error.message).toMatch(/band is "under-18", so ageOver18 must be false/);
    expect(issuer.redeemCalls).toBe(1);
    expect(await wallet.list()).toEqual([]);
    // The same wallet takes a consistent credential of that schema.
    await wallet.acceptOffer(issuer.offer('privid:age-band@1'));
    expect(await wallet.list()).toHaveLength(1);
  });
});

describe('argument errors are INVALID_ARGUMENT, never a verdict', () => {
  it.each([
    ['today in milliseconds', { today: Date.now() }],
    ['today in seconds', { today: Math.floor(Date.now() / 1000) }],
    ['today fractional', { today: TODAY + 0.5 }],
    ['today as a date string', { today: '2025-06-14' }],
    ['choices not an array', { today: TODAY, choices: 'abc' }],
    ['a choice without a credential id', { today: TODAY, choices: [{ clauseIndex: 0 }] }],
    ['allowPersistentPseudonym as text', { today: TODAY, allowPersistentPseudonym: 'yes' }],
  ])('present and presentQr: %s', async (_name, options) => {
    const issuer = new TestIssuer();
    const wallet = new Wallet({ transport: issuer });
    await wallet.acceptOffer(issuer.offer('privid:age-band@1'));
    const request = makeRequest([typicalClause('privid:age-band@1', [issuer])]);
    for (const call of [
      () => wallet.present(request, options as never),
      () => wallet.presentQr(request, options as never),
    ]) {
      expect((await holderError(call())).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('match, respond and acceptOffer check their options too', async () => {
    const issuer = new TestIssuer();
    const wallet = new Wallet({ transport: issuer });
    const request = makeRequest([typicalClause('privid:age-band@1', [issuer])]);
    expect((await holderError(wallet.match(request, { today: Date.now() }))).code).toBe('INVALID_ARGUMENT');
    expect((await holderError(wallet.match(request, TODAY as never))).code).toBe('INVALID_ARGUMENT');
    expect(
      (await holderError(wallet.respond('openid4vp://?request_uri=x', { today: Date.now(), consent: () => true })))
        .code,
    ).toBe('INVALID_ARGUMENT');
    expect((await holderError(wallet.respond(42 as never, { today: TODAY, consent: () => true }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    const offer = issuer.offer('privid:age-band@1');
    expect((await holderError(wallet.acceptOffer(offer, { publicKey: 'abc' as never }))).code).toBe('INVALID_ARGUMENT');
    expect((await holderError(wallet.acceptOffer(offer, 'x' as never))).code).toBe('INVALID_ARGUMENT');
    // Nothing was redeemed: the offer is still good.
    expect(issuer.redeemCalls).toBe(0);
  });
});

describe('presenting: what the wallet refuses', () => {
  it('a copied credential without its holder secret (another wallet): INVALID_CREDENTIAL', async () => {
    const issuer = new TestIssuer();
    const owner = new Wallet({ transport: issuer });
    const stored = await owner.acceptOffer(issuer.offer('privid:age-band@1'));
    // The thief copies the credential record, secretId and all, but has its own secret.
    const thief = new Wallet({ transport: issuer, credentials: new MemoryCredentialStore([stored]) });
    await thief.ensureHolderSecret();
    const request = makeRequest([typicalClause('privid:age-band@1', [issuer])]);
    expect((await thief.match(request, { today: TODAY })).satisfiable).toBe(true);
    const error = await holderError(thief.present(request, { today: TODAY }));
    expect(error.code).toBe('INVALID_CREDENTIAL');
    // Without any secret under that id: SECRET_NOT_FOUND.
    const empty = new Wallet({
      transport: issuer,
      credentials: new MemoryCredentialStore([stored]),
      secretId: 'another-id',
    });
    expect((await holderError(empty.present(request, { today: TODAY }))).code).toBe('SECRET_NOT_FOUND');
  });

  it('an expired request; a nonce the verifier already used long ago (NONCE_REUSED)', async () => {
    const issuer = new TestIssuer();
    let now = Date.now();
    const wallet = new Wallet({ transport: issuer, now: () => now });
    await wallet.acceptOffer(issuer.offer('privid:age-band@1'));
    const request = makeRequest([typicalClause('privid:age-band@1', [issuer])]);
    expect((await holderError(wallet.present({ ...request, expiresAt: 1000 }, { today: TODAY }))).code).toBe(
      'REQUEST_EXPIRED',
    );
    await wallet.present(request, { today: TODAY });
    await wallet.present(request, { today: TODAY }); // a retry within the window
    now += 11 * 60_000;
    expect((await holderError(wallet.present(request, { today: TODAY }))).code).toBe('NONCE_REUSED');
    // The same nonce at another verifier is another context: fine.
    const elsewhere = { ...request, verifierId: 'https://other-venue.example' };
    await wallet.present(elsewhere, { today: TODAY });
  });

  it('a request with credentials bound to two different holder secrets', async () => {
    const issuer = new TestIssuer();
    const secrets = new MemorySecretStore();
    const credentials = new MemoryCredentialStore();
    const first = new Wallet({ transport: issuer, secrets, credentials, secretId: 'secret-one' });
    const second = new Wallet({ transport: issuer, secrets, credentials, secretId: 'secret-two' });
    await first.acceptOffer(issuer.offer('privid:covid-test-result@1'));
    await second.acceptOffer(issuer.offer('privid:age-band@1'));
    const request = makeRequest([
      typicalClause('privid:covid-test-result@1', [issuer]),
      typicalClause('privid:age-band@1', [issuer]),
    ]);
    expect((await holderError(first.present(request, { today: TODAY }))).code).toBe('CANNOT_SATISFY');
  });
});

describe('privacy of issuance', () => {
  it('the issuer never receives the holder secret (no 32-byte window of it in any request body)', async () => {
    const issuer = new TestIssuer();
    const secrets = new MemorySecretStore();
    const wallet = new Wallet({ transport: issuer, secrets });
    for (const schema of BUILTIN_SCHEMAS) await wallet.acceptOffer(issuer.offer(formatSchemaRef(schema)));
    const secret = (await secrets.get(wallet.secretId))!;
    expect(secret.length).toBe(32);
    expect(issuer.received.length).toBe(3);
    for (const body of issuer.received) {
      const request = parseIssuanceRequest(JSON.parse(body));
      expect(sharesWindow(new TextEncoder().encode(body), secret)).toBe(false);
      expect(sharesWindow(fromBase64url(request.commitmentWithProof), secret)).toBe(false);
    }
    // Three commitments to one secret share nothing either (hiding: fresh blinding each time).
    const [a, b] = issuer.received.map((body) =>
      fromBase64url(parseIssuanceRequest(JSON.parse(body)).commitmentWithProof),
    );
    expect(sharesWindow(a!, b!, 16)).toBe(false);
  });
});

describe('fetchTransport over real HTTP', () => {
  const issuer = new TestIssuer('http://127.0.0.1/v1/issuers/lab-one');
  let base = '';
  const problems = new Map<string, { status: number; code: string }>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown, type = 'application/json') => {
        res.writeHead(status, { 'content-type': type });
        res.end(JSON.stringify(body));
      };
      const redeem = /^\/v1\/offers\/([A-Za-z0-9_-]+)\/redeem$/.exec(req.url ?? '');
      if (req.method === 'GET' && req.url === '/v1/issuers/lab-one') {
        return send(200, { ...issuer.metadata(), id: `${base}/v1/issuers/lab-one` });
      }
      if (req.method === 'POST' && redeem) {
        const problem = problems.get(redeem[1]!);
        if (problem) {
          return send(
            problem.status,
            {
              type: 'https://privid.dev/problems/x',
              title: 'No',
              status: problem.status,
              code: problem.code,
              detail: 'nope',
            },
            'application/problem+json',
          );
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        const request = parseIssuanceRequest(body);
        const pending = issuer.offers.get(request.offerId)!;
        const key = pending.key;
        return send(
          200,
          issueCredential({
            ciphersuite: key.suite,
            secretKey: key.secretKey,
            publicKey: key.publicKey,
            schema: schemas.require(pending.offer.schemaRef),
            issuerId: `${base}/v1/issuers/lab-one`,
            keyId: key.kid,
            validFrom: pending.validFrom,
            validUntil: pending.validUntil,
            attributes: pending.attributes,
            request,
          }),
        );
      }
      if (req.url === '/broken') return send(502, 'bad gateway', 'text/plain');
      return send(404, { code: 'NOT_FOUND' }, 'application/problem+json');
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const offerAt = (schemaRef: string): CredentialOffer => {
    const offer = issuer.offer(schemaRef);
    return { ...offer, issuerUrl: base, issuerId: `${base}/v1/issuers/lab-one` };
  };

  it('builds the routes the issuer API serves', () => {
    const offer = offerAt('privid:age-band@1');
    expect(redeemUrl(offer)).toBe(`${base}/v1/offers/${offer.offerId}/redeem`);
    expect(issuerMetadataUrl(offer)).toBe(`${base}/v1/issuers/lab-one`);
    expect(issuerMetadataUrl({ issuerUrl: base, issuerId: 'did:web:lab.example' })).toBe(
      `${base}/v1/issuers/did%3Aweb%3Alab.example`,
    );
  });

  it('accepts an offer over HTTP (metadata, redemption, signature check)', async () => {
    const wallet = new Wallet({ transport: fetchTransport() });
    const offer = offerAt('privid:covid-test-result@1');
    const stored = await wallet.acceptOffer(offer);
    expect(stored.credential.schemaRef).toBe('privid:covid-test-result@1');
    expect(stored.issuerUrl).toBe(base);
  });

  it("turns problem+json into a HolderError with the issuer's code and status", async () => {
    const wallet = new Wallet({ transport: fetchTransport() });
    const offer = offerAt('privid:age-band@1');
    problems.set(offer.offerId, { status: 409, code: 'OFFER_ALREADY_REDEEMED' });
    const error = await holderError(wallet.acceptOffer(offer));
    expect(error).toMatchObject({ code: 'OFFER_ALREADY_REDEEMED', source: 'issuer', status: 409 });
    expect(error.problem?.detail).toBe('nope');
  });

  it('network failures and non-problem errors', async () => {
    const unreachable = fetchTransport({ timeoutMs: 2000 });
    const offer = { ...offerAt('privid:age-band@1'), issuerUrl: 'http://127.0.0.1:1' };
    expect((await holderError(unreachable.issuerMetadata(offer))).code).toBe('NETWORK_ERROR');
    const broken = fetchTransport({ fetch: (() => fetch(`${base}/broken`)) as typeof fetch });
    expect(await holderError(broken.redeem(offer, {} as never))).toMatchObject({ code: 'ISSUER_ERROR', status: 502 });
  });
});

describe('the issued credential is valid far ahead', () => {
  it('offer expiry uses the wallet clock', async () => {
    const issuer = new TestIssuer();
    const wallet = new Wallet({ transport: issuer, now: () => (FAR_FUTURE + 1) * 1000 });
    expect((await holderError(wallet.acceptOffer(issuer.offer('privid:age-band@1')))).code).toBe('OFFER_EXPIRED');
  });
});
