/**
 * Request and response schemas of the verifier API (venues, policies, trust list, presentation
 * requests, verification), with the examples the OpenAPI document shows.
 */
import { createHash } from 'node:crypto';
import Type from 'typebox';
import {
  AttributeValueSchema,
  ProvenConstraintSchema,
  ClauseSchema,
  PresentationRequestSchema,
  PresentationSchema,
} from '../../credential/formats.js';
import {
  ISSUER_URL_PATTERN,
  KEY_ID_PATTERN,
  LIMITS,
  MAX_KEY_ID_LENGTH,
  PARTY_ID_PATTERN,
  SCOPE_PATTERN,
} from '../../credential/index.js';
import { closed, DisplayName, Text } from '../ops/http.js';
import { SUITE_IDS } from '../issuer/suites.js';

/** Deterministic bytes that look random, base64url: for examples only. */
function exampleBytes(length: number, seed: string): string {
  const out = Buffer.alloc(length);
  for (let i = 0; i * 32 < length; i++)
    createHash('sha256')
      .update(`${seed}/${i}`)
      .digest()
      .copy(out, i * 32);
  return out.toString('base64url');
}

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const Uuid = (description: string) => Type.String({ pattern: UUID_PATTERN, description });
const timestamp = (description: string) => Type.String({ format: 'date-time', description });
const nullableTimestamp = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });

export const EXAMPLE = {
  venueId: '3f1c9e2a-7b4d-4c6e-9a8b-1d2e3f4a5b6c',
  venueName: 'Riverside Stadium',
  verifierId: 'https://privid.example/v1/venues/3f1c9e2a-7b4d-4c6e-9a8b-1d2e3f4a5b6c',
  policyId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  requestId: '9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  trustedIssuerId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  apiKeyId: '7c6b5a4d-3e2f-4b1a-9c8d-7e6f5a4b3c2d',
  apiKey: 'ven_Qm9vLXRoZS1leGFtcGxlLWtleS1ub3QtYS1yZWFsLW9uZQ',
  issuerId: 'https://privid.example/v1/issuers/0b6f4d3e-9a51-4c8e-8f0a-2d5c1e7b9a10',
  kid: 'ik_3q2-7wEjRa1nbXuP',
  publicKey:
    'uSdrafWZJeAnQfdwc-lZri5IyQdQYtL4yDwGLHEpEdYFNIx1g11wK_5Q-S6YqyIqFAdm3gytzzHcEFiyfdhVCMma5JJkKWlaGjfLqEHW54S41v3j3WIkYhglNKs6eWBW',
  nonce: 'PdLt42Ib7iOP7YTYeZhgT6BnLPer62utt-qUNk_W3vM',
  createdAt: '2026-11-25T09:30:00.000Z',
  expiresAt: '2026-11-25T09:32:00.000Z',
  pseudonym: exampleBytes(48, 'pseudonym'),
} as const;

// ---------------------------------------------------------------------------------------------
// Venues
// ---------------------------------------------------------------------------------------------

export const VenueName = DisplayName({
  maxLength: 64,
  description: 'Unique display name shown to guests in their wallet, no control characters',
});

export const VenueViewSchema = closed({
  id: Uuid('Venue id'),
  name: Type.String(),
  verifierId: Type.String({ description: 'The verifier id in its presentation requests' }),
  createdAt: timestamp('When the venue was created'),
  disabledAt: nullableTimestamp('When the venue was disabled'),
});
export const exampleVenue = {
  id: EXAMPLE.venueId,
  name: EXAMPLE.venueName,
  verifierId: EXAMPLE.verifierId,
  createdAt: EXAMPLE.createdAt,
  disabledAt: null,
};

export const VenueApiKeyViewSchema = closed({
  id: Uuid('API key id'),
  prefix: Type.String({ description: 'The first characters of the key, to tell keys apart' }),
  createdAt: timestamp('When the key was created'),
  revokedAt: nullableTimestamp('When the key was revoked'),
  lastUsedOn: Type.Union([Type.String({ description: 'Day of last use (UTC), YYYY-MM-DD' }), Type.Null()]),
});
export const exampleVenueKey = {
  id: EXAMPLE.apiKeyId,
  prefix: EXAMPLE.apiKey.slice(0, 12),
  createdAt: EXAMPLE.createdAt,
  revokedAt: null,
  lastUsedOn: null,
};

export const NewVenueKeySchema = closed({
  apiKey: VenueApiKeyViewSchema,
  key: Type.String({ description: 'The venue API key. Shown only in this response: store it in a secret store.' }),
});

export const VenueParams = closed({ venueId: Uuid('Venue id') });
export const VenueKeyParams = closed({ venueId: Uuid('Venue id'), apiKeyId: Uuid('API key id') });

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

export const PolicyName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Unique per venue, e.g. "entry"; requests name it',
});

const PolicyPseudonymSchema = closed(
  {
    scope: Type.String({ pattern: SCOPE_PATTERN, description: 'e.g. "entry"' }),
    period: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month'), Type.Literal('none')], {
      description:
        'day, week or month (UTC; ISO weeks): one accepted presentation per guest and period, and the wallet checks the period is current; ' +
        'none: a pseudonym that persists (the wallet tells the guest "this venue will recognise you on every visit" and asks separately), no limit',
    }),
  },
  { description: 'A venue-scoped pseudonym: unlinkable across venues and periods' },
);

export const PolicyDefinitionSchema = closed(
  {
    description: Type.Optional(Text({ maxLength: 500, description: 'For the venue staff' })),
    groups: Type.Array(closed({ anyOf: Type.Array(ClauseSchema, { minItems: 1, maxItems: LIMITS.clauses }) }), {
      minItems: 1,
      maxItems: LIMITS.groups,
      description: 'Every group must be satisfied, each by one of its anyOf alternatives',
    }),
    pseudonym: Type.Optional(PolicyPseudonymSchema),
    validity: Type.Optional(
      Type.Union([Type.Literal('checked'), Type.Literal('unchecked')], {
        description:
          'checked (default): every clause proves the credential valid on the verifier’s day (validUntil gte today, validFrom lte today are added). ' +
          'unchecked: expired credentials are accepted; creating such a policy returns a warning',
      }),
    ),
  },
  { description: 'What a guest must prove' },
);

export const exampleEntryPolicy = {
  description: 'Entry: a negative test valid today, or at least two vaccine doses',
  groups: [
    {
      anyOf: [
        {
          schemaRef: 'privid:covid-test-result@1',
          issuers: [{ issuerId: EXAMPLE.issuerId }],
          disclose: [],
          constraints: [
            { attribute: 'testResult', op: 'eq', value: 'negative' },
            { attribute: 'validUntil', op: 'gte', value: 'today' },
          ],
        },
        {
          schemaRef: 'privid:vaccination-record@1',
          issuers: [{ issuerId: EXAMPLE.issuerId }],
          disclose: [],
          constraints: [{ attribute: 'doseCount', op: 'gte', value: 2 }],
        },
      ],
    },
  ],
};

export const exampleBarPolicy = {
  description: 'Over 18, one entry per guest per day',
  groups: [
    {
      anyOf: [
        {
          schemaRef: 'privid:age-band@1',
          issuers: [{ issuerId: EXAMPLE.issuerId }],
          disclose: [],
          constraints: [{ attribute: 'ageOver18', op: 'eq', value: true }],
        },
      ],
    },
  ],
  pseudonym: { scope: 'entry', period: 'day' },
};

export const CreatePolicyBodySchema = closed(
  {
    name: PolicyName,
    definition: Type.Optional(PolicyDefinitionSchema),
    builtin: Type.Optional(
      Text({
        minLength: 1,
        maxLength: 64,
        description:
          'Instead of definition: a built-in policy (GET /v1/policy-templates), e.g. "test-or-vaccinated"; the expanded definition is stored',
      }),
    ),
    issuers: Type.Optional({
      ...ClauseSchema.properties.issuers,
      description:
        'With builtin only: the accepted issuers of every clause. Absent: every issuer on the trust list when the policy is created',
    }),
  },
  {
    description: 'Exactly one of definition and builtin',
    examples: [
      { name: 'entry', definition: exampleEntryPolicy },
      { name: 'entry', builtin: 'test-or-vaccinated' },
      { name: 'bar', builtin: 'adult-once-a-day', issuers: [{ issuerId: EXAMPLE.issuerId }] },
    ],
  },
);

export const PolicyTemplateViewSchema = closed({
  id: Type.String({ description: 'The value of builtin when creating a policy' }),
  title: Type.String(),
  description: Type.String({ description: 'What a guest must show and what the venue learns' }),
  anyOf: Type.Array(
    closed({
      schemaRef: Type.String(),
      proves: Type.Array(Type.String(), {
        description: 'Statements proven over hidden values (validity included); no value is shown',
      }),
    }),
    { description: 'The credentials that satisfy the policy: any one of them' },
  ),
  pseudonym: Type.Union([PolicyPseudonymSchema, Type.Null()], {
    description: 'A venue-scoped pseudonym; with a period, one entry per guest and period',
  }),
});

export const PolicyViewSchema = closed({
  id: Uuid('Policy id'),
  venueId: Uuid('Venue id'),
  name: Type.String(),
  createdAt: timestamp('When the policy was created'),
  definition: PolicyDefinitionSchema,
});
export const examplePolicy = {
  id: EXAMPLE.policyId,
  venueId: EXAMPLE.venueId,
  name: 'entry',
  createdAt: EXAMPLE.createdAt,
  definition: exampleEntryPolicy,
};

export const CreatedPolicySchema = closed({
  policy: PolicyViewSchema,
  warnings: Type.Array(Type.String(), { description: 'Allowed, but probably not what you want' }),
});

// ---------------------------------------------------------------------------------------------
// Trust list
// ---------------------------------------------------------------------------------------------

const KeyId = Type.String({ pattern: KEY_ID_PATTERN, maxLength: MAX_KEY_ID_LENGTH, description: 'Issuer key id' });
const Suite = Type.Enum([...SUITE_IDS], { description: 'Signature suite' });
const KeyStatus = Type.Union([Type.Literal('active'), Type.Literal('retired'), Type.Literal('revoked')]);

const PinnedKeySchema = closed({
  kid: KeyId,
  suite: Type.Optional(Suite),
  status: Type.Optional(KeyStatus),
  jwk: Type.Optional(
    Type.Object(
      {
        kty: Type.Literal('OKP'),
        crv: Type.Literal('Bls12381G2'),
        x: Text({ maxLength: 200, description: 'Compressed G2 point, base64url' }),
        kid: Type.Optional(Text({ maxLength: 128 })),
        alg: Type.Optional(Text({ maxLength: 32 })),
      },
      { additionalProperties: false },
    ),
  ),
  publicKeyMultibase: Type.Optional(
    Type.String({ maxLength: 200, pattern: '^z[1-9A-HJ-NP-Za-km-z]+$', description: "'z' + base58btc(0xeb01 || key)" }),
  ),
});

export const AddTrustedIssuerBodySchema = Type.Union(
  [
    closed(
      {
        metadataUrl: Type.String({
          pattern: ISSUER_URL_PATTERN,
          maxLength: LIMITS.urlMaxLength,
          description: "The issuer's metadata URL (a privid issuer's id): keys and schemas are synced from it",
        }),
        label: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
      },
      { title: 'By metadata URL' },
    ),
    closed(
      {
        issuerId: Type.String({ pattern: PARTY_ID_PATTERN, minLength: 1, maxLength: LIMITS.idMaxLength }),
        label: Text({ minLength: 1, maxLength: 100 }),
        keys: Type.Array(PinnedKeySchema, {
          minItems: 1,
          maxItems: 16,
          description: 'Each as a JWK or a Multikey publicKeyMultibase',
        }),
      },
      { title: 'Pinned to keys' },
    ),
  ],
  {
    examples: [{ metadataUrl: EXAMPLE.issuerId, label: 'Example Lab' }],
  },
);

export const TrustedIssuerViewSchema = closed({
  id: Uuid('Trust-list entry id'),
  source: Type.Union([Type.Literal('metadata-url'), Type.Literal('key')]),
  issuerId: Type.String(),
  metadataUrl: Type.Union([Type.String(), Type.Null()]),
  label: Type.String(),
  name: Type.String({ description: "The issuer's own name, from its metadata" }),
  keys: Type.Array(closed({ kid: KeyId, suite: Suite, status: KeyStatus, publicKey: Type.String() })),
  schemas: Type.Array(Type.String(), { description: 'Schemas the issuer publishes besides the built-ins' }),
  etag: Type.Union([Type.String(), Type.Null()]),
  lastSyncedAt: nullableTimestamp('The last successful sync'),
  lastSyncError: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the last sync failed (the snapshot stays in force); null after a successful one',
  }),
  createdAt: timestamp('When it was added'),
});
export const exampleTrustedIssuer = {
  id: EXAMPLE.trustedIssuerId,
  source: 'metadata-url',
  issuerId: EXAMPLE.issuerId,
  metadataUrl: EXAMPLE.issuerId,
  label: 'Example Lab',
  name: 'Example Lab',
  keys: [{ kid: EXAMPLE.kid, suite: 'BLS12-381-SHA-256', status: 'active', publicKey: EXAMPLE.publicKey }],
  schemas: [],
  etag: '"Xq3l9u0b7n8-6Sg3nJvKQ0mZ2cM1hYp4sTfRk5wUeAo"',
  lastSyncedAt: EXAMPLE.createdAt,
  lastSyncError: null,
  createdAt: EXAMPLE.createdAt,
};

export const TrustedIssuerParams = closed({ trustedIssuerId: Uuid('Trust-list entry id') });

// ---------------------------------------------------------------------------------------------
// Requests and outcomes
// ---------------------------------------------------------------------------------------------

export const ReasonSchema = closed({
  code: Type.String({ description: 'A stable reason code; branch on this' }),
  message: Type.Optional(Type.String()),
  path: Type.Optional(Type.String({ description: 'JSON Pointer into the presentation' })),
});

export const DisclosedItemSchema = closed({
  group: Type.Integer({ minimum: 0, description: 'The policy group the item answers' }),
  clauseIndex: Type.Integer({ minimum: 0, description: 'Which alternative of the group' }),
  schemaRef: Type.String(),
  values: Type.Record(Type.String(), AttributeValueSchema, {
    description: 'Exactly the values the policy asked for (dates as day numbers)',
  }),
  proven: Type.Array(ProvenConstraintSchema, {
    description:
      'Constraints proven over hidden attributes, dates resolved to day numbers: the venue learns that they hold, not the values',
  }),
});

export const OutcomeViewSchema = closed({
  accepted: Type.Boolean(),
  reasons: Type.Array(ReasonSchema, { description: 'Why it was rejected; empty when accepted' }),
  disclosed: Type.Optional(Type.Array(DisclosedItemSchema)),
  pseudonym: Type.Optional(
    Type.String({ description: 'The venue-scoped pseudonym (base64url), when the policy asks for one' }),
  ),
});

const exampleAcceptedOutcome = {
  accepted: true,
  reasons: [],
  disclosed: [
    {
      group: 0,
      clauseIndex: 0,
      schemaRef: 'privid:covid-test-result@1',
      values: { testResult: 'negative', validUntil: 20418 },
    },
  ],
};

export const CreateRequestBodySchema = closed(
  { policy: Text({ minLength: 1, maxLength: 64, description: 'The policy, by name or id' }) },
  { examples: [{ policy: 'entry' }] },
);

export const CreatedRequestSchema = closed({
  id: Uuid('Request id'),
  policyId: Uuid('Policy id'),
  policyName: Type.String(),
  status: Type.Literal('pending'),
  createdAt: timestamp('Creation time'),
  expiresAt: timestamp('The wallet must answer before this (PRIVID_REQUEST_TTL)'),
  request: PresentationRequestSchema,
  qr: Type.String({
    description:
      'What the screen shows as a QR code: openid4vp://?client_id=…&request_uri=… (a reference only; the wallet fetches the signed request object)',
  }),
  requestUri: Type.String({ description: 'The signed request object (GET: application/oauth-authz-req+jwt)' }),
  submitUrl: Type.String({
    description: 'Where the wallet posts its presentation (the request object’s response_uri)',
  }),
});

export const exampleRequestJson = {
  type: 'privid/presentation-request',
  v: 1,
  requestId: EXAMPLE.requestId,
  nonce: EXAMPLE.nonce,
  verifierId: EXAMPLE.verifierId,
  verifierName: EXAMPLE.venueName,
  expiresAt: 1795599120,
  groups: exampleEntryPolicy.groups,
};

export const exampleCreatedRequest = {
  id: EXAMPLE.requestId,
  policyId: EXAMPLE.policyId,
  policyName: 'entry',
  status: 'pending',
  createdAt: EXAMPLE.createdAt,
  expiresAt: EXAMPLE.expiresAt,
  request: exampleRequestJson,
  qr: `openid4vp://?client_id=${encodeURIComponent(EXAMPLE.verifierId)}&request_uri=${encodeURIComponent(`https://privid.example/v1/requests/${EXAMPLE.requestId}/object`)}`,
  requestUri: `https://privid.example/v1/requests/${EXAMPLE.requestId}/object`,
  submitUrl: `https://privid.example/v1/requests/${EXAMPLE.requestId}/presentation`,
};

export const RequestStatusSchema = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('verifying'),
    Type.Literal('accepted'),
    Type.Literal('rejected'),
    Type.Literal('expired'),
  ],
  { description: 'pending: waiting for the wallet; verifying: an answer is being checked' },
);

export const RequestViewSchema = closed({
  id: Uuid('Request id'),
  policyId: Uuid('Policy id'),
  status: RequestStatusSchema,
  outcomeCode: Type.Union([Type.String(), Type.Null()], {
    description: 'ACCEPTED, the first rejection reason, or REQUEST_EXPIRED',
  }),
  createdAt: timestamp('Creation time'),
  expiresAt: timestamp('Expiry'),
  completedAt: nullableTimestamp('When the answer was verified'),
  // Present once, on the first read after the answer: kept in memory only, never stored.
  outcome: Type.Optional(OutcomeViewSchema),
});
export const exampleRequestView = {
  id: EXAMPLE.requestId,
  policyId: EXAMPLE.policyId,
  status: 'accepted',
  outcomeCode: 'ACCEPTED',
  createdAt: EXAMPLE.createdAt,
  expiresAt: EXAMPLE.expiresAt,
  completedAt: '2026-11-25T09:30:14.000Z',
  outcome: exampleAcceptedOutcome,
};

export const RequestParams = closed({ requestId: Text({ maxLength: 64, examples: [EXAMPLE.requestId] }) });

export const SubmitBodySchema = { ...PresentationSchema, examples: [examplePresentation()] };
/** The content types the submit route accepts (a 415 names them). */
export const SUBMIT_CONTENT_TYPES = ['application/json', 'text/plain'] as const;
export const SubmitQrBodySchema = Type.String({
  minLength: 1,
  maxLength: 4296,
  pattern: '^PRIVID1:P:',
  description: 'The presentation as QR text (PRIVID1:P:...), as wallet.presentQr makes it',
  examples: ['PRIVID1:P:...'],
});

function examplePresentation() {
  return {
    type: 'privid/presentation',
    v: 1,
    requestId: EXAMPLE.requestId,
    nonce: EXAMPLE.nonce,
    verifierId: EXAMPLE.verifierId,
    items: [
      {
        clauseIndex: 0,
        suite: 'BLS12-381-SHA-256',
        issuerId: EXAMPLE.issuerId,
        keyId: EXAMPLE.kid,
        schemaRef: 'privid:covid-test-result@1',
        disclosed: { testResult: 'negative', validUntil: 20418 },
        proof: exampleBytes(464, 'proof'),
        pseudonym: EXAMPLE.pseudonym,
      },
    ],
    salt: exampleBytes(32, 'salt'),
  };
}

export const SubmitResultSchema = closed({
  requestId: Uuid('Request id'),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
  reasons: Type.Array(ReasonSchema),
});

export const VerifyBodySchema = closed(
  { request: PresentationRequestSchema, presentation: PresentationSchema },
  { examples: [{ request: exampleRequestJson, presentation: examplePresentation() }] },
);

export const VerifyResultSchema = OutcomeViewSchema;
export const exampleVerifyResult = exampleAcceptedOutcome;
export { exampleAcceptedOutcome };

export const VenueInfoSchema = closed({
  verifierId: Type.String(),
  name: Type.String(),
});

// ---------------------------------------------------------------------------------------------
// Request-signing keys
// ---------------------------------------------------------------------------------------------

export const JwkSchema = closed({
  kty: Type.Literal('EC'),
  crv: Type.Literal('P-256'),
  x: Type.String(),
  y: Type.String(),
  kid: Type.String(),
  alg: Type.Literal('ES256'),
  use: Type.Literal('sig'),
});
export const JwksSchema = closed({ keys: Type.Array(JwkSchema) });
export const exampleSigningJwk = {
  kty: 'EC',
  crv: 'P-256',
  x: exampleBytes(32, 'jwk-x'),
  y: exampleBytes(32, 'jwk-y'),
  kid: 'vk_3q2-7wEjRa1nbXuP',
  alg: 'ES256',
  use: 'sig',
};
