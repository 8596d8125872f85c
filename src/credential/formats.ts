/**
 * The versioned JSON formats privid's parties exchange, as TypeBox schemas (JSON Schema for
 * the server's OpenAPI, static TypeScript types, eval-free runtime checks that run on Hermes).
 *
 * Every object has `"type": "privid/<name>"` and `"v": 1`, and no other fields than listed
 * (`additionalProperties: false`). Binary fields are canonical unpadded base64url with byte
 * length limits; times are Unix seconds; credential dates are day numbers.
 *
 * `parseX(json)` takes an already-parsed JSON value and returns it typed (a fresh copy), or
 * throws a `CredentialFormatError` with a stable code and the JSON Pointer of the problem.
 */
import Type, { type Static, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { concatBytes, type SuiteId } from '../bbs/index.js';
import {
  base64urlLength,
  BASE64URL_PATTERN,
  fromBase64urlOrUndefined,
  isPlainObject,
  isWellFormedUnicode,
  lengthPrefixed,
  uint32,
  utf8,
} from './bytes.js';
import { CONSTRAINT_OPS, isDateExpression, type Constraint } from './constraints.js';
import { MAX_DAY } from './dates.js';
import { KEY_ID_PATTERN, MAX_KEY_ID_LENGTH } from './encoding.js';
import { CredentialFormatError, type CredentialFormatErrorCode } from './errors.js';
import {
  ATTRIBUTE_NAME_PATTERN,
  FIXED_MESSAGE_NAMES,
  MAX_ATTRIBUTES,
  MAX_SCHEMA_REF_LENGTH,
  MAX_STRING_LENGTH,
  SCHEMA_REF_PATTERN,
} from './schema.js';

export const FORMAT_VERSION = 1;

export const FORMAT_TYPES = {
  credentialOffer: 'privid/credential-offer',
  issuanceRequest: 'privid/issuance-request',
  credential: 'privid/credential',
  presentationRequest: 'privid/presentation-request',
  presentation: 'privid/presentation',
} as const;

/** Signature suites a credential may name (the `BbsSuite` ids of privid/bbs). */
export const SUITE_IDS = ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256', 'BBS+2020'] as const;
// Compile-time check that SUITE_IDS lists exactly the SuiteId union of privid/bbs.
type _SuitesMatch = [(typeof SUITE_IDS)[number]] extends [SuiteId]
  ? [SuiteId] extends [(typeof SUITE_IDS)[number]]
    ? true
    : never
  : never;
const _suitesMatch: _SuitesMatch = true;
void _suitesMatch;

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

export const LIMITS = Object.freeze({
  /** Presentation nonce: exactly 32 random bytes. */
  nonceBytes: 32,
  /** One-time redemption code of an offer: 16..32 random bytes. */
  codeMinBytes: 16,
  codeMaxBytes: 32,
  /** Holder commitment to its secret with proof of knowledge (blind BBS). */
  commitmentMinBytes: 48,
  commitmentMaxBytes: 2048,
  /** BBS signature: 80 bytes for the IETF suites, 112 for BBS+2020. */
  signatureMinBytes: 80,
  signatureMaxBytes: 256,
  /** BBS proof: 3*48 + (4+U)*32 for U undisclosed messages; 37 messages at most. */
  proofMinBytes: 3 * 48 + 4 * 32,
  proofMaxBytes: 4096,
  predicateProofMaxBytes: 16384,
  /** A scope-bound pseudonym: one compressed G1 point. */
  pseudonymBytes: 48,
  idMaxLength: 128,
  displayNameMaxLength: 64,
  urlMaxLength: 256,
  groups: 8,
  clauses: 8,
  issuers: 16,
  keyIds: 16,
  constraints: 16,
  inValues: 32,
  /** Unix seconds of 9999-12-31T23:59:59Z. */
  maxTime: 253_402_300_799,
  /** Nesting depth of any accepted JSON value. */
  maxDepth: 12,
});

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

/** Opaque identifiers: offer, request and secret ids. */
export const OPAQUE_ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$';
/** Issuer and verifier ids: printable ASCII without spaces (a DID, a URL or a short name). */
export const PARTY_ID_PATTERN = '^[!-~]+$';
/** https URL without query or fragment, or plain http to localhost for development. */
export const ISSUER_URL_PATTERN =
  "^(?:https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?|http://(?:localhost|127\\.0\\.0\\.1|\\[::1\\])(?::[0-9]{1,5})?)(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?$";
/** Display names: no control characters. */
export const DISPLAY_NAME_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]+$';
/** Pseudonym scopes and periods. */
export const SCOPE_PATTERN = '^[A-Za-z0-9._:/-]{1,64}$';
export const PERIOD_PATTERN = '^[A-Za-z0-9._:-]{1,32}$';

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
  Type.String({ maxLength: MAX_STRING_LENGTH }),
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
  Type.String({ maxLength: MAX_STRING_LENGTH }),
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  Type.Boolean(),
]);

export const ConstraintSchema = Type.Object(
  {
    attribute: attributeName,
    op: Type.Enum([...CONSTRAINT_OPS]),
    value: Type.Union([
      Type.String({ maxLength: MAX_STRING_LENGTH }),
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
    value: Type.Union([scalarLiteral, Type.Array(scalarLiteral, { minItems: 1, maxItems: LIMITS.inValues })]),
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
    period: Type.Optional(Type.String({ pattern: PERIOD_PATTERN, description: 'Optional period, e.g. 2025-06-01' })),
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
  },
  { ...closed, description: 'privid presentation' },
);
export type Presentation = Static<typeof PresentationSchema>;

/** The format schemas by `type`, e.g. for an OpenAPI document. */
export const FORMAT_SCHEMAS = {
  [FORMAT_TYPES.credentialOffer]: CredentialOfferSchema,
  [FORMAT_TYPES.issuanceRequest]: IssuanceRequestSchema,
  [FORMAT_TYPES.credential]: CredentialFormatSchema,
  [FORMAT_TYPES.presentationRequest]: PresentationRequestSchema,
  [FORMAT_TYPES.presentation]: PresentationSchema,
} as const;

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

export function parseCredentialOffer(json: unknown): CredentialOffer {
  return parseFormat(CredentialOfferSchema, FORMAT_TYPES.credentialOffer, json);
}

export function parseIssuanceRequest(json: unknown): IssuanceRequest {
  return parseFormat(IssuanceRequestSchema, FORMAT_TYPES.issuanceRequest, json);
}

export function parseCredential(json: unknown): Credential {
  const credential = parseFormat(CredentialFormatSchema, FORMAT_TYPES.credential, json);
  if (credential.validFrom > credential.validUntil) {
    fail('INVALID_VALUE', '/validUntil', 'validUntil is before validFrom');
  }
  for (const name of ['schema', 'issuerKeyId', 'validFrom', 'validUntil']) {
    if (Object.prototype.hasOwnProperty.call(credential.attributes, name)) {
      fail('INVALID_VALUE', `/attributes/${name}`, `${name} is a credential field, not an attribute`);
    }
  }
  return credential;
}

export function parsePresentationRequest(json: unknown): PresentationRequest {
  const request = parseFormat(PresentationRequestSchema, FORMAT_TYPES.presentationRequest, json);
  request.groups.forEach((group, g) =>
    group.anyOf.forEach((clause, c) => checkClause(clause, `/groups/${g}/anyOf/${c}`)),
  );
  return request;
}

export function parsePresentation(json: unknown): Presentation {
  const presentation = parseFormat(PresentationSchema, FORMAT_TYPES.presentation, json);
  presentation.items.forEach((item, i) => {
    for (const name of ['schema', 'issuerKeyId']) {
      if (Object.prototype.hasOwnProperty.call(item.disclosed, name)) {
        fail('INVALID_VALUE', `/items/${i}/disclosed/${name}`, `${name} is given by its own field`);
      }
    }
  });
  return presentation;
}

/** Semantic rules of a clause that JSON Schema does not express. */
function checkClause(clause: Clause, path: string): void {
  const seenIssuers = new Set<string>();
  clause.issuers.forEach((issuer, i) => {
    if (seenIssuers.has(issuer.issuerId)) fail('DUPLICATE', `${path}/issuers/${i}/issuerId`, 'issuer listed twice');
    seenIssuers.add(issuer.issuerId);
  });
  const fixed = FIXED_MESSAGE_NAMES.slice(0, 2) as readonly string[];
  clause.disclose.forEach((name, i) => {
    if (fixed.includes(name)) {
      fail('INVALID_VALUE', `${path}/disclose/${i}`, `${name} is always known to the verifier and cannot be requested`);
    }
  });
  clause.constraints.forEach((constraint: Constraint, i) => {
    const at = `${path}/constraints/${i}`;
    if (fixed.includes(constraint.attribute)) {
      fail('INVALID_VALUE', `${at}/attribute`, `${constraint.attribute} cannot be constrained`);
    }
    const isList = Array.isArray(constraint.value);
    if (constraint.op === 'in' && !isList) fail('WRONG_TYPE', `${at}/value`, '"in" takes a list of values');
    if (constraint.op !== 'in' && isList) fail('WRONG_TYPE', `${at}/value`, `"${constraint.op}" takes a single value`);
    if (constraint.op === 'gte' || constraint.op === 'lte') {
      const value = constraint.value;
      if (typeof value === 'boolean' || (typeof value === 'string' && !isDateExpression(value))) {
        fail(
          'INVALID_VALUE',
          `${at}/value`,
          `"${constraint.op}" takes an integer, a day number or a date ("today", "today-N", "today+N", YYYY-MM-DD)`,
        );
      }
    }
  });
}

function fail(code: CredentialFormatErrorCode, path: string, message: string): never {
  throw new CredentialFormatError(code, path, message);
}

function parseFormat<S extends TSchema>(schema: S, type: string, json: unknown): Static<S> {
  checkJsonValue(json, '', 0);
  if (!isPlainObject(json)) fail('NOT_AN_OBJECT', '', `expected a ${type} JSON object`);
  if (json.type !== type) {
    fail('WRONG_FORMAT_TYPE', '/type', `expected type "${type}", got ${JSON.stringify(json.type) ?? 'nothing'}`);
  }
  if (json.v !== FORMAT_VERSION) {
    fail('UNSUPPORTED_VERSION', '/v', `expected v ${FORMAT_VERSION}, got ${JSON.stringify(json.v) ?? 'nothing'}`);
  }
  const errors = Value.Errors(schema, json);
  if (errors.length > 0) throw toFormatError(schema, json, errors);
  // Strings must map to exactly one UTF-8 byte string wherever they are hashed or displayed.
  checkUnicode(json, '');
  return copyJson(json) as Static<S>;
}

/** Only JSON data: plain objects, arrays, strings, finite numbers, booleans; bounded depth. */
function checkJsonValue(value: unknown, path: string, depth: number): void {
  if (depth > LIMITS.maxDepth) fail('TOO_LARGE', path, 'nested too deeply');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail('WRONG_TYPE', path, 'not a finite number');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonValue(item, `${path}/${i}`, depth + 1));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJsonValue(item, `${path}/${escape(key)}`, depth + 1);
    return;
  }
  fail('WRONG_TYPE', path, `not a JSON value (${typeof value})`);
}

function checkUnicode(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (!isWellFormedUnicode(value)) fail('INVALID_VALUE', path, 'contains a lone UTF-16 surrogate');
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkUnicode(item, `${path}/${i}`));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkUnicode(item, `${path}/${escape(key)}`);
  }
}

function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = copyJson(item);
    return out;
  }
  return value;
}

function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

// ---------------------------------------------------------------------------------------------
// TypeBox errors → one CredentialFormatError
// ---------------------------------------------------------------------------------------------

interface RawError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

const KEYWORD_PRIORITY = [
  'boolean',
  'additionalProperties',
  'required',
  'type',
  'anyOf',
  'pattern',
  'maxLength',
  'maxItems',
  'maxProperties',
  'maximum',
  'minLength',
  'minItems',
  'minProperties',
  'minimum',
  'const',
  'enum',
  'uniqueItems',
];

function toFormatError(schema: TSchema, json: unknown, errors: readonly object[]): CredentialFormatError {
  const raw = errors as unknown as RawError[];
  const chosen = pick(
    raw.filter((e) => !insideUnion(e.schemaPath)),
    raw,
  );
  return describeError(schema, json, chosen, raw);
}

/** The first failing location's most telling error; an `anyOf` is resolved to its best branch. */
function pick(candidates: RawError[], all: RawError[]): RawError {
  const first = candidates[0] ?? all[0]!;
  const here = candidates.filter((e) => e.instancePath === first.instancePath);
  const rank = (e: RawError) => {
    const r = KEYWORD_PRIORITY.indexOf(e.keyword);
    return r < 0 ? KEYWORD_PRIORITY.length : r;
  };
  const best = here.sort((a, b) => rank(a) - rank(b))[0] ?? first;
  if (best.keyword !== 'anyOf') return best;
  // The branch whose type matched: it has no `type` error at the union's own location.
  const prefix = `${best.schemaPath}/anyOf/`;
  const branches = new Map<string, RawError[]>();
  for (const e of all) {
    if (!e.schemaPath.startsWith(prefix)) continue;
    const k = e.schemaPath.slice(prefix.length).split('/')[0]!;
    branches.set(k, [...(branches.get(k) ?? []), e]);
  }
  for (const [k, branchErrors] of branches) {
    const typeMiss = branchErrors.some(
      (e) => e.keyword === 'type' && e.instancePath === best.instancePath && e.schemaPath === `${prefix}${k}`,
    );
    if (!typeMiss) {
      const inner = `${prefix}${k}`;
      const direct = branchErrors.filter((e) => !insideUnion(e.schemaPath.slice(inner.length)));
      return pick(direct, branchErrors);
    }
  }
  return best;
}

/**
 * Whether a schema path goes through a union branch (`.../anyOf/<n>/...`). A property that
 * happens to be named "anyOf" (a request group's) is `.../properties/anyOf/...`, not a branch.
 */
function insideUnion(schemaPath: string): boolean {
  const tokens = schemaPath.split('/');
  return tokens.some(
    (token, i) => token === 'anyOf' && /^[0-9]+$/.test(tokens[i + 1] ?? '') && tokens[i - 1] !== 'properties',
  );
}

function describeError(schema: TSchema, json: unknown, e: RawError, all: RawError[]): CredentialFormatError {
  const path = e.instancePath;
  switch (e.keyword) {
    case 'boolean':
      return new CredentialFormatError('UNKNOWN_FIELD', path, 'unknown field');
    case 'additionalProperties': {
      const extra = (e.params.additionalProperties as string[] | undefined)?.[0] ?? '';
      return new CredentialFormatError('UNKNOWN_FIELD', `${path}/${escape(extra)}`, 'unknown field');
    }
    case 'required': {
      const missing = (e.params.requiredProperties as string[] | undefined)?.find((key) => !hasAt(json, path, key));
      return new CredentialFormatError(
        'MISSING_FIELD',
        `${path}/${escape(missing ?? '')}`,
        'required field is missing',
      );
    }
    case 'type':
      return new CredentialFormatError('WRONG_TYPE', path, `must be ${String(e.params.type)}`);
    case 'anyOf': {
      const kinds = new Set(
        all
          .filter(
            (x) => x.keyword === 'type' && x.instancePath === path && x.schemaPath.startsWith(`${e.schemaPath}/anyOf/`),
          )
          .map((x) => String(x.params.type)),
      );
      return new CredentialFormatError('WRONG_TYPE', path, `must be one of: ${[...kinds].join(', ')}`);
    }
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
    case 'maximum':
      return new CredentialFormatError('TOO_LARGE', path, sizeMessage(schema, e));
    case 'minLength':
    case 'minItems':
    case 'minProperties':
    case 'minimum':
      return new CredentialFormatError('TOO_SMALL', path, sizeMessage(schema, e));
    case 'pattern':
      if (schemaAt(schema, e.schemaPath)?.contentEncoding === 'base64url') {
        return new CredentialFormatError('INVALID_BASE64URL', path, 'not canonical unpadded base64url');
      }
      return new CredentialFormatError('INVALID_VALUE', path, `does not match ${String(e.params.pattern)}`);
    case 'uniqueItems':
      return new CredentialFormatError('DUPLICATE', path, 'items must be unique');
    default:
      return new CredentialFormatError('INVALID_VALUE', path, e.message);
  }
}

function sizeMessage(schema: TSchema, e: RawError): string {
  const field = schemaAt(schema, e.schemaPath);
  if (field?.contentEncoding === 'base64url' && typeof field.description === 'string') {
    return `byte length out of range: ${field.description}`;
  }
  return e.message;
}

/** The subschema a TypeBox `schemaPath` ("#/properties/a/items") points to. */
function schemaAt(schema: TSchema, pointer: string): Record<string, unknown> | undefined {
  let node: unknown = schema;
  for (const token of pointer.replace(/^#\/?/, '').split('/')) {
    if (token === '') continue;
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

function hasAt(json: unknown, path: string, key: string): boolean {
  let node: unknown = json;
  for (const token of path.split('/').slice(1)) {
    const k = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<string, unknown>)[k];
  }
  return typeof node === 'object' && node !== null && Object.prototype.hasOwnProperty.call(node, key);
}

// ---------------------------------------------------------------------------------------------
// Presentation header
// ---------------------------------------------------------------------------------------------

export const PRESENTATION_HEADER_TAG = 'privid.presentation-header.v1';

export interface PresentationHeaderInput {
  /** The request nonce: 32 bytes, or its base64url text from the request. */
  readonly nonce: Uint8Array | string;
  readonly verifierId: string;
  readonly requestId: string;
  /** Index of the request group this proof answers. */
  readonly groupIndex: number;
}

/**
 * The BBS presentation header every proof of a presentation binds to:
 *
 *   utf8("privid.presentation-header.v1") || lp(nonce) || lp(utf8(verifierId))
 *     || lp(utf8(requestId)) || I2OSP(groupIndex, 4)         lp(x) = I2OSP(len(x), 4) || x
 *
 * A proof replayed to another verifier, another request, or as the answer to another group
 * does not verify. Deterministic: holder and verifier compute the same bytes.
 */
export function presentationHeader(input: PresentationHeaderInput): Uint8Array {
  const nonce = typeof input.nonce === 'string' ? fromBase64urlOrUndefined(input.nonce) : input.nonce;
  if (!(nonce instanceof Uint8Array) || nonce.length !== LIMITS.nonceBytes) {
    throw new CredentialFormatError('INVALID_VALUE', '/nonce', `nonce must be ${LIMITS.nonceBytes} bytes`);
  }
  if (typeof input.verifierId !== 'string' || !new RegExp(PARTY_ID_PATTERN).test(input.verifierId)) {
    throw new CredentialFormatError('INVALID_VALUE', '/verifierId', 'not a verifier id');
  }
  if (typeof input.requestId !== 'string' || !new RegExp(OPAQUE_ID_PATTERN).test(input.requestId)) {
    throw new CredentialFormatError('INVALID_VALUE', '/requestId', 'not a request id');
  }
  if (!Number.isInteger(input.groupIndex) || input.groupIndex < 0 || input.groupIndex >= LIMITS.groups) {
    throw new CredentialFormatError('INVALID_VALUE', '/groupIndex', `groupIndex must be in 0..${LIMITS.groups - 1}`);
  }
  return concatBytes(
    utf8(PRESENTATION_HEADER_TAG),
    lengthPrefixed(nonce),
    lengthPrefixed(utf8(input.verifierId)),
    lengthPrefixed(utf8(input.requestId)),
    uint32(input.groupIndex),
  );
}

export const PSEUDONYM_CONTEXT_TAG = 'privid.pseudonym-context.v1';

/**
 * The context a scope pseudonym is computed over, for the crypto layer:
 *
 *   utf8("privid.pseudonym-context.v1") || lp(utf8(verifierId)) || lp(utf8(scope)) || lp(utf8(period ?? ""))
 *
 * The verifier id is bound in so that two verifiers asking for the same scope string still
 * get unlinkable pseudonyms.
 */
export function pseudonymContext(input: {
  verifierId: string;
  scope: string;
  period?: string | undefined;
}): Uint8Array {
  if (typeof input.verifierId !== 'string' || !new RegExp(PARTY_ID_PATTERN).test(input.verifierId)) {
    throw new CredentialFormatError('INVALID_VALUE', '/verifierId', 'not a verifier id');
  }
  if (typeof input.scope !== 'string' || !new RegExp(SCOPE_PATTERN).test(input.scope)) {
    throw new CredentialFormatError('INVALID_VALUE', '/scope', 'not a pseudonym scope');
  }
  if (
    input.period !== undefined &&
    (typeof input.period !== 'string' || !new RegExp(PERIOD_PATTERN).test(input.period))
  ) {
    throw new CredentialFormatError('INVALID_VALUE', '/period', 'not a pseudonym period');
  }
  return concatBytes(
    utf8(PSEUDONYM_CONTEXT_TAG),
    lengthPrefixed(utf8(input.verifierId)),
    lengthPrefixed(utf8(input.scope)),
    lengthPrefixed(utf8(input.period ?? '')),
  );
}
