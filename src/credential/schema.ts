/**
 * Credential schemas: named, versioned lists of typed attributes.
 *
 * A schema fixes the exact message layout of every credential issued under it (see
 * encoding.ts), so every attribute is required and its position is its index in `attributes`.
 * Schemas are plain frozen data; `validateSchemaDefinition` turns untrusted JSON (an issuer
 * registering its own schema) into one, and `SchemaRegistry` resolves `(id, version)`.
 */
import { codePointLength, hasOwn, isPlainObject, isWellFormedUnicode, pointerToken } from './bytes.js';
import { CredentialSchemaError, type Issue } from './errors.js';
import { isWellFormedText } from './text.js';
import { validateInvariantDefinitions, type SchemaInvariant } from './invariants.js';

export type AttributeType = 'enum' | 'string' | 'integer' | 'boolean' | 'date';
export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['enum', 'string', 'integer', 'boolean', 'date'];

interface AttributeBase {
  /** camelCase ASCII, unique within the schema; it is also the attribute's key in JSON. */
  readonly name: string;
  readonly description?: string;
}
export interface EnumAttribute extends AttributeBase {
  readonly type: 'enum';
  readonly values: readonly string[];
}
export interface StringAttribute extends AttributeBase {
  readonly type: 'string';
  /** In Unicode code points. */
  readonly maxLength: number;
}
export interface IntegerAttribute extends AttributeBase {
  readonly type: 'integer';
  /** Inclusive; non-negative safe integers, so the value is its own BBS scalar. */
  readonly min: number;
  readonly max: number;
}
export interface BooleanAttribute extends AttributeBase {
  readonly type: 'boolean';
}
/** A day number (whole days since 1970-01-01 UTC), see dates.ts. */
export interface DateAttribute extends AttributeBase {
  readonly type: 'date';
}
export type AttributeDefinition = EnumAttribute | StringAttribute | IntegerAttribute | BooleanAttribute | DateAttribute;

export interface CredentialSchema {
  /** `namespace:name`, e.g. `privid:covid-test-result`. */
  readonly id: string;
  /** 1..65535. A changed attribute list is a new version, never an edit. */
  readonly version: number;
  readonly title: string;
  readonly description?: string;
  /** In message order: attribute i is BBS message 4 + i. */
  readonly attributes: readonly AttributeDefinition[];
  /** Rules between values (invariants.ts) that issuer and wallet enforce; absent when there are none. */
  readonly invariants?: readonly SchemaInvariant[];
}

/** The value of one attribute: enum/string → string, integer/date → number, boolean → boolean. */
export type AttributeValue = string | number | boolean;
export type AttributeValues = Readonly<Record<string, AttributeValue>>;

// ---------------------------------------------------------------------------------------------
// Limits and name rules
// ---------------------------------------------------------------------------------------------

/** Attributes per schema; with the 4 fixed messages and the holder secret, 37 BBS messages at most. */
export const MAX_ATTRIBUTES = 32;
export const MAX_ENUM_VALUES = 64;
export const MAX_ENUM_VALUE_LENGTH = 64;
export const MAX_STRING_LENGTH = 256;
export const MAX_SCHEMA_ID_LENGTH = 64;
export const MAX_SCHEMA_VERSION = 65_535;
export const MAX_TITLE_LENGTH = 80;
export const MAX_SCHEMA_DESCRIPTION_LENGTH = 500;
export const MAX_ATTRIBUTE_DESCRIPTION_LENGTH = 200;

/** `namespace:name`; the namespace may be dotted (`lab.example:titer`). */
export const SCHEMA_ID_PATTERN = '^[a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)*:[a-z0-9][a-z0-9-]*$';
/** `id@version`, version without leading zeros. */
export const SCHEMA_REF_PATTERN = '^[a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)*:[a-z0-9][a-z0-9-]*@[1-9][0-9]{0,4}$';
export const MAX_SCHEMA_REF_LENGTH = MAX_SCHEMA_ID_LENGTH + 6;
export const ATTRIBUTE_NAME_PATTERN = '^[a-z][A-Za-z0-9]{0,31}$';
export const ENUM_VALUE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$';
/** Schema ids in this namespace are privid's built-ins; issuers cannot register them. */
export const RESERVED_NAMESPACE = 'privid';

/** The names of the four fixed messages every credential starts with (see encoding.ts). */
export const FIXED_MESSAGE_NAMES = ['schema', 'issuerKeyId', 'validFrom', 'validUntil'] as const;
export type FixedMessageName = (typeof FIXED_MESSAGE_NAMES)[number];

/**
 * Attribute names a schema may not use: the fixed messages, names that would be confusing next
 * to the holder secret or the JSON formats, and Object.prototype members (so that a lookup like
 * `values[name]` on a plain object can never hit an inherited function).
 */
export const RESERVED_ATTRIBUTE_NAMES: readonly string[] = [
  ...FIXED_MESSAGE_NAMES,
  'holderSecret',
  'secret',
  'secretId',
  'type',
  'v',
  'proof',
  'signature',
  'pseudonym',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
];

const SCHEMA_ID_RE = new RegExp(SCHEMA_ID_PATTERN);
const SCHEMA_REF_RE = new RegExp(SCHEMA_REF_PATTERN);
const ATTRIBUTE_NAME_RE = new RegExp(ATTRIBUTE_NAME_PATTERN);
const ENUM_VALUE_RE = new RegExp(ENUM_VALUE_PATTERN);

export function isAttributeName(value: unknown): value is string {
  return typeof value === 'string' && ATTRIBUTE_NAME_RE.test(value);
}

// ---------------------------------------------------------------------------------------------
// Schema references: "id@version"
// ---------------------------------------------------------------------------------------------

export interface SchemaRefParts {
  readonly id: string;
  readonly version: number;
}

/** `privid:covid-test-result@1`. */
export function formatSchemaRef(schema: SchemaRefParts): string {
  if (!isSchemaId(schema.id) || !isSchemaVersion(schema.version)) {
    throw new RangeError(`not a valid schema id/version: ${String(schema.id)}@${String(schema.version)}`);
  }
  return `${schema.id}@${schema.version}`;
}

export function parseSchemaRef(ref: string): SchemaRefParts {
  const parts = parseSchemaRefOrUndefined(ref);
  if (!parts) throw new RangeError(`not a schema reference id@version: ${String(ref)}`);
  return parts;
}

export function parseSchemaRefOrUndefined(ref: unknown): SchemaRefParts | undefined {
  if (typeof ref !== 'string' || ref.length > MAX_SCHEMA_REF_LENGTH || !SCHEMA_REF_RE.test(ref)) return undefined;
  const at = ref.lastIndexOf('@');
  const id = ref.slice(0, at);
  const version = Number(ref.slice(at + 1));
  return isSchemaId(id) && isSchemaVersion(version) ? { id, version } : undefined;
}

export function isSchemaId(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_SCHEMA_ID_LENGTH && SCHEMA_ID_RE.test(value);
}

function isSchemaVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_SCHEMA_VERSION;
}

// ---------------------------------------------------------------------------------------------
// Validation of untrusted definitions
// ---------------------------------------------------------------------------------------------

export type SchemaValidationResult =
  { readonly ok: true; readonly schema: CredentialSchema } | { readonly ok: false; readonly issues: readonly Issue[] };

export interface SchemaValidationOptions {
  /** Allow ids in the `privid:` namespace. Only privid's own built-ins need this. */
  readonly allowReservedNamespace?: boolean;
}

const SCHEMA_FIELDS = ['id', 'version', 'title', 'description', 'attributes', 'invariants'];
const ATTRIBUTE_FIELDS: Record<AttributeType, readonly string[]> = {
  enum: ['name', 'type', 'description', 'values'],
  string: ['name', 'type', 'description', 'maxLength'],
  integer: ['name', 'type', 'description', 'min', 'max'],
  boolean: ['name', 'type', 'description'],
  date: ['name', 'type', 'description'],
};

/**
 * Checks an untrusted schema definition (parsed JSON) and returns a normalized, deeply frozen
 * `CredentialSchema`, or every issue found, each with a JSON Pointer and a stable reason.
 */
export function validateSchemaDefinition(json: unknown, options: SchemaValidationOptions = {}): SchemaValidationResult {
  const issues: Issue[] = [];
  const issue = (path: string, reason: string, message: string): void => {
    issues.push({ path, reason, message });
  };
  if (!isPlainObject(json)) {
    issue('', 'NOT_AN_OBJECT', 'a schema definition must be a JSON object');
    return { ok: false, issues };
  }
  unknownFields(json, SCHEMA_FIELDS, '', issue);

  const id = json.id;
  if (id === undefined) issue('/id', 'MISSING_FIELD', 'id is required');
  else if (typeof id !== 'string') issue('/id', 'WRONG_TYPE', 'id must be a string');
  else if (id.length > MAX_SCHEMA_ID_LENGTH) issue('/id', 'TOO_LONG', `id is longer than ${MAX_SCHEMA_ID_LENGTH}`);
  else if (!SCHEMA_ID_RE.test(id)) {
    issue(
      '/id',
      'INVALID_ID',
      'id must look like namespace:name (lowercase letters, digits, "-"), e.g. lab.example:titer',
    );
  } else if (!options.allowReservedNamespace && id.split(':')[0] === RESERVED_NAMESPACE) {
    issue('/id', 'RESERVED_NAMESPACE', `the "${RESERVED_NAMESPACE}:" namespace is reserved for built-in schemas`);
  }

  const version = json.version;
  if (version === undefined) issue('/version', 'MISSING_FIELD', 'version is required');
  else if (!isSchemaVersion(version)) {
    issue('/version', 'INVALID_VERSION', `version must be an integer in 1..${MAX_SCHEMA_VERSION}`);
  }

  textField(json, 'title', true, MAX_TITLE_LENGTH, issue);
  textField(json, 'description', false, MAX_SCHEMA_DESCRIPTION_LENGTH, issue);

  const attributes: AttributeDefinition[] = [];
  const raw = json.attributes;
  if (raw === undefined) issue('/attributes', 'MISSING_FIELD', 'attributes is required');
  else if (!Array.isArray(raw)) issue('/attributes', 'WRONG_TYPE', 'attributes must be an array');
  else if (raw.length === 0) issue('/attributes', 'EMPTY', 'a schema needs at least one attribute');
  else if (raw.length > MAX_ATTRIBUTES) {
    issue('/attributes', 'TOO_MANY', `at most ${MAX_ATTRIBUTES} attributes (got ${raw.length})`);
  } else {
    const seen = new Map<string, number>();
    raw.forEach((item: unknown, i) => {
      const attribute = validateAttributeDefinition(item, `/attributes/${i}`, issue);
      if (!attribute) return;
      const previous = seen.get(attribute.name);
      if (previous !== undefined) {
        issue(
          `/attributes/${i}/name`,
          'DUPLICATE_NAME',
          `attribute name "${attribute.name}" is already used by /attributes/${previous}`,
        );
        return;
      }
      seen.set(attribute.name, i);
      attributes.push(attribute);
    });
  }

  // Invariants name attributes: they can only be checked against a valid attribute list.
  const invariants =
    json.invariants === undefined || issues.length > 0
      ? undefined
      : validateInvariantDefinitions(json.invariants, attributes, issue);

  if (issues.length > 0) return { ok: false, issues };
  const schema: CredentialSchema = {
    id: id as string,
    version: version as number,
    title: json.title as string,
    ...(json.description !== undefined ? { description: json.description as string } : {}),
    attributes,
    ...(invariants !== undefined && invariants.length > 0 ? { invariants } : {}),
  };
  return { ok: true, schema: deepFreeze(schema) };
}

/** Like `validateSchemaDefinition`, but throws a `CredentialSchemaError` with every issue. */
export function parseSchemaDefinition(json: unknown, options: SchemaValidationOptions = {}): CredentialSchema {
  const result = validateSchemaDefinition(json, options);
  if (!result.ok) throw new CredentialSchemaError('INVALID_SCHEMA', result.issues);
  return result.schema;
}

type IssueSink = (path: string, reason: string, message: string) => void;

function validateAttributeDefinition(item: unknown, path: string, issue: IssueSink): AttributeDefinition | undefined {
  if (!isPlainObject(item)) {
    issue(path, 'NOT_AN_OBJECT', 'an attribute definition must be a JSON object');
    return undefined;
  }
  let failed = false;
  const sink: IssueSink = (p, r, m) => {
    failed = true;
    issue(p, r, m);
  };

  const name = item.name;
  if (name === undefined) sink(`${path}/name`, 'MISSING_FIELD', 'name is required');
  else if (typeof name !== 'string') sink(`${path}/name`, 'WRONG_TYPE', 'name must be a string');
  else if (!ATTRIBUTE_NAME_RE.test(name)) {
    sink(
      `${path}/name`,
      'INVALID_NAME',
      `"${name}" is not a valid name: camelCase ASCII letters and digits, starting lowercase, at most 32 characters`,
    );
  } else if (RESERVED_ATTRIBUTE_NAMES.includes(name)) {
    sink(`${path}/name`, 'RESERVED_NAME', `"${name}" is reserved`);
  }

  const type = item.type;
  if (type === undefined) {
    sink(`${path}/type`, 'MISSING_FIELD', 'type is required');
    return undefined;
  }
  if (typeof type !== 'string' || !(ATTRIBUTE_TYPES as readonly string[]).includes(type)) {
    sink(
      `${path}/type`,
      'UNKNOWN_ATTRIBUTE_TYPE',
      `unknown attribute type ${JSON.stringify(type)}; expected one of ${ATTRIBUTE_TYPES.join(', ')}`,
    );
    return undefined;
  }
  const attributeType = type as AttributeType;
  unknownFields(item, ATTRIBUTE_FIELDS[attributeType], path, sink, `for a ${attributeType} attribute`);
  textField(item, 'description', false, MAX_ATTRIBUTE_DESCRIPTION_LENGTH, sink, path);

  let attribute: AttributeDefinition | undefined;
  const base = {
    name: name as string,
    ...(item.description !== undefined ? { description: item.description as string } : {}),
  };
  switch (attributeType) {
    case 'enum': {
      const values = item.values;
      if (values === undefined) sink(`${path}/values`, 'MISSING_FIELD', 'an enum attribute needs values');
      else if (!Array.isArray(values)) sink(`${path}/values`, 'WRONG_TYPE', 'values must be an array of strings');
      else if (values.length === 0) sink(`${path}/values`, 'EMPTY', 'an enum needs at least one value');
      else if (values.length > MAX_ENUM_VALUES) {
        sink(`${path}/values`, 'TOO_MANY', `at most ${MAX_ENUM_VALUES} enum values (got ${values.length})`);
      } else {
        const seen = new Set<string>();
        values.forEach((value: unknown, j) => {
          const at = `${path}/values/${j}`;
          if (typeof value !== 'string') sink(at, 'WRONG_TYPE', 'an enum value must be a string');
          else if (!ENUM_VALUE_RE.test(value)) {
            sink(
              at,
              'INVALID_VALUE',
              `enum value ${JSON.stringify(value)} must be 1..${MAX_ENUM_VALUE_LENGTH} of A-Z a-z 0-9 . _ + - (starting alphanumeric)`,
            );
          } else if (seen.has(value)) sink(at, 'DUPLICATE_VALUE', `enum value "${value}" appears twice`);
          else seen.add(value);
        });
      }
      attribute = { ...base, type: 'enum', values: Array.isArray(values) ? (values as string[]).slice() : [] };
      break;
    }
    case 'string': {
      const maxLength = item.maxLength;
      if (maxLength === undefined) sink(`${path}/maxLength`, 'MISSING_FIELD', 'a string attribute needs maxLength');
      else if (!isInteger(maxLength) || maxLength < 1 || maxLength > MAX_STRING_LENGTH) {
        sink(`${path}/maxLength`, 'INVALID_BOUNDS', `maxLength must be an integer in 1..${MAX_STRING_LENGTH}`);
      }
      attribute = { ...base, type: 'string', maxLength: maxLength as number };
      break;
    }
    case 'integer': {
      const { min, max } = item;
      let boundsOk = true;
      for (const [key, bound] of [
        ['min', min],
        ['max', max],
      ] as const) {
        if (bound === undefined) {
          sink(`${path}/${key}`, 'MISSING_FIELD', `an integer attribute needs ${key}`);
          boundsOk = false;
        } else if (!isInteger(bound) || bound < 0 || bound > Number.MAX_SAFE_INTEGER) {
          sink(`${path}/${key}`, 'INVALID_BOUNDS', `${key} must be a non-negative safe integer (0..2^53-1)`);
          boundsOk = false;
        }
      }
      if (boundsOk && (min as number) > (max as number)) {
        sink(`${path}/min`, 'INVALID_BOUNDS', `min (${String(min)}) is greater than max (${String(max)})`);
      }
      attribute = { ...base, type: 'integer', min: min as number, max: max as number };
      break;
    }
    case 'boolean':
      attribute = { ...base, type: 'boolean' };
      break;
    case 'date':
      attribute = { ...base, type: 'date' };
      break;
  }
  return failed ? undefined : attribute;
}

function unknownFields(
  object: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  issue: IssueSink,
  context = '',
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      issue(`${path}/${pointerToken(key)}`, 'UNKNOWN_FIELD', `unknown field "${key}"${context ? ` ${context}` : ''}`);
    }
  }
}

function textField(
  object: Record<string, unknown>,
  key: string,
  required: boolean,
  maxLength: number,
  issue: IssueSink,
  path = '',
): void {
  const value = object[key];
  const at = `${path}/${key}`;
  if (value === undefined || !hasOwn(object, key)) {
    if (required) issue(at, 'MISSING_FIELD', `${key} is required`);
  } else if (typeof value !== 'string') issue(at, 'WRONG_TYPE', `${key} must be a string`);
  else if (!isWellFormedUnicode(value)) issue(at, 'INVALID_VALUE', `${key} is not well-formed Unicode`);
  else if (!isWellFormedText(value)) issue(at, 'INVALID_VALUE', `${key} must not contain U+0000 (NUL)`);
  else if (required && value.length === 0) issue(at, 'EMPTY', `${key} must not be empty`);
  else if (codePointLength(value) > maxLength) issue(at, 'TOO_LONG', `${key} is longer than ${maxLength}`);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Lookup helpers
// ---------------------------------------------------------------------------------------------

export function schemaRefOf(schema: CredentialSchema): string {
  return formatSchemaRef(schema);
}

export function findAttribute(schema: CredentialSchema, name: string): AttributeDefinition | undefined {
  return schema.attributes.find((attribute) => attribute.name === name);
}

/**
 * A canonical JSON text of a schema (fixed key order), used to detect conflicting registrations:
 * the layout and the invariants.
 */
export function canonicalSchemaJson(schema: CredentialSchema): string {
  return JSON.stringify([canonicalLayoutJson(schema), (schema.invariants ?? []).map(canonicalInvariant)]);
}

function canonicalInvariant(invariant: SchemaInvariant): unknown {
  const condition = (c: NonNullable<SchemaInvariant['if']>) => [
    c.attribute,
    c.in ?? null,
    c.min ?? null,
    c.max ?? null,
    c.notAfter ?? null,
    c.notBefore ?? null,
  ];
  return [invariant.if ? condition(invariant.if) : null, invariant.then.map(condition)];
}

/**
 * The canonical JSON text of what credentials depend on: id, version, texts and attributes, not
 * the invariants (they constrain issuance, not the message layout).
 */
export function canonicalLayoutJson(schema: CredentialSchema): string {
  return JSON.stringify({
    id: schema.id,
    version: schema.version,
    title: schema.title,
    description: schema.description ?? null,
    attributes: schema.attributes.map((a) => {
      switch (a.type) {
        case 'enum':
          return [a.name, a.type, a.description ?? null, a.values];
        case 'string':
          return [a.name, a.type, a.description ?? null, a.maxLength];
        case 'integer':
          return [a.name, a.type, a.description ?? null, a.min, a.max];
        default:
          return [a.name, a.type, a.description ?? null];
      }
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

/** An in-memory, pure map from `(id, version)` to schema. No I/O; callers load it. */
export class SchemaRegistry {
  private readonly schemas = new Map<string, CredentialSchema>();

  constructor(schemas: Iterable<unknown> = [], options: SchemaValidationOptions = {}) {
    for (const schema of schemas) this.register(schema, options);
  }

  /**
   * Validates and adds a schema; returns the stored (frozen) schema. Registering an identical
   * definition again is a no-op; a different definition under the same `id@version` throws
   * `SCHEMA_CONFLICT`, because credentials already issued depend on the old layout.
   */
  register(definition: unknown, options: SchemaValidationOptions = {}): CredentialSchema {
    const schema = parseSchemaDefinition(definition, options);
    const ref = formatSchemaRef(schema);
    const existing = this.schemas.get(ref);
    if (existing) {
      if (canonicalSchemaJson(existing) !== canonicalSchemaJson(schema)) {
        throw new CredentialSchemaError('SCHEMA_CONFLICT', [
          { path: '', reason: 'SCHEMA_CONFLICT', message: `${ref} is already registered with a different definition` },
        ]);
      }
      return existing;
    }
    this.schemas.set(ref, schema);
    return schema;
  }

  /** The schema for `id` and `version`, or for a single `id@version` reference. */
  resolve(idOrRef: string, version?: number): CredentialSchema | undefined {
    const ref = version === undefined ? idOrRef : `${idOrRef}@${version}`;
    return this.schemas.get(ref);
  }

  /** Like `resolve`, but throws `UNKNOWN_SCHEMA`. */
  require(idOrRef: string, version?: number): CredentialSchema {
    const schema = this.resolve(idOrRef, version);
    if (!schema) {
      const ref = version === undefined ? idOrRef : `${idOrRef}@${version}`;
      throw new CredentialSchemaError('UNKNOWN_SCHEMA', [
        { path: '', reason: 'UNKNOWN_SCHEMA', message: `no schema ${JSON.stringify(ref)} is registered` },
      ]);
    }
    return schema;
  }

  has(idOrRef: string, version?: number): boolean {
    return this.resolve(idOrRef, version) !== undefined;
  }

  /** Every registered schema, ordered by id then version. */
  list(): CredentialSchema[] {
    return [...this.schemas.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.version - b.version));
  }

  /** All versions registered under `id`, ascending. */
  versionsOf(id: string): number[] {
    return this.list()
      .filter((schema) => schema.id === id)
      .map((schema) => schema.version);
  }
}
