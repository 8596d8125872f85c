/**
 * QR text for offers, presentation requests and presentations:
 *
 *   "PRIVID1:" kind ":" base45(cbor(body))        kind: O offer, R request, P presentation
 *
 * `body` is the JSON format object without `type` and `v` (the prefix says both: kind, and
 * format version 1), as deterministic CBOR (RFC 8949 section 4.2.1) in which
 *   - field names are small integers (QR_FIELD_KEYS), except inside attribute-value records
 *     (`disclosed`), whose keys stay attribute names;
 *   - binary fields (base64url in JSON) are CBOR byte strings.
 * Every character is in the QR alphanumeric set, so the QR code uses alphanumeric mode.
 *
 * Decoding is strict, cheapest checks first: length limit, prefix, Base45 alphabet, Base45
 * value ranges, one deterministic CBOR item (re-encoding must give the same bytes), the shape
 * above, then the full JSON-format validation of formats.ts.
 */
import { decode, encode, rfc8949EncodeOptions } from 'cborg';
import { Base45Error, base45Decode, base45Encode, base45InvalidCharIndex } from './base45.js';
import { fromBase64urlOrUndefined, isPlainObject, pointerToken, toBase64url } from './bytes.js';
import { CredentialFormatError } from './errors.js';
import { FORMAT_TYPES, FORMAT_VERSION } from './format-constants.js';
import {
  parseCredentialOffer,
  parsePresentation,
  parsePresentationRequest,
  type CredentialOffer,
  type Presentation,
  type PresentationRequest,
} from './format-parsers.js';
import { FORMAT_JSON_SCHEMAS } from './generated/format-schemas.js';

export type QrKind = 'offer' | 'request' | 'presentation';

export type QrPayload =
  | { readonly kind: 'offer'; readonly value: CredentialOffer }
  | { readonly kind: 'request'; readonly value: PresentationRequest }
  | { readonly kind: 'presentation'; readonly value: Presentation };

export type QrValue<K extends QrKind> = Extract<QrPayload, { kind: K }>['value'];

export const QR_PREFIXES: Readonly<Record<QrKind, string>> = Object.freeze({
  offer: 'PRIVID1:O:',
  request: 'PRIVID1:R:',
  presentation: 'PRIVID1:P:',
});

/** Alphanumeric capacity of a version 40 QR code at ECC level L: nothing longer can be a QR code. */
export const MAX_QR_TEXT_LENGTH = 4296;

/**
 * Integer CBOR keys of the format fields. Stable: changing one is a new prefix version. Fields
 * that repeat within a payload have 0..23 (one CBOR byte).
 */
export const QR_FIELD_KEYS: Readonly<Record<string, number>> = Object.freeze({
  schemaRef: 0,
  issuerId: 1,
  keyId: 2,
  suite: 3,
  anyOf: 4,
  issuers: 5,
  keyIds: 6,
  disclose: 7,
  constraints: 8,
  attribute: 9,
  op: 10,
  value: 11,
  clauseIndex: 12,
  disclosed: 13,
  proof: 14,
  pseudonym: 15,
  issuerUrl: 16,
  offerId: 17,
  code: 18,
  expiresAt: 19,
  requestId: 20,
  nonce: 21,
  verifierId: 22,
  verifierName: 23,
  groups: 24,
  items: 25,
  scope: 26,
  period: 27,
  proven: 28,
  predicateProof: 29,
  timeZone: 30,
  salt: 31,
});
const FIELD_NAMES = new Map<number, string>(Object.entries(QR_FIELD_KEYS).map(([name, key]) => [key, name]));

interface KindSpec {
  readonly schema: SchemaNode;
  readonly type: string;
  readonly parse: (json: unknown) => unknown;
}

const node = (type: keyof typeof FORMAT_JSON_SCHEMAS): SchemaNode => FORMAT_JSON_SCHEMAS[type] as unknown as SchemaNode;

const KINDS: Readonly<Record<QrKind, KindSpec>> = {
  offer: {
    schema: node(FORMAT_TYPES.credentialOffer),
    type: FORMAT_TYPES.credentialOffer,
    parse: parseCredentialOffer,
  },
  request: {
    schema: node(FORMAT_TYPES.presentationRequest),
    type: FORMAT_TYPES.presentationRequest,
    parse: parsePresentationRequest,
  },
  presentation: { schema: node(FORMAT_TYPES.presentation), type: FORMAT_TYPES.presentation, parse: parsePresentation },
};

const DECODE_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  useMaps: true,
  rejectDuplicateMapKeys: true,
  tags: [],
} as const;

/** Validates `value` as the format of `kind` and encodes it as QR text. */
export function encodeQr<K extends QrKind>(kind: K, value: QrValue<K>): string {
  const spec = KINDS[kind];
  if (!spec) throw new CredentialFormatError('QR_PREFIX', '', `unknown QR kind ${JSON.stringify(kind)}`);
  const parsed = spec.parse(value) as Record<string, unknown>;
  const body = toCbor(spec.schema, parsed, true);
  const text = QR_PREFIXES[kind] + base45Encode(encode(body, rfc8949EncodeOptions));
  if (text.length > MAX_QR_TEXT_LENGTH) {
    throw new CredentialFormatError('QR_TOO_LARGE', '', `${text.length} characters do not fit in a QR code`);
  }
  return text;
}

export interface DecodeQrOptions {
  /** Reject any other kind with `QR_PREFIX` (a venue scanner expects presentations only). */
  readonly expect?: QrKind;
}

/** Strictly decodes QR text into a validated format object. */
export function decodeQr(text: string, options: DecodeQrOptions = {}): QrPayload {
  if (typeof text !== 'string') throw new CredentialFormatError('QR_PREFIX', '', 'QR text must be a string');
  if (text.length > MAX_QR_TEXT_LENGTH) {
    throw new CredentialFormatError('QR_TOO_LARGE', '', `${text.length} characters exceed ${MAX_QR_TEXT_LENGTH}`);
  }
  const kind = (Object.keys(QR_PREFIXES) as QrKind[]).find((k) => text.startsWith(QR_PREFIXES[k]));
  if (!kind) throw new CredentialFormatError('QR_PREFIX', '', 'not privid QR text (expected PRIVID1:O:, R: or P:)');
  if (options.expect !== undefined && options.expect !== kind) {
    throw new CredentialFormatError('QR_PREFIX', '', `expected a ${options.expect} QR code, got a ${kind}`);
  }
  const payload = text.slice(QR_PREFIXES[kind].length);
  const bad = base45InvalidCharIndex(payload);
  if (bad >= 0) {
    throw new CredentialFormatError(
      'QR_ALPHABET',
      '',
      `character ${JSON.stringify(payload[bad])} at ${QR_PREFIXES[kind].length + bad} is not Base45`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = base45Decode(payload);
  } catch (error) {
    if (error instanceof Base45Error) throw new CredentialFormatError('QR_BASE45', '', error.message);
    throw error;
  }
  if (bytes.length === 0) throw new CredentialFormatError('QR_CBOR', '', 'empty payload');
  let decoded: unknown;
  try {
    decoded = decode(bytes, DECODE_OPTIONS);
  } catch (error) {
    throw new CredentialFormatError('QR_CBOR', '', `not valid CBOR: ${(error as Error).message}`);
  }
  let reencoded: Uint8Array;
  try {
    reencoded = encode(decoded, rfc8949EncodeOptions);
  } catch (error) {
    throw new CredentialFormatError('QR_CBOR', '', `unsupported CBOR content: ${(error as Error).message}`);
  }
  if (!sameBytes(reencoded, bytes)) {
    throw new CredentialFormatError('QR_CBOR', '', 'not deterministically encoded CBOR (RFC 8949 section 4.2.1)');
  }
  const spec = KINDS[kind];
  const json = fromCbor(spec.schema, decoded, '', 0) as Record<string, unknown>;
  const value = spec.parse({ type: spec.type, v: FORMAT_VERSION, ...json });
  return { kind, value } as QrPayload;
}

// ---------------------------------------------------------------------------------------------
// JSON format value <-> CBOR data model, driven by the format's JSON Schema
// ---------------------------------------------------------------------------------------------

type SchemaNode = Record<string, unknown>;

function isBinary(schema: SchemaNode): boolean {
  return schema.contentEncoding === 'base64url';
}
function isRecord(schema: SchemaNode): boolean {
  return schema.type === 'object' && isPlainObject(schema.patternProperties);
}
function isFixedObject(schema: SchemaNode): schema is SchemaNode & { properties: Record<string, SchemaNode> } {
  return schema.type === 'object' && isPlainObject(schema.properties);
}

function toCbor(schema: SchemaNode, value: unknown, top = false): unknown {
  if (isBinary(schema)) return fromBase64urlOrUndefined(value as string);
  if (isFixedObject(schema)) {
    const out = new Map<number, unknown>();
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      if (top && (name === 'type' || name === 'v')) continue;
      const key = QR_FIELD_KEYS[name];
      const sub = schema.properties[name];
      if (key === undefined || !sub) throw new Error(`no QR key for field ${name}`);
      out.set(key, toCbor(sub, item));
    }
    return out;
  }
  if (isRecord(schema)) return new Map(Object.entries(value as Record<string, unknown>));
  if (schema.type === 'array' && Array.isArray(value)) {
    return value.map((item) => toCbor(schema.items as SchemaNode, item));
  }
  return value;
}

function structure(path: string, message: string): never {
  throw new CredentialFormatError('QR_STRUCTURE', path, message);
}

function fromCbor(schema: SchemaNode, value: unknown, path: string, depth: number): unknown {
  if (depth > 8) structure(path, 'nested too deeply');
  if (isBinary(schema)) {
    if (!(value instanceof Uint8Array)) structure(path, 'expected a byte string');
    return toBase64url(value);
  }
  if (value instanceof Uint8Array) structure(path, 'unexpected byte string');
  if (isFixedObject(schema)) {
    if (!(value instanceof Map)) structure(path, 'expected a map');
    const fields = new Map<string, unknown>();
    for (const [key, item] of value as Map<unknown, unknown>) {
      const name = typeof key === 'number' ? FIELD_NAMES.get(key) : undefined;
      const sub = name === undefined ? undefined : schema.properties[name];
      if (name === undefined || !sub) structure(path, `unknown field key ${String(key)}`);
      fields.set(name, fromCbor(sub, item, `${path}/${name}`, depth + 1));
    }
    // In the format's own field order, so a decoded object reads like the JSON one.
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(schema.properties)) if (fields.has(name)) out[name] = fields.get(name);
    return out;
  }
  if (isRecord(schema)) {
    if (!(value instanceof Map)) structure(path, 'expected a map');
    const out: Record<string, unknown> = {};
    for (const [key, item] of value as Map<unknown, unknown>) {
      if (typeof key !== 'string') structure(path, 'attribute names must be text');
      if (item instanceof Uint8Array || item instanceof Map || Array.isArray(item)) {
        structure(`${path}/${pointerToken(key)}`, 'attribute values must be text, integers or booleans');
      }
      out[key] = item;
    }
    return out;
  }
  if (schema.type === 'array') {
    if (!Array.isArray(value)) structure(path, 'expected an array');
    return value.map((item, i) => fromCbor(schema.items as SchemaNode, item, `${path}/${i}`, depth + 1));
  }
  // Scalars and unions of scalars / lists of scalars (constraint values).
  return plain(value, path, depth);
}

function plain(value: unknown, path: string, depth: number): unknown {
  if (depth > 8) structure(path, 'nested too deeply');
  if (value instanceof Uint8Array) structure(path, 'unexpected byte string');
  if (value instanceof Map) structure(path, 'unexpected map');
  if (Array.isArray(value)) return value.map((item, i) => plain(item, `${path}/${i}`, depth + 1));
  return value;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Sizing
// ---------------------------------------------------------------------------------------------

/** Data codewords per QR version (1..40) at error correction level M (ISO/IEC 18004 table 7). */
const DATA_CODEWORDS_M = [
  16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669, 714, 782, 860, 914,
  1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334,
];

/** How many alphanumeric-mode characters a QR code of `version` holds at ECC level M. */
export function qrAlphanumericCapacityM(version: number): number {
  const codewords = DATA_CODEWORDS_M[version - 1];
  if (codewords === undefined) throw new RangeError('QR versions are 1..40');
  const countBits = version < 10 ? 9 : version < 27 ? 11 : 13;
  const bits = codewords * 8 - 4 - countBits;
  return Math.floor(bits / 11) * 2 + (bits % 11 >= 6 ? 1 : 0);
}

/** The smallest QR version (1..40) holding `text` in one alphanumeric segment at ECC M, or undefined. */
export function minQrVersionM(text: string | number): number | undefined {
  const length = typeof text === 'number' ? text : text.length;
  for (let version = 1; version <= 40; version++) if (qrAlphanumericCapacityM(version) >= length) return version;
  return undefined;
}
