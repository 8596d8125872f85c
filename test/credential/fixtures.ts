/** Realistic example objects of every format, with deterministic fake binary fields. */
import {
  dayFromIsoDate,
  toBase64url,
  type Credential,
  type RequestObject,
  type CredentialOffer,
  type IssuanceRequest,
  type Presentation,
  type PresentationRequest,
} from '../../src/credential/index.js';

/** n deterministic pseudo-random bytes (a fixed LCG), so fixtures and sizes are stable. */
export function fakeBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
export const fakeB64 = (n: number, seed = 1) => toBase64url(fakeBytes(n, seed));

/**
 * BBS proof length: 3 G1 points + (4 + U) scalars. U counts the undisclosed messages of the
 * layout plus the two committed values every privid credential has: secret_prover_blind and the
 * holder's nym secret.
 */
export const proofLength = (undisclosed: number) => 3 * 48 + (4 + undisclosed) * 32;

export const TODAY = dayFromIsoDate('2025-06-14');
export const NOW_SECONDS = 1_749_902_400; // 2025-06-14T12:00:00Z

export const offer: CredentialOffer = {
  type: 'privid/credential-offer',
  v: 1,
  issuerId: 'https://labs.example.org',
  issuerUrl: 'https://labs.example.org/privid',
  offerId: 'Q2lQtDrf5sGvU8YkXo1bPw',
  code: fakeB64(16, 2),
  schemaRef: 'privid:covid-test-result@1',
  keyId: 'lab-2025-06',
  suite: 'BLS12-381-SHA-256',
  expiresAt: NOW_SECONDS + 15 * 60,
};

export const issuanceRequest: IssuanceRequest = {
  type: 'privid/issuance-request',
  v: 1,
  offerId: offer.offerId,
  code: offer.code,
  commitmentWithProof: fakeB64(48 + 3 * 32, 3),
};

export const credential: Credential = {
  type: 'privid/credential',
  v: 1,
  suite: 'BLS12-381-SHA-256',
  issuerId: 'https://labs.example.org',
  keyId: 'lab-2025-06',
  schemaRef: 'privid:covid-test-result@1',
  validFrom: TODAY,
  validUntil: TODAY + 2,
  attributes: { testResult: 'negative', testType: 'pcr', sampleDay: TODAY },
  signature: fakeB64(80, 4),
  secretId: 'sec_9d1L0cVqWm2k',
};

/** One group: a recent negative COVID test from one lab. */
export const requestOneGroup: PresentationRequest = {
  type: 'privid/presentation-request',
  v: 1,
  requestId: 'r7HkqL2mN0pXv9sT4wYzAb',
  nonce: fakeB64(32, 5),
  verifierId: 'https://club42.example',
  verifierName: 'Club 42',
  expiresAt: NOW_SECONDS + 120,
  groups: [
    {
      anyOf: [
        {
          schemaRef: 'privid:covid-test-result@1',
          issuers: [{ issuerId: 'https://labs.example.org' }],
          disclose: [],
          constraints: [
            { attribute: 'testResult', op: 'eq', value: 'negative' },
            { attribute: 'validUntil', op: 'gte', value: 'today' },
          ],
        },
      ],
    },
  ],
};

/** Two groups: (negative test OR two vaccine doses) AND over 18, with a venue pseudonym. */
export const requestTwoGroups: PresentationRequest = {
  type: 'privid/presentation-request',
  v: 1,
  requestId: 'x1Yb8QeR3nHs5TgUvW0aLk',
  nonce: fakeB64(32, 6),
  verifierId: 'https://club42.example',
  verifierName: 'Club 42',
  expiresAt: NOW_SECONDS + 120,
  groups: [
    {
      anyOf: [
        {
          schemaRef: 'privid:covid-test-result@1',
          issuers: [
            { issuerId: 'https://labs.example.org', keyIds: ['lab-2025-06'] },
            { issuerId: 'https://health.example.gov' },
          ],
          disclose: [],
          constraints: [
            { attribute: 'testResult', op: 'eq', value: 'negative' },
            { attribute: 'validUntil', op: 'gte', value: 'today' },
          ],
        },
        {
          schemaRef: 'privid:vaccination-record@1',
          issuers: [{ issuerId: 'https://health.example.gov' }],
          disclose: [],
          constraints: [{ attribute: 'doseCount', op: 'gte', value: 2 }],
        },
      ],
    },
    {
      anyOf: [
        {
          schemaRef: 'privid:age-band@1',
          issuers: [{ issuerId: 'https://health.example.gov' }],
          disclose: [],
          constraints: [{ attribute: 'ageOver18', op: 'eq', value: true }],
        },
      ],
    },
  ],
  pseudonym: { scope: 'entry', period: '2025-06-14' },
};

/**
 * Answer to requestOneGroup: nothing disclosed but schema and issuerKeyId; the clause's constraints
 * (with the validity pair every built-in policy adds) proven over hidden values. The COVID schema has
 * 7 messages + secret_prover_blind + the holder secret, 2 disclosed: U = 5 + 2. The lengths are
 * those of a real presentation (proof 496 bytes, predicate proof 1136 for one `in` and two ranges).
 */
export const presentationOneItem: Presentation = {
  type: 'privid/presentation',
  v: 1,
  requestId: requestOneGroup.requestId,
  nonce: requestOneGroup.nonce,
  verifierId: requestOneGroup.verifierId,
  items: [
    {
      clauseIndex: 0,
      suite: 'BLS12-381-SHA-256',
      issuerId: 'https://labs.example.org',
      keyId: 'lab-2025-06',
      schemaRef: 'privid:covid-test-result@1',
      disclosed: {},
      proof: fakeB64(proofLength(7), 7),
      pseudonym: fakeB64(48, 9),
      proven: [
        { attribute: 'testResult', op: 'in', value: ['negative'] },
        { attribute: 'validUntil', op: 'gte', value: TODAY },
        { attribute: 'validFrom', op: 'lte', value: TODAY },
      ],
      predicateProof: fakeB64(1136, 11),
    },
  ],
  salt: fakeB64(32, 12),
};

/**
 * Answer to requestTwoGroups with the vaccination clause and the age band, with the venue's scoped
 * pseudonym. Each credential has 7 messages + 2 committed; nothing but schema and key disclosed:
 * U = 5 + 2 (the vaccination record's product class is disclosed: U = 4 + 2). Lengths as measured.
 */
export const presentationTwoItems: Presentation = {
  type: 'privid/presentation',
  v: 1,
  requestId: requestTwoGroups.requestId,
  nonce: requestTwoGroups.nonce,
  verifierId: requestTwoGroups.verifierId,
  items: [
    {
      clauseIndex: 1,
      suite: 'BLS12-381-SHA-256',
      issuerId: 'https://health.example.gov',
      keyId: 'moh-2025-a',
      schemaRef: 'privid:vaccination-record@1',
      disclosed: {},
      proof: fakeB64(proofLength(7), 8),
      pseudonym: fakeB64(48, 9),
      proven: [
        { attribute: 'doseCount', op: 'gte', value: 2 },
        { attribute: 'validUntil', op: 'gte', value: TODAY },
        { attribute: 'validFrom', op: 'lte', value: TODAY },
      ],
      predicateProof: fakeB64(1168, 13),
    },
    {
      clauseIndex: 0,
      suite: 'BLS12-381-SHA-256',
      issuerId: 'https://health.example.gov',
      keyId: 'moh-2025-a',
      schemaRef: 'privid:age-band@1',
      disclosed: {},
      proof: fakeB64(proofLength(7), 10),
      pseudonym: fakeB64(48, 9),
      proven: [
        { attribute: 'ageOver18', op: 'in', value: [true] },
        { attribute: 'validUntil', op: 'gte', value: TODAY },
        { attribute: 'validFrom', op: 'lte', value: TODAY },
      ],
      predicateProof: fakeB64(1136, 14),
    },
  ],
};

/** A deep copy that tests may mutate. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The claims of a signed request object (online: direct_post to the venue's response URL). */
export const requestObjectOnline: RequestObject = {
  aud: 'https://self-issued.me/v2',
  client_id: 'https://verify.example/venues/club42',
  response_type: 'vp_token',
  response_mode: 'direct_post',
  response_uri: 'https://verify.example/v1/requests/r7HkqL2mN0pXv9sT4wYzAb/presentation',
  nonce: fakeB64(32, 7),
  state: 'r7HkqL2mN0pXv9sT4wYzAb',
  iat: NOW_SECONDS,
  exp: NOW_SECONDS + 120,
  client_metadata: { client_name: 'Club 42' },
  dcql_query: {
    credentials: [
      {
        id: 'g0c0',
        format: 'privid-bbs',
        meta: { schema_ref: 'privid:covid-test-result@1', issuers: [{ issuerId: 'https://labs.example.org' }] },
        privid_constraints: [
          { attribute: 'testResult', op: 'eq', value: 'negative' },
          { attribute: 'validUntil', op: 'gte', value: 'today' },
          { attribute: 'validFrom', op: 'lte', value: 'today' },
        ],
      },
    ],
    credential_sets: [{ options: [['g0c0']], required: true }],
  },
  privid_pseudonym: { scope: 'entry', period: '2025-06-14', timeZone: '+02:00' },
};

/** An offline kiosk's request object: answered by QR code, no response URL. */
export const requestObjectKiosk: RequestObject = {
  ...requestObjectOnline,
  response_mode: 'privid_qr',
  response_uri: undefined,
  dcql_query: {
    ...requestObjectOnline.dcql_query,
    credentials: [{ ...requestObjectOnline.dcql_query.credentials[0]!, claims: [{ path: ['testResult'] }] }],
  },
};
delete (requestObjectKiosk as { response_uri?: string }).response_uri;
