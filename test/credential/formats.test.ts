import { describe, expect, it } from 'vitest';
import {
  CredentialFormatError,
  FORMAT_JSON_SCHEMAS,
  fromBase64url,
  fromBase64urlOrUndefined,
  parseCredential,
  parseCredentialOffer,
  parseIssuanceRequest,
  parsePresentation,
  parsePresentationRequest,
  presentationHeader,
  pseudonymContext,
  oneTimeContext,
  toBase64url,
  type CredentialFormatErrorCode,
} from '../../src/credential/index.js';
import { CredentialOfferSchema, FORMAT_SCHEMAS, PresentationRequestSchema } from '../../src/credential/formats.js';
import {
  clone,
  credential,
  fakeB64,
  fakeBytes,
  issuanceRequest,
  offer,
  presentationOneItem,
  presentationTwoItems,
  requestOneGroup,
  requestTwoGroups,
} from './fixtures.js';

type Json = Record<string, unknown>;

function rejection(
  parse: (json: unknown) => unknown,
  json: unknown,
): { code: CredentialFormatErrorCode; path: string } {
  try {
    parse(json);
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialFormatError);
    const { code, path } = error as CredentialFormatError;
    return { code, path };
  }
  throw new Error('expected a CredentialFormatError');
}

/** A copy of `base` with `mutate` applied. */
function edit<T>(base: T, mutate: (copy: Json) => void): Json {
  const copy = clone(base) as Json;
  mutate(copy);
  return copy;
}
// Loose accessors for editing nested fixture copies.
const clause0 = (r: Json) => (r.groups as Json[])[0]!.anyOf as Json[];
const item0 = (p: Json) => (p.items as Json[])[0]!;

describe('base64url', () => {
  it('round-trips every length and rejects non-canonical text', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = fakeBytes(n, n + 1);
      const text = toBase64url(bytes);
      expect(text).not.toMatch(/[=+/]/);
      expect(fromBase64url(text)).toEqual(bytes);
    }
    expect(toBase64url(Uint8Array.from([0xfb, 0xff]))).toBe('-_8');
    for (const bad of ['A', 'AB', 'AAB', 'AA==', 'AA=', 'a+b/', 'ab c', 'AAAAA', 'ü']) {
      expect(fromBase64urlOrUndefined(bad)).toBeUndefined();
    }
    expect(() => fromBase64url('AB')).toThrow(TypeError);
  });
});

describe('format parsers', () => {
  const cases = [
    ['CredentialOffer', parseCredentialOffer, offer],
    ['IssuanceRequest', parseIssuanceRequest, issuanceRequest],
    ['Credential', parseCredential, credential],
    ['PresentationRequest (one group)', parsePresentationRequest, requestOneGroup],
    ['PresentationRequest (two groups)', parsePresentationRequest, requestTwoGroups],
    ['Presentation (one item)', parsePresentation, presentationOneItem],
    ['Presentation (two items)', parsePresentation, presentationTwoItems],
  ] as const;

  for (const [name, parse, fixture] of cases) {
    it(`${name}: round-trips through JSON text and returns a fresh copy`, () => {
      const input = JSON.parse(JSON.stringify(fixture)) as unknown;
      const parsed = (parse as (json: unknown) => unknown)(input);
      expect(parsed).toEqual(fixture);
      expect(parsed).not.toBe(input);
    });

    it(`${name}: rejects unknown fields, a wrong type/v and non-objects`, () => {
      const p = parse as (json: unknown) => unknown;
      expect(rejection(p, { ...fixture, extra: true })).toEqual({ code: 'UNKNOWN_FIELD', path: '/extra' });
      expect(rejection(p, { ...fixture, v: 2 })).toEqual({ code: 'UNSUPPORTED_VERSION', path: '/v' });
      expect(rejection(p, { ...fixture, v: '1' })).toEqual({ code: 'UNSUPPORTED_VERSION', path: '/v' });
      const { v: _v, ...noVersion } = fixture;
      expect(rejection(p, noVersion)).toEqual({ code: 'UNSUPPORTED_VERSION', path: '/v' });
      expect(rejection(p, { ...fixture, type: 'privid/other' })).toEqual({ code: 'WRONG_FORMAT_TYPE', path: '/type' });
      for (const notObject of [null, [], 'text', 42]) {
        expect(rejection(p, notObject).code).toBe('NOT_AN_OBJECT');
      }
      expect(rejection(p, JSON.stringify(fixture)).code).toBe('NOT_AN_OBJECT');
    });
  }

  it('reject other formats under a valid type (the discriminator is checked first)', () => {
    expect(rejection(parseCredentialOffer, presentationOneItem)).toEqual({ code: 'WRONG_FORMAT_TYPE', path: '/type' });
    expect(rejection(parsePresentation, requestOneGroup)).toEqual({ code: 'WRONG_FORMAT_TYPE', path: '/type' });
  });

  it('reject missing fields and wrong types with the JSON Pointer', () => {
    expect(
      rejection(
        parseCredentialOffer,
        edit(offer, (o) => delete o.code),
      ),
    ).toEqual({
      code: 'MISSING_FIELD',
      path: '/code',
    });
    expect(rejection(parseCredentialOffer, { ...offer, expiresAt: '1749903300' })).toEqual({
      code: 'WRONG_TYPE',
      path: '/expiresAt',
    });
    expect(rejection(parseCredentialOffer, { ...offer, expiresAt: 1.5 })).toEqual({
      code: 'WRONG_TYPE',
      path: '/expiresAt',
    });
    expect(rejection(parseCredentialOffer, { ...offer, suite: 'BLS12-381-SHA-512' })).toEqual({
      code: 'INVALID_VALUE',
      path: '/suite',
    });
    expect(
      rejection(
        parseCredential,
        edit(credential, (c) => ((c.attributes as Json).doseCount = [2])),
      ),
    ).toEqual({
      code: 'WRONG_TYPE',
      path: '/attributes/doseCount',
    });
    expect(
      rejection(
        parseCredential,
        edit(credential, (c) => ((c.attributes as Json).doseCount = -1)),
      ),
    ).toEqual({
      code: 'TOO_SMALL',
      path: '/attributes/doseCount',
    });
    expect(
      rejection(
        parsePresentationRequest,
        edit(requestOneGroup, (r) => ((clause0(r)[0]!.constraints as Json[])[0]!.op = 'like')),
      ),
    ).toEqual({ code: 'INVALID_VALUE', path: '/groups/0/anyOf/0/constraints/0/op' });
    expect(
      rejection(
        parsePresentationRequest,
        edit(requestOneGroup, (r) => ((clause0(r)[0]!.constraints as Json[])[0]!.value = { x: 1 })),
      ),
    ).toEqual({ code: 'WRONG_TYPE', path: '/groups/0/anyOf/0/constraints/0/value' });
    expect(
      rejection(
        parsePresentation,
        edit(presentationOneItem, (p) => (item0(p).clauseIndex = '0')),
      ),
    ).toEqual({
      code: 'WRONG_TYPE',
      path: '/items/0/clauseIndex',
    });
  });

  it('reject unknown fields in nested objects and records', () => {
    expect(
      rejection(
        parsePresentationRequest,
        edit(requestOneGroup, (r) => (clause0(r)[0]!.optional = true)),
      ),
    ).toEqual({ code: 'UNKNOWN_FIELD', path: '/groups/0/anyOf/0/optional' });
    expect(
      rejection(
        parsePresentationRequest,
        edit(requestOneGroup, (r) => ((clause0(r)[0]!.issuers as Json[])[0]!.trust = 'high')),
      ),
    ).toEqual({ code: 'UNKNOWN_FIELD', path: '/groups/0/anyOf/0/issuers/0/trust' });
    expect(
      rejection(
        parsePresentation,
        edit(presentationOneItem, (p) => (item0(p).holder = 'alice')),
      ),
    ).toEqual({
      code: 'UNKNOWN_FIELD',
      path: '/items/0/holder',
    });
    // Attribute-name keys must be valid names: no "__proto__", no "Bad-Name".
    const proto = JSON.parse(
      JSON.stringify(credential).replace('"attributes":{', '"attributes":{"__proto__":{"polluted":1},'),
    ) as unknown;
    expect(rejection(parseCredential, proto)).toEqual({ code: 'UNKNOWN_FIELD', path: '/attributes/__proto__' });
    expect(
      rejection(
        parseCredential,
        edit(credential, (c) => ((c.attributes as Json)['Bad-Name'] = 1)),
      ),
    ).toEqual({
      code: 'UNKNOWN_FIELD',
      path: '/attributes/Bad-Name',
    });
  });

  it('reject bad base64url', () => {
    const code = offer.code;
    for (const bad of [
      `${code}==`,
      code.replace(/.$/, 'B'),
      `+${code.slice(1)}`,
      `/${code.slice(1)}`,
      code.slice(0, -1),
    ]) {
      expect(rejection(parseCredentialOffer, { ...offer, code: bad })).toEqual({
        code: 'INVALID_BASE64URL',
        path: '/code',
      });
    }
    expect(
      rejection(
        parsePresentation,
        edit(presentationOneItem, (p) => (item0(p).proof = 'not base64!')),
      ),
    ).toEqual({
      code: 'INVALID_BASE64URL',
      path: '/items/0/proof',
    });
  });

  it('reject oversize and undersize values', () => {
    expect(rejection(parseCredentialOffer, { ...offer, code: fakeB64(33) })).toEqual({
      code: 'TOO_LARGE',
      path: '/code',
    });
    expect(rejection(parseCredentialOffer, { ...offer, code: fakeB64(15) })).toEqual({
      code: 'TOO_SMALL',
      path: '/code',
    });
    expect(rejection(parsePresentationRequest, { ...requestOneGroup, nonce: fakeB64(31) })).toEqual({
      code: 'TOO_SMALL',
      path: '/nonce',
    });
    expect(rejection(parsePresentationRequest, { ...requestOneGroup, nonce: fakeB64(33) })).toEqual({
      code: 'TOO_LARGE',
      path: '/nonce',
    });
    expect(
      rejection(
        parsePresentation,
        edit(presentationOneItem, (p) => (item0(p).proof = fakeB64(4097))),
      ),
    ).toEqual({
      code: 'TOO_LARGE',
      path: '/items/0/proof',
    });
    expect(
      rejection(
        parsePresentation,
        edit(presentationOneItem, (p) => (item0(p).pseudonym = fakeB64(49))),
      ),
    ).toEqual({
      code: 'TOO_LARGE',
      path: '/items/0/pseudonym',
    });
    expect(rejection(parsePresentationRequest, { ...requestOneGroup, verifierName: 'x'.repeat(65) })).toEqual({
      code: 'TOO_LARGE',
      path: '/verifierName',
    });
    expect(rejection(parseCredentialOffer, { ...offer, issuerId: 'x'.repeat(129) })).toEqual({
      code: 'TOO_LARGE',
      path: '/issuerId',
    });
    expect(rejection(parseCredentialOffer, { ...offer, expiresAt: 253_402_300_800 })).toEqual({
      code: 'TOO_LARGE',
      path: '/expiresAt',
    });
    expect(
      rejection(parsePresentationRequest, { ...requestOneGroup, groups: Array(9).fill(requestOneGroup.groups[0]) }),
    ).toEqual({ code: 'TOO_LARGE', path: '/groups' });
    expect(rejection(parsePresentationRequest, { ...requestOneGroup, groups: [] })).toEqual({
      code: 'TOO_SMALL',
      path: '/groups',
    });
    expect(
      rejection(
        parseCredential,
        edit(credential, (c) => ((c.attributes as Json).note = 'x'.repeat(257))),
      ),
    ).toEqual({
      code: 'TOO_LARGE',
      path: '/attributes/note',
    });
    const deep: Json = {};
    let node = deep;
    for (let i = 0; i < 20; i++) node = (node.a = {}) as Json;
    expect(rejection(parseCredentialOffer, { ...offer, deep }).code).toBe('TOO_LARGE');
  });

  it('reject values that are not JSON data', () => {
    expect(rejection(parseCredentialOffer, { ...offer, expiresAt: Number.NaN }).code).toBe('WRONG_TYPE');
    expect(rejection(parseCredentialOffer, { ...offer, expiresAt: new Date() }).code).toBe('WRONG_TYPE');
    expect(rejection(parseCredentialOffer, { ...offer, expiresAt: undefined }).code).toBe('WRONG_TYPE');
    expect(rejection(parseCredentialOffer, { ...offer, issuerId: 'https://lab\ud800' }).code).toBe('INVALID_VALUE');
  });

  it('check ids, URLs and display names', () => {
    for (const url of [
      'http://labs.example.org',
      'https://user@labs.example.org',
      'https://labs.example.org/?q=1',
      'ftp://x',
    ]) {
      expect(rejection(parseCredentialOffer, { ...offer, issuerUrl: url })).toEqual({
        code: 'INVALID_VALUE',
        path: '/issuerUrl',
      });
    }
    expect(parseCredentialOffer({ ...offer, issuerUrl: 'http://localhost:8080/privid' }).issuerUrl).toBe(
      'http://localhost:8080/privid',
    );
    expect(rejection(parseCredentialOffer, { ...offer, offerId: 'short' })).toEqual({
      code: 'INVALID_VALUE',
      path: '/offerId',
    });
    expect(rejection(parseCredentialOffer, { ...offer, schemaRef: 'privid:covid-test-result' })).toEqual({
      code: 'INVALID_VALUE',
      path: '/schemaRef',
    });
    expect(rejection(parsePresentationRequest, { ...requestOneGroup, verifierName: 'Club\u000042' })).toEqual({
      code: 'INVALID_VALUE',
      path: '/verifierName',
    });
    expect(parsePresentationRequest({ ...requestOneGroup, verifierName: 'Café Zürich 🍺' }).verifierName).toBe(
      'Café Zürich 🍺',
    );
  });

  it('enforce the rules JSON Schema cannot express', () => {
    const constraint = (value: unknown, op = 'eq') =>
      edit(
        requestOneGroup,
        (r) => ((clause0(r)[0]!.constraints as Json[])[0] = { attribute: 'testResult', op, value }),
      );
    expect(rejection(parsePresentationRequest, constraint('negative', 'in'))).toEqual({
      code: 'WRONG_TYPE',
      path: '/groups/0/anyOf/0/constraints/0/value',
    });
    expect(rejection(parsePresentationRequest, constraint(['negative']))).toEqual({
      code: 'WRONG_TYPE',
      path: '/groups/0/anyOf/0/constraints/0/value',
    });
    expect(rejection(parsePresentationRequest, constraint([], 'in'))).toEqual({
      code: 'TOO_SMALL',
      path: '/groups/0/anyOf/0/constraints/0/value',
    });
    expect(rejection(parsePresentationRequest, constraint([['a']], 'in'))).toEqual({
      code: 'WRONG_TYPE',
      path: '/groups/0/anyOf/0/constraints/0/value/0',
    });
    expect(rejection(parsePresentationRequest, constraint(true, 'gte')).code).toBe('INVALID_VALUE');
    expect(rejection(parsePresentationRequest, constraint('yesterday', 'lte')).code).toBe('INVALID_VALUE');
    expect(parsePresentationRequest(constraint('today-2', 'gte'))).toBeTruthy();
    expect(parsePresentationRequest(constraint('2025-06-01', 'gte'))).toBeTruthy();
    expect(parsePresentationRequest(constraint(['negative', 'inconclusive'], 'in'))).toBeTruthy();
    expect(
      rejection(
        parsePresentationRequest,
        edit(requestOneGroup, (r) => (clause0(r)[0]!.disclose = ['issuerKeyId'])),
      ),
    ).toEqual({ code: 'INVALID_VALUE', path: '/groups/0/anyOf/0/disclose/0' });
    expect(
      rejection(
        parsePresentationRequest,
        edit(requestOneGroup, (r) => (clause0(r)[0]!.disclose = ['testType', 'testType'])),
      ),
    ).toEqual({ code: 'DUPLICATE', path: '/groups/0/anyOf/0/disclose' });
    expect(
      rejection(
        parsePresentationRequest,
        edit(requestOneGroup, (r) => {
          const issuers = clause0(r)[0]!.issuers as Json[];
          issuers.push(clone(issuers[0]!));
        }),
      ),
    ).toEqual({ code: 'DUPLICATE', path: '/groups/0/anyOf/0/issuers/1/issuerId' });
    expect(rejection(parseCredential, { ...credential, validFrom: credential.validUntil + 1 })).toEqual({
      code: 'INVALID_VALUE',
      path: '/validUntil',
    });
    expect(
      rejection(
        parseCredential,
        edit(credential, (c) => ((c.attributes as Json).validFrom = 1)),
      ),
    ).toEqual({
      code: 'INVALID_VALUE',
      path: '/attributes/validFrom',
    });
    expect(
      rejection(
        parsePresentation,
        edit(presentationOneItem, (p) => ((item0(p).disclosed as Json).schema = 'x')),
      ),
    ).toEqual({
      code: 'INVALID_VALUE',
      path: '/items/0/disclosed/schema',
    });
  });

  it('export plain JSON Schemas, closed at every object', () => {
    for (const schema of Object.values(FORMAT_SCHEMAS)) {
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    }
    expect((CredentialOfferSchema as unknown as Json).additionalProperties).toBe(false);
    expect(CredentialOfferSchema.properties.code).toMatchObject({
      contentEncoding: 'base64url',
      minLength: 22,
      maxLength: 43,
    });
    expect(PresentationRequestSchema.properties.nonce).toMatchObject({ minLength: 43, maxLength: 43 });
    const closedEverywhere = (node: unknown): boolean => {
      if (Array.isArray(node)) return node.every(closedEverywhere);
      if (typeof node !== 'object' || node === null) return true;
      const o = node as Json;
      if (o.type === 'object' && o.additionalProperties !== false) return false;
      return Object.values(o).every(closedEverywhere);
    };
    for (const schema of Object.values(FORMAT_SCHEMAS)) expect(closedEverywhere(schema)).toBe(true);
    for (const schema of Object.values(FORMAT_JSON_SCHEMAS)) expect(closedEverywhere(schema)).toBe(true);
  });
});

describe('what a request may ask to be proven about a hidden value', () => {
  const clause = requestOneGroup.groups[0]!.anyOf[0]!;
  type Constraint = (typeof clause.constraints)[number];
  const withClauses = (...clauses: (typeof clause)[]) => ({ ...requestOneGroup, groups: [{ anyOf: clauses }] });
  const constrained = (constraints: Constraint[], disclose: string[] = []) => ({ ...clause, disclose, constraints });
  const negative: Constraint = { attribute: 'testResult', op: 'eq', value: 'negative' };

  it('one statement per hidden attribute in a clause: a lower and an upper bound would pin it', () => {
    const pinned = constrained([
      negative,
      { attribute: 'sampleDay', op: 'gte', value: 'today-3' },
      { attribute: 'sampleDay', op: 'lte', value: 'today-3' },
    ]);
    expect(rejection(parsePresentationRequest, withClauses(pinned))).toEqual({
      code: 'INVALID_VALUE',
      path: '/groups/0/anyOf/0/constraints/2',
    });
    // Shown, the venue sees the value anyway: both bounds are allowed.
    expect(() => parsePresentationRequest(withClauses(constrained(pinned.constraints, ['sampleDay'])))).not.toThrow();
  });

  it('validity only as asked of every guest: validUntil gte today, validFrom lte today', () => {
    for (const odd of [
      { attribute: 'validUntil', op: 'gte', value: 'today+100' },
      { attribute: 'validUntil', op: 'eq', value: '2027-03-14' },
      { attribute: 'validFrom', op: 'gte', value: 'today-30' },
    ] as Constraint[]) {
      expect(rejection(parsePresentationRequest, withClauses(constrained([negative, odd])))).toEqual({
        code: 'INVALID_VALUE',
        path: '/groups/0/anyOf/0/constraints/1',
      });
    }
  });

  it('every clause of a schema states the same about a hidden attribute: no ladder of thresholds', () => {
    const at = (days: number) => constrained([negative, { attribute: 'sampleDay', op: 'gte', value: `today-${days}` }]);
    expect(rejection(parsePresentationRequest, withClauses(at(1), at(2), at(3)))).toEqual({
      code: 'INVALID_VALUE',
      path: '/groups/0/anyOf/1/constraints/1',
    });
    const twoGroups = { ...requestOneGroup, groups: [{ anyOf: [at(1)] }, { anyOf: [at(5)] }] };
    expect(rejection(parsePresentationRequest, twoGroups)).toEqual({
      code: 'INVALID_VALUE',
      path: '/groups/1/anyOf/0/constraints/1',
    });
    expect(() => parsePresentationRequest(withClauses(at(2), at(2)))).not.toThrow();
  });
});

describe('presentationHeader', () => {
  const input = {
    nonce: fakeBytes(32, 5),
    verifierId: 'https://club42.example',
    requestId: 'r7HkqL2mN0pXv9sT4wYzAb',
    groupIndex: 1,
  };

  it('is the documented byte string', () => {
    const enc = new TextEncoder();
    const lp = (b: Uint8Array) => [0, 0, b.length >> 8, b.length & 255, ...b];
    const expected = Uint8Array.from([
      ...enc.encode('privid.presentation-header.v1'),
      ...lp(input.nonce),
      ...lp(enc.encode(input.verifierId)),
      ...lp(enc.encode(input.requestId)),
      0,
      0,
      0,
      1,
    ]);
    expect(presentationHeader(input)).toEqual(expected);
    expect(presentationHeader({ ...input, nonce: toBase64url(input.nonce) })).toEqual(expected);
  });

  it('changes with every input', () => {
    const base = toBase64url(presentationHeader(input));
    const variants = [
      { ...input, nonce: fakeBytes(32, 6) },
      { ...input, verifierId: 'https://club43.example' },
      { ...input, requestId: 'r7HkqL2mN0pXv9sT4wYzAc' },
      { ...input, groupIndex: 0 },
    ].map((v) => toBase64url(presentationHeader(v)));
    expect(new Set([base, ...variants]).size).toBe(5);
  });

  it('rejects malformed input', () => {
    expect(() => presentationHeader({ ...input, nonce: fakeBytes(31) })).toThrow(CredentialFormatError);
    expect(() => presentationHeader({ ...input, nonce: 'AB' })).toThrow(/nonce/);
    expect(() => presentationHeader({ ...input, groupIndex: 8 })).toThrow(/groupIndex/);
    expect(() => presentationHeader({ ...input, groupIndex: -1 })).toThrow(/groupIndex/);
    expect(() => presentationHeader({ ...input, verifierId: 'has space' })).toThrow(/verifierId/);
    expect(() => presentationHeader({ ...input, requestId: 'x' })).toThrow(/requestId/);
  });
});

describe('pseudonymContext', () => {
  it('binds origin, venue id, scope, period and time zone, and distinguishes "no period"', () => {
    const origin = 'https://privid.example';
    const a = pseudonymContext({ origin, verifierId: 'https://privid.example/v1/venues/1', scope: 'entry' });
    const b = pseudonymContext({
      origin,
      verifierId: 'https://privid.example/v1/venues/1',
      scope: 'entry',
      period: '2025-06-14',
    });
    const c = pseudonymContext({ origin, verifierId: 'https://privid.example/v1/venues/2', scope: 'entry' });
    const d = pseudonymContext({
      origin: 'https://other.example',
      verifierId: 'https://privid.example/v1/venues/1',
      scope: 'entry',
    });
    const e = pseudonymContext({
      origin,
      verifierId: 'https://privid.example/v1/venues/1',
      scope: 'entry',
      period: '2025-06-14',
      timeZone: '+02:00',
    });
    expect(new Set([a, b, c, d, e].map(toBase64url)).size).toBe(5);
    expect(new TextDecoder().decode(a.subarray(0, 27))).toBe('privid.pseudonym-context.v2');
    expect(() => pseudonymContext({ origin, verifierId: 'x', scope: '' })).toThrow(CredentialFormatError);
    expect(() => pseudonymContext({ origin, verifierId: 'x', scope: 's', period: 'last-week' })).toThrow(
      CredentialFormatError,
    );
    expect(() => pseudonymContext({ origin: 'http://evil.example', verifierId: 'x', scope: 's' })).toThrow(
      CredentialFormatError,
    );
  });

  it('one-time contexts depend on the holder salt, never only on what the verifier sends', () => {
    const salt1 = new Uint8Array(32).fill(1);
    const salt2 = new Uint8Array(32).fill(2);
    const one = oneTimeContext({ verifierId: 'venue', salt: salt1 });
    expect(toBase64url(oneTimeContext({ verifierId: 'venue', salt: salt1 }))).toBe(toBase64url(one));
    expect(toBase64url(oneTimeContext({ verifierId: 'venue', salt: salt2 }))).not.toBe(toBase64url(one));
    expect(() => oneTimeContext({ verifierId: 'venue', salt: new Uint8Array(16) })).toThrow(CredentialFormatError);
  });
});
