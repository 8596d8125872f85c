/**
 * The holder SDK's one error type. `code` is stable and machine-readable: one of
 * `HOLDER_ERROR_CODES` for problems found by the wallet, or, when `source` is `'issuer'`, the
 * `code` of the issuer's problem+json answer (e.g. `OFFER_ALREADY_REDEEMED`), passed through.
 */

export const HOLDER_ERROR_CODES = [
  /** The offer is not a valid CredentialOffer (object, JSON or QR text). */
  'INVALID_OFFER',
  /** The offer's expiresAt is in the past (wallet clock). */
  'OFFER_EXPIRED',
  /** The suite cannot carry privid credentials (BBS+2020: no blind issuance, no pseudonyms). */
  'UNSUPPORTED_SUITE',
  /** The wallet's schema registry does not know the schema. */
  'UNKNOWN_SCHEMA',
  /** The issuer metadata has no usable key for the offer (missing, revoked, other suite, malformed). */
  'ISSUER_KEY_UNAVAILABLE',
  /** The issuer or verifier could not be reached (network error, timeout, or a redirect, which is not followed). */
  'NETWORK_ERROR',
  /** The issuer answered with an error that is not problem+json. */
  'ISSUER_ERROR',
  /** The issuer or verifier answered 2xx with something that is not the expected JSON or text, or too large an answer. */
  'INVALID_RESPONSE',
  /** The credential returned is not the one offered, or its signature does not verify. */
  'INVALID_CREDENTIAL',
  /** The holder secret a credential is bound to is not in the secret store. */
  'SECRET_NOT_FOUND',
  /** The secret store failed (e.g. wrong passphrase, corrupt file). */
  'SECRET_STORE_ERROR',
  /** The credential store failed (e.g. wrong passphrase, corrupt file or record). */
  'CREDENTIAL_STORE_ERROR',
  /** No stored credential with that id. */
  'CREDENTIAL_NOT_FOUND',
  /** The presentation request is not a valid PresentationRequest. */
  'INVALID_REQUEST',
  /** The presentation request's expiresAt is in the past (wallet clock). */
  'REQUEST_EXPIRED',
  /** The wallet cannot satisfy every group of the request (see `match` for the reasons). */
  'CANNOT_SATISFY',
  /** `choices` names a credential that does not satisfy its group, or mixes wallets/suites. */
  'INVALID_CHOICE',
  /**
   * The verifier sent a nonce this wallet already answered (outside the retry window): answering
   * would give it the same one-time pseudonym, i.e. let it link two visits.
   */
  'NONCE_REUSED',
  /** Bad arguments to an SDK call (e.g. `today` in milliseconds instead of a day number). */
  'INVALID_ARGUMENT',
  /** The request object's signature does not verify with a key its verifier origin publishes. */
  'REQUEST_SIGNATURE_INVALID',
  /** The request object names a key of another origin than its verifier (`jku`, or a key in the header). */
  'VERIFIER_KEY_OTHER_ORIGIN',
  /** The request object's response URL is on another origin than the key that signed it. */
  'RESPONSE_URI_OTHER_ORIGIN',
  /**
   * The verifier origin's keys are not to be had: online, its JWKS could not be fetched (network,
   * timeout, redirect, error answer, too large, not JSON); offline, none are cached or the cached
   * ones are older than the wallet's maximum key age.
   */
  'VERIFIER_KEY_UNAVAILABLE',
  /** The pseudonym period is not the current one on the wallet's clock. */
  'PERIOD_NOT_CURRENT',
  /** A scoped pseudonym was asked for in a request that is not signed: the verifier is unknown. */
  'UNAUTHENTICATED_VERIFIER',
  /** The holder declined on the consent screen (or did not allow a persistent pseudonym). */
  'CONSENT_DECLINED',
  /** The verifier service answered with an error that is not problem+json, or not its outcome. */
  'VERIFIER_ERROR',
  /**
   * The presentation is too large for one QR code (an offline kiosk's answer): several credentials
   * with predicates. Answer the venue online, or it must ask for fewer groups.
   */
  'QR_TOO_LARGE',
] as const;

export type HolderErrorCode = (typeof HOLDER_ERROR_CODES)[number];

/**
 * The codes `wallet.respond` refuses a venue's request with (docs/openid4vp-profile.md lists
 * exactly these; a test keeps the two in step). Besides them, a verifier's own problem+json code
 * passes through with `source: 'verifier'`, and failures of the wallet's own stores and credentials
 * keep their codes (`SECRET_*`, `CREDENTIAL_*`, `INVALID_CREDENTIAL`).
 */
export const DOOR_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'INVALID_REQUEST',
  'NETWORK_ERROR',
  'INVALID_RESPONSE',
  'VERIFIER_ERROR',
  'VERIFIER_KEY_OTHER_ORIGIN',
  'RESPONSE_URI_OTHER_ORIGIN',
  'VERIFIER_KEY_UNAVAILABLE',
  'REQUEST_SIGNATURE_INVALID',
  'REQUEST_EXPIRED',
  'PERIOD_NOT_CURRENT',
  'CANNOT_SATISFY',
  'INVALID_CHOICE',
  'CONSENT_DECLINED',
  'NONCE_REUSED',
] as const satisfies readonly HolderErrorCode[];

export interface HolderErrorOptions {
  /** `'issuer'` / `'verifier'`: `code` is that service's problem+json code. Default `'wallet'`. */
  readonly source?: 'wallet' | 'issuer' | 'verifier';
  /** HTTP status, for issuer errors. */
  readonly status?: number;
  /** The issuer's problem+json object, as received. */
  readonly problem?: Readonly<Record<string, unknown>>;
  /** JSON Pointer of the offending input, when there is one. */
  readonly path?: string;
  readonly cause?: unknown;
}

export class HolderError extends Error {
  override readonly name = 'HolderError';
  /** A `HolderErrorCode`, or the issuer's code when `source === 'issuer'`. */
  readonly code: HolderErrorCode | (string & {});
  readonly source: 'wallet' | 'issuer' | 'verifier';
  readonly status: number | undefined;
  readonly problem: Readonly<Record<string, unknown>> | undefined;
  readonly path: string | undefined;

  constructor(code: HolderErrorCode | (string & {}), message: string, options: HolderErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.source = options.source ?? 'wallet';
    this.status = options.status;
    this.problem = options.problem;
    this.path = options.path;
  }
}

export function isHolderError(error: unknown): error is HolderError {
  return error instanceof HolderError;
}
