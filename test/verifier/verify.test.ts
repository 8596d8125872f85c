// verifyPresentation on real presentations from real wallets: acceptance, one reason code per
// attack, privacy properties of the proofs and pseudonyms, and malformed input (never throws).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  blindLayoutContext,
  concatBytes,
  coreProofGenWithNym,
  getCiphersuite,
  i2osp,
  octetsToSignature,
  os2ip,
  pointToOctetsG1,
  pseudonymApiId,
  randomScalars,
} from '../../src/bbs/index.js';
import {
  CREDENTIAL_HEADER,
  credentialEncodingContext,
  credentialMessageScalars,
  contentsOf,
  disclosureIndexes,
  fromBase64url,
  generateHolderSecret,
  pseudonymContext,
  isoDateFromDay,
  presentationContextId,
  presentationHeader,
  proveItem,
  toBase64url,
  type Presentation,
  type PresentationRequest,
} from '../../src/credential/index.js';
import { Wallet, type StoredCredential } from '../../src/holder/index.js';
import {
  TrustIndex,
  VERIFICATION_REASON_CODES,
  parseTrustList,
  trustListFromIssuerMetadata,
  verifyPresentation,
  type TrustList,
  type VerificationResult,
} from '../../src/verifier/index.js';
import {
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
  KIOSK_ORIGIN,
  verifyOptions,
} from '../holder/support.js';

const COVID = 'privid:covid-test-result@1';
const AGE = 'privid:age-band@1';
const VACCINATION = 'privid:vaccination-record@1';

const lab = new TestIssuer();
const otherLab = new TestIssuer('https://other-lab.example/v1/issuers/other');
const trust: TrustList = trustListOf([lab, otherLab]);
let alice: Wallet;
let bob: Wallet;
let aliceRecords: Record<string, StoredCredential>;

beforeAll(async () => {
  alice = new Wallet({ transport: lab });
  bob = new Wallet({ transport: lab });
  aliceRecords = {
    [COVID]: await alice.acceptOffer(lab.offer(COVID)),
    [AGE]: await alice.acceptOffer(lab.offer(AGE)),
    [VACCINATION]: await alice.acceptOffer(lab.offer(VACCINATION)),
  };
  await bob.acceptOffer(lab.offer(COVID));
  await bob.acceptOffer(lab.offer(AGE));
});

function codes(result: VerificationResult): string[] {
  return result.accepted ? [] : [...new Set(result.reasons.map((r) => r.code))].sort();
}

function verify(presentation: unknown, request: unknown, options: { trust?: unknown; today?: number } = {}) {
  return verifyPresentation(presentation, request, options.trust ?? trust, verifyOptions(options.today ?? TODAY));
}

/** A scoped request as an offline kiosk's signed request, for alice and bob. */
async function presentSigned(wallet: Wallet, request: PresentationRequest) {
  return wallet.present(await kioskSigned(request, [alice, bob]), { today: TODAY });
}

/** A copy with item `g` changed. */
function withItem(p: Presentation, g: number, change: (item: Presentation['items'][number]) => object): Presentation {
  return { ...p, items: p.items.map((item, i) => (i === g ? ({ ...item, ...change(item) } as typeof item) : item)) };
}

const covidRequest = (options: Parameters<typeof makeRequest>[1] = {}) =>
  makeRequest(
    [
      clause(COVID, [lab], {
        disclose: ['testType'],
        constraints: [
          { attribute: 'testResult', op: 'eq', value: 'negative' },
          { attribute: 'validUntil', op: 'gte', value: 'today' },
        ],
      }),
    ],
    options,
  );

describe('accepted presentations', () => {
  it('one group, and two groups with alternatives, with the disclosed values and no pseudonym', async () => {
    const request = covidRequest();
    const result = verify(await alice.present(request, { today: TODAY }), request);
    expect(result).toEqual({
      accepted: true,
      disclosed: [
        {
          groupIndex: 0,
          clauseIndex: 0,
          schemaRef: COVID,
          issuerId: lab.issuerId,
          keyId: 'key-1',
          suite: 'BLS12-381-SHA-256',
          values: { testType: 'pcr' },
          // testResult and validUntil are proven, never shown.
          proven: [
            { attribute: 'testResult', op: 'in', value: ['negative'] },
            { attribute: 'validUntil', op: 'gte', value: TODAY },
          ],
        },
      ],
    });
    const two = makeRequest([
      [typicalClause(VACCINATION, [otherLab]), typicalClause(COVID, [lab])],
      typicalClause(AGE, [lab]),
    ]);
    const accepted = verify(await alice.present(two, { today: TODAY }), two);
    expect(accepted.accepted).toBe(true);
    if (accepted.accepted) expect(accepted.disclosed.map((d) => d.clauseIndex)).toEqual([1, 0]);
  });

  it('a retired key still verifies the credentials it signed; a prebuilt TrustIndex works offline', async () => {
    const request = covidRequest();
    const presentation = await alice.present(request, { today: TODAY });
    expect(verify(presentation, request, { trust: trustListOf([lab], 'retired') }).accepted).toBe(true);
    const kiosk = new TrustIndex(JSON.parse(JSON.stringify(trust)));
    expect(verifyPresentation(presentation, request, kiosk, verifyOptions(TODAY)).accepted).toBe(true);
  });

  it('exports its reason codes as a constant list', () => {
    expect(VERIFICATION_REASON_CODES).toContain('PSEUDONYM_MISMATCH');
    expect(new Set(VERIFICATION_REASON_CODES).size).toBe(VERIFICATION_REASON_CODES.length);
  });
});

describe('each attack is rejected with its own reason code', () => {
  let request: PresentationRequest;
  let presentation: Presentation;
  beforeAll(async () => {
    request = covidRequest();
    presentation = await alice.present(request, { today: TODAY });
    expect(verify(presentation, request).accepted).toBe(true);
  });

  it('a tampered disclosed value: PROOF_INVALID', () => {
    const tampered = withItem(presentation, 0, (item) => ({ disclosed: { ...item.disclosed, testType: 'antigen' } }));
    expect(codes(verify(tampered, request))).toEqual(['PROOF_INVALID']);
    const shown = withItem(presentation, 0, (item) => ({ disclosed: { ...item.disclosed, validUntil: TODAY + 30 } }));
    expect(codes(verify(shown, request))).toEqual(['EXTRA_DISCLOSURE']);
    // A stronger proven bound than the proof was made for: the predicate proof fails.
    const later = withItem(presentation, 0, (item) => ({
      proven: item.proven!.map((p) => (p.attribute === 'validUntil' ? { ...p, value: TODAY + 30 } : p)),
    }));
    expect(codes(verify(later, request))).toEqual(['PREDICATE_FAILED']);
  });

  it('a wrong nonce: NONCE_MISMATCH; the nonce rewritten to match: PROOF_INVALID', () => {
    const fresh = { ...request, nonce: toBase64url(crypto.getRandomValues(new Uint8Array(32))) };
    expect(codes(verify(presentation, fresh))).toEqual(['NONCE_MISMATCH']);
    expect(codes(verify({ ...presentation, nonce: fresh.nonce }, fresh))).toEqual(['PROOF_INVALID']);
  });

  it('a replay to another verifier: REQUEST_MISMATCH; rewritten: PROOF_INVALID', () => {
    const elsewhere = { ...request, verifierId: 'https://another-venue.example' };
    const result = verify(presentation, elsewhere);
    expect(codes(result)).toEqual(['REQUEST_MISMATCH']);
    expect(!result.accepted && result.reasons[0]!.path).toBe('/presentation/verifierId');
    expect(codes(verify({ ...presentation, verifierId: elsewhere.verifierId }, elsewhere))).toEqual(['PROOF_INVALID']);
  });

  it('a replay to another request of the same verifier: REQUEST_MISMATCH; rewritten: PROOF_INVALID', () => {
    const other = { ...request, requestId: 'another-request-1' };
    expect(codes(verify(presentation, other))).toEqual(['REQUEST_MISMATCH']);
    expect(codes(verify({ ...presentation, requestId: other.requestId }, other))).toEqual(['PROOF_INVALID']);
  });

  it('an item moved to another group: PROOF_INVALID', async () => {
    const twice = makeRequest([typicalClause(COVID, [lab]), typicalClause(COVID, [lab])]);
    const p = await alice.present(twice, { today: TODAY });
    expect(verify(p, twice).accepted).toBe(true);
    expect(codes(verify({ ...p, items: [p.items[1]!, p.items[0]!] }, twice))).toEqual(['PROOF_INVALID']);
  });

  it('an expired credential: EXPIRED; one not yet valid: NOT_YET_VALID', async () => {
    // validUntil >= today is proven for the holder's day: to a verifier days later it is not proven
    // valid on its day, and the door says so in its own words.
    expect(codes(verify(presentation, request, { today: TODAY + 3 }))).toEqual(['EXPIRED']);
    const since = makeRequest([clause(COVID, [lab], { disclose: ['validFrom'] })]);
    const p = await alice.present(since, { today: TODAY });
    expect(codes(verify(p, since, { today: TODAY - 2 }))).toEqual(['NOT_YET_VALID']);
  });

  it('an untrusted issuer: UNTRUSTED_ISSUER (not in the trust list, or not accepted by the request)', () => {
    expect(codes(verify(presentation, request, { trust: trustListOf([otherLab]) }))).toEqual(['UNTRUSTED_ISSUER']);
    const strict = {
      ...request,
      groups: [{ anyOf: [{ ...request.groups[0]!.anyOf[0]!, issuers: [{ issuerId: otherLab.issuerId }] }] }],
    };
    expect(codes(verify(presentation, strict))).toEqual(['UNTRUSTED_ISSUER']);
  });

  it('a revoked key: KEY_REVOKED; a key the trust list does not have: UNKNOWN_KEY', () => {
    expect(codes(verify(presentation, request, { trust: trustListOf([lab], 'revoked') }))).toEqual(['KEY_REVOKED']);
    const noKey = { ...trust, issuers: trust.issuers.map((i) => ({ ...i, keys: [] })) };
    expect(codes(verify(presentation, request, { trust: noKey }))).toEqual(['UNKNOWN_KEY']);
  });

  it('a constraint not met: CONSTRAINT_FAILED', async () => {
    // The venue asked for testType in [pcr, lamp]; the presentation shows pcr, checked against antigen-only.
    const lenient = makeRequest([
      clause(COVID, [lab], { constraints: [{ attribute: 'testType', op: 'in', value: ['pcr', 'lamp'] }] }),
    ]);
    const p = await alice.present(lenient, { today: TODAY });
    const strict = {
      ...lenient,
      groups: [
        {
          anyOf: [
            {
              ...lenient.groups[0]!.anyOf[0]!,
              constraints: [{ attribute: 'testType', op: 'eq' as const, value: 'antigen' }],
            },
          ],
        },
      ],
    };
    expect(verify(p, lenient).accepted).toBe(true);
    // testType is hidden: "in [pcr, lamp]" proven does not imply "eq antigen".
    expect(codes(verify(p, strict))).toEqual(['PREDICATE_MISMATCH']);
  });

  it('a presentation without the holder secret (a copied credential proved with another secret): PROOF_INVALID', async () => {
    const stolen = aliceRecords[COVID]!;
    const thiefSecret = generateHolderSecret();
    // The wallet refuses outright (see wallet tests); the thief calls the BBS core directly.
    const ciphersuite = 'BLS12-381-SHA-256' as const;
    const cs = getCiphersuite(ciphersuite);
    const schema = schemas.require(COVID);
    const messages = credentialMessageScalars(
      schema,
      contentsOf(stolen.credential),
      credentialEncodingContext(ciphersuite),
    );
    const clauseNames = ['testType', 'testResult', 'validUntil'];
    const { proof, pseudonym } = coreProofGenWithNym(
      blindLayoutContext(cs, pseudonymApiId(cs), messages.length, 2),
      fromBase64url(stolen.publicKey),
      octetsToSignature(fromBase64url(stolen.credential.signature)),
      concatBytes(CREDENTIAL_HEADER, i2osp(1, 8)),
      presentationHeader({
        nonce: request.nonce,
        verifierId: request.verifierId,
        requestId: request.requestId,
        groupIndex: 0,
      }),
      presentationContextId(request, { salt: presentation.salt }),
      [...messages, os2ip(fromBase64url(stolen.secretProverBlind)), os2ip(thiefSecret)],
      1,
      disclosureIndexes(schema, clauseNames),
      randomScalars(cs),
    );
    const forged = withItem(presentation, 0, () => ({
      proof: toBase64url(proof),
      pseudonym: toBase64url(pointToOctetsG1(pseudonym)),
    }));
    expect(codes(verify(forged, request))).toEqual(['PROOF_INVALID']);
  });

  it('items from two different wallets combined: PSEUDONYM_MISMATCH', async () => {
    const two = makeRequest([typicalClause(COVID, [lab]), typicalClause(AGE, [lab])]);
    const fromAlice = await alice.present(two, { today: TODAY });
    const fromBob = await bob.present(two, { today: TODAY });
    expect(verify(fromAlice, two).accepted).toBe(true);
    expect(verify(fromBob, two).accepted).toBe(true);
    const combined = { ...fromAlice, items: [fromAlice.items[0]!, fromBob.items[1]!] };
    // Bob's item was proven over his own one-time salt, so it fails under Alice's too.
    expect(codes(verify(combined, two))).toEqual(['PROOF_INVALID', 'PSEUDONYM_MISMATCH']);
  });

  it('a missing pseudonym: PSEUDONYM_MISMATCH; one for another context: PROOF_INVALID', async () => {
    const { pseudonym: _dropped, ...bare } = presentation.items[0]!;
    expect(codes(verify({ ...presentation, items: [bare] }, request))).toEqual(['PSEUDONYM_MISMATCH']);
    const record = aliceRecords[COVID]!;
    const item = proveItem({
      credential: record.credential,
      schema: schemas.require(COVID),
      publicKey: fromBase64url(record.publicKey),
      holderSecret: (await alice.secrets.get(alice.secretId))!,
      secretProverBlind: fromBase64url(record.secretProverBlind),
      disclose: ['testType', 'testResult', 'validUntil'],
      presentationHeader: presentationHeader({ ...request, groupIndex: 0 }),
      contextId: pseudonymContext({ origin: KIOSK_ORIGIN, verifierId: request.verifierId, scope: 'some-other-scope' }),
    });
    const wrongContext = withItem(presentation, 0, () => ({
      proof: toBase64url(item.proof),
      pseudonym: toBase64url(item.pseudonym),
    }));
    expect(codes(verify(wrongContext, request))).toEqual(['PROOF_INVALID']);
  });

  it('disclosures other than requested: UNDISCLOSED_ATTRIBUTE, EXTRA_DISCLOSURE; another schema: SCHEMA_MISMATCH', () => {
    const fewer = withItem(presentation, 0, (item) => {
      const { testType: _t, ...rest } = item.disclosed;
      return { disclosed: rest };
    });
    expect(codes(verify(fewer, request))).toEqual(['UNDISCLOSED_ATTRIBUTE']);
    const more = withItem(presentation, 0, (item) => ({ disclosed: { ...item.disclosed, sampleDay: TODAY } }));
    expect(codes(verify(more, request))).toEqual(['EXTRA_DISCLOSURE']);
    expect(
      codes(
        verify(
          withItem(presentation, 0, () => ({ schemaRef: AGE })),
          request,
        ),
      ),
    ).toEqual(['SCHEMA_MISMATCH']);
  });

  it('a missing group: MISSING_GROUP; an expired request: REQUEST_EXPIRED; no verifier clock: MALFORMED', async () => {
    const two = makeRequest([typicalClause(COVID, [lab]), typicalClause(AGE, [lab])]);
    const p = await alice.present(two, { today: TODAY });
    expect(codes(verify({ ...p, items: [p.items[0]!] }, two))).toEqual(['MISSING_GROUP']);
    const expired = { ...request, expiresAt: 1000 };
    expect(
      codes(verifyPresentation(presentation, expired, trust, { ...verifyOptions(TODAY), nowSeconds: 2000 })),
    ).toEqual(['REQUEST_EXPIRED']);
    const noClock = verifyPresentation(presentation, request, trust, { today: TODAY } as never);
    expect(noClock.accepted === false && noClock.reasons[0]).toMatchObject({
      code: 'MALFORMED',
      path: '/options/nowSeconds',
    });
  });

  it('validity fails closed: a clause that does not prove validity today is VALIDITY_UNCHECKED unless the verifier opts out', async () => {
    const unchecked = makeRequest([
      clause(COVID, [lab], { disclose: [], constraints: [{ attribute: 'testResult', op: 'eq', value: 'negative' }] }),
    ]);
    const p = await alice.present(unchecked, { today: TODAY });
    const strict = verifyPresentation(p, unchecked, trust, verifyOptions(TODAY, { allowUncheckedValidity: false }));
    expect(codes(strict)).toEqual(['VALIDITY_UNCHECKED']);
    expect(verifyPresentation(p, unchecked, trust, verifyOptions(TODAY)).accepted).toBe(true);
    // With the validity constraints a policy adds, a credential that expired yesterday is EXPIRED.
    const checked = makeRequest([
      clause(COVID, [lab], {
        disclose: [],
        constraints: [
          { attribute: 'testResult', op: 'eq', value: 'negative' },
          { attribute: 'validUntil', op: 'gte', value: 'today' },
          { attribute: 'validFrom', op: 'lte', value: 'today' },
        ],
      }),
    ]);
    const validUntil = aliceRecords[COVID]!.credential.validUntil;
    const dayAfter = validUntil + 1;
    const late = await alice.present(checked, { today: validUntil });
    const result = verifyPresentation(late, checked, trust, verifyOptions(dayAfter, { allowUncheckedValidity: false }));
    expect(codes(result)).toEqual(['EXPIRED']);
  });
});

describe('privacy', () => {
  it('two presentations of one credential to one venue share no 32-byte window of proof bytes', async () => {
    const scoped = { scope: 'entry', period: currentDay() };
    const first = covidRequest({ pseudonym: scoped });
    const second = covidRequest({ pseudonym: scoped });
    const a = await presentSigned(alice, first);
    const b = await presentSigned(alice, second);
    const proofA = fromBase64url(a.items[0]!.proof);
    const proofB = fromBase64url(b.items[0]!.proof);
    expect(sharesWindow(proofA, proofB)).toBe(false);
    expect(sharesWindow(proofB, proofA)).toBe(false);
    // Nor with the signature, the blind, the pseudonym or the issuer key.
    const record = aliceRecords[COVID]!;
    for (const secretish of [record.credential.signature, record.secretProverBlind, record.publicKey]) {
      expect(sharesWindow(proofA, fromBase64url(secretish))).toBe(false);
    }
    // What they share: the disclosed values and the requested pseudonym, nothing else.
    expect(a.items[0]!.disclosed).toEqual(b.items[0]!.disclosed);
    expect(a.items[0]!.pseudonym).toBe(b.items[0]!.pseudonym);
    const ra = verify(a, first);
    const rb = verify(b, second);
    expect(ra.accepted && rb.accepted && ra.pseudonym === rb.pseudonym && ra.pseudonym === a.items[0]!.pseudonym).toBe(
      true,
    );
  });

  it('the same scope gives the same pseudonym, also across two credentials of one wallet', async () => {
    const scoped = { scope: 'entry', period: currentDay() };
    const covid = await presentSigned(alice, covidRequest({ pseudonym: scoped }));
    const age = await presentSigned(alice, makeRequest([typicalClause(AGE, [lab])], { pseudonym: scoped }));
    expect(age.items[0]!.pseudonym).toBe(covid.items[0]!.pseudonym);
    const bobs = await presentSigned(bob, covidRequest({ pseudonym: scoped }));
    expect(bobs.items[0]!.pseudonym).not.toBe(covid.items[0]!.pseudonym);
  });

  it('two scopes, two periods or two verifier ids give different pseudonyms', async () => {
    const pseudonymFor = async (options: Parameters<typeof makeRequest>[1]) =>
      (await presentSigned(alice, covidRequest(options))).items[0]!.pseudonym;
    const base = await pseudonymFor({ pseudonym: { scope: 'entry', period: currentDay() } });
    expect(await pseudonymFor({ pseudonym: { scope: 'bar', period: currentDay() } })).not.toBe(base);
    expect(await pseudonymFor({ pseudonym: { scope: 'entry', period: currentDay().slice(0, 7) } })).not.toBe(base);
    const otherVenue = {
      pseudonym: { scope: 'entry', period: currentDay() },
      verifierId: `${KIOSK_ORIGIN}/v1/venues/2`,
    };
    expect(await pseudonymFor(otherVenue)).not.toBe(base);
  });

  it('a period the wallet clock says is not current is refused before any proof', async () => {
    const yesterday = isoDateFromDay(Math.floor(Date.now() / 86_400_000) - 1);
    const error = await presentSigned(alice, covidRequest({ pseudonym: { scope: 'entry', period: yesterday } })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'PERIOD_NOT_CURRENT' });
  });

  it('two one-time presentations answering the very same request (same nonce) carry unlinkable pseudonyms', async () => {
    const request = covidRequest();
    const a = await alice.present(request, { today: TODAY });
    const b = await alice.present(request, { today: TODAY });
    expect(a.nonce).toBe(b.nonce);
    expect(a.salt).not.toBe(b.salt);
    expect(a.items[0]!.pseudonym).not.toBe(b.items[0]!.pseudonym);
    expect(verify(a, request).accepted && verify(b, request).accepted).toBe(true);
    // The salt is bound in: swapping it breaks the proof.
    expect(codes(verify({ ...a, salt: b.salt }, request))).toEqual(['PROOF_INVALID']);
  });

  it('without a requested scope, two presentations carry different one-time pseudonyms, and none is returned', async () => {
    const r1 = covidRequest();
    const r2 = covidRequest();
    const a = await alice.present(r1, { today: TODAY });
    const b = await alice.present(r2, { today: TODAY });
    expect(a.items[0]!.pseudonym).not.toBe(b.items[0]!.pseudonym);
    const result = verify(a, r1);
    expect(result.accepted && result.pseudonym).toBe(undefined);
  });
});

describe('malformed input never throws', () => {
  let request: PresentationRequest;
  let presentation: Presentation;
  beforeAll(async () => {
    request = covidRequest();
    presentation = await alice.present(request, { today: TODAY });
  });

  const malformed = (result: VerificationResult) => {
    expect(result.accepted).toBe(false);
    if (!result.accepted) expect(result.reasons[0]!.code).toBe('MALFORMED');
    return result.accepted ? '' : (result.reasons[0]!.path ?? '');
  };

  it('names the path of the problem', () => {
    expect(malformed(verify(null, request))).toBe('/presentation');
    expect(malformed(verify({ ...presentation, items: [{ ...presentation.items[0]!, proof: '!!' }] }, request))).toBe(
      '/presentation/items/0/proof',
    );
    expect(malformed(verify(presentation, { ...request, nonce: 'short' }))).toBe('/request/nonce');
    expect(malformed(verify(presentation, request, { trust: { type: 'privid/trust-list', v: 1, issuers: 5 } }))).toBe(
      '/trust/issuers',
    );
    expect(malformed(verify(presentation, request, { today: -1 }))).toBe('/options/today');
    expect(malformed(verifyPresentation(presentation, request, trust, undefined as never))).toBe('/options');
    expect(malformed(verify('PRIVID1:P:%%%%', request))).toBe('/presentation');
    expect(malformed(verify('{"not json', request))).toBe('/presentation');
    const notAPoint = withItem(presentation, 0, () => ({ pseudonym: toBase64url(new Uint8Array(48).fill(1)) }));
    expect(malformed(verify(notAPoint, request))).toBe('/presentation/items/0/pseudonym');
    const badValue = withItem(presentation, 0, (item) => ({ disclosed: { ...item.disclosed, testType: 'x' } }));
    expect(malformed(verify(badValue, request))).toBe('/presentation/items/0/disclosed/testType');
  });

  it('random JSON in every argument, and random mutations of a real presentation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 2 }), (junk, slot) => {
        const args: unknown[] = [presentation, request, trust];
        args[slot] = junk;
        const result = verifyPresentation(args[0], args[1], args[2], verifyOptions(TODAY));
        expect(result.accepted).toBe(false);
      }),
      { numRuns: 200 },
    );
    const json = JSON.parse(JSON.stringify(presentation)) as Record<string, unknown>;
    const paths = ['requestId', 'nonce', 'verifierId', 'items'];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (field, value) => {
        const result = verifyPresentation({ ...json, [field]: value }, request, trust, verifyOptions(TODAY));
        expect(result.accepted).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('trust lists', () => {
  it('parse, reject duplicates and bad keys, and convert from issuer metadata', () => {
    expect(parseTrustList(trust)).toEqual(trust);
    const dup = { ...trust, issuers: [trust.issuers[0]!, trust.issuers[0]!] };
    expect(() => parseTrustList(dup)).toThrow(/issuers\/1\/issuerId/);
    const badKey = {
      ...trust,
      issuers: [{ ...trust.issuers[0]!, keys: [{ ...trust.issuers[0]!.keys[0]!, publicKey: 'AAAA' }] }],
    };
    expect(() => parseTrustList(badKey)).toThrow(/publicKey/);
    const converted = trustListFromIssuerMetadata([lab.metadata(), otherLab.metadata()], { issuedAt: 1_750_000_000 });
    expect(converted.issuers.map((i) => i.issuerId)).toEqual([lab.issuerId, otherLab.issuerId]);
    expect(converted.issuers[0]!.keys[0]).toMatchObject({ kid: 'key-1', status: 'active', createdAt: 1_735_689_600 });
  });

  it('a trust list whose key is not a curve point: UNKNOWN_KEY, not a crash', async () => {
    const request = covidRequest();
    const p = await alice.present(request, { today: TODAY });
    const broken = {
      ...trust,
      issuers: trust.issuers.map((i) => ({
        ...i,
        keys: i.keys.map((k) => ({ ...k, publicKey: toBase64url(new Uint8Array(96).fill(3)) })),
      })),
    };
    expect(codes(verify(p, request, { trust: broken }))).toEqual(['UNKNOWN_KEY']);
  });
});
