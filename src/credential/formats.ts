/**
 * The versioned JSON formats privid's parties exchange, as TypeBox schemas: the JSON Schemas
 * the server publishes (OpenAPI) and the source of truth for the SDK's validation.
 * scripts/generate-format-schemas.ts turns every entry of FORMAT_SCHEMAS into plain JSON
 * Schemas and TypeScript types (generated/format-schemas.ts) that the SDK parses with
 * (format-parsers.ts), so wallets ship no schema library; run `npm run generate:formats` after
 * changing a schema here (a test fails while the generated file is stale).
 *
 * Every object has `"type": "privid/<name>"` and `"v": 1`, and no other fields than listed
 * (`additionalProperties: false`). Binary fields are canonical unpadded base64url with byte
 * length limits; times are Unix seconds; credential dates are day numbers.
 *
 * Server-side only (it imports TypeBox): the SDK entry points never import this module.
 */
import Type, { type Static, type TString } from 'typebox';
import { base64urlLength, BASE64URL_PATTERN } from './bytes.js';
import { CONSTRAINT_OPS } from './constraints.js';
import { MAX_DAY } from './dates.js';
import { KEY_ID_PATTERN, MAX_KEY_ID_LENGTH } from './encoding.js';
import {
  DISPLAY_NAME_PATTERN,
  FORMAT_TYPES,
  FORMAT_VERSION,
  ISSUER_URL_PATTERN,
  LIMITS,
  OPAQUE_ID_PATTERN,
  PARTY_ID_PATTERN,
  PERIOD_PATTERN,
  PRIVID_FORMAT_ID,
  REQUEST_OBJECT_AUDIENCE,
  REQUEST_OBJECT_FORMAT,
  RESPONSE_MODES,
  SCOPE_PATTERN,
  SUITE_IDS,
  TIME_ZONE_PATTERN,
} from './format-constants.js';
import {
  ATTRIBUTE_NAME_PATTERN,
  MAX_ATTRIBUTES,
  MAX_SCHEMA_REF_LENGTH,
  MAX_STRING_LENGTH,
  SCHEMA_REF_PATTERN,
} from './schema.js';
import { WELL_FORMED_TEXT_PATTERN } from './text.js';

export * from './format-constants.js';
export * from './format-parsers.js';
export * from './presentation-binding.js';

// ---------------------------------------------------------------------------------------------
// Field schemas
// ---------------------------------------------------------------------------------------------

/** Canonical unpadded base64url of minBytes..maxBytes bytes. */
export function base64urlField(minBytes: number, maxBytes: number, description: string) {
  return Type.String({
    pattern: BASE64URL_PATTERN,
    minLength: base64urlLength(minBytes),
    maxLength: base64urlLength(maxBytes),
    contentEncoding: 'base64url',
    description: `${description} (unpadded base64url, ${minBytes === maxBytes ? minBytes : `${minBytes}..${maxBytes}`} bytes)`,
  });
}

/**
 * A free-text string field (text.ts says why NUL and lone surrogates are refused): the one helper every
 * text field of the formats and the HTTP API uses. A field with a stricter pattern of its own does not need it.
 */
export function textField(
  options: { minLength?: number; maxLength?: number; description?: string; examples?: string[] } = {},
): TString {
  return Type.String({ ...options, pattern: WELL_FORMED_TEXT_PATTERN });
}

const closed = { additionalProperties: false } as const;
const formatType = <T extends string>(type: T) => Type.Literal(type);
const formatVersion = Type.Literal(FORMAT_VERSION);
const opaqueId = (description: string) => Type.String({ pattern: OPAQUE_ID_PATTERN, description });
const partyId = (description: string) =>
  Type.String({ pattern: PARTY_ID_PATTERN, minLength: 1, maxLength: LIMITS.idMaxLength, description });
const schemaRef = Type.String({
  pattern: SCHEMA_REF_PATTERN,
  maxLength: MAX_SCHEMA_REF_LENGTH,
  description: 'Credential schema, "id@version"',
});
const keyId = Type.String({ pattern: KEY_ID_PATTERN, maxLength: MAX_KEY_ID_LENGTH, description: 'Issuer key id' });
const suite = Type.Enum([...SUITE_IDS], { description: 'Signature suite' });
const unixTime = (description: string) =>
  Type.Integer({ minimum: 0, maximum: LIMITS.maxTime, description: `${description} (Unix time, seconds)` });
const day = (description: string) =>
  Type.Integer({ minimum: 0, maximum: MAX_DAY, description: `${description} (day number: days since 1970-01-01 UTC)` });
const attributeName = Type.String({ pattern: ATTRIBUTE_NAME_PATTERN, maxLength: 32 });

/** An attribute value: enum/string → string, integer/date → non-negative integer, boolean. */
export const AttributeValueSchema = Type.Union([
  textField({ maxLength: MAX_STRING_LENGTH }),
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  Type.Boolean(),
]);

const attributeRecord = (description: string, maxProperties: number) =>
  Type.Record(attributeName, AttributeValueSchema, {
    additionalProperties: false,
    maxProperties,
    description,
  });

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

/**
 * Lab → holder, usually as a QR code. Says where and what to redeem; carries no attribute
 * values, so the QR stays small and nothing personal is in it.
 */
export const CredentialOfferSchema = Type.Object(
  {
    type: formatType(FORMAT_TYPES.credentialOffer),
    v: formatVersion,
    issuerId: partyId('Issuer id'),
    issuerUrl: Type.String({
      pattern: ISSUER_URL_PATTERN,
      maxLength: LIMITS.urlMaxLength,
      description: 'Issuer API base URL',
    }),
    offerId: opaqueId('Offer id'),
    code: base64urlField(LIMITS.codeMinBytes, LIMITS.codeMaxBytes, 'One-time redemption code'),
    schemaRef,
    keyId,
    suite,
    expiresAt: unixTime('Offer expiry'),
  },
  { ...closed, description: 'privid credential offer' },
);
export type CredentialOffer = Static<typeof CredentialOfferSchema>;

/** Holder → issuer: redeem an offer with a commitment to the holder secret. */
export const IssuanceRequestSchema = Type.Object(
  {
    type: formatType(FORMAT_TYPES.issuanceRequest),
    v: formatVersion,
    offerId: opaqueId('Offer id'),
    code: base64urlField(LIMITS.codeMinBytes, LIMITS.codeMaxBytes, 'One-time redemption code from the offer'),
    commitmentWithProof: base64urlField(
      LIMITS.commitmentMinBytes,
      LIMITS.commitmentMaxBytes,
      'Commitment to the holder secret with its proof of knowledge',
    ),
  },
  { ...closed, description: 'privid issuance request' },
);
export type IssuanceRequest = Static<typeof IssuanceRequestSchema>;

/**
 * A credential as the wallet stores it. The holder secret is not in it: `secretId` names the
 * secret in the wallet's secret store.
 */
export const CredentialFormatSchema = Type.Object(
  {
    type: formatType(FORMAT_TYPES.credential),
    v: formatVersion,
    suite,
    issuerId: partyId('Issuer id'),
    keyId,
    schemaRef,
    validFrom: day('First valid day'),
    validUntil: day('Last valid day'),
    attributes: attributeRecord('Attribute values by name', MAX_ATTRIBUTES),
    signature: base64urlField(LIMITS.signatureMinBytes, LIMITS.signatureMaxBytes, 'BBS signature'),
    secretId: opaqueId('Id of the holder secret in the wallet store'),
  },
  { ...closed, description: 'privid credential' },
);
export type Credential = Static<typeof CredentialFormatSchema>;

const scalarLiteral = Type.Union([
  textField({ maxLength: MAX_STRING_LENGTH }),
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  Type.Boolean(),
]);

export const ConstraintSchema = Type.Object(
  {
    attribute: attributeName,
    op: Type.Enum([...CONSTRAINT_OPS]),
    value: Type.Union([
      textField({ maxLength: MAX_STRING_LENGTH }),
      Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
      Type.Boolean(),
      Type.Array(scalarLiteral, { minItems: 1, maxItems: LIMITS.inValues }),
    ]),
  },
  {
    ...closed,
    description:
      'Checked on the disclosed value, or proven in zero knowledge when the attribute is not disclosed. "in" takes a list; gte/lte need an integer or a date; date values may be "today", "today-N", "today+N" or YYYY-MM-DD',
  },
);

export const ProvenConstraintSchema = Type.Object(
  {
    attribute: attributeName,
    op: Type.Union([Type.Literal('gte'), Type.Literal('lte'), Type.Literal('in'), Type.Literal('neq')]),
    // One flat union, like ConstraintSchema's: a nested union makes "which branch failed" ambiguous.
    value: Type.Union([...scalarLiteral.anyOf, Type.Array(scalarLiteral, { minItems: 1, maxItems: LIMITS.inValues })]),
  },
  { ...closed, description: 'A constraint proven over a hidden value; gte/lte bounds are integers (day numbers)' },
);

export const ClauseSchema = Type.Object(
  {
    schemaRef,
    issuers: Type.Array(
      Type.Object(
        {
          issuerId: partyId('Accepted issuer'),
          keyIds: Type.Optional(
            Type.Array(keyId, {
              minItems: 1,
              maxItems: LIMITS.keyIds,
              uniqueItems: true,
              description: 'Accepted keys; any key of the issuer when absent',
            }),
          ),
        },
        closed,
      ),
      { minItems: 1, maxItems: LIMITS.issuers },
    ),
    disclose: Type.Array(attributeName, { maxItems: MAX_ATTRIBUTES + 2, uniqueItems: true }),
    constraints: Type.Array(ConstraintSchema, { maxItems: LIMITS.constraints }),
  },
  {
    ...closed,
    description:
      'One acceptable credential: only the attributes in disclose are shown; constraints on any other attribute are proven in zero knowledge (docs/predicates.md)',
  },
);
export type Clause = Static<typeof ClauseSchema>;

export const PseudonymRequestSchema = Type.Object(
  {
    scope: Type.String({ pattern: SCOPE_PATTERN, description: 'Linkability scope chosen by the verifier' }),
    period: Type.Optional(
      Type.String({
        pattern: PERIOD_PATTERN,
        description:
          'The current period: a day YYYY-MM-DD, an ISO week YYYY-Www or a month YYYY-MM. Absent: the venue recognises the holder on every visit',
      }),
    ),
    timeZone: Type.Optional(
      Type.String({ pattern: TIME_ZONE_PATTERN, description: 'Time zone of the period: UTC (default) or ±HH:MM' }),
    ),
  },
  closed,
);

/** Venue → holder. Every group must be satisfied, each by one of its `anyOf` clauses. */
export const PresentationRequestSchema = Type.Object(
  {
    type: formatType(FORMAT_TYPES.presentationRequest),
    v: formatVersion,
    requestId: opaqueId('Request id'),
    nonce: base64urlField(LIMITS.nonceBytes, LIMITS.nonceBytes, 'Fresh random nonce'),
    verifierId: partyId('Verifier id'),
    verifierName: Type.String({
      pattern: DISPLAY_NAME_PATTERN,
      maxLength: LIMITS.displayNameMaxLength,
      description: 'Verifier display name',
    }),
    expiresAt: unixTime('Request expiry'),
    groups: Type.Array(
      Type.Object({ anyOf: Type.Array(ClauseSchema, { minItems: 1, maxItems: LIMITS.clauses }) }, closed),
      { minItems: 1, maxItems: LIMITS.groups },
    ),
    pseudonym: Type.Optional(PseudonymRequestSchema),
  },
  { ...closed, description: 'privid presentation request' },
);
export type PresentationRequest = Static<typeof PresentationRequestSchema>;

export const PresentationItemSchema = Type.Object(
  {
    clauseIndex: Type.Integer({ minimum: 0, maximum: LIMITS.clauses - 1 }),
    suite,
    issuerId: partyId('Issuer id'),
    keyId,
    schemaRef,
    disclosed: attributeRecord('Disclosed values, exactly the attributes the clause asks for', MAX_ATTRIBUTES + 2),
    proof: base64urlField(LIMITS.proofMinBytes, LIMITS.proofMaxBytes, 'BBS proof'),
    pseudonym: Type.Optional(base64urlField(LIMITS.pseudonymBytes, LIMITS.pseudonymBytes, 'Scope pseudonym')),
    proven: Type.Optional(
      Type.Array(ProvenConstraintSchema, {
        maxItems: LIMITS.constraints,
        description: 'The clause constraints on hidden attributes, with date expressions resolved, in clause order',
      }),
    ),
    predicateProof: Type.Optional(
      base64urlField(1, LIMITS.predicateProofMaxBytes, 'Proof of the proven constraints (docs/predicates.md)'),
    ),
  },
  closed,
);
export type PresentationItem = Static<typeof PresentationItemSchema>;

/** Holder → venue: one item per request group, in group order. */
export const PresentationSchema = Type.Object(
  {
    type: formatType(FORMAT_TYPES.presentation),
    v: formatVersion,
    requestId: opaqueId('Request id'),
    nonce: base64urlField(LIMITS.nonceBytes, LIMITS.nonceBytes, 'The request nonce, echoed'),
    verifierId: partyId('Verifier id'),
    items: Type.Array(PresentationItemSchema, { minItems: 1, maxItems: LIMITS.groups }),
    salt: Type.Optional(
      base64urlField(
        LIMITS.saltBytes,
        LIMITS.saltBytes,
        'Fresh holder-chosen salt of the one-time pseudonym context (only when the request asks for no pseudonym)',
      ),
    ),
  },
  { ...closed, description: 'privid presentation' },
);
export type Presentation = Static<typeof PresentationSchema>;

/** The format schemas by `type`, e.g. for an OpenAPI document. */
// ---------------------------------------------------------------------------------------------
// Signed request object (OpenID4VP 1.0 profile: request-object.ts, docs/openid4vp-profile.md)
// ---------------------------------------------------------------------------------------------

const requestUrl = (description: string) =>
  Type.String({ pattern: ISSUER_URL_PATTERN, maxLength: LIMITS.urlMaxLength, description });
const credentialQueryId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'DCQL credential query id' });

export const CredentialQuerySchema = Type.Object(
  {
    id: credentialQueryId,
    format: Type.Literal(PRIVID_FORMAT_ID),
    meta: Type.Object(
      { schema_ref: ClauseSchema.properties.schemaRef, issuers: ClauseSchema.properties.issuers },
      { ...closed, description: 'privid-bbs: the schema and the accepted issuers (and keys)' },
    ),
    claims: Type.Optional(
      Type.Array(
        Type.Object(
          {
            path: Type.Array(Type.String({ pattern: ATTRIBUTE_NAME_PATTERN, maxLength: 32 }), {
              minItems: 1,
              maxItems: 1,
            }),
          },
          closed,
        ),
        { maxItems: MAX_ATTRIBUTES + 2, description: 'Attributes disclosed as they are' },
      ),
    ),
    privid_constraints: Type.Array(ConstraintSchema, {
      maxItems: LIMITS.constraints,
      description:
        'Constraints (privid extension): proven in zero knowledge over hidden attributes, checked on disclosed ones',
    }),
  },
  { ...closed, description: 'One acceptable credential (a privid clause)' },
);

export const DcqlQuerySchema = Type.Object(
  {
    credentials: Type.Array(CredentialQuerySchema, { minItems: 1, maxItems: LIMITS.groups * LIMITS.clauses }),
    credential_sets: Type.Array(
      Type.Object(
        {
          options: Type.Array(Type.Array(credentialQueryId, { minItems: 1, maxItems: 1 }), {
            minItems: 1,
            maxItems: LIMITS.clauses,
          }),
          required: Type.Optional(Type.Literal(true)),
        },
        closed,
      ),
      { minItems: 1, maxItems: LIMITS.groups, description: 'One set per request group: all required' },
    ),
  },
  closed,
);

/** The JWT claims of a signed request object. */
export const RequestObjectSchema = Type.Object(
  {
    aud: Type.Literal(REQUEST_OBJECT_AUDIENCE),
    client_id: requestUrl('The venue’s registered id: a URL on the verifier service'),
    response_type: Type.Literal('vp_token'),
    response_mode: Type.Enum([...RESPONSE_MODES]),
    response_uri: Type.Optional(requestUrl('Where the wallet POSTs the presentation (direct_post)')),
    nonce: base64urlField(LIMITS.nonceBytes, LIMITS.nonceBytes, 'Fresh random nonce'),
    state: Type.String({ pattern: OPAQUE_ID_PATTERN, description: 'The request id' }),
    iat: Type.Integer({ minimum: 0, maximum: LIMITS.maxTime }),
    exp: Type.Integer({ minimum: 0, maximum: LIMITS.maxTime }),
    client_metadata: Type.Object(
      {
        client_name: Type.String({
          pattern: DISPLAY_NAME_PATTERN,
          maxLength: LIMITS.displayNameMaxLength,
          description: 'The venue’s registered display name',
        }),
      },
      closed,
    ),
    dcql_query: DcqlQuerySchema,
    privid_pseudonym: Type.Optional(PseudonymRequestSchema),
  },
  { ...closed, description: 'privid request object (OpenID4VP 1.0 profile)' },
);

export const FORMAT_SCHEMAS = {
  [FORMAT_TYPES.credentialOffer]: CredentialOfferSchema,
  [FORMAT_TYPES.issuanceRequest]: IssuanceRequestSchema,
  [FORMAT_TYPES.credential]: CredentialFormatSchema,
  [FORMAT_TYPES.presentationRequest]: PresentationRequestSchema,
  [FORMAT_TYPES.presentation]: PresentationSchema,
  [REQUEST_OBJECT_FORMAT]: RequestObjectSchema,
} as const;
