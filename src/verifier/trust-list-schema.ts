/**
 * The trust list's TypeBox definition: what the server's routes declare and publish
 * (src/server/verifier/trust-list.ts) and what scripts/generate-format-schemas.ts turns into the
 * plain JSON Schema privid/verifier checks with (generated/trust-list-schema.ts). Server- and
 * generator-side only: privid/verifier never imports this module, so kiosks and wallets ship no
 * schema library (test/holder/browser-bundle.test.ts, eslint).
 */
import Type from 'typebox';
import { base64urlField } from '../credential/formats.js';
import { KEY_ID_PATTERN, LIMITS, PARTY_ID_PATTERN, SUITE_IDS } from '../credential/index.js';
import { KEY_STATUSES, TRUST_LIST_TYPE, TRUST_LIST_VERSION } from './trust-list-constants.js';

const unixTime = (description: string) =>
  Type.Integer({ minimum: 0, maximum: LIMITS.maxTime, description: `${description} (Unix time, seconds)` });

export const TrustedKeySchema = Type.Object(
  {
    kid: Type.String({ pattern: KEY_ID_PATTERN, maxLength: 64, description: 'Issuer key id (issuerKeyId)' }),
    suite: Type.Enum([...SUITE_IDS], { description: 'Signature suite' }),
    publicKey: base64urlField(96, 96, 'BLS12-381 G2 public key, compressed'),
    status: Type.Enum([...KEY_STATUSES], {
      description: 'active/retired: verifies; revoked: its credentials are rejected',
    }),
    createdAt: Type.Optional(unixTime('When the key was created')),
    retiredAt: Type.Optional(unixTime('When it stopped signing new credentials')),
    revokedAt: Type.Optional(unixTime('When it was revoked')),
  },
  { additionalProperties: false },
);

export const TrustedIssuerSchema = Type.Object(
  {
    issuerId: Type.String({ pattern: PARTY_ID_PATTERN, minLength: 1, maxLength: LIMITS.idMaxLength }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    keys: Type.Array(TrustedKeySchema, { maxItems: 64 }),
  },
  { additionalProperties: false },
);

export const TrustListSchema = Type.Object(
  {
    type: Type.Literal(TRUST_LIST_TYPE),
    v: Type.Literal(TRUST_LIST_VERSION),
    issuedAt: Type.Optional(unixTime('When this list was issued')),
    issuers: Type.Array(TrustedIssuerSchema, { maxItems: 1024 }),
  },
  { additionalProperties: false, description: 'privid verifier trust list' },
);
