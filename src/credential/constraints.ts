/**
 * Constraints of a presentation request.
 *
 * A clause discloses exactly the attributes it lists in `disclose`. A constraint on a disclosed
 * attribute is checked on the disclosed value (here); a constraint on any other attribute is
 * proven in zero knowledge as a predicate over the hidden value (predicates.ts,
 * docs/predicates.md), so "validUntil >= today" never shows the day. Evaluation is pure: "today"
 * is a day number the caller passes in, never read from a clock here. Evaluation fails closed:
 * a malformed constraint, a type mismatch or an unresolvable date gives `false`, for `neq` too.
 */
import { hasOwn, pointerToken } from './bytes.js';
import { dayFromIsoDateOrUndefined, isDayNumber } from './dates.js';
import type { Issue } from './errors.js';
import { FIXED_MESSAGE_NAMES, formatSchemaRef, type AttributeType, type CredentialSchema } from './schema.js';

export type ConstraintOp = 'eq' | 'neq' | 'gte' | 'lte' | 'in';
export const CONSTRAINT_OPS: readonly ConstraintOp[] = ['eq', 'neq', 'gte', 'lte', 'in'];
export type ConstraintScalar = string | number | boolean;

export interface Constraint {
  /** An attribute name, `validFrom` or `validUntil`. */
  readonly attribute: string;
  readonly op: ConstraintOp;
  /**
   * `in`: a non-empty list of literals. Otherwise one literal; for a date (a number disclosed
   * value) the literal may also be a date expression: `today`, `today-N`, `today+N` (N days)
   * or an ISO date `YYYY-MM-DD`.
   */
  readonly value: ConstraintScalar | readonly ConstraintScalar[];
}

export interface ClauseLike {
  readonly schemaRef: string;
  readonly disclose: readonly string[];
  readonly constraints: readonly Constraint[];
}

/** `today`, `today-2`, `today+30`. */
export const RELATIVE_DAY_PATTERN = '^today(?:[+-][0-9]{1,5})?$';
const RELATIVE_DAY_RE = new RegExp(RELATIVE_DAY_PATTERN);

export interface EvaluationOptions {
  /** The verifier's current day number (see dates.ts), from an injected clock. */
  readonly today: number;
}

/**
 * A date expression (`today`, `today±N`, `YYYY-MM-DD`) or day number to a day number;
 * `undefined` if it is none of these.
 */
export function resolveDay(expression: unknown, today: number): number | undefined {
  if (typeof expression === 'number') return isDayNumber(expression) ? expression : undefined;
  if (typeof expression !== 'string') return undefined;
  if (RELATIVE_DAY_RE.test(expression)) {
    return expression.length === 5 ? today : today + Number(expression.slice(5));
  }
  return dayFromIsoDateOrUndefined(expression);
}

/** True for strings `resolveDay` accepts: `today`, `today±N` or `YYYY-MM-DD`. */
export function isDateExpression(value: unknown): value is string {
  return typeof value === 'string' && resolveDay(value, 0) !== undefined;
}

/**
 * Whether a disclosed `value` satisfies `constraint`. Strict types: a string never equals a
 * number. When the disclosed value is a number (integer or day number) a string literal is read
 * as a date expression relative to `today`.
 */
export function evaluateConstraint(constraint: Constraint, value: unknown, options: EvaluationOptions): boolean {
  const today = options?.today;
  if (!isDayNumber(today)) throw new RangeError(`today must be a day number, got ${String(today)}`);
  if (!isScalar(value)) return false;
  const target = constraint.value;
  switch (constraint.op) {
    case 'in':
      return Array.isArray(target) && target.length > 0 && target.some((item) => isScalar(item) && item === value);
    case 'eq':
    case 'neq': {
      const literal = comparable(target, value, today);
      if (literal === undefined) return false;
      return constraint.op === 'eq' ? literal === value : literal !== value;
    }
    case 'gte':
    case 'lte': {
      if (typeof value !== 'number') return false;
      const literal = comparable(target, value, today);
      if (typeof literal !== 'number') return false;
      return constraint.op === 'gte' ? value >= literal : value <= literal;
    }
    default:
      return false;
  }
}

/** The literal to compare with `value`, of the same JS type, or undefined (fail closed). */
function comparable(target: Constraint['value'], value: ConstraintScalar, today: number): ConstraintScalar | undefined {
  if (Array.isArray(target) || !isScalar(target)) return undefined;
  if (typeof value === 'number' && typeof target === 'string') return resolveDay(target, today);
  if (typeof target === 'number' && !Number.isSafeInteger(target)) return undefined;
  return typeof target === typeof value ? target : undefined;
}

function isScalar(value: unknown): value is ConstraintScalar {
  return (
    typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Every attribute a clause makes the holder disclose: exactly its `disclose` list (order of first
 * appearance, no duplicates). Constrained attributes outside it stay hidden and are proven as
 * predicates.
 */
export function attributesToDisclose(clause: Pick<ClauseLike, 'disclose' | 'constraints'>): string[] {
  const names: string[] = [];
  for (const name of clause.disclose) if (!names.includes(name)) names.push(name);
  return names;
}

export interface ClauseEvaluation {
  readonly satisfied: boolean;
  readonly failures: readonly {
    /** `/constraints/<i>` for a constraint, `/disclosed/<name>` for a disclosure problem. */
    readonly path: string;
    /** The attribute concerned. */
    readonly attribute: string;
    readonly reason: 'NOT_DISCLOSED' | 'NOT_REQUESTED' | 'NOT_SATISFIED';
    readonly message: string;
  }[];
}

/**
 * Checks disclosed values against a clause: exactly `attributesToDisclose(clause)` disclosed
 * (nothing missing, nothing extra: a verifier learns only what it asked for) and every
 * constraint on a disclosed attribute satisfied (the others are predicates, proven separately).
 */
export function evaluateClause(
  clause: Pick<ClauseLike, 'disclose' | 'constraints'>,
  disclosed: Readonly<Record<string, unknown>>,
  options: EvaluationOptions,
): ClauseEvaluation {
  const failures: ClauseEvaluation['failures'][number][] = [];
  const wanted = attributesToDisclose(clause);
  for (const name of wanted) {
    if (!hasOwn(disclosed, name)) {
      failures.push({
        path: `/disclosed/${pointerToken(name)}`,
        attribute: name,
        reason: 'NOT_DISCLOSED',
        message: `${name} was not disclosed`,
      });
    }
  }
  for (const name of Object.keys(disclosed)) {
    if (!wanted.includes(name)) {
      failures.push({
        path: `/disclosed/${pointerToken(name)}`,
        attribute: name,
        reason: 'NOT_REQUESTED',
        message: `${name} was not requested`,
      });
    }
  }
  clause.constraints.forEach((constraint, i) => {
    if (!hasOwn(disclosed, constraint.attribute)) return;
    if (!evaluateConstraint(constraint, disclosed[constraint.attribute], options)) {
      failures.push({
        path: `/constraints/${i}`,
        attribute: constraint.attribute,
        reason: 'NOT_SATISFIED',
        message: `${constraint.attribute} ${constraint.op} ${JSON.stringify(constraint.value)} is not satisfied`,
      });
    }
  });
  return { satisfied: failures.length === 0, failures };
}

/**
 * Checks a clause against the schema it names: disclosable names exist, and each constraint's
 * op and value fit the attribute's type (enum values are members, no `gte` on strings, date
 * expressions only on dates). Paths are relative to the clause.
 */
export function checkClauseAgainstSchema(clause: ClauseLike, schema: CredentialSchema): Issue[] {
  const issues: Issue[] = [];
  const ref = formatSchemaRef(schema);
  if (clause.schemaRef !== ref) {
    issues.push({
      path: '/schemaRef',
      reason: 'SCHEMA_MISMATCH',
      message: `clause names ${clause.schemaRef}, not ${ref}`,
    });
  }
  const typeOf = (name: string): AttributeType | undefined => {
    if (name === 'validFrom' || name === 'validUntil') return 'date';
    return schema.attributes.find((a) => a.name === name)?.type;
  };
  clause.disclose.forEach((name, i) => {
    if (!typeOf(name)) issues.push(unknownName(`/disclose/${i}`, name, ref));
  });
  clause.constraints.forEach((constraint, i) => {
    const path = `/constraints/${i}`;
    const attribute =
      constraint.attribute === 'validFrom' || constraint.attribute === 'validUntil'
        ? ({ name: constraint.attribute, type: 'date' } as const)
        : schema.attributes.find((a) => a.name === constraint.attribute);
    if (!attribute) {
      issues.push(unknownName(`${path}/attribute`, constraint.attribute, ref));
      return;
    }
    const literals =
      constraint.op === 'in' ? (Array.isArray(constraint.value) ? constraint.value : []) : [constraint.value];
    if (constraint.op === 'in' && !Array.isArray(constraint.value)) {
      issues.push({ path: `${path}/value`, reason: 'INVALID_CONSTRAINT', message: '"in" takes a list of values' });
      return;
    }
    if (
      (constraint.op === 'gte' || constraint.op === 'lte') &&
      attribute.type !== 'integer' &&
      attribute.type !== 'date'
    ) {
      issues.push({
        path: `${path}/op`,
        reason: 'INVALID_CONSTRAINT',
        message: `${constraint.op} needs an integer or date attribute; ${attribute.name} is ${attribute.type}`,
      });
      return;
    }
    if (
      !clause.disclose.includes(constraint.attribute) &&
      (attribute.type === 'integer' || attribute.type === 'date') &&
      constraint.op !== 'gte' &&
      constraint.op !== 'lte'
    ) {
      // An exact value, a short list or an exclusion of a hidden count or day is (nearly) the value.
      issues.push({
        path: `${path}/op`,
        reason: 'INVALID_CONSTRAINT',
        message: `${attribute.name} is a hidden ${attribute.type}: only gte or lte can be proven about it (disclose it to compare it exactly)`,
      });
      return;
    }
    literals.forEach((literal, j) => {
      const at = constraint.op === 'in' ? `${path}/value/${j}` : `${path}/value`;
      const problem = literalProblem(attribute, literal, constraint.op === 'in');
      if (problem) issues.push({ path: at, reason: 'INVALID_CONSTRAINT', message: `${attribute.name}: ${problem}` });
    });
  });
  return issues;
}

function literalProblem(
  attribute: CredentialSchema['attributes'][number] | { readonly name: string; readonly type: 'date' },
  literal: unknown,
  inList: boolean,
): string | undefined {
  switch (attribute.type) {
    case 'enum':
      if (typeof literal !== 'string') return 'expected an enum value (string)';
      return attribute.values.includes(literal)
        ? undefined
        : `${JSON.stringify(literal)} is not one of ${attribute.values.join(', ')}`;
    case 'string':
      return typeof literal === 'string' ? undefined : 'expected a string';
    case 'boolean':
      return typeof literal === 'boolean' ? undefined : 'expected true or false';
    case 'integer':
      return typeof literal === 'number' && Number.isSafeInteger(literal) ? undefined : 'expected an integer';
    case 'date':
      if (isDayNumber(literal)) return undefined;
      if (!inList && isDateExpression(literal)) return undefined;
      return inList
        ? 'expected day numbers'
        : 'expected a day number, "today", "today-N", "today+N" or an ISO date YYYY-MM-DD';
  }
}

function unknownName(path: string, name: string, ref: string): Issue {
  const fixed = (FIXED_MESSAGE_NAMES as readonly string[]).includes(name);
  return {
    path,
    reason: fixed ? 'NOT_DISCLOSABLE' : 'UNKNOWN_ATTRIBUTE',
    message: fixed
      ? `${name} is always known to the verifier and cannot be requested`
      : `${ref} has no attribute ${JSON.stringify(name)}`,
  };
}
