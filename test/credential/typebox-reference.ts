// The reference the SDK's eval-free checker (src/credential/json-schema-check.ts) is held to:
// TypeBox's own validator (Value.Errors, what the formats were checked with before the SDK
// dropped TypeBox), with the error selection privid used then, turned into one
// CredentialFormatError. Test-only.
import type { TSchema } from 'typebox';
import Value from 'typebox/value';
import { CredentialFormatError } from '../../src/credential/errors.js';

function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The CredentialFormatError TypeBox's errors give for `json`, or undefined when it conforms. */
export function typeboxProblem(schema: TSchema, json: unknown): CredentialFormatError | undefined {
  const errors = Value.Errors(schema, json);
  return errors.length === 0 ? undefined : toFormatError(schema, json, errors);
}

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
