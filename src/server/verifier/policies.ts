/**
 * Venue policies: named presentation templates. A policy is what a venue asks every guest to prove:
 * groups that must all be satisfied, each by one of its alternative clauses (privid/credential's
 * clause: schema, accepted issuers, what to disclose, constraints), and optionally a venue-scoped
 * pseudonym with a period granularity (`day`, `week` or `none`). With `day` or `week`, a second
 * accepted presentation with the same pseudonym in the same period is rejected (one entry per
 * person per day or week); with `none` the pseudonym is only handed to the venue.
 *
 * A policy's definition never changes once created (outstanding requests are rebuilt from it when
 * their answer arrives); to change what a venue asks, create a policy under a new name.
 */
import {
  builtinSchemaRegistry,
  checkClauseAgainstSchema,
  FORMAT_TYPES,
  FORMAT_VERSION,
  isCredentialError,
  parsePresentationRequest,
  type Clause,
  type CredentialSchema,
  type PresentationRequest,
} from '../../credential/index.js';
import { recordAudit, type Actor } from '../audit.js';
import { Prisma, type Policy, type PrismaClient } from '../db/generated/client.js';
import { ApiError } from '../errors.js';
import type { Static } from 'typebox';
import type { PolicyDefinitionSchema } from './api-schemas.js';
import { PERIOD_TIME_ZONE, periodOf } from './periods.js';
import { validityConstraints } from '../../verifier/index.js';
import type { TrustStore } from './trust.js';

/** A policy's definition, as PolicyDefinitionSchema describes it. */
export type PolicyDefinition = Static<typeof PolicyDefinitionSchema>;

export interface PolicyView {
  id: string;
  venueId: string;
  name: string;
  createdAt: string;
  definition: PolicyDefinition;
}

export function policyView(policy: Policy): PolicyView {
  return {
    id: policy.id,
    venueId: policy.venueId,
    name: policy.name,
    createdAt: policy.createdAt.toISOString(),
    definition: policy.definition as unknown as PolicyDefinition,
  };
}

/** Schemas a policy may name: privid's built-ins and those the trusted issuers publish. */
export function schemaLookup(trust: TrustStore): (ref: string) => CredentialSchema | undefined {
  const registry = builtinSchemaRegistry();
  const extra = new Map<string, CredentialSchema>();
  for (const entry of trust.entries) {
    for (const schema of entry.snapshot.schemas) extra.set(`${schema.id}@${schema.version}`, schema);
  }
  return (ref) => registry.resolve(ref) ?? extra.get(ref);
}

const PLACEHOLDER_NONCE = 'A'.repeat(43);

/**
 * Checks a definition (the body already matched PolicyDefinitionSchema): the format rules of
 * privid/credential's requests, and every clause against its schema. Returns warnings for what is
 * allowed but probably wrong (issuers not on the trust list yet).
 */
export function checkPolicyDefinition(definition: PolicyDefinition, trust: TrustStore): string[] {
  const errors: { path: string; message: string }[] = [];
  try {
    parsePresentationRequest(
      requestJson(definition, {
        requestId: 'policy-check',
        nonce: PLACEHOLDER_NONCE,
        verifierId: 'policy-check',
        verifierName: 'policy check',
        expiresAt: 0,
        period: definition.pseudonym?.period === 'none' ? undefined : '2026-01-01',
      }),
    );
  } catch (error) {
    if (!isCredentialError(error)) throw error;
    errors.push({ path: `body/definition${error.path}`, message: error.message });
  }
  const lookup = schemaLookup(trust);
  const warnings: string[] = [];
  if (definition.validity === 'unchecked') {
    warnings.push(
      'body/definition/validity: unchecked: credentials are accepted whatever their validity days, expired ones included',
    );
  }
  definition.groups.forEach((group, g) =>
    group.anyOf.forEach((clause, c) => {
      const at = `body/definition/groups/${g}/anyOf/${c}`;
      const schema = lookup(clause.schemaRef);
      if (!schema) {
        errors.push({ path: `${at}/schemaRef`, message: `unknown schema ${clause.schemaRef}` });
        return;
      }
      for (const issue of checkClauseAgainstSchema(clause, schema)) {
        errors.push({ path: `${at}${issue.path}`, message: issue.message });
      }
      for (const issuer of clause.issuers) {
        if (!trust.issuer(issuer.issuerId)) {
          warnings.push(`${at}: ${issuer.issuerId} is not on the trust list (yet): its credentials are rejected`);
        }
      }
    }),
  );
  if (errors.length > 0) {
    throw new ApiError('VALIDATION_FAILED', errors[0]!.message, { errors });
  }
  return warnings;
}

export async function createPolicy(
  prisma: PrismaClient,
  actor: Actor,
  venueId: string,
  name: string,
  definition: PolicyDefinition,
): Promise<Policy> {
  try {
    return await prisma.$transaction(async (tx) => {
      const venue = await tx.venue.findUnique({ where: { id: venueId } });
      if (!venue) throw new ApiError('NOT_FOUND', 'no such venue');
      if (venue.disabledAt !== null) throw new ApiError('CONFLICT', 'the venue is disabled');
      const policy = await tx.policy.create({
        data: { venueId, name, definition: JSON.parse(JSON.stringify(definition)) as Prisma.InputJsonObject },
      });
      await recordAudit(tx, actor, 'policy.created', policy.id);
      return policy;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new ApiError('CONFLICT', 'the venue already has a policy with this name (policies are immutable)');
    }
    throw error;
  }
}

export interface RequestFields {
  readonly requestId: string;
  readonly nonce: string;
  readonly verifierId: string;
  readonly verifierName: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  /** The pseudonym period string, when the policy's granularity has one. */
  readonly period: string | undefined;
}

/** The presentation request a policy makes, as privid/credential's JSON format. */
export function requestJson(definition: PolicyDefinition, fields: RequestFields): PresentationRequest {
  return {
    type: FORMAT_TYPES.presentationRequest,
    v: FORMAT_VERSION,
    requestId: fields.requestId,
    nonce: fields.nonce,
    verifierId: fields.verifierId,
    verifierName: fields.verifierName,
    expiresAt: fields.expiresAt,
    groups: definition.groups.map((group) => ({
      anyOf: group.anyOf.map((clause) => withValidity(definition, JSON.parse(JSON.stringify(clause)) as Clause)),
    })),
    ...(definition.pseudonym
      ? {
          pseudonym: {
            scope: definition.pseudonym.scope,
            ...(fields.period !== undefined ? { period: fields.period, timeZone: PERIOD_TIME_ZONE } : {}),
          },
        }
      : {}),
  };
}

/**
 * Validity fails closed: unless the policy says `validity: 'unchecked'`, every clause proves the
 * credential valid on the verifier's day, through the ordinary constraints (`validUntil gte today`,
 * `validFrom lte today`) added when the clause does not already bound the date that way.
 */
export function withValidity(definition: PolicyDefinition, clause: Clause): Clause {
  if (definition.validity === 'unchecked') return clause;
  const constraints = [...clause.constraints];
  for (const wanted of validityConstraints()) {
    const has = constraints.some(
      (c) => c.attribute === wanted.attribute && c.op === wanted.op && c.value === wanted.value,
    );
    if (!has) constraints.push({ ...wanted } as Clause['constraints'][number]);
  }
  return { ...clause, constraints };
}

/** The pseudonym period of a request created at `createdAt` under this policy. */
export function requestPeriod(definition: PolicyDefinition, createdAt: Date) {
  return definition.pseudonym ? periodOf(definition.pseudonym.period, createdAt) : undefined;
}

/** Display names in requests: at most 64 code points. */
export function verifierNameOf(venueName: string): string {
  return [...venueName].slice(0, 64).join('');
}
