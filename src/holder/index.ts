/**
 * privid/holder: the holder SDK for wallet apps. Browser- and React Native-safe: no Node
 * built-ins, no WASM (the Node-only encrypted-file SecretStore is `privid/holder/node`).
 * See docs/holder-sdk.md.
 */
export {
  Wallet,
  DEFAULT_SECRET_ID,
  type WalletOptions,
  type AcceptOfferOptions,
  type PresentOptions,
  type PresentationChoice,
  type ConsentRequest,
  type ConsentAnswer,
  type RespondOptions,
  type RespondResult,
  PERSISTENT_PSEUDONYM_NOTICE,
  DEFAULT_VERIFIER_KEY_MAX_AGE_MS,
} from './wallet.js';
export {
  authenticateRequest,
  isCompactJws,
  verifierJwksUrl,
  MemoryVerifierKeyStore,
  CLOCK_SKEW_MS,
  MAX_REQUEST_TTL_SECONDS,
  type CachedVerifierKeys,
  type VerifierKeyStore,
  type AuthenticatedRequest,
  type AuthenticateOptions,
} from './verifier-auth.js';
export {
  HolderError,
  isHolderError,
  HOLDER_ERROR_CODES,
  DOOR_ERROR_CODES,
  type HolderErrorCode,
  type HolderErrorOptions,
} from './errors.js';
export {
  MemorySecretStore,
  MemoryCredentialStore,
  MemoryNonceLog,
  type SecretStore,
  type CredentialStore,
  type StoredCredential,
  type NonceLog,
} from './stores.js';
export {
  fetchTransport,
  fetchVerifierTransport,
  type VerifierTransport,
  redeemUrl,
  issuerMetadataUrl,
  publicKeyFromMetadata,
  type Transport,
  type FetchTransportOptions,
  type FetchVerifierTransportOptions,
  DEFAULT_VERIFIER_MAX_RESPONSE_BYTES,
  DEFAULT_VERIFIER_TIMEOUT_MS,
} from './transport.js';
export {
  MATCH_REASONS,
  matchRequest,
  evaluateCredential,
  type MatchReason,
  type MatchCandidate,
  type MatchRejection,
  type GroupMatch,
  type MatchResult,
  type MatchOptions,
} from './match.js';
