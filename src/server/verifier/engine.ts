/**
 * The one place the server calls privid/verifier's `verifyPresentation`: in a worker thread, or
 * inline when PRIVID_VERIFY_WORKERS=0. Input and output are plain data (structured-clonable), and
 * the trust list is prepared (TrustIndex, schema registry, decoded keys) once per version.
 */
import {
  BUILTIN_SCHEMAS,
  SchemaRegistry,
  type CredentialSchema,
  type Presentation,
  type PresentationRequest,
} from '../../credential/index.js';
import { checkPairingClaims, deferPairingChecks } from '../../bbs/index.js';
import { TrustIndex, verifyPresentation, type TrustList } from '../../verifier/index.js';
import type { DisclosedItem, Reason } from './outcomes.js';

/** The trust list as the verification engine needs it; `version` is unique per content. */
export interface TrustListSnapshot {
  readonly version: string;
  readonly trustList: TrustList;
  /** Schemas besides the built-ins (published by trusted issuers). */
  readonly schemas: readonly CredentialSchema[];
}

export interface VerifyJob {
  readonly presentation: Presentation;
  readonly request: PresentationRequest;
  /** The verifier's day number. */
  readonly today: number;
  /** Unix seconds: an expired request is rejected. */
  readonly now: number;
  /** The service's origin: the context of scoped pseudonyms (the wallet authenticated it). */
  readonly origin?: string;
  /** The policy opted out of validity checks (`validity: 'unchecked'`). */
  readonly allowUncheckedValidity?: boolean;
}

export type VerifyOutcome =
  | { readonly accepted: true; readonly disclosed: DisclosedItem[]; readonly pseudonym?: string }
  | { readonly accepted: false; readonly reasons: Reason[] };

const MAX_REASONS = 32;

let prepared: { version: string; index: TrustIndex; schemas: SchemaRegistry } | undefined;

function prepare(trust: TrustListSnapshot) {
  if (prepared?.version === trust.version) return prepared;
  const schemas = new SchemaRegistry(BUILTIN_SCHEMAS, { allowReservedNamespace: true });
  for (const schema of trust.schemas) {
    try {
      schemas.register(schema);
    } catch {
      // Two issuers publishing different schemas under one id@version: the first one wins.
    }
  }
  prepared = { version: trust.version, index: new TrustIndex(trust.trustList), schemas };
  return prepared;
}

/** Verifies one job with privid/verifier; never throws for bad input (it becomes a reason). */
export function runVerification(job: VerifyJob, trust: TrustListSnapshot): VerifyOutcome {
  const { index, schemas } = prepare(trust);
  const result = verifyPresentation(job.presentation, job.request, index, {
    today: job.today,
    nowSeconds: job.now,
    schemas,
    ...(job.origin !== undefined ? { origin: job.origin } : {}),
    ...(job.allowUncheckedValidity ? { allowUncheckedValidity: true } : {}),
  });
  if (!result.accepted) {
    return {
      accepted: false,
      reasons: result.reasons.slice(0, MAX_REASONS).map((reason) => ({
        code: reason.code,
        message: reason.message,
        ...(reason.path !== undefined ? { path: reason.path } : {}),
      })),
    };
  }
  return {
    accepted: true,
    // What the venue learns: which alternative of each group, and exactly the values it asked for.
    disclosed: result.disclosed.map((item) => ({
      group: item.groupIndex,
      clauseIndex: item.clauseIndex,
      schemaRef: item.schemaRef,
      values: { ...item.values },
      // Statements proven over hidden values: the venue learns they hold, not the values.
      proven: item.proven.map((p) => ({ ...p })),
    })),
    ...(result.pseudonym !== undefined ? { pseudonym: result.pseudonym } : {}),
  };
}

/** What a batch gives: the outcomes in job order, and how many jobs failed the combined check. */
export interface BatchResult {
  readonly outcomes: VerifyOutcome[];
  /**
   * Jobs whose proofs failed the pairing after passing everything else (found by bisection, then
   * verified again alone): what made this batch cost more than verifying its jobs one by one.
   */
  readonly failed: number;
}

/**
 * Verifies several jobs with one combined pairing check for all their proofs (src/bbs/
 * pairing-claims.ts): each job is verified as runVerification does, except that the final pairing
 * equation of every proof is recorded; all of them are then checked together with random
 * coefficients. A job whose proofs all hold keeps its outcome; a job with a failing proof (found by
 * bisection) is verified again on its own, so its outcome, reasons included, is exactly what
 * runVerification gives. One job: no deferral at all, exactly runVerification.
 */
export function runVerificationBatch(jobs: readonly VerifyJob[], trust: TrustListSnapshot): BatchResult {
  if (jobs.length === 1) return { outcomes: [runVerification(jobs[0]!, trust)], failed: 0 };
  const deferred = jobs.map((job) => deferPairingChecks(() => runVerification(job, trust)));
  const holds = checkPairingClaims(deferred.map(({ claims }) => claims));
  return {
    outcomes: deferred.map(({ value }, j) => (holds[j] ? value : runVerification(jobs[j]!, trust))),
    failed: holds.filter((h) => !h).length,
  };
}
