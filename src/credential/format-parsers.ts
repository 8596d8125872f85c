/**
 * Parsing the privid formats. `parseX(json)` takes an already-parsed JSON value and returns it
 * typed (a fresh copy), or throws a `CredentialFormatError` with a stable code and the JSON
 * Pointer of the problem.
 *
 * Structure is checked against the formats' JSON Schemas (generated/format-schemas.ts, generated
 * from the TypeBox definitions in formats.ts) by the eval-free checker in json-schema-check.ts;
 * the rules JSON Schema cannot express are checked here.
 */
import { isPlainObject, isWellFormedUnicode } from './bytes.js';
import { isDateExpression } from './constraints.js';
import { CredentialFormatError, type CredentialFormatErrorCode } from './errors.js';
import { FORMAT_TYPES, FORMAT_VERSION, LIMITS, REQUEST_OBJECT_FORMAT } from './format-constants.js';
import {
  FORMAT_JSON_SCHEMAS,
  type Credential,
  type CredentialOffer,
  type FormatTypeMap,
  type IssuanceRequest,
  type Presentation,
  type PresentationRequest,
  type RequestObject,
} from './generated/format-schemas.js';
import { checkAgainstSchema } from './json-schema-check.js';
import { FIXED_MESSAGE_NAMES } from './schema.js';

export type {
  CredentialOffer,
  IssuanceRequest,
  Credential,
  PresentationRequest,
  Presentation,
  RequestObject,
  FormatTypeMap,
} from './generated/format-schemas.js';
export type Clause = PresentationRequest['groups'][number]['anyOf'][number];
export type PresentationItem = Presentation['items'][number];

export function parseCredentialOffer(json: unknown): CredentialOffer {
  return parseFormat(FORMAT_TYPES.credentialOffer, json);
}

export function parseIssuanceRequest(json: unknown): IssuanceRequest {
  return parseFormat(FORMAT_TYPES.issuanceRequest, json);
}

export function parseCredential(json: unknown): Credential {
  const credential = parseFormat(FORMAT_TYPES.credential, json);
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
  const request = parseFormat(FORMAT_TYPES.presentationRequest, json);
  request.groups.forEach((group, g) =>
    group.anyOf.forEach((clause, c) => checkClause(clause, `/groups/${g}/anyOf/${c}`)),
  );
  checkHiddenStatements(request);
  return request;
}

/**
 * What a request may ask to be proven about a hidden value: statements a venue cannot combine into
 * the value itself (docs/privacy.md, "What a proven statement reveals").
 *
 * - One statement per hidden attribute in a clause: `gte X` with `lte X` (or with `eq`) pins it.
 * - Validity only as asked for every guest: `validUntil gte today`, `validFrom lte today`; any
 *   other bound on the validity days (`validUntil gte today+100`, `eq 2027-03-14`) tags a holder whose
 *   lab chose their days.
 * - Every clause of one schema that constrains a hidden attribute states the same thing: otherwise
 *   alternatives (or groups the same credential answers) with a ladder of thresholds reveal, by the
 *   alternative the wallet picks, a range the venue chose.
 *
 * Statements on the attribute's type (no `eq`/`in`/`neq` on hidden integers and dates) are checked
 * against the schema by `checkClauseAgainstSchema`.
 */
function checkHiddenStatements(request: PresentationRequest): void {
  const statementOf = new Map<string, string>();
  request.groups.forEach((group, g) =>
    group.anyOf.forEach((clause, c) => {
      const seen = new Set<string>();
      clause.constraints.forEach((constraint, i) => {
        if (clause.disclose.includes(constraint.attribute)) return;
        const at = `/groups/${g}/anyOf/${c}/constraints/${i}`;
        if (seen.has(constraint.attribute)) {
          fail('INVALID_VALUE', at, `${constraint.attribute} is hidden: one statement about it per clause`);
        }
        seen.add(constraint.attribute);
        const validity = VALIDITY_STATEMENTS[constraint.attribute];
        if (validity && (constraint.op !== validity || constraint.value !== 'today')) {
          fail(
            'INVALID_VALUE',
            at,
            `${constraint.attribute} is hidden: only "${constraint.attribute} ${validity} today"`,
          );
        }
        const key = `${clause.schemaRef} ${constraint.attribute}`;
        const statement = `${constraint.op} ${JSON.stringify(constraint.value)}`;
        const earlier = statementOf.get(key);
        if (earlier !== undefined && earlier !== statement) {
          fail(
            'INVALID_VALUE',
            at,
            `${constraint.attribute} of ${clause.schemaRef} is hidden: every clause must state the same about it (${earlier})`,
          );
        }
        statementOf.set(key, statement);
      });
    }),
  );
}

const VALIDITY_STATEMENTS: Readonly<Record<string, 'gte' | 'lte'>> = { validUntil: 'gte', validFrom: 'lte' };

export function parsePresentation(json: unknown): Presentation {
  const presentation = parseFormat(FORMAT_TYPES.presentation, json);
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
  clause.constraints.forEach((constraint, i) => {
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

function parseFormat<T extends keyof FormatTypeMap>(type: T, json: unknown): FormatTypeMap[T] {
  checkJsonValue(json, '', 0);
  if (!isPlainObject(json)) fail('NOT_AN_OBJECT', '', `expected a ${type} JSON object`);
  if (json.type !== type) {
    fail('WRONG_FORMAT_TYPE', '/type', `expected type "${type}", got ${JSON.stringify(json.type) ?? 'nothing'}`);
  }
  if (json.v !== FORMAT_VERSION) {
    fail('UNSUPPORTED_VERSION', '/v', `expected v ${FORMAT_VERSION}, got ${JSON.stringify(json.v) ?? 'nothing'}`);
  }
  return checkStructure(type, json);
}

/**
 * The structure of signed request object claims, which have no `type`/`v` header: JSON data, the
 * generated JSON Schema, well-formed Unicode. request-object.ts checks the rules beyond.
 */
export function parseRequestObjectStructure(json: unknown): RequestObject {
  return checkStructure(REQUEST_OBJECT_FORMAT, json);
}

function checkStructure<T extends keyof FormatTypeMap>(type: T, json: unknown): FormatTypeMap[T] {
  checkJsonValue(json, '', 0);
  checkAgainstSchema(FORMAT_JSON_SCHEMAS[type], json);
  // Strings must map to exactly one UTF-8 byte string wherever they are hashed or displayed.
  checkUnicode(json, '');
  return copyJson(json) as FormatTypeMap[T];
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
