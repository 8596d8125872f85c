/**
 * Schema invariants: declarative rules that tie a credential's values together, so that a lab
 * cannot sign contradictory claims (an age band `under-18` with `ageOver18: true`) and a wallet
 * does not keep such a credential to present it later.
 *
 *   { if: { attribute: 'band', in: ['under-18'] },
 *     then: [{ attribute: 'ageOver18', in: [false] }, { attribute: 'ageOver21', in: [false] }] }
 *
 * A condition names one attribute (or `validFrom`/`validUntil`) and one or more tests, all of
 * which must hold: `in` (enum, boolean, integer), `min`/`max` (integer), `notAfter`/`notBefore`
 * (a date against another date attribute or the validity days). Without `if` the `then` part
 * always applies. Invariants constrain issuance only; the message layout does not depend on them.
 * Pure data and pure functions: the issuer, the desk page and the wallet run the same checks.
 */
import { hasOwn, isPlainObject, pointerToken } from './bytes.js';
import { isDayNumber, isoDateFromDay } from './dates.js';
import type { Issue } from './errors.js';
import type { AttributeDefinition, AttributeValue, AttributeValues } from './schema.js';

export interface InvariantCondition {
  /** A schema attribute, or `validFrom` / `validUntil` (dates tests only). */
  readonly attribute: string;
  /** The value is one of these (enum values, booleans, or integers within the attribute's bounds). */
  readonly in?: readonly AttributeValue[];
  /** Integer bounds, inclusive. */
  readonly min?: number;
  readonly max?: number;
  /** A date on or before this date attribute (or `validFrom` / `validUntil`). */
  readonly notAfter?: string;
  /** A date on or after this date attribute (or `validFrom` / `validUntil`). */
  readonly notBefore?: string;
}

export interface SchemaInvariant {
  /** When absent, `then` always applies. */
  readonly if?: InvariantCondition;
  /** Every condition must hold whenever `if` does. */
  readonly then: readonly InvariantCondition[];
}

/** The values an invariant reads: the attributes and the validity days. */
export interface InvariantSubject {
  readonly attributes: AttributeValues;
  readonly validFrom: number;
  readonly validUntil: number;
}

/** A broken invariant: `path` points at the attribute that must change, `attributes` names all involved. */
export interface InvariantIssue extends Issue {
  readonly attributes: readonly string[];
}

export const MAX_INVARIANTS = 32;
export const MAX_INVARIANT_CONSEQUENCES = 8;
const MAX_IN_VALUES = 64;
const VALIDITY_DAYS = ['validFrom', 'validUntil'] as const;
const CONDITION_FIELDS = ['attribute', 'in', 'min', 'max', 'notAfter', 'notBefore'];
const TESTS = ['in', 'min', 'max', 'notAfter', 'notBefore'] as const;

type IssueSink = (path: string, reason: string, message: string) => void;
type Kind = AttributeDefinition['type'];

/**
 * Checks the `invariants` of a schema definition against its (already valid) attributes and
 * returns them normalized, or `undefined` after reporting each problem to `issue`.
 */
export function validateInvariantDefinitions(
  raw: unknown,
  attributes: readonly AttributeDefinition[],
  issue: IssueSink,
): SchemaInvariant[] | undefined {
  const path = '/invariants';
  if (!Array.isArray(raw)) {
    issue(path, 'WRONG_TYPE', 'invariants must be an array');
    return undefined;
  }
  if (raw.length > MAX_INVARIANTS) {
    issue(path, 'TOO_MANY', `at most ${MAX_INVARIANTS} invariants (got ${raw.length})`);
    return undefined;
  }
  let failed = false;
  const sink: IssueSink = (p, r, m) => {
    failed = true;
    issue(p, r, m);
  };
  const kinds = new Map<string, AttributeDefinition>(attributes.map((a) => [a.name, a]));
  const out: SchemaInvariant[] = [];
  raw.forEach((item: unknown, i) => {
    const at = `${path}/${i}`;
    if (!isPlainObject(item)) {
      sink(at, 'NOT_AN_OBJECT', 'an invariant must be a JSON object');
      return;
    }
    for (const key of Object.keys(item)) {
      if (key !== 'if' && key !== 'then') sink(`${at}/${pointerToken(key)}`, 'UNKNOWN_FIELD', `unknown field "${key}"`);
    }
    const condition = hasOwn(item, 'if') ? validateCondition(item.if, `${at}/if`, kinds, sink) : undefined;
    const then = item.then;
    if (then === undefined) sink(`${at}/then`, 'MISSING_FIELD', 'then is required');
    else if (!Array.isArray(then)) sink(`${at}/then`, 'WRONG_TYPE', 'then must be an array of conditions');
    else if (then.length === 0) sink(`${at}/then`, 'EMPTY', 'then needs at least one condition');
    else if (then.length > MAX_INVARIANT_CONSEQUENCES) {
      sink(`${at}/then`, 'TOO_MANY', `at most ${MAX_INVARIANT_CONSEQUENCES} conditions in then`);
    } else {
      const consequences = then.map((c: unknown, j) => validateCondition(c, `${at}/then/${j}`, kinds, sink));
      if (consequences.every((c) => c !== undefined)) {
        out.push({ ...(condition ? { if: condition } : {}), then: consequences as InvariantCondition[] });
      }
    }
  });
  return failed ? undefined : out;
}

function validateCondition(
  raw: unknown,
  at: string,
  attributes: ReadonlyMap<string, AttributeDefinition>,
  issue: IssueSink,
): InvariantCondition | undefined {
  if (!isPlainObject(raw)) {
    issue(at, 'NOT_AN_OBJECT', 'a condition must be a JSON object');
    return undefined;
  }
  let failed = false;
  const sink: IssueSink = (p, r, m) => {
    failed = true;
    issue(p, r, m);
  };
  for (const key of Object.keys(raw)) {
    if (!CONDITION_FIELDS.includes(key)) sink(`${at}/${pointerToken(key)}`, 'UNKNOWN_FIELD', `unknown field "${key}"`);
  }
  const name = raw.attribute;
  const kind = typeof name === 'string' ? kindOf(name, attributes) : undefined;
  if (name === undefined) return void sink(`${at}/attribute`, 'MISSING_FIELD', 'attribute is required');
  if (kind === undefined) {
    return void sink(
      `${at}/attribute`,
      'UNKNOWN_ATTRIBUTE',
      `${JSON.stringify(name)} is not an attribute of this schema (nor validFrom or validUntil)`,
    );
  }
  const attribute = name as string;
  const tests = TESTS.filter((key) => hasOwn(raw, key));
  if (tests.length === 0) {
    sink(at, 'MISSING_FIELD', `a condition needs at least one of ${TESTS.join(', ')}`);
  }
  const definition = attributes.get(attribute);
  const condition: { -readonly [K in keyof InvariantCondition]: InvariantCondition[K] } = { attribute };
  for (const key of tests) {
    const value = raw[key];
    const where = `${at}/${key}`;
    switch (key) {
      case 'in': {
        if (kind !== 'enum' && kind !== 'boolean' && kind !== 'integer') {
          sink(where, 'NOT_APPLICABLE', `in applies to enum, boolean and integer attributes, not to ${kind}`);
        } else if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES) {
          sink(where, 'WRONG_TYPE', `in must be an array of 1..${MAX_IN_VALUES} values`);
        } else {
          const seen = new Set<unknown>();
          value.forEach((v: unknown, k) => {
            const problem = definition ? valueProblem(definition, v) : 'is not a value of this attribute';
            if (problem) sink(`${where}/${k}`, 'INVALID_VALUE', `${JSON.stringify(v)} ${problem}`);
            else if (seen.has(v)) sink(`${where}/${k}`, 'DUPLICATE_VALUE', `${JSON.stringify(v)} appears twice`);
            seen.add(v);
          });
          condition.in = (value as AttributeValue[]).slice();
        }
        break;
      }
      case 'min':
      case 'max':
        if (kind !== 'integer') sink(where, 'NOT_APPLICABLE', `${key} applies to integer attributes, not to ${kind}`);
        else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
          sink(where, 'WRONG_TYPE', `${key} must be a non-negative integer`);
        } else condition[key] = value;
        break;
      case 'notAfter':
      case 'notBefore':
        if (kind !== 'date') sink(where, 'NOT_APPLICABLE', `${key} applies to dates, not to ${kind}`);
        else if (typeof value !== 'string' || kindOf(value, attributes) !== 'date' || value === attribute) {
          sink(where, 'INVALID_VALUE', `${key} must name another date attribute, validFrom or validUntil`);
        } else condition[key] = value;
        break;
    }
  }
  if (condition.min !== undefined && condition.max !== undefined && condition.min > condition.max) {
    sink(`${at}/min`, 'INVALID_BOUNDS', `min (${condition.min}) is greater than max (${condition.max})`);
  }
  return failed ? undefined : condition;
}

function kindOf(name: string, attributes: ReadonlyMap<string, AttributeDefinition>): Kind | undefined {
  if ((VALIDITY_DAYS as readonly string[]).includes(name)) return 'date';
  return attributes.get(name)?.type;
}

function valueProblem(attribute: AttributeDefinition, value: unknown): string | undefined {
  switch (attribute.type) {
    case 'enum':
      return typeof value === 'string' && attribute.values.includes(value)
        ? undefined
        : `is not one of ${attribute.name}'s values: ${attribute.values.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'is not a boolean';
    case 'integer':
      return typeof value === 'number' &&
        Number.isSafeInteger(value) &&
        value >= attribute.min &&
        value <= attribute.max
        ? undefined
        : `is not an integer in ${attribute.min}..${attribute.max}`;
    default:
      return 'is not a value of this attribute';
  }
}

// ---------------------------------------------------------------------------------------------
// Checking values
// ---------------------------------------------------------------------------------------------

/**
 * Every invariant `subject` breaks, one issue per failing `then` condition. Expects values that
 * already passed `validateAttributes`; a value of the wrong type simply fails its test.
 */
export function checkInvariants(
  invariants: readonly SchemaInvariant[] | undefined,
  subject: InvariantSubject,
): InvariantIssue[] {
  const issues: InvariantIssue[] = [];
  for (const invariant of invariants ?? []) {
    if (invariant.if && failedTest(invariant.if, subject) !== undefined) continue;
    for (const condition of invariant.then) {
      const failed = failedTest(condition, subject);
      if (failed === undefined) continue;
      const involved = [...(invariant.if ? namesOf(invariant.if) : []), ...namesOf(condition)].filter(
        (name, i, all) => all.indexOf(name) === i,
      );
      const because = invariant.if ? `${statement(invariant.if, subject)}, so ` : '';
      issues.push({
        path: `/${pointerToken(condition.attribute)}`,
        reason: 'INVARIANT_VIOLATED',
        message: `${because}${condition.attribute} ${requirement(condition, failed, subject)}, got ${shown(condition, subject)}`,
        attributes: involved,
      });
    }
  }
  return issues;
}

function valueOf(name: string, subject: InvariantSubject): AttributeValue | undefined {
  if (name === 'validFrom') return subject.validFrom;
  if (name === 'validUntil') return subject.validUntil;
  return hasOwn(subject.attributes, name) ? subject.attributes[name] : undefined;
}

/** The first test of `condition` that `subject` fails, or undefined when all hold. */
function failedTest(condition: InvariantCondition, subject: InvariantSubject): (typeof TESTS)[number] | undefined {
  const value = valueOf(condition.attribute, subject);
  if (condition.in !== undefined && !condition.in.includes(value as AttributeValue)) return 'in';
  if (condition.min !== undefined && !(typeof value === 'number' && value >= condition.min)) return 'min';
  if (condition.max !== undefined && !(typeof value === 'number' && value <= condition.max)) return 'max';
  if (condition.notAfter !== undefined) {
    const other = valueOf(condition.notAfter, subject);
    if (!(typeof value === 'number' && typeof other === 'number' && value <= other)) return 'notAfter';
  }
  if (condition.notBefore !== undefined) {
    const other = valueOf(condition.notBefore, subject);
    if (!(typeof value === 'number' && typeof other === 'number' && value >= other)) return 'notBefore';
  }
  return undefined;
}

function namesOf(condition: InvariantCondition): string[] {
  return [
    condition.attribute,
    ...(condition.notAfter !== undefined ? [condition.notAfter] : []),
    ...(condition.notBefore !== undefined ? [condition.notBefore] : []),
  ];
}

function literal(value: AttributeValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** The value the message shows: dates compared with dates as YYYY-MM-DD. */
function shown(condition: InvariantCondition, subject: InvariantSubject): string {
  const value = valueOf(condition.attribute, subject);
  if (value === undefined) return 'nothing';
  return isDateCondition(condition) ? dateText(value) : literal(value);
}

function isDateCondition(condition: InvariantCondition): boolean {
  return (
    condition.notAfter !== undefined ||
    condition.notBefore !== undefined ||
    (VALIDITY_DAYS as readonly string[]).includes(condition.attribute)
  );
}

function dateText(value: AttributeValue): string {
  return typeof value === 'number' && isDayNumber(value) ? isoDateFromDay(value) : literal(value);
}

/** "band is "under-18"": what made the `if` part hold. */
function statement(condition: InvariantCondition, subject: InvariantSubject): string {
  const value = valueOf(condition.attribute, subject);
  if (value === undefined) return `${condition.attribute} is missing`;
  return `${condition.attribute} is ${isDateCondition(condition) ? dateText(value) : literal(value)}`;
}

function requirement(condition: InvariantCondition, failed: (typeof TESTS)[number], subject: InvariantSubject): string {
  switch (failed) {
    case 'in':
      return condition.in!.length === 1
        ? `must be ${literal(condition.in![0]!)}`
        : `must be one of: ${condition.in!.map(literal).join(', ')}`;
    case 'min':
    case 'max':
      if (condition.min !== undefined && condition.max !== undefined) {
        return `must be in ${condition.min}..${condition.max}`;
      }
      return failed === 'min' ? `must be at least ${condition.min!}` : `must be at most ${condition.max!}`;
    case 'notAfter':
    case 'notBefore': {
      const other = condition[failed]!;
      const otherValue = valueOf(other, subject);
      const when = otherValue === undefined ? '' : ` (${dateText(otherValue)})`;
      return `must not be ${failed === 'notAfter' ? 'after' : 'before'} ${other}${when}`;
    }
  }
}
