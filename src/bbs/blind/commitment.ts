/**
 * The commitment half of draft-irtf-cfrg-bbs-blind-signatures: CoreCommit, CoreCommitVerify,
 * calculate_blind_challenge, commitment_with_proof_to_octets / octets_to_commitment_with_proof and
 * deserialize_and_validate_commit. The pseudonym draft's CommitWithNym reuses all of them.
 *
 * Blind generators are (Q_2, J_1, ..., J_M) = create_generators(M + 1, "BLIND_" || api_id): Q_2
 * carries secret_prover_blind, J_i the i-th committed message.
 */
import { ascii, concatBytes } from '../bytes.js';
import {
  add,
  G1,
  msmPublic,
  mul,
  neg,
  OCTET_POINT_LENGTH,
  OCTET_SCALAR_LENGTH,
  octetsToNonZeroScalar,
  octetsToPointG1,
  sumOfProducts,
  type G1Point,
} from '../curve.js';
import type { Ciphersuite } from '../ciphersuites.js';
import { int, scalar, serialize } from '../encoding.js';
import { BbsError } from '../errors.js';
import { createGenerators, MAX_GENERATORS } from '../generators.js';
import { hashToScalar, hashToScalarDst, type RandomScalars } from '../hashing.js';

/** commitment_proof: (s^, (m^_1, ..., m^_M), challenge). */
export interface CommitmentProof {
  readonly sHat: bigint;
  readonly mHats: readonly bigint[];
  readonly challenge: bigint;
}

export interface CommitmentWithProof {
  readonly commitment: G1Point;
  readonly proof: CommitmentProof;
}

/** The tag prefix of the blind generators: "BLIND_" || api_id. */
const BLIND_PREFIX = ascii('BLIND_');

/** (Q_2, J_1, ..., J_{count-1}) = create_generators(count, "BLIND_" || api_id). */
export function createBlindGenerators(cs: Ciphersuite, count: number, apiId: Uint8Array): readonly G1Point[] {
  return createGenerators(cs, count, concatBytes(BLIND_PREFIX, apiId));
}

/**
 * calculate_blind_challenge(C, Cbar, generators, api_id):
 * hash_to_scalar(serialize((M, Q_2, J_1, ..., J_M, C, Cbar)), api_id || "H2S_").
 */
export function calculateBlindChallenge(
  cs: Ciphersuite,
  C: G1Point,
  Cbar: G1Point,
  blindGenerators: readonly G1Point[],
  apiId: Uint8Array,
): bigint {
  if (blindGenerators.length === 0) throw new BbsError('INVALID_COUNT', 'blindGenerators', 'at least Q_2 is required');
  const cOcts = serialize([int(blindGenerators.length - 1), ...blindGenerators, C, Cbar]);
  return hashToScalar(cs, cOcts, hashToScalarDst(apiId));
}

/**
 * CoreCommit(committed_message_scalars, blind_generators, api_id). The first of the M + 2 random
 * scalars is secret_prover_blind, then s~, then m~_1..m~_M (the order the fixtures' mocked
 * scalars are consumed in).
 */
export function coreCommit(
  cs: Ciphersuite,
  blindGenerators: readonly G1Point[],
  committedScalars: readonly bigint[],
  apiId: Uint8Array,
  randomScalars: RandomScalars,
): { readonly commitmentWithProof: Uint8Array; readonly secretProverBlind: bigint } {
  const M = committedScalars.length;
  if (blindGenerators.length !== M + 1) {
    throw new BbsError('INVALID_COUNT', 'blindGenerators', `expected ${M + 1} blind generators`);
  }
  // 1. (secret_prover_blind, s~, m~_1, ..., m~_M) = calculate_random_scalars(M + 2)
  const random = randomScalars(M + 2);
  if (random.length !== M + 2) throw new BbsError('RANDOMNESS_FAILURE', 'randomScalars', 'wrong number of scalars');
  const [secretProverBlind, sTilde, ...mTildes] = random as [bigint, bigint, ...bigint[]];
  // 2. C = Q_2 * secret_prover_blind + J_1 * msg_1 + ... + J_M * msg_M  (secret scalars: constant time)
  const C = sumOfProducts(blindGenerators, [secretProverBlind, ...committedScalars]);
  // 3. Cbar = Q_2 * s~ + J_1 * m~_1 + ... + J_M * m~_M
  const Cbar = sumOfProducts(blindGenerators, [sTilde, ...mTildes]);
  if (C.is0() || Cbar.is0()) throw new BbsError('RANDOMNESS_FAILURE', 'randomScalars', 'degenerate commitment');
  // 4. challenge = calculate_blind_challenge(C, Cbar, blind_generators, api_id)
  const challenge = calculateBlindChallenge(cs, C, Cbar, blindGenerators, apiId);
  // 5.-6. s^ = s~ + secret_prover_blind * challenge; m^_i = m~_i + msg_i * challenge
  const proof: CommitmentProof = {
    sHat: add(sTilde, mul(secretProverBlind, challenge)),
    mHats: committedScalars.map((m, i) => add(mTildes[i]!, mul(m, challenge))),
    challenge,
  };
  // 7.-8. commit_with_proof = commitment_with_proof_to_octets(C, proof)
  return { commitmentWithProof: commitmentWithProofToOctets({ commitment: C, proof }), secretProverBlind };
}

/**
 * CoreCommitVerify(commitment, commitment_proof, blind_generators, api_id):
 * Cbar = Q_2 * s^ + J_1 * m^_1 + ... + J_M * m^_M - commitment * cp, then the challenge must match.
 * Everything here is public, so the MSM takes the variable-time path.
 */
export function coreCommitVerify(
  cs: Ciphersuite,
  { commitment, proof }: CommitmentWithProof,
  blindGenerators: readonly G1Point[],
  apiId: Uint8Array,
): boolean {
  if (blindGenerators.length !== proof.mHats.length + 1) return false;
  const Cbar = msmPublic([...blindGenerators, commitment], [proof.sHat, ...proof.mHats, neg(proof.challenge)]);
  return calculateBlindChallenge(cs, commitment, Cbar, blindGenerators, apiId) === proof.challenge;
}

/** commitment_with_proof_to_octets: C || s^ || m^_1 || ... || m^_M || challenge. */
export function commitmentWithProofToOctets({ commitment, proof }: CommitmentWithProof): Uint8Array {
  return serialize([commitment, scalar(proof.sHat), ...proof.mHats.map(scalar), scalar(proof.challenge)]);
}

/** The smallest commitment_with_proof: one point and two scalars (M = 0). */
export const COMMITMENT_MIN_LENGTH = OCTET_POINT_LENGTH + 2 * OCTET_SCALAR_LENGTH;

/**
 * M, the number of committed messages a commitment_with_proof of this many octets carries
 * (the blind draft's BlindSign deserialization steps 2-5, with its floor of one point and two
 * scalars). Throws unless the length is exactly 48 + 32 * (M + 2).
 */
export function committedCountOf(length: number, field = 'commitmentWithProof'): number {
  if (length < COMMITMENT_MIN_LENGTH || (length - OCTET_POINT_LENGTH) % OCTET_SCALAR_LENGTH !== 0) {
    throw new BbsError(
      'INVALID_LENGTH',
      field,
      `expected ${COMMITMENT_MIN_LENGTH} + 32*M bytes (M committed messages), got ${length}`,
    );
  }
  const M = (length - COMMITMENT_MIN_LENGTH) / OCTET_SCALAR_LENGTH;
  if (M + 1 > MAX_GENERATORS) throw new BbsError('INVALID_COUNT', field, 'too many committed messages');
  return M;
}

/**
 * octets_to_commitment_with_proof: C a point of G1, not the identity; then at least two scalars,
 * each in 1..r-1.
 */
export function octetsToCommitmentWithProof(bytes: Uint8Array, field = 'commitmentWithProof'): CommitmentWithProof {
  const M = committedCountOf(bytes.length, field);
  const commitment = octetsToPointG1(bytes.subarray(0, OCTET_POINT_LENGTH), `${field}.commitment`);
  const scalars: bigint[] = [];
  for (let offset = OCTET_POINT_LENGTH; offset < bytes.length; offset += OCTET_SCALAR_LENGTH) {
    scalars.push(
      octetsToNonZeroScalar(bytes.subarray(offset, offset + OCTET_SCALAR_LENGTH), `${field}.scalar[${scalars.length}]`),
    );
  }
  return {
    commitment,
    proof: { sHat: scalars[0]!, mHats: scalars.slice(1, 1 + M), challenge: scalars[1 + M]! },
  };
}

/**
 * The signer's side of deserialize_and_validate_commit: an absent commitment is Identity_G1 (the
 * plain, partially blind case); a present one must decode and its proof of knowledge MUST verify
 * before anything is signed. A proof that does not verify throws `CommitmentProofError`.
 */
export function deserializeAndValidateCommit(
  cs: Ciphersuite,
  commitmentWithProof: Uint8Array,
  blindGenerators: readonly G1Point[],
  apiId: Uint8Array,
  field = 'commitmentWithProof',
): G1Point {
  // 1. if commitment_with_proof is the empty string (""), return Identity_G1
  if (commitmentWithProof.length === 0) return G1.ZERO;
  // 2.-4. com_res = octets_to_commitment_with_proof(commitment_with_proof)
  const decoded = octetsToCommitmentWithProof(commitmentWithProof, field);
  // 5. if length(commit_proof[1]) + 1 != length(blind_generators), return INVALID
  if (decoded.proof.mHats.length + 1 !== blindGenerators.length) {
    throw new BbsError('INVALID_COUNT', field, 'commitment size does not match the blind generators');
  }
  // 6.-7. CoreCommitVerify
  if (!coreCommitVerify(cs, decoded, blindGenerators, apiId)) throw new CommitmentProofError(field);
  return decoded.commitment;
}

/** The holder's commitment proof of knowledge does not verify: the signer must not sign. */
export class CommitmentProofError extends BbsError {
  constructor(field = 'commitmentWithProof') {
    super('INVALID_COMMITMENT_PROOF', field, 'the commitment proof of knowledge does not verify');
  }
}
