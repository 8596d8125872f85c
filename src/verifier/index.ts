/**
 * privid/verifier: verifying presentations as a library. Pure and offline-capable (no network,
 * no clock: `today` is a parameter), browser-safe. See docs/verifier.md.
 */
export {
  verifyPresentation,
  bindingReasons,
  provesValidityOn,
  validityConstraints,
  VERIFICATION_REASON_CODES,
  type VerificationReasonCode,
  type VerificationReason,
  type VerificationResult,
  type DisclosedItem,
  type VerifyOptions,
} from './verify.js';
export {
  TRUST_LIST_TYPE,
  TRUST_LIST_VERSION,
  KEY_STATUSES,
  TRUST_LIST_JSON_SCHEMA,
  TrustListError,
  TrustIndex,
  parseTrustList,
  trustListFromIssuerMetadata,
  type KeyStatus,
  type TrustList,
  type TrustedIssuer,
  type TrustedKey,
  type ResolvedKey,
} from './trust-list.js';
