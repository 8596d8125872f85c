/**
 * Blind BBS signatures (draft-irtf-cfrg-bbs-blind-signatures): the prover commits to messages the
 * signer never sees, the signer signs over the commitment, the prover derives ordinary BBS proofs.
 */
export {
  blindApiId,
  blindMessagesToScalars,
  commit,
  commitScalars,
  verifyCommitment,
  blindSign,
  blindSignScalars,
  verifyBlindSign,
  verifyBlindSignScalars,
  blindVerify,
  blindProofGen,
  blindProofGenScalars,
  blindProofVerify,
  blindProofVerifyScalars,
  type BlindSuiteParams,
  type CommitParams,
  type CommitScalarsParams,
  type CommitResult,
  type CommitScalarsResult,
  type BlindSignParams,
  type BlindSignScalarsParams,
  type VerifyBlindSignParams,
  type VerifyBlindSignScalarsParams,
  type BlindProofGenParams,
  type BlindProofGenScalarsParams,
  type BlindProofVerifyParams,
  type BlindProofVerifyScalarsParams,
} from './interface.js';
export {
  calculateBlindChallenge,
  commitmentWithProofToOctets,
  committedCountOf,
  coreCommit,
  coreCommitVerify,
  createBlindGenerators,
  deserializeAndValidateCommit,
  octetsToCommitmentWithProof,
  CommitmentProofError,
  type CommitmentProof,
  type CommitmentWithProof,
} from './commitment.js';
export { blindLayoutContext, blindLayoutScalars, finalizeBlindSign, layoutIndexes } from './core.js';
