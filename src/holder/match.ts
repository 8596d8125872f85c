/**
 * Which stored credentials satisfy which group of a presentation request, and exactly what each
 * would disclose: the data behind a wallet's consent screen. Pure: the caller passes `today`.
 */
import {
  attributesToDisclose,
  checkClauseAgainstSchema,
  describeProven,
  evaluateClause,
  parseSchemaRefOrUndefined,
  predicateConstraints,
  resolveConstraint,
  satisfies,
  type AttributeValue,
  type ProvenConstraint,
  type Clause,
  type PresentationRequest,
  type SchemaRegistry,
} from '../credential/index.js';
import type { StoredCredential } from './stores.js';

/** Why no stored credential satisfies a clause; the list is ordered closest-first. */
export const MATCH_REASONS = [
  /** A credential of the right schema and issuer, valid today, but a constraint is false. */
  'CONSTRAINT_FALSE',
  /** validUntil is before today. */
  'EXPIRED',
  /** validFrom is after today. */
  'NOT_YET_VALID',
  /** Right schema, but the issuer (or its key) is not one the clause accepts. */
  'UNTRUSTED_ISSUER',
  /** The wallet has the schema, but another version of it (or a schema it cannot read). */
  'WRONG_SCHEMA',
  /** No credential of the schema at all. */
  'NO_CREDENTIAL',
] as const;
export type MatchReason = (typeof MATCH_REASONS)[number];

export interface MatchCandidate {
  readonly credentialId: string;
  readonly clauseIndex: number;
  /** Always disclosed too: the schema, the issuer and its key id. */
  readonly schemaRef: string;
  readonly issuerId: string;
  readonly keyId: string;
  readonly suite: string;
  /** Exactly the values the venue will see, by name (attributes, validFrom/validUntil). */
  readonly disclosed: Readonly<Record<string, AttributeValue>>;
  /**
   * What the venue learns without seeing a value: the constraints proven over hidden attributes,
   * resolved for today, in clause order (the presentation states them, `proven`).
   */
  readonly proven: readonly ProvenConstraint[];
  /** The consent screen's lines: "proves doseCount >= 2", "shows testResult". */
  readonly consent: readonly string[];
}

export interface MatchRejection {
  readonly credentialId: string;
  readonly clauseIndex: number;
  readonly reason: MatchReason;
  readonly message: string;
}

export interface GroupMatch {
  readonly groupIndex: number;
  /** Best first: the credential valid the longest, then the most recently accepted. */
  readonly candidates: readonly MatchCandidate[];
  /** Credentials of a requested schema (id) that do not satisfy the group, and why. */
  readonly rejected: readonly MatchRejection[];
  /** When there is no candidate: the closest reason (see MATCH_REASONS). */
  readonly reason?: MatchReason;
  readonly message?: string;
}

export interface MatchResult {
  readonly requestId: string;
  readonly verifierId: string;
  /** Self-asserted by the venue: show `verifierId` too. */
  readonly verifierName: string;
  /** Every group has a candidate. */
  readonly satisfiable: boolean;
  /** The request's expiresAt is past (only known when the wallet has a clock). */
  readonly expired: boolean;
  /**
   * The venue asks to recognize this wallet again within `scope` (and `period`): all
   * presentations with the same scope and period carry the same pseudonym. Absent: every
   * presentation gets a fresh one-time pseudonym, unlinkable across visits.
   */
  readonly pseudonym?: { readonly scope: string; readonly period?: string };
  readonly groups: readonly GroupMatch[];
}

export interface MatchOptions {
  /** Day number (days since 1970-01-01 UTC) from the wallet's clock. */
  readonly today: number;
  /** Unix seconds, to flag an expired request. */
  readonly nowSeconds?: number;
}

/** Values of `names` from a credential (validFrom/validUntil from its fields). */
export function valuesOf(record: StoredCredential, names: readonly string[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  const { credential } = record;
  for (const name of names) {
    if (name === 'validFrom' || name === 'validUntil') out[name] = credential[name];
    else if (Object.prototype.hasOwnProperty.call(credential.attributes, name))
      out[name] = credential.attributes[name]!;
  }
  return out;
}

function rankOf(reason: MatchReason): number {
  return MATCH_REASONS.indexOf(reason);
}

/** One credential against one clause: a candidate, a rejection, or nothing (unrelated schema). */
export function evaluateCredential(
  record: StoredCredential,
  clause: Clause,
  clauseIndex: number,
  schemas: SchemaRegistry,
  today: number,
): { candidate: MatchCandidate } | { rejection: MatchRejection } | undefined {
  const { credential } = record;
  const reject = (reason: MatchReason, message: string) => ({
    rejection: { credentialId: record.id, clauseIndex, reason, message },
  });
  if (credential.schemaRef !== clause.schemaRef) {
    const have = parseSchemaRefOrUndefined(credential.schemaRef);
    const want = parseSchemaRefOrUndefined(clause.schemaRef);
    if (have && want && have.id === want.id) {
      return reject('WRONG_SCHEMA', `the venue asks for ${clause.schemaRef}, this is ${credential.schemaRef}`);
    }
    return undefined;
  }
  const schema = schemas.resolve(credential.schemaRef);
  if (!schema) return reject('WRONG_SCHEMA', `the wallet does not know the schema ${credential.schemaRef}`);
  const issuer = clause.issuers.find((candidate) => candidate.issuerId === credential.issuerId);
  if (!issuer) return reject('UNTRUSTED_ISSUER', `the venue does not accept credentials of ${credential.issuerId}`);
  if (issuer.keyIds && !issuer.keyIds.includes(credential.keyId)) {
    return reject(
      'UNTRUSTED_ISSUER',
      `the venue does not accept the key ${credential.keyId} of ${credential.issuerId}`,
    );
  }
  if (credential.validFrom > today) return reject('NOT_YET_VALID', `valid from day ${credential.validFrom}`);
  if (credential.validUntil < today) return reject('EXPIRED', `expired after day ${credential.validUntil}`);
  const clauseIssues = checkClauseAgainstSchema(clause, schema);
  if (clauseIssues.length > 0) {
    return reject('CONSTRAINT_FALSE', `the request does not fit ${clause.schemaRef}: ${clauseIssues[0]!.message}`);
  }
  const names = attributesToDisclose(clause);
  const disclosed = valuesOf(record, names);
  const evaluation = evaluateClause(clause, disclosed, { today });
  if (!evaluation.satisfied) {
    const failure = evaluation.failures[0]!;
    return reject('CONSTRAINT_FALSE', failure.message);
  }
  // Constraints on hidden attributes: the wallet checks them on its own values before proving,
  // so it never builds a proof that must fail (nor reveals by trying that it holds such a value).
  const proven: ProvenConstraint[] = [];
  for (const constraint of predicateConstraints(clause)) {
    const resolved = resolveConstraint(constraint, schema, today);
    if (!resolved) {
      return reject('CONSTRAINT_FALSE', `${constraint.attribute} ${constraint.op} cannot be proven without showing it`);
    }
    const value = valuesOf(record, [constraint.attribute])[constraint.attribute];
    if (!satisfies(resolved, value)) {
      return reject(
        'CONSTRAINT_FALSE',
        `${constraint.attribute} ${constraint.op} ${JSON.stringify(constraint.value)} is not satisfied`,
      );
    }
    proven.push(resolved);
  }
  const isDate = (name: string) =>
    name === 'validFrom' ||
    name === 'validUntil' ||
    schema.attributes.some((a) => a.name === name && a.type === 'date');
  const consent = [
    ...names.map((name) => `shows ${name}`),
    ...proven.map((p) => `proves ${describeProven(p, isDate(p.attribute))}`),
  ];
  return {
    candidate: {
      credentialId: record.id,
      clauseIndex,
      schemaRef: credential.schemaRef,
      issuerId: credential.issuerId,
      keyId: credential.keyId,
      suite: credential.suite,
      disclosed,
      proven,
      consent,
    },
  };
}

/** Matches every group of `request` against `records`. */
export function matchRequest(
  request: PresentationRequest,
  records: readonly StoredCredential[],
  schemas: SchemaRegistry,
  options: MatchOptions,
): MatchResult {
  const byId = new Map(records.map((record) => [record.id, record]));
  const groups = request.groups.map((group, groupIndex): GroupMatch => {
    const candidates: MatchCandidate[] = [];
    const rejected: MatchRejection[] = [];
    group.anyOf.forEach((clause, clauseIndex) => {
      for (const record of records) {
        const result = evaluateCredential(record, clause, clauseIndex, schemas, options.today);
        if (!result) continue;
        if ('candidate' in result) candidates.push(result.candidate);
        else rejected.push(result.rejection);
      }
    });
    candidates.sort((a, b) => {
      const x = byId.get(a.credentialId)!;
      const y = byId.get(b.credentialId)!;
      return (
        y.credential.validUntil - x.credential.validUntil ||
        y.acceptedAt - x.acceptedAt ||
        a.clauseIndex - b.clauseIndex
      );
    });
    if (candidates.length > 0) return { groupIndex, candidates, rejected };
    const closest = [...rejected].sort((a, b) => rankOf(a.reason) - rankOf(b.reason))[0];
    const wanted = group.anyOf.map((clause) => clause.schemaRef).join(' or ');
    return {
      groupIndex,
      candidates,
      rejected,
      reason: closest?.reason ?? 'NO_CREDENTIAL',
      message: closest?.message ?? `the wallet holds no ${wanted} credential`,
    };
  });
  return {
    requestId: request.requestId,
    verifierId: request.verifierId,
    verifierName: request.verifierName,
    satisfiable: groups.every((group) => group.candidates.length > 0),
    expired: options.nowSeconds !== undefined && request.expiresAt < options.nowSeconds,
    ...(request.pseudonym ? { pseudonym: { ...request.pseudonym } } : {}),
    groups,
  };
}
