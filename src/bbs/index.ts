/**
 * privid/bbs: BBS signatures per draft-irtf-cfrg-bbs-signatures, on @noble/curves.
 * Pure JavaScript, no Node built-ins, no WASM: runs in browsers and React Native (Hermes).
 */
export { keyGen, skToPk, sign, verify, proofGen, proofVerify, signaturesApiId } from './interface.js';
export type {
  KeyGenParams,
  SignParams,
  VerifyParams,
  ProofGenParams,
  ProofVerifyParams,
  SuiteParams,
} from './interface.js';
export { BbsError, isBbsError, type BbsErrorCode } from './errors.js';
export { getCiphersuite, CIPHERSUITE_NAMES, type Ciphersuite, type CiphersuiteName } from './ciphersuites.js';
export { hashToScalar, messagesToScalars, randomScalars, seededRandomScalars, type RandomScalars } from './hashing.js';
export { createGenerators, generatorsFrom, getP1, MAX_GENERATORS } from './generators.js';
export { calculateDomain } from './domain.js';
export {
  serialize,
  scalar,
  int,
  signatureToOctets,
  octetsToSignature,
  proofToOctets,
  octetsToProof,
  type Signature,
  type Proof,
  type Serializable,
} from './encoding.js';
export { coreSign, coreVerifyDecoded, splitGenerators, type CoreContext } from './core.js';
export {
  coreProofGen,
  coreProofVerifyDecoded,
  proofInit,
  proofFinalize,
  proofVerifyInit,
  proofChallengeCalculate,
  splitRandomScalars,
  undisclosedIndexesOf,
  type ProofInitResult,
  type ProofRandomScalars,
} from './proof.js';
export {
  octetsToPublicKey,
  octetsToPointG1,
  octetsToPointG2,
  pointToOctetsG1,
  pointToOctetsG2,
  r,
  type G1Point,
  type G2Point,
} from './curve.js';
export { batchProofVerify, type BatchProofItem, type BatchVerdict } from './batch.js';
export {
  checkPairingClaims,
  deferPairingChecks,
  findFailingClaims,
  COEFFICIENT_BITS,
  type PairingClaim,
} from './pairing-claims.js';
export { bytesToHex, hexToBytes, concatBytes, i2osp, os2ip, ascii } from './bytes.js';
export {
  ietfSuite,
  DEFAULT_SUITE,
  type BbsSuite,
  type SuiteId,
  type KeyPair,
  type SuiteSignParams,
  type SuiteVerifyParams,
  type SuiteProofGenParams,
  type SuiteProofVerifyParams,
} from './suite.js';

// Blind BBS signatures (draft-irtf-cfrg-bbs-blind-signatures) and per-verifier pseudonyms
// (draft-irtf-cfrg-bbs-per-verifier-linkability): see src/bbs/blind and src/bbs/pseudonym.
export * from './blind/index.js';
export * from './pseudonym/index.js';

// Predicates over hidden messages (privid extension): see src/bbs/predicates and docs/predicates.md.
export * from './predicates/index.js';
