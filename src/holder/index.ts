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
} from './wallet.js';
export {
  HolderError,
  isHolderError,
  HOLDER_ERROR_CODES,
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
  redeemUrl,
  issuerMetadataUrl,
  publicKeyFromMetadata,
  type Transport,
  type FetchTransportOptions,
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
