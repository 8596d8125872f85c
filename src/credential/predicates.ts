/**
 * From a clause's constraints to predicates over hidden messages (docs/predicates.md).
 *
 * A constraint on an attribute the clause does not `disclose` is proven in zero knowledge
 * instead of being checked on a disclosed value: `gte`/`lte` on integers and dates become range
 * predicates, `in`/`eq` set membership (eq is `in` with one element), `neq` inequality. The
 * holder resolves date expressions (`today-14`) with its own day and states the resolved
 * literal in the presentation (`proven`); the verifier accepts a proven statement that implies
 * the requested one (a later lower bound, an earlier upper bound), so a wallet whose clock is a
 * day ahead still passes and one a day behind cannot weaken the statement.
 */
import type { Predicate, RangeBits } from '../bbs/index.js';
import { resolveDay, type ClauseLike, type Constraint, type ConstraintScalar } from './constraints.js';
import { literalScalar, messageIndexOf, type EncodingContext } from './encoding.js';
import { CredentialEncodingError } from './errors.js';
import type { CredentialSchema } from './schema.js';

/** A constraint as proven: the attribute, the op, and the literal resolved to a value. */
export interface ProvenConstraint {
  readonly attribute: string;
  readonly op: 'gte' | 'lte' | 'in' | 'neq';
  /** gte/lte: an integer (day number for dates); in: the list; neq: the literal. */
  readonly value: ConstraintScalar | ConstraintScalar[];
}

/** Constraints of `clause` that are proven as predicates: those on attributes it does not disclose. */
export function predicateConstraints(clause: Pick<ClauseLike, 'disclose' | 'constraints'>): Constraint[] {
  return clause.constraints.filter((c) => !clause.disclose.includes(c.attribute));
}

function typeOf(schema: CredentialSchema, name: string): string | undefined {
  if (name === 'validFrom' || name === 'validUntil') return 'date';
  return schema.attributes.find((a) => a.name === name)?.type;
}

/**
 * The holder's (and the verifier's) resolution of one predicate constraint for `today`, or
 * undefined when it is not a provable predicate (fail closed: the caller rejects the clause).
 */
export function resolveConstraint(
  constraint: Constraint,
  schema: CredentialSchema,
  today: number,
): ProvenConstraint | undefined {
  const type = typeOf(schema, constraint.attribute);
  if (!type) return undefined;
  const { attribute, op, value } = constraint;
  if (op === 'gte' || op === 'lte') {
    if (type !== 'integer' && type !== 'date') return undefined;
    const bound = type === 'date' ? resolveDay(value, today) : value;
    if (typeof bound !== 'number' || !Number.isSafeInteger(bound) || bound < 0) return undefined;
    return { attribute, op, value: bound };
  }
  const resolve = (literal: unknown): ConstraintScalar | undefined => {
    if (type === 'date') return resolveDay(literal, today);
    return typeof literal === 'string' || typeof literal === 'number' || typeof literal === 'boolean'
      ? literal
      : undefined;
  };
  if (op === 'in' || op === 'eq') {
    const list = op === 'in' ? (Array.isArray(value) ? value : undefined) : [value];
    if (!list || list.length === 0) return undefined;
    const resolved = list.map(resolve);
    if (resolved.some((v) => v === undefined)) return undefined;
    return { attribute, op: 'in', value: resolved as ConstraintScalar[] };
  }
  if (op === 'neq') {
    const literal = resolve(value);
    return literal === undefined ? undefined : { attribute, op, value: literal };
  }
  return undefined;
}

/** Range bit length: 16 for dates (179 years above a bound), else the schema range's bit length. */
export function rangeBitsOf(schema: CredentialSchema, attribute: string): RangeBits {
  const definition = schema.attributes.find((a) => a.name === attribute);
  if (!definition || definition.type !== 'integer') return 16;
  const span = BigInt(definition.max - definition.min);
  for (const bits of [8, 16, 32, 64] as const) if (span < 1n << BigInt(bits)) return bits;
  return 64;
}

/** Whether the proven statement implies the requested one (resolved the verifier's way). */
export function implies(proven: ProvenConstraint, requested: ProvenConstraint): boolean {
  if (proven.attribute !== requested.attribute || proven.op !== requested.op) return false;
  if (proven.op === 'gte') return (proven.value as number) >= (requested.value as number);
  if (proven.op === 'lte') return (proven.value as number) <= (requested.value as number);
  if (proven.op === 'in') {
    const asked = requested.value as readonly ConstraintScalar[];
    const list = proven.value as readonly ConstraintScalar[];
    return Array.isArray(list) && list.length > 0 && list.every((v) => asked.includes(v));
  }
  return proven.value === requested.value;
}

/** Whether a holder's value satisfies a resolved constraint (strict types). */
export function satisfies(proven: ProvenConstraint, value: unknown): boolean {
  if (proven.op === 'gte') return typeof value === 'number' && value >= (proven.value as number);
  if (proven.op === 'lte') return typeof value === 'number' && value <= (proven.value as number);
  if (proven.op === 'in') return (proven.value as readonly unknown[]).includes(value);
  return value !== proven.value && typeof value === typeof proven.value;
}

/** The BBS-level predicates for proven constraints, in order. Throws for unknown names or bad literals. */
export function bbsPredicates(
  schema: CredentialSchema,
  proven: readonly ProvenConstraint[],
  ctx: EncodingContext,
): Predicate[] {
  return proven.map((p): Predicate => {
    const index = messageIndexOf(schema, p.attribute);
    if (p.op === 'gte' || p.op === 'lte') {
      if (typeof p.value !== 'number' || !Number.isSafeInteger(p.value) || p.value < 0) {
        throw new CredentialEncodingError('INVALID_ATTRIBUTES', [
          { path: `/proven`, reason: 'INVALID_CONSTRAINT', message: `${p.attribute}: a bound must be an integer >= 0` },
        ]);
      }
      const bound = BigInt(p.value);
      const bits = rangeBitsOf(schema, p.attribute);
      return p.op === 'gte'
        ? { kind: 'range', index, lower: bound, bits }
        : { kind: 'range', index, upper: bound, bits };
    }
    if (p.op === 'in') {
      const list = Array.isArray(p.value) ? p.value : [];
      return { kind: 'in', index, set: list.map((v) => literalScalar(schema, p.attribute, v, ctx)) };
    }
    return { kind: 'neq', index, value: literalScalar(schema, p.attribute, p.value, ctx) };
  });
}

/** "doseCount >= 2", "validUntil >= 2026-11-30" (the consent screen and the verifier's summary). */
export function describeProven(p: ProvenConstraint, isDate: boolean): string {
  const text = (v: unknown) => (isDate && typeof v === 'number' ? isoDay(v) : JSON.stringify(v));
  if (p.op === 'gte') return `${p.attribute} >= ${text(p.value)}`;
  if (p.op === 'lte') return `${p.attribute} <= ${text(p.value)}`;
  if (p.op === 'in') {
    const set = p.value as readonly unknown[];
    // `eq` is proven as a one-element set: say it the way it was asked.
    return set.length === 1 ? `${p.attribute} = ${text(set[0])}` : `${p.attribute} in {${set.map(text).join(', ')}}`;
  }
  return `${p.attribute} != ${text(p.value)}`;
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
