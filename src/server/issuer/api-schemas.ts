/**
 * Request and response schemas of the issuer API (and the admin routes that manage issuers), with
 * the examples the OpenAPI document shows.
 */
import { createHash } from 'node:crypto';
import Type, { type Static, type TSchema } from 'typebox';
import { AttributeValueSchema, CredentialOfferSchema, IssuanceRequestSchema } from '../../credential/formats.js';
import { CredentialSchemaDefinition } from '../../credential/schema-definition-schema.js';
import {
  KEY_ID_PATTERN,
  MAX_KEY_ID_LENGTH,
  SCHEMA_REF_PATTERN,
  ATTRIBUTE_NAME_PATTERN,
  MAX_ATTRIBUTES,
  LIMITS,
  COVID_TEST_RESULT_SCHEMA,
} from '../../credential/index.js';
import { closed, Text } from '../ops/http.js';
import { SUITE_IDS } from './suites.js';

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const ISO_DATE_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';

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

export const EXAMPLE = {
  labId: '0b6f4d3e-9a51-4c8e-8f0a-2d5c1e7b9a10',
  labName: 'Example Lab',
  issuerId: 'https://privid.example/v1/issuers/0b6f4d3e-9a51-4c8e-8f0a-2d5c1e7b9a10',
  issuerUrl: 'https://privid.example',
  kid: 'ik_3q2-7wEjRa1nbXuP',
  kid2: 'ik_Yd9Lw0KpZm4Hs2Qe',
  publicKey:
    'uSdrafWZJeAnQfdwc-lZri5IyQdQYtL4yDwGLHEpEdYFNIx1g11wK_5Q-S6YqyIqFAdm3gytzzHcEFiyfdhVCMma5JJkKWlaGjfLqEHW54S41v3j3WIkYhglNKs6eWBW',
  multibase:
    'zUC7LcqonL4uCYQtQVbxRULHnQyFRbHp4Cxm2fti2sBGNyN3VgYx7pne6TAcLc9iiWtSriQM8PtoZ4QLLveUXahpeHG1VibeEe5YHNptDhChJAWDMahh64wE9JA5yaf9ouSrZtH',
  apiKeyId: '5d0e3c7a-1f2b-4a6d-9e8c-7b3a2f1d0c9e',
  apiKey: 'lab_Jt0uX1l9d3hV8rQ2mZk5yP7cW4sA6eB0nF3gH9iK1oL',
  offerId: '8c2d1b7e-4f3a-4e9d-a6b5-0c1d2e3f4a5b',
  code: 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc',
  createdAt: '2026-11-25T09:30:00.000Z',
  expiresAt: '2026-11-26T09:30:00.000Z',
} as const;

export const SuiteSchema = Type.Enum([...SUITE_IDS], { description: 'Signature suite' });
const suite = SuiteSchema;
const keyStatus = Type.Union([Type.Literal('active'), Type.Literal('retired'), Type.Literal('revoked')]);
const timestamp = (description: string) => Type.String({ format: 'date-time', description });
const nullableTimestamp = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });

export const Uuid = (description: string) => Type.String({ pattern: UUID_PATTERN, description });
export const KeyId = Type.String({
  pattern: KEY_ID_PATTERN,
  maxLength: MAX_KEY_ID_LENGTH,
  description: 'Issuer key id',
});

/**
 * A schema shared as an OpenAPI component: routes refer to it by $id (registered with
 * app.addSchema by buildServer), and keep its static type.
 */
function component<T extends TSchema>(id: string, schema: T) {
  return { schema: { ...schema, $id: id }, ref: Type.Unsafe<Static<T>>({ $ref: `${id}#` }) };
}

const definitionComponent = component('CredentialSchemaDefinition', CredentialSchemaDefinition);
export const SchemaDefinitionSchema = definitionComponent.ref;

/** The properties of an issuer key's public view (the IssuerKey component). */
export const issuerKeyProperties = {
  kid: KeyId,
  suite,
  status: keyStatus,
  createdAt: timestamp('When the key was created'),
  retiredAt: nullableTimestamp('When the key stopped signing new credentials'),
  revokedAt: nullableTimestamp('When the key was revoked: reject its credentials'),
  jwk: closed(
    {
      kty: Type.Literal('OKP'),
      crv: Type.Literal('Bls12381G2'),
      x: Type.String({ description: 'The public key, a compressed G2 point, base64url' }),
      kid: KeyId,
      alg: Type.Optional(Type.String({ description: 'JOSE algorithm, where one is registered for the suite' })),
    },
    { description: 'The public key as a JWK' },
  ),
  multikey: closed(
    {
      type: Type.Literal('Multikey'),
      id: Type.String(),
      controller: Type.String(),
      publicKeyMultibase: Type.String({ description: "'z' + base58btc(0xeb01 || public key)" }),
    },
    { description: 'The public key as a Multikey (W3C Controlled Identifiers)' },
  ),
};
const issuerKeyComponent = component('IssuerKey', closed(issuerKeyProperties));
export const IssuerKeyViewSchema = issuerKeyComponent.ref;

export const exampleKey = (kid: string = EXAMPLE.kid, status: 'active' | 'retired' | 'revoked' = 'active') => ({
  kid,
  suite: 'BLS12-381-SHA-256',
  status,
  createdAt: EXAMPLE.createdAt,
  retiredAt: status === 'active' ? null : '2026-12-01T08:00:00.000Z',
  revokedAt: status === 'revoked' ? '2026-12-01T08:00:00.000Z' : null,
  jwk: { kty: 'OKP', crv: 'Bls12381G2', x: EXAMPLE.publicKey, kid, alg: 'BBS' },
  multikey: {
    type: 'Multikey',
    id: `${EXAMPLE.issuerId}#${kid}`,
    controller: EXAMPLE.issuerId,
    publicKeyMultibase: EXAMPLE.multibase,
  },
});

const schemaEntryComponent = component(
  'SchemaEntry',
  closed({
    ref: Type.String({ pattern: SCHEMA_REF_PATTERN, description: 'id@version' }),
    labId: Type.Union([Uuid('The lab that may issue it'), Type.Null()], {
      description: 'The only lab that may issue it, or null when every lab may',
    }),
    builtin: Type.Boolean({ description: 'One of the schemas built into privid' }),
    createdAt: timestamp('When it was registered'),
    definition: SchemaDefinitionSchema,
  }),
);
export const SchemaEntrySchema = schemaEntryComponent.ref;

/** The shared schemas of the issuer API, for app.addSchema (in dependency order). */
export const ISSUER_COMPONENTS = [definitionComponent.schema, issuerKeyComponent.schema, schemaEntryComponent.schema];

export const exampleSchemaEntry = {
  ref: 'privid:covid-test-result@1',
  labId: null,
  builtin: true,
  createdAt: EXAMPLE.createdAt,
  definition: JSON.parse(JSON.stringify(COVID_TEST_RESULT_SCHEMA)) as unknown,
};

export const SchemaListSchema = closed({ schemas: Type.Array(SchemaEntrySchema) });

export const IssuerMetadataSchema = closed({
  id: Type.String({ description: 'The issuer id: the URL of this document' }),
  labId: Uuid('The lab'),
  name: Type.String(),
  issuerUrl: Type.String({ description: 'Base URL of the issuer API' }),
  keys: Type.Array(IssuerKeyViewSchema, { description: 'Every key, with its status: verifiers reject revoked keys' }),
  schemas: Type.Array(SchemaEntrySchema, { description: 'The schemas this lab may issue' }),
});

export const exampleMetadata = {
  id: EXAMPLE.issuerId,
  labId: EXAMPLE.labId,
  name: EXAMPLE.labName,
  issuerUrl: EXAMPLE.issuerUrl,
  keys: [exampleKey(EXAMPLE.kid2), exampleKey(EXAMPLE.kid, 'retired')],
  schemas: [exampleSchemaEntry],
};

export const IssuerListSchema = closed({
  issuers: Type.Array(
    closed({
      id: Type.String({ description: 'Issuer id (metadata URL)' }),
      labId: Uuid('The lab'),
      name: Type.String(),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Offers
// ---------------------------------------------------------------------------------------------

export const CreateOfferBodySchema = closed(
  {
    schemaRef: Type.String({
      pattern: SCHEMA_REF_PATTERN,
      maxLength: 70,
      description: 'The credential schema, id@version',
    }),
    attributes: Type.Record(Type.String({ pattern: ATTRIBUTE_NAME_PATTERN }), AttributeValueSchema, {
      additionalProperties: false,
      maxProperties: MAX_ATTRIBUTES,
      description:
        'Every attribute of the schema. Dates as day numbers or YYYY-MM-DD. Stored only encrypted under a key that only the offer code derives (the server keeps the code hashed), and only until the offer is redeemed, cancelled or expires: then nothing on disk can reveal them (docs/architecture.md).',
    }),
    validFrom: Type.Optional(
      Type.String({ pattern: ISO_DATE_PATTERN, description: 'First valid day (UTC), YYYY-MM-DD; default today' }),
    ),
    validDays: Type.Integer({
      minimum: 1,
      maximum: 3660,
      description: 'Number of days the credential is valid, validFrom included: 2 means validFrom and the day after',
    }),
    keyId: Type.Optional(KeyId),
  },
  {
    examples: [
      {
        schemaRef: 'privid:covid-test-result@1',
        attributes: { testResult: 'negative', testType: 'antigen', sampleDay: '2026-11-25' },
        validDays: 2,
      },
    ],
  },
);

const offerStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('redeemed'), Type.Literal('expired'), Type.Literal('cancelled')],
  { description: 'pending: redeemable; redeemed: done; expired: past its expiry; cancelled: by the lab' },
);

const offerViewProperties = {
  id: Uuid('Offer id'),
  status: offerStatus,
  schemaRef: Type.String(),
  keyId: KeyId,
  validFrom: Type.String({ pattern: ISO_DATE_PATTERN, description: 'First valid day of the credential' }),
  validUntil: Type.String({ pattern: ISO_DATE_PATTERN, description: 'Last valid day of the credential' }),
  expiresAt: timestamp('Until when the offer can be redeemed'),
  redeemedAt: nullableTimestamp('When it was redeemed'),
};

export const OfferViewSchema = closed(offerViewProperties);

export const exampleOfferView = {
  id: EXAMPLE.offerId,
  status: 'pending',
  schemaRef: 'privid:covid-test-result@1',
  keyId: EXAMPLE.kid,
  validFrom: '2026-11-25',
  validUntil: '2026-11-26',
  expiresAt: EXAMPLE.expiresAt,
  redeemedAt: null,
};

export const CreatedOfferSchema = closed({
  ...offerViewProperties,
  code: Type.String({ description: 'The one-time redemption code. Shown only here: hand it to the holder.' }),
  offer: CredentialOfferSchema,
  qr: Type.String({ description: 'The offer as QR text (PRIVID1:O:...), for a QR code in alphanumeric mode' }),
});

export const exampleCredentialOffer = {
  type: 'privid/credential-offer',
  v: 1,
  issuerId: EXAMPLE.issuerId,
  issuerUrl: EXAMPLE.issuerUrl,
  offerId: EXAMPLE.offerId,
  code: EXAMPLE.code,
  schemaRef: 'privid:covid-test-result@1',
  keyId: EXAMPLE.kid,
  suite: 'BLS12-381-SHA-256',
  expiresAt: 1795685400,
};

export const OfferListSchema = closed({
  offers: Type.Array(OfferViewSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as ?cursor= for the next page' }),
});

export const OfferListQuerySchema = closed({
  status: Type.Optional(offerStatus),
  // Query strings are text and the validator never coerces: a number as its decimal digits.
  limit: Type.Optional(
    Type.String({ pattern: '^(?:[1-9][0-9]?|1[0-9][0-9]|200)$', description: '1..200, default 50' }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
});

export const OfferIdParams = closed({ offerId: Text({ maxLength: 64, examples: [EXAMPLE.offerId] }) });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[!-~]+$',
      description:
        'Makes retries safe: the same key with the same body returns the same offer (and code) instead of a second one; ' +
        'with another body, 409 IDEMPOTENCY_MISMATCH; once the offer is redeemed, cancelled or expired, 409 CONFLICT. ' +
        'Use a random value (a UUID): it is stored only as a keyed hash, but should carry no personal data.',
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Redemption
// ---------------------------------------------------------------------------------------------

export const RedeemBodySchema = {
  ...IssuanceRequestSchema,
  examples: [
    {
      type: 'privid/issuance-request',
      v: 1,
      offerId: EXAMPLE.offerId,
      code: EXAMPLE.code,
      commitmentWithProof: exampleBytes(176, 'commitment'),
    },
  ],
};

export const IssuedCredentialSchema = closed(
  {
    type: Type.Literal('privid/credential'),
    v: Type.Literal(1),
    suite,
    issuerId: Type.String(),
    keyId: KeyId,
    schemaRef: Type.String(),
    validFrom: Type.Integer({ description: 'First valid day (days since 1970-01-01 UTC)' }),
    validUntil: Type.Integer({ description: 'Last valid day (days since 1970-01-01 UTC)' }),
    attributes: Type.Record(Type.String(), AttributeValueSchema),
    signature: Type.String({
      description: `The blind BBS signature, base64url (${LIMITS.signatureMinBytes}..${LIMITS.signatureMaxBytes} bytes)`,
    }),
  },
  {
    description:
      'The credential, without the wallet-side secretId: the wallet verifies the signature with its holder secret, adds secretId and stores it.',
  },
);

export const exampleIssuedCredential = {
  type: 'privid/credential',
  v: 1,
  suite: 'BLS12-381-SHA-256',
  issuerId: EXAMPLE.issuerId,
  keyId: EXAMPLE.kid,
  schemaRef: 'privid:covid-test-result@1',
  validFrom: 20417,
  validUntil: 20418,
  attributes: { testResult: 'negative', testType: 'antigen', sampleDay: 20417 },
  signature: exampleBytes(80, 'signature'),
};
