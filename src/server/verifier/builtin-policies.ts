/**
 * Built-in policies: the door rules most venues need, so a venue names one (`{ name, builtin }`)
 * instead of writing groups and clauses by hand and getting privacy or validity wrong.
 *
 * Every built-in discloses nothing (each constraint is proven as a predicate over a hidden value:
 * the venue learns "negative", "2+ doses", "over 18", never a date or a count) and checks validity
 * (the default: every clause proves validUntil >= today and validFrom <= today). Its clauses accept
 * the issuers the caller names, or else every issuer on the trust list when the policy is created:
 * the expanded definition is what is stored, like any policy, so a later change to the trust list
 * does not change an existing policy.
 */
import {
  AGE_BAND_SCHEMA,
  COVID_TEST_RESULT_SCHEMA,
  LIMITS,
  VACCINATION_RECORD_SCHEMA,
} from '../../credential/index.js';
import { ApiError } from '../errors.js';
import { withValidity, type PolicyDefinition } from './policies.js';
import type { TrustStore } from './trust.js';

type Clause = PolicyDefinition['groups'][number]['anyOf'][number];
export type IssuerRef = Clause['issuers'][number];

const ref = (schema: { id: string; version: number }) => `${schema.id}@${schema.version}`;

/** Days after the last dose before a vaccination counts (the usual "fully vaccinated" rule). */
export const DAYS_AFTER_LAST_DOSE = 14;

const negativeTest = (issuers: IssuerRef[]): Clause => ({
  schemaRef: ref(COVID_TEST_RESULT_SCHEMA),
  issuers,
  disclose: [],
  constraints: [{ attribute: 'testResult', op: 'eq', value: 'negative' }],
});

const vaccinated = (issuers: IssuerRef[]): Clause => ({
  schemaRef: ref(VACCINATION_RECORD_SCHEMA),
  issuers,
  disclose: [],
  constraints: [
    { attribute: 'doseCount', op: 'gte', value: 2 },
    { attribute: 'lastDoseDay', op: 'lte', value: `today-${DAYS_AFTER_LAST_DOSE}` },
  ],
});

const adult = (issuers: IssuerRef[]): Clause => ({
  schemaRef: ref(AGE_BAND_SCHEMA),
  issuers,
  disclose: [],
  constraints: [{ attribute: 'ageOver18', op: 'eq', value: true }],
});

export interface BuiltinPolicy {
  readonly id: string;
  readonly title: string;
  /** For venue staff: what a guest must show and what the venue learns. */
  readonly description: string;
  readonly definition: (issuers: IssuerRef[]) => PolicyDefinition;
}

export const BUILTIN_POLICIES: readonly BuiltinPolicy[] = Object.freeze([
  {
    id: 'negative-test',
    title: 'Negative test',
    description:
      'The guest shows a negative COVID-19 test that is still valid today. You learn only that: not the test type, not the day of the test.',
    definition: (issuers) => ({
      description: 'A negative test valid today',
      groups: [{ anyOf: [negativeTest(issuers)] }],
      validity: 'checked',
    }),
  },
  {
    id: 'test-or-vaccinated',
    title: 'Negative test or vaccinated',
    description:
      `The guest shows either a negative COVID-19 test valid today, or a vaccination record with at least two doses, the last at least ${DAYS_AFTER_LAST_DOSE} days ago. ` +
      'You learn which of the two, and nothing else: no dates, no number of doses.',
    definition: (issuers) => ({
      description: `A negative test valid today, or vaccinated (2+ doses, the last ${DAYS_AFTER_LAST_DOSE}+ days ago)`,
      groups: [{ anyOf: [negativeTest(issuers), vaccinated(issuers)] }],
      validity: 'checked',
    }),
  },
  {
    id: 'vaccinated',
    title: 'Vaccinated',
    description: `The guest shows a vaccination record with at least two doses, the last at least ${DAYS_AFTER_LAST_DOSE} days ago. You learn only that: not the number of doses, not the vaccine, not the dates.`,
    definition: (issuers) => ({
      description: `Vaccinated: 2+ doses, the last ${DAYS_AFTER_LAST_DOSE}+ days ago`,
      groups: [{ anyOf: [vaccinated(issuers)] }],
      validity: 'checked',
    }),
  },
  {
    id: 'adult',
    title: 'Over 18',
    description: 'The guest proves they are over 18. You learn only that: not the age, not the age band.',
    definition: (issuers) => ({
      description: 'Over 18',
      groups: [{ anyOf: [adult(issuers)] }],
      validity: 'checked',
    }),
  },
  {
    id: 'adult-once-a-day',
    title: 'Over 18, one entry per day',
    description:
      'The guest proves they are over 18, and can enter once per day (UTC): a second entry the same day is refused. ' +
      'The wallet gives your venue a pseudonym that changes every day and differs at every other venue, so you cannot recognise a guest on another day.',
    definition: (issuers) => ({
      description: 'Over 18, one entry per guest per day',
      groups: [{ anyOf: [adult(issuers)] }],
      pseudonym: { scope: 'entry', period: 'day' },
      validity: 'checked',
    }),
  },
]);

export const BUILTIN_POLICY_IDS: readonly string[] = BUILTIN_POLICIES.map((p) => p.id);

/**
 * The definition a built-in expands to: over `issuers` when given, else over every issuer on the
 * trust list now. 400 for an unknown id (naming the allowed ones), and for an empty or too long
 * trust list when no issuers are named (a clause needs 1 to LIMITS.issuers issuers).
 */
export function expandBuiltinPolicy(
  id: string,
  issuers: readonly IssuerRef[] | undefined,
  trust: TrustStore,
): PolicyDefinition {
  const builtin = BUILTIN_POLICIES.find((p) => p.id === id);
  if (!builtin) {
    const message = `unknown built-in policy "${id}": use one of ${BUILTIN_POLICY_IDS.join(', ')}`;
    throw new ApiError('VALIDATION_FAILED', message, {
      errors: [{ path: 'body/builtin', message }],
      allowed: [...BUILTIN_POLICY_IDS],
    });
  }
  if (issuers !== undefined) return builtin.definition(issuers.map((issuer) => structuredClone(issuer)));
  const trusted = [...new Set(trust.entries.map((entry) => entry.snapshot.issuerId))];
  if (trusted.length === 0) {
    const message = 'the trust list is empty: trust an issuer first, or name the accepted issuers in "issuers"';
    throw new ApiError('VALIDATION_FAILED', message, { errors: [{ path: 'body/issuers', message }] });
  }
  if (trusted.length > LIMITS.issuers) {
    const message = `the trust list has ${trusted.length} issuers and a clause accepts at most ${LIMITS.issuers}: name the accepted issuers in "issuers"`;
    throw new ApiError('VALIDATION_FAILED', message, { errors: [{ path: 'body/issuers', message }] });
  }
  return builtin.definition(trusted.map((issuerId) => ({ issuerId })));
}

export interface PolicyTemplateView {
  id: string;
  title: string;
  description: string;
  /** The credentials that satisfy it (any one of them), each with the statements proven. */
  anyOf: { schemaRef: string; proves: string[] }[];
  /** With a period: one entry per guest and period. */
  pseudonym: PolicyDefinition['pseudonym'] | null;
}

const OP_WORDS = { eq: '=', neq: '≠', gte: '>=', lte: '<=', in: 'in' } as const;

/** A built-in as GET /v1/policy-templates shows it: what a guest proves, validity checks included. */
export function policyTemplateView(builtin: BuiltinPolicy): PolicyTemplateView {
  // The issuers do not change what is proven; a placeholder stands in for the trust list.
  const definition = builtin.definition([{ issuerId: 'trust-list' }]);
  return {
    id: builtin.id,
    title: builtin.title,
    description: builtin.description,
    // Every built-in is one group: its alternatives are the whole policy.
    anyOf: definition.groups.flatMap((group) =>
      group.anyOf.map((clause) => ({
        schemaRef: clause.schemaRef,
        proves: withValidity(definition, clause).constraints.map(
          (c) => `${c.attribute} ${OP_WORDS[c.op]} ${Array.isArray(c.value) ? c.value.join(', ') : String(c.value)}`,
        ),
      })),
    ),
    pseudonym: definition.pseudonym ?? null,
  };
}
