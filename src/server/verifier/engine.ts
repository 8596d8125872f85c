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
    })),
    ...(result.pseudonym !== undefined ? { pseudonym: result.pseudonym } : {}),
  };
}
