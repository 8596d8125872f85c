/**
 * A small, eval-free checker for the subset of JSON Schema the privid formats use, run over the
 * plain JSON Schemas in `generated/format-schemas.ts` (generated from the TypeBox definitions in
 * formats.ts that the server publishes). It exists so that wallets validate strictly without
 * shipping a schema compiler: no `new Function`, so it runs under a strict Content Security
 * Policy and on Hermes.
 *
 * It stops at the first problem, in document order: at an object, unknown fields (instance
 * order), then missing fields (schema order), then each property (schema order); within a value,
 * type, then pattern, upper bounds, lower bounds, const/enum, uniqueness. An `anyOf` that no
 * branch satisfies reports the problem inside the first branch whose type fits, else a type
 * error listing the branches' types. test/credential/format-validators.test.ts checks that it
 * accepts exactly what TypeBox accepts, and reports the same code and path, on every fixture.
 *
 * A keyword it does not implement is an error (`UnsupportedSchemaError`), never ignored: the
 * generator refuses such a schema, so a new format cannot silently lose a check.
 */
import { isPlainObject } from './bytes.js';
import { CredentialFormatError, type CredentialFormatErrorCode } from './errors.js';

export interface JsonSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: false;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly maxProperties?: number;
  readonly minProperties?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly contentEncoding?: string;
  readonly description?: string;
  readonly title?: string;
}

/** Keywords this checker implements, and annotations it may ignore. */
export const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'const',
  'enum',
  'anyOf',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'maxProperties',
  'minProperties',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'contentEncoding',
  'description',
  'title',
]);

export class UnsupportedSchemaError extends Error {
  override readonly name = 'UnsupportedSchemaError';
}

/** Throws `UnsupportedSchemaError` naming the first keyword or construct this checker lacks. */
export function assertSupportedSchema(schema: unknown, path = '#'): void {
  if (!isPlainObject(schema)) throw new UnsupportedSchemaError(`${path}: a schema must be an object`);
  for (const [keyword, value] of Object.entries(schema)) {
    if (!SUPPORTED_KEYWORDS.has(keyword)) throw new UnsupportedSchemaError(`${path}: keyword "${keyword}"`);
    if (keyword === 'additionalProperties' && value !== false) {
      throw new UnsupportedSchemaError(`${path}: additionalProperties must be false`);
    }
  }
  for (const [key, sub] of Object.entries((schema.properties as object | undefined) ?? {})) {
    assertSupportedSchema(sub, `${path}/properties/${key}`);
  }
  for (const [key, sub] of Object.entries((schema.patternProperties as object | undefined) ?? {})) {
    assertSupportedSchema(sub, `${path}/patternProperties/${key}`);
  }
  ((schema.anyOf as unknown[] | undefined) ?? []).forEach((sub, i) => assertSupportedSchema(sub, `${path}/anyOf/${i}`));
  if (schema.items !== undefined) assertSupportedSchema(schema.items, `${path}/items`);
}

type Problem = { readonly code: CredentialFormatErrorCode; readonly path: string; readonly message: string };

const patterns = new Map<string, RegExp>();
function regex(pattern: string): RegExp {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp(pattern, 'u')));
  return re;
}

function escape(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fitsType(type: string | undefined, value: unknown): boolean {
  if (type === undefined) return true;
  const actual = typeOf(value);
  if (type === 'object') return isPlainObject(value);
  if (type === 'number') return actual === 'number' || actual === 'integer';
  return actual === type;
}

/** A canonical text of a JSON value, for uniqueness (object keys sorted). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function sizeProblem(schema: JsonSchema, path: string, tooLarge: boolean, what: string): Problem {
  const text =
    schema.contentEncoding === 'base64url' && schema.description !== undefined
      ? `byte length out of range: ${schema.description}`
      : what;
  return { code: tooLarge ? 'TOO_LARGE' : 'TOO_SMALL', path, message: text };
}

/** The first problem of `value` against `schema`, or undefined when it conforms. */
export function firstSchemaProblem(schema: JsonSchema, value: unknown, path = ''): Problem | undefined {
  if (schema.anyOf !== undefined) return anyOfProblem(schema.anyOf, value, path);
  if (!fitsType(schema.type, value)) return { code: 'WRONG_TYPE', path, message: `must be ${schema.type}` };

  if (typeof value === 'string') {
    if (schema.pattern !== undefined && !regex(schema.pattern).test(value)) {
      return schema.contentEncoding === 'base64url'
        ? { code: 'INVALID_BASE64URL', path, message: 'not canonical unpadded base64url' }
        : { code: 'INVALID_VALUE', path, message: `does not match ${schema.pattern}` };
    }
    // JSON Schema counts characters as code points.
    const length = schema.maxLength !== undefined || schema.minLength !== undefined ? [...value].length : 0;
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      return sizeProblem(schema, path, true, `must have at most ${schema.maxLength} characters`);
    }
    if (schema.minLength !== undefined && length < schema.minLength) {
      return sizeProblem(schema, path, false, `must have at least ${schema.minLength} characters`);
    }
  }
  if (typeof value === 'number') {
    if (schema.maximum !== undefined && value > schema.maximum) {
      return { code: 'TOO_LARGE', path, message: `must be <= ${schema.maximum}` };
    }
    if (schema.minimum !== undefined && value < schema.minimum) {
      return { code: 'TOO_SMALL', path, message: `must be >= ${schema.minimum}` };
    }
  }
  if ('const' in schema && canonical(value) !== canonical(schema.const)) {
    return { code: 'INVALID_VALUE', path, message: `must be ${JSON.stringify(schema.const)}` };
  }
  if (schema.enum !== undefined && !schema.enum.some((allowed) => canonical(allowed) === canonical(value))) {
    return { code: 'INVALID_VALUE', path, message: 'must be equal to one of the allowed values' };
  }
  if (Array.isArray(value)) return arrayProblem(schema, value, path);
  if (isPlainObject(value)) return objectProblem(schema, value, path);
  return undefined;
}

function anyOfProblem(branches: readonly JsonSchema[], value: unknown, path: string): Problem | undefined {
  const problems = branches.map((branch) => firstSchemaProblem(branch, value, path));
  if (problems.some((problem) => problem === undefined)) return undefined;
  const fitting = branches.findIndex((branch) => branch.anyOf === undefined && fitsType(branch.type, value));
  if (fitting >= 0) return problems[fitting];
  const kinds = [...new Set(branches.map((branch) => branch.type ?? 'value'))];
  return { code: 'WRONG_TYPE', path, message: `must be one of: ${kinds.join(', ')}` };
}

function arrayProblem(schema: JsonSchema, value: readonly unknown[], path: string): Problem | undefined {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    return { code: 'TOO_LARGE', path, message: `must have at most ${schema.maxItems} items` };
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    return { code: 'TOO_SMALL', path, message: `must have at least ${schema.minItems} items` };
  }
  if (schema.uniqueItems === true && new Set(value.map(canonical)).size !== value.length) {
    return { code: 'DUPLICATE', path, message: 'items must be unique' };
  }
  if (schema.items !== undefined) {
    for (let i = 0; i < value.length; i++) {
      const problem = firstSchemaProblem(schema.items, value[i], `${path}/${i}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

function objectProblem(schema: JsonSchema, value: Record<string, unknown>, path: string): Problem | undefined {
  const properties = schema.properties ?? {};
  const patternEntries = Object.entries(schema.patternProperties ?? {});
  const keys = Object.keys(value);
  if (schema.additionalProperties === false) {
    const unknown = keys.find(
      (key) => !Object.hasOwn(properties, key) && !patternEntries.some(([pattern]) => regex(pattern).test(key)),
    );
    if (unknown !== undefined)
      return { code: 'UNKNOWN_FIELD', path: `${path}/${escape(unknown)}`, message: 'unknown field' };
  }
  const missing = (schema.required ?? []).find((key) => !Object.hasOwn(value, key));
  if (missing !== undefined) {
    return { code: 'MISSING_FIELD', path: `${path}/${escape(missing)}`, message: 'required field is missing' };
  }
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    return { code: 'TOO_LARGE', path, message: `must have at most ${schema.maxProperties} properties` };
  }
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
    return { code: 'TOO_SMALL', path, message: `must have at least ${schema.minProperties} properties` };
  }
  for (const [key, sub] of Object.entries(properties)) {
    if (!Object.hasOwn(value, key)) continue;
    const problem = firstSchemaProblem(sub, value[key], `${path}/${escape(key)}`);
    if (problem) return problem;
  }
  for (const key of keys) {
    for (const [pattern, sub] of patternEntries) {
      if (!regex(pattern).test(key)) continue;
      const problem = firstSchemaProblem(sub, value[key], `${path}/${escape(key)}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Throws the first problem of `value` against `schema` as a `CredentialFormatError`. */
export function checkAgainstSchema(schema: JsonSchema, value: unknown): void {
  const problem = firstSchemaProblem(schema, value);
  if (problem) throw new CredentialFormatError(problem.code, problem.path, problem.message);
}
