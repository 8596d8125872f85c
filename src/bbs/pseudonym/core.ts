/**
 * Core operations of draft-irtf-cfrg-bbs-per-verifier-linkability (pseudonyms) with a vector of
 * nym secrets: the pseudonym calculation, CoreProofGenWithNym / CoreProofVerifyWithNym and their
 * challenge.
 *
 *   OP        = hash_to_curve_g1(context_id, api_id)
 *   z         = hash_to_scalar(context_id, api_id || "VECT_NYM_SECRETS")
 *   pseudonym = OP * (nym_secrets[0] + nym_secrets[1] * z + ... + nym_secrets[N-1] * z^(N-1))
 *
 * The nym secrets are the last N signed messages and never disclosed. The pseudonym proof shares
 * the BBS proof's randomness: with m~_j the proof's random scalars for the nym secrets,
 * Ut = OP * poly(m~, z) at generation and Uv = OP * poly(m^, z) - pseudonym * c at verification,
 * so the single challenge binds the pseudonym to the signed nym secrets.
 *
 * The challenge, as the fixtures were generated (this differs from the draft text, which lists OP
 * among the hashed points and does not hash context_id):
 *
 *   c_arr  = (R, i1, msg_i1, ..., iR, msg_iR, Abar, Bbar, D, T1, T2, pseudonym, Ut, domain)
 *   c_octs = serialize(c_arr) || I2OSP(length(ph), 8) || ph
 *            || I2OSP(length(context_id), 8) || context_id
 *   challenge = hash_to_scalar(c_octs, api_id || "H2S_")
 */
import { ascii, concatBytes, i2osp } from '../bytes.js';
import { add, msmVerify, mul, multiply, neg, type G1Point } from '../curve.js';
import type { Ciphersuite } from '../ciphersuites.js';
import type { CoreContext } from '../core.js';
import { int, proofToOctets, scalar, serialize, type Proof, type Serializable, type Signature } from '../encoding.js';
import { BbsError } from '../errors.js';
import { hashToScalar, hashToScalarDst, type RandomScalars } from '../hashing.js';
import { checkOrDeferPairingClaim } from '../pairing-claims.js';
import {
  proofFinalize,
  proofInit,
  proofVerifyInit,
  splitRandomScalars,
  undisclosedIndexesOf,
  type ProofInitResult,
} from '../proof.js';

const VECT_NYM_SECRETS = ascii('VECT_NYM_SECRETS');

/** OP and z for a context_id under an interface's api_id. */
export function pseudonymBase(
  cs: Ciphersuite,
  apiId: Uint8Array,
  contextId: Uint8Array,
): { readonly OP: G1Point; readonly z: bigint } {
  return {
    OP: cs.hashToCurveG1(contextId, apiId),
    z: hashToScalar(cs, contextId, concatBytes(apiId, VECT_NYM_SECRETS)),
  };
}

/** sum_{i=0}^{N-1} coefficients[i] * z^i mod r. */
export function polynomialEvaluation(coefficients: readonly bigint[], z: bigint): bigint {
  let acc = 0n;
  // Horner's rule from the highest coefficient down.
  for (let i = coefficients.length - 1; i >= 0; i--) acc = add(mul(acc, z), coefficients[i]!);
  return acc;
}

/** The pseudonym point for nym_secrets in a context. Secret scalars: constant-time multiplication. */
export function calculatePseudonymPoint(
  cs: Ciphersuite,
  apiId: Uint8Array,
  contextId: Uint8Array,
  nymSecrets: readonly bigint[],
): G1Point {
  if (nymSecrets.length === 0) throw new BbsError('INVALID_COUNT', 'nymSecrets', 'at least one nym secret is required');
  const { OP, z } = pseudonymBase(cs, apiId, contextId);
  const pseudonym = multiply(OP, polynomialEvaluation(nymSecrets, z));
  if (pseudonym.is0()) throw new BbsError('INVALID_KEY_MATERIAL', 'nymSecrets', 'the pseudonym is the identity point');
  return pseudonym;
}

/** ProofWithPseudonymChallengeCalculate, in the form the fixtures fix (see the module comment). */
export function proofWithPseudonymChallengeCalculate(
  ctx: Pick<CoreContext, 'cs' | 'apiId'>,
  init: ProofInitResult,
  pseudonym: G1Point,
  U: G1Point,
  disclosedMessages: readonly bigint[],
  disclosedIndexes: readonly number[],
  presentationHeader: Uint8Array,
  contextId: Uint8Array,
): bigint {
  if (disclosedMessages.length !== disclosedIndexes.length) {
    throw new BbsError('INVALID_COUNT', 'disclosedMessages', 'one message per disclosed index is required');
  }
  const cArr: Serializable[] = [int(disclosedIndexes.length)];
  disclosedIndexes.forEach((index, k) => cArr.push(int(index), scalar(disclosedMessages[k]!)));
  cArr.push(init.Abar, init.Bbar, init.D, init.T1, init.T2, pseudonym, U, scalar(init.domain));
  const cOcts = concatBytes(
    serialize(cArr),
    i2osp(presentationHeader.length, 8),
    presentationHeader,
    i2osp(contextId.length, 8),
    contextId,
  );
  return hashToScalar(ctx.cs, cOcts, hashToScalarDst(ctx.apiId));
}

/** Nym secrets occupy the last `nymCount` message slots; none of them may be disclosed. */
function checkNymsUndisclosed(disclosedIndexes: readonly number[], L: number, nymCount: number, field: string): void {
  if (!Number.isSafeInteger(nymCount) || nymCount < 1 || nymCount > L) {
    throw new BbsError('INVALID_COUNT', 'nymCount', `expected 1..${L} nym secrets`);
  }
  const last = disclosedIndexes[disclosedIndexes.length - 1];
  if (last !== undefined && last >= L - nymCount) {
    throw new BbsError('INVALID_INDEXES', field, 'nym secrets are never disclosed');
  }
}

/**
 * CoreProofGenWithNym(PK, signature, context_id, generators, header, ph, messages,
 * disclosed_indexes, api_id), where the last `nymCount` messages are the nym secrets.
 */
export function coreProofGenWithNym(
  ctx: CoreContext,
  publicKey: Uint8Array,
  signature: Signature,
  header: Uint8Array,
  presentationHeader: Uint8Array,
  contextId: Uint8Array,
  messages: readonly bigint[],
  nymCount: number,
  disclosedIndexes: readonly number[],
  randomScalars: RandomScalars,
): { readonly proof: Uint8Array; readonly pseudonym: G1Point } {
  const L = messages.length;
  const undisclosedIndexes = undisclosedIndexesOf(disclosedIndexes, L);
  checkNymsUndisclosed(disclosedIndexes, L, nymCount, 'disclosedIndexes');
  const U = undisclosedIndexes.length;
  // 1. random_scalars = calculate_random_scalars(5 + U)
  const random = splitRandomScalars(randomScalars(5 + U), U);
  // 2. init_res = BBS.ProofInit(...)
  const init = proofInit(ctx, publicKey, signature, random, header, messages, undisclosedIndexes);
  // 4. PseudonymProofInit: pseudonym = OP * poly(nym_secrets), Ut = OP * poly(m~ of the nym secrets)
  const { OP, z } = pseudonymBase(ctx.cs, ctx.apiId, contextId);
  const pseudonym = multiply(OP, polynomialEvaluation(messages.slice(L - nymCount), z));
  const Ut = multiply(OP, polynomialEvaluation(random.mTilde.slice(U - nymCount), z));
  if (pseudonym.is0()) throw new BbsError('INVALID_KEY_MATERIAL', 'nymSecrets', 'the pseudonym is the identity point');
  if (Ut.is0()) throw new BbsError('RANDOMNESS_FAILURE', 'randomScalars', 'Ut is the identity point');
  // 7. challenge = ProofWithPseudonymChallengeCalculate(...)
  const disclosedMessages = disclosedIndexes.map((i) => messages[i]!);
  const challenge = proofWithPseudonymChallengeCalculate(
    ctx,
    init,
    pseudonym,
    Ut,
    disclosedMessages,
    disclosedIndexes,
    presentationHeader,
    contextId,
  );
  // 8. proof = BBS.ProofFinalize(init_res, challenge, e_value, random_scalars, undisclosed_messages)
  const undisclosedMessages = undisclosedIndexes.map((j) => messages[j]!);
  const proof = proofToOctets(proofFinalize(init, challenge, signature.e, random, undisclosedMessages));
  return { proof, pseudonym };
}

/**
 * CoreProofVerifyWithNym on a decoded proof: ProofVerifyInit, PseudonymProofVerifyInit
 * (Uv = OP * poly(m^ of the nym secrets) - pseudonym * cp), the challenge, one pairing check.
 */
export function coreProofVerifyWithNym(
  ctx: CoreContext,
  publicKey: Uint8Array,
  proof: Proof,
  pseudonym: G1Point,
  contextId: Uint8Array,
  nymCount: number,
  header: Uint8Array,
  presentationHeader: Uint8Array,
  disclosedMessages: readonly bigint[],
  disclosedIndexes: readonly number[],
): boolean {
  const U = proof.commitments.length;
  checkNymsUndisclosed(disclosedIndexes, disclosedIndexes.length + U, nymCount, 'disclosedIndexes');
  const init = proofVerifyInit(ctx, publicKey, proof, header, disclosedMessages, disclosedIndexes);
  const { OP, z } = pseudonymBase(ctx.cs, ctx.apiId, contextId);
  const nymHat = polynomialEvaluation(proof.commitments.slice(U - nymCount), z);
  // OP (hash_to_curve output) and the decoded pseudonym are subgroup points: msmVerify applies.
  const Uv = msmVerify([OP, pseudonym], [nymHat, neg(proof.challenge)]);
  if (Uv.is0()) return false;
  const challenge = proofWithPseudonymChallengeCalculate(
    ctx,
    init,
    pseudonym,
    Uv,
    disclosedMessages,
    disclosedIndexes,
    presentationHeader,
    contextId,
  );
  if (challenge !== proof.challenge) return false;
  // h(Abar, W) * h(Bbar, -BP2) == Identity_GT (deferred when batch-verifying: pairing-claims.ts)
  return checkOrDeferPairingClaim({ P: proof.Abar, Q: proof.Bbar, publicKey });
}
