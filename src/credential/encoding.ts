/**
 * Canonical encoding of a credential's contents to BBS message scalars.
 *
 * Every credential of a schema has the same messages in the same order, whatever its values,
 * so a proof reveals nothing through the message count or layout:
 *
 *   index 0            schema         "id@version"           hashed (type "schema-ref")
 *   index 1            issuerKeyId    the signing key's id    hashed (type "key-id")
 *   index 2            validFrom      day number              scalar = value
 *   index 3            validUntil     day number              scalar = value
 *   index 4 + i        attribute i    in schema order         integer/date: scalar = value,
 *                                                             enum/string/boolean: hashed
 *
 * The holder secret is not part of this model: the crypto layer appends it as a committed
 * message after these (index 4 + attributes.length) and never shows it to anyone.
 *
 * "hashed" means hash_to_scalar(cs, canonicalBytes, apiId || "PRIVID_ATTR_V1_") with
 *
 *   canonicalBytes = "privid.attr.v1" || lp(name) || lp(type) || lp(valueText)
 *   lp(x)          = I2OSP(len(utf8(x)), 4) || utf8(x)
 *
 * so the string "1" and the integer 1, or the string "true" and the boolean true, can never
 * share a scalar, and a value cannot be moved to another attribute. docs/credential-model.md
 * is the normative description.
 */
import { concatBytes, hashToScalar, type Ciphersuite } from '../bbs/index.js';
import {
  codePointLength,
  hasOwn,
  isPlainObject,
  isWellFormedUnicode,
  lengthPrefixed,
  pointerToken,
  utf8,
} from './bytes.js';
import { isDayNumber, MAX_DAY, MIN_DAY } from './dates.js';
import { CredentialEncodingError, type Issue } from './errors.js';
import {
  FIXED_MESSAGE_NAMES,
  formatSchemaRef,
  type AttributeDefinition,
  type AttributeValue,
  type AttributeValues,
  type CredentialSchema,
} from './schema.js';

/** What the caller's BBS interface supplies: the ciphersuite and its api_id. */
export interface EncodingContext {
  readonly cs: Ciphersuite;
  readonly apiId: Uint8Array;
}

/** Appended to api_id to form the hash_to_scalar DST of hashed attribute values. */
export const ATTRIBUTE_DST_SUFFIX = 'PRIVID_ATTR_V1_';
/** The first field of every canonical attribute byte string. */
export const ATTRIBUTE_ENCODING_TAG = 'privid.attr.v1';

/** Index of the first schema attribute; 0..3 are the fixed messages. */
export const FIRST_ATTRIBUTE_INDEX = FIXED_MESSAGE_NAMES.length;
/** Issuer key ids: short, printable, no spaces. */
export const KEY_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$';
export const MAX_KEY_ID_LENGTH = 64;
const KEY_ID_RE = new RegExp(KEY_ID_PATTERN);

export function isKeyId(value: unknown): value is string {
  return typeof value === 'string' && KEY_ID_RE.test(value);
}

/** The type label of each message in the canonical bytes ("schema-ref", "key-id" or the attribute type). */
export type MessageType = AttributeDefinition['type'] | 'schema-ref' | 'key-id';

export interface MessageDescriptor {
  readonly index: number;
  readonly name: string;
  readonly type: MessageType;
}

/** The layout of a schema's credential messages (without the holder secret), index order. */
export function messageLayout(schema: CredentialSchema): MessageDescriptor[] {
  return [
    { index: 0, name: 'schema', type: 'schema-ref' },
    { index: 1, name: 'issuerKeyId', type: 'key-id' },
    { index: 2, name: 'validFrom', type: 'date' },
    { index: 3, name: 'validUntil', type: 'date' },
    ...schema.attributes.map((a, i) => ({ index: FIRST_ATTRIBUTE_INDEX + i, name: a.name, type: a.type })),
  ];
}

/** Number of messages this model signs per credential (the crypto layer adds the holder secret). */
export function messageCount(schema: CredentialSchema): number {
  return FIRST_ATTRIBUTE_INDEX + schema.attributes.length;
}

/** BBS message index of `schema`, `issuerKeyId`, `validFrom`, `validUntil` or an attribute name. */
export function messageIndexOf(schema: CredentialSchema, name: string): number {
  const fixed = (FIXED_MESSAGE_NAMES as readonly string[]).indexOf(name);
  if (fixed >= 0) return fixed;
  const i = schema.attributes.findIndex((a) => a.name === name);
  if (i < 0) {
    throw new CredentialEncodingError('UNKNOWN_MESSAGE_NAME', [
      {
        path: `/${pointerToken(name)}`,
        reason: 'UNKNOWN_ATTRIBUTE',
        message: `${formatSchemaRef(schema)} has no message named ${JSON.stringify(name)}`,
      },
    ]);
  }
  return FIRST_ATTRIBUTE_INDEX + i;
}

/**
 * The ascending, duplicate-free BBS disclosed indexes for disclosing `names`: always 0 (schema)
 * and 1 (issuer key id), which a verifier must know to check anything, plus each named message.
 */
export function disclosureIndexes(schema: CredentialSchema, names: Iterable<string>): number[] {
  const indexes = new Set<number>([0, 1]);
  for (const name of names) indexes.add(messageIndexOf(schema, name));
  return [...indexes].sort((a, b) => a - b);
}

export function attributeDst(apiId: Uint8Array): Uint8Array {
  return concatBytes(apiId, utf8(ATTRIBUTE_DST_SUFFIX));
}

/** "privid.attr.v1" || lp(name) || lp(type) || lp(valueText). */
export function canonicalAttributeBytes(name: string, type: MessageType, valueText: string): Uint8Array {
  return concatBytes(
    utf8(ATTRIBUTE_ENCODING_TAG),
    lengthPrefixed(utf8(name)),
    lengthPrefixed(utf8(type)),
    lengthPrefixed(utf8(valueText)),
  );
}

/** The scalar of one message whose value has already been validated. */
function scalarOf(name: string, type: MessageType, value: AttributeValue, ctx: EncodingContext): bigint {
  switch (type) {
    case 'integer':
    case 'date':
      return BigInt(value as number);
    case 'boolean':
      return hashed(name, type, value ? 'true' : 'false', ctx);
    default:
      return hashed(name, type, value as string, ctx);
  }
}

/**
 * The scalar a literal would have as the value of message `name` (for predicates: set members,
 * excluded values). Throws a `CredentialEncodingError` when the literal is not a valid value.
 */
export function literalScalar(schema: CredentialSchema, name: string, value: unknown, ctx: EncodingContext): bigint {
  // Reuses the verifier's validation and encoding: messages 0 and 1 come first, `name` (index >= 2) last.
  const { scalars } = disclosedScalars(
    schema,
    { schemaRef: formatSchemaRef(schema), issuerKeyId: 'x', disclosed: { [name]: value as AttributeValue } },
    ctx,
  );
  return scalars[2]!;
}

function hashed(name: string, type: MessageType, text: string, ctx: EncodingContext): bigint {
  return hashToScalar(ctx.cs, canonicalAttributeBytes(name, type, text), attributeDst(ctx.apiId));
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

export type AttributeValidationResult =
  { readonly ok: true; readonly values: AttributeValues } | { readonly ok: false; readonly issues: readonly Issue[] };

/**
 * Checks a complete set of attribute values against a schema: every attribute present (the
 * layout is fixed, nothing is optional), no unknown names, types, enum membership, integer
 * bounds, string length and well-formedness, day-number range. Paths are `/<attributeName>`.
 */
export function validateAttributes(schema: CredentialSchema, values: unknown): AttributeValidationResult {
  const issues: Issue[] = [];
  if (!isPlainObject(values)) {
    return {
      ok: false,
      issues: [{ path: '', reason: 'NOT_AN_OBJECT', message: 'attribute values must be an object' }],
    };
  }
  for (const key of Object.keys(values)) {
    if (!schema.attributes.some((a) => a.name === key)) {
      issues.push({
        path: `/${pointerToken(key)}`,
        reason: 'UNKNOWN_ATTRIBUTE',
        message: `${formatSchemaRef(schema)} has no attribute ${JSON.stringify(key)}`,
      });
    }
  }
  for (const attribute of schema.attributes) {
    const path = `/${pointerToken(attribute.name)}`;
    if (!hasOwn(values, attribute.name) || values[attribute.name] === undefined) {
      issues.push({ path, reason: 'MISSING_ATTRIBUTE', message: `attribute ${attribute.name} is required` });
      continue;
    }
    const issue = checkAttributeValue(attribute, values[attribute.name], path);
    if (issue) issues.push(issue);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, values: values as AttributeValues };
}

/** One value against its attribute definition; `undefined` when it is valid. */
export function checkAttributeValue(attribute: AttributeDefinition, value: unknown, path: string): Issue | undefined {
  const wrong = (expected: string): Issue => ({
    path,
    reason: 'WRONG_TYPE',
    message: `${attribute.name} must be ${expected}, got ${describe(value)}`,
  });
  switch (attribute.type) {
    case 'enum':
      if (typeof value !== 'string') return wrong('a string');
      if (!attribute.values.includes(value)) {
        return {
          path,
          reason: 'NOT_IN_ENUM',
          message: `${attribute.name} must be one of: ${attribute.values.join(', ')}, got ${JSON.stringify(value)}`,
        };
      }
      return undefined;
    case 'string': {
      if (typeof value !== 'string') return wrong('a string');
      const problem = stringProblem(value);
      if (problem) return { path, reason: 'INVALID_STRING', message: `${attribute.name} ${problem}` };
      if (codePointLength(value) > attribute.maxLength) {
        return {
          path,
          reason: 'TOO_LONG',
          message: `${attribute.name} is longer than ${attribute.maxLength} characters`,
        };
      }
      return undefined;
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return wrong('an integer');
      if (value < attribute.min || value > attribute.max) {
        return {
          path,
          reason: 'OUT_OF_RANGE',
          message: `${attribute.name} must be in ${attribute.min}..${attribute.max}, got ${value}`,
        };
      }
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrong('a boolean');
    case 'date':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return wrong('a day number (integer)');
      if (!isDayNumber(value)) {
        return {
          path,
          reason: 'OUT_OF_RANGE',
          message: `${attribute.name} must be a day number in ${MIN_DAY}..${MAX_DAY} (1970-01-01..9999-12-31)`,
        };
      }
      return undefined;
  }
}

/**
 * A string attribute value must map to exactly one byte string and look the same everywhere:
 * no lone surrogates (TextEncoder would silently replace them), Unicode NFC, no control
 * characters.
 */
function stringProblem(value: string): string | undefined {
  if (!isWellFormedUnicode(value)) return 'contains a lone UTF-16 surrogate';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return 'contains a control character';
  if (typeof value.normalize === 'function' && value.normalize('NFC') !== value) return 'is not in Unicode NFC';
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

// ---------------------------------------------------------------------------------------------
// Issuer / holder: all messages
// ---------------------------------------------------------------------------------------------

export interface CredentialContents {
  /** Must equal `formatSchemaRef(schema)`. */
  readonly schemaRef: string;
  readonly issuerKeyId: string;
  /** Day numbers, inclusive; validFrom <= validUntil. */
  readonly validFrom: number;
  readonly validUntil: number;
  readonly attributes: AttributeValues;
}

/** Checks the non-attribute fields of a credential against the schema; paths are `/<field>`. */
export function validateCredentialFields(
  schema: CredentialSchema,
  contents: Omit<CredentialContents, 'attributes'>,
): Issue[] {
  const issues: Issue[] = [];
  const ref = formatSchemaRef(schema);
  if (contents.schemaRef !== ref) {
    issues.push({
      path: '/schemaRef',
      reason: 'SCHEMA_MISMATCH',
      message: `schemaRef ${JSON.stringify(contents.schemaRef)} does not name the schema ${ref}`,
    });
  }
  if (!isKeyId(contents.issuerKeyId)) {
    issues.push({
      path: '/issuerKeyId',
      reason: 'INVALID_KEY_ID',
      message: 'issuerKeyId must be 1..64 of A-Z a-z 0-9 . _ : - (starting alphanumeric)',
    });
  }
  for (const key of ['validFrom', 'validUntil'] as const) {
    if (!isDayNumber(contents[key])) {
      issues.push({
        path: `/${key}`,
        reason: 'OUT_OF_RANGE',
        message: `${key} must be a day number in ${MIN_DAY}..${MAX_DAY}`,
      });
    }
  }
  if (isDayNumber(contents.validFrom) && isDayNumber(contents.validUntil) && contents.validFrom > contents.validUntil) {
    issues.push({ path: '/validUntil', reason: 'INVALID_VALIDITY', message: 'validUntil is before validFrom' });
  }
  return issues;
}

/**
 * The scalars of every message of a credential, in layout order (messageCount(schema) of
 * them). Throws a `CredentialEncodingError` listing every problem if anything is invalid.
 */
export function credentialMessageScalars(
  schema: CredentialSchema,
  contents: CredentialContents,
  ctx: EncodingContext,
): bigint[] {
  const issues = validateCredentialFields(schema, contents);
  if (issues.length > 0) throw new CredentialEncodingError('INVALID_CREDENTIAL_FIELDS', issues);
  const checked = validateAttributes(schema, contents.attributes);
  if (!checked.ok) {
    throw new CredentialEncodingError(
      'INVALID_ATTRIBUTES',
      checked.issues.map((issue) => ({ ...issue, path: `/attributes${issue.path}` })),
    );
  }
  return [
    hashed('schema', 'schema-ref', contents.schemaRef, ctx),
    hashed('issuerKeyId', 'key-id', contents.issuerKeyId, ctx),
    BigInt(contents.validFrom),
    BigInt(contents.validUntil),
    ...schema.attributes.map((a) => scalarOf(a.name, a.type, checked.values[a.name]!, ctx)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Verifier: the disclosed messages only
// ---------------------------------------------------------------------------------------------

export interface DisclosedContents {
  readonly schemaRef: string;
  readonly issuerKeyId: string;
  /**
   * Disclosed values by message name: attribute names and `validFrom`/`validUntil`.
   * `schema` and `issuerKeyId` come from the fields above and are always disclosed.
   */
  readonly disclosed: Readonly<Record<string, AttributeValue>>;
}

export interface DisclosedScalars {
  /** Ascending BBS message indexes; always starts with 0 and 1. */
  readonly indexes: number[];
  /** `scalars[i]` is the scalar of message `indexes[i]`. */
  readonly scalars: bigint[];
}

/**
 * The disclosed indexes and scalars a verifier passes to proof verification, computed from the
 * values a presentation disclosed. Throws a `CredentialEncodingError` for unknown names or
 * invalid values.
 */
export function disclosedScalars(
  schema: CredentialSchema,
  contents: DisclosedContents,
  ctx: EncodingContext,
): DisclosedScalars {
  const issues: Issue[] = [];
  const ref = formatSchemaRef(schema);
  if (contents.schemaRef !== ref) {
    issues.push({ path: '/schemaRef', reason: 'SCHEMA_MISMATCH', message: `schemaRef does not name ${ref}` });
  }
  if (!isKeyId(contents.issuerKeyId)) {
    issues.push({ path: '/issuerKeyId', reason: 'INVALID_KEY_ID', message: 'issuerKeyId is not a valid key id' });
  }
  const entries: { index: number; scalar: () => bigint }[] = [];
  if (!isPlainObject(contents.disclosed)) {
    issues.push({ path: '/disclosed', reason: 'NOT_AN_OBJECT', message: 'disclosed must be an object' });
  } else {
    for (const [name, value] of Object.entries(contents.disclosed)) {
      const path = `/disclosed/${pointerToken(name)}`;
      if (name === 'schema' || name === 'issuerKeyId') {
        issues.push({
          path,
          reason: 'UNKNOWN_ATTRIBUTE',
          message: `${name} is given by its own field, not in disclosed`,
        });
        continue;
      }
      if (name === 'validFrom' || name === 'validUntil') {
        if (!isDayNumber(value)) {
          issues.push({ path, reason: 'OUT_OF_RANGE', message: `${name} must be a day number` });
        } else {
          entries.push({ index: messageIndexOf(schema, name), scalar: () => BigInt(value) });
        }
        continue;
      }
      const i = schema.attributes.findIndex((a) => a.name === name);
      const attribute = schema.attributes[i];
      if (!attribute) {
        issues.push({ path, reason: 'UNKNOWN_ATTRIBUTE', message: `${ref} has no attribute ${JSON.stringify(name)}` });
        continue;
      }
      const issue = checkAttributeValue(attribute, value, path);
      if (issue) issues.push(issue);
      else entries.push({ index: FIRST_ATTRIBUTE_INDEX + i, scalar: () => scalarOf(name, attribute.type, value, ctx) });
    }
  }
  if (issues.length > 0) throw new CredentialEncodingError('INVALID_ATTRIBUTES', issues);
  entries.push(
    { index: 0, scalar: () => hashed('schema', 'schema-ref', contents.schemaRef, ctx) },
    { index: 1, scalar: () => hashed('issuerKeyId', 'key-id', contents.issuerKeyId, ctx) },
  );
  entries.sort((a, b) => a.index - b.index);
  return { indexes: entries.map((e) => e.index), scalars: entries.map((e) => e.scalar()) };
}
