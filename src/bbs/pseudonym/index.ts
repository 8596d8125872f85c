/**
 * Per-verifier pseudonyms (draft-irtf-cfrg-bbs-per-verifier-linkability): a blind signature over
 * the prover's nym secrets, and proofs that carry a pseudonym constant per context_id.
 */
export {
  pseudonymApiId,
  pseudonymMessagesToScalars,
  commitWithNym,
  commitWithNymScalars,
  verifyCommitmentWithNym,
  blindSignWithNym,
  blindSignWithNymScalars,
  verifyFinalizeWithNym,
  verifyFinalizeWithNymScalars,
  calculatePseudonym,
  calculatePseudonymScalars,
  proofGenWithNym,
  proofGenWithNymScalars,
  proofVerifyWithNym,
  proofVerifyWithNymScalars,
  type CommitWithNymParams,
  type CommitWithNymScalarsParams,
  type CommitWithNymResult,
  type CommitWithNymScalarsResult,
  type BlindSignWithNymParams,
  type BlindSignWithNymScalarsParams,
  type BlindSignWithNymResult,
  type BlindSignWithNymScalarsResult,
  type VerifyFinalizeWithNymParams,
  type VerifyFinalizeWithNymScalarsParams,
  type ProofGenWithNymParams,
  type ProofGenWithNymScalarsParams,
  type ProofWithNym,
  type ProofVerifyWithNymParams,
  type ProofVerifyWithNymScalarsParams,
} from './interface.js';
export {
  calculatePseudonymPoint,
  coreProofGenWithNym,
  coreProofVerifyWithNym,
  polynomialEvaluation,
  proofWithPseudonymChallengeCalculate,
  pseudonymBase,
} from './core.js';
