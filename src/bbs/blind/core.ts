/**
 * The signing core of draft-irtf-cfrg-bbs-blind-signatures (B_calculate, FinalizeBlindSign) and the
 * message layout every blind operation shares (prepare_parameters).
 *
 * Layout. With L signer messages and M committed messages, the signature is an ordinary BBS
 * signature over L + 1 + M scalars against L + 2 + M generators:
 *
 *   generators: (Q_1, H_1, ..., H_L) = create_generators(L + 1, api_id)
 *               ++ (Q_2, J_1, ..., J_M) = create_generators(M + 1, "BLIND_" || api_id)
 *   scalars:    (msg_1, ..., msg_L, secret_prover_blind, cmsg_1, ..., cmsg_M)
 *
 * so verification and proofs are the core CoreVerify / CoreProofGen / CoreProofVerify over that
 * layout; committed message j sits at index L + 1 + j. Only signing differs: the signer never sees
 * the committed scalars, only C = Q_2 * secret_prover_blind + sum J_i * cmsg_i, and computes
 *
 *   domain = calculate_domain(PK, Q_1, (H_1..H_L, Q_2, J_1..J_M), header, api_id)
 *   B = P1 + Q_1 * domain + sum H_i * msg_i + C (+ extra, for the pseudonym draft's nym entropy)
 *   e = hash_to_scalar(serialize((SK, B)), api_id || "H2S_")
 *   A = B * 1 / (SK + e)
 *
 * (The e input is (SK, B): that is what the fixtures were generated with; the draft text's
 * (SK, B, domain) does not reproduce them.)
 */
import { add, inv, multiply, sumOfProducts, type G1Point } from '../curve.js';
import type { Ciphersuite } from '../ciphersuites.js';
import type { CoreContext } from '../core.js';
import { calculateDomain } from '../domain.js';
import { scalar, serialize, signatureToOctets } from '../encoding.js';
import { BbsError } from '../errors.js';
import { createGenerators, getP1 } from '../generators.js';
import { hashToScalar, hashToScalarDst } from '../hashing.js';
import { createBlindGenerators } from './commitment.js';

/**
 * prepare_parameters' generators: create_generators(L + 1, api_id) followed by
 * create_generators(blindCount, "BLIND_" || api_id). `blindCount` counts Q_2 too (M + 1).
 */
export function blindLayoutContext(cs: Ciphersuite, apiId: Uint8Array, L: number, blindCount: number): CoreContext {
  return {
    cs,
    apiId,
    generators: [...createGenerators(cs, L + 1, apiId), ...createBlindGenerators(cs, blindCount, apiId)],
  };
}

/** prepare_parameters' scalars: (msg_1..msg_L, secret_prover_blind, cmsg_1..cmsg_M). */
export function blindLayoutScalars(
  messageScalars: readonly bigint[],
  secretProverBlind: bigint,
  committedScalars: readonly bigint[],
): bigint[] {
  return [...messageScalars, secretProverBlind, ...committedScalars];
}

/** The disclosed indexes in the layout: signer indexes as they are, committed j at L + 1 + j. */
export function layoutIndexes(
  disclosedIndexes: readonly number[],
  disclosedCommittedIndexes: readonly number[],
  L: number,
): number[] {
  return [...disclosedIndexes, ...disclosedCommittedIndexes.map((j) => j + L + 1)];
}

/**
 * BlindSign's procedure after the commitment has been validated (B_calculate, then
 * FinalizeBlindSign). `ctx.generators` is the full layout (Q_1, H_1..H_L, Q_2, J_1..J_M);
 * `commitment` is Identity_G1 when the Prover committed nothing; `extra` is added to B (the
 * pseudonym draft's nym_generator * signer_nym_entropy).
 */
export function finalizeBlindSign(
  ctx: CoreContext,
  sk: bigint,
  publicKey: Uint8Array,
  header: Uint8Array,
  messageScalars: readonly bigint[],
  commitment: G1Point,
  extra?: G1Point,
): Uint8Array {
  const L = messageScalars.length;
  const [Q1, ...rest] = ctx.generators;
  if (!Q1 || rest.length < L + 1) {
    throw new BbsError('INVALID_COUNT', 'generators', `expected at least ${L + 2} generators`);
  }
  const H = rest.slice(0, L);
  // domain = calculate_domain(PK, Q_1, (H_1, ..., H_L, Q_2, J_1, ..., J_M), header, api_id)
  const domain = calculateDomain(ctx.cs, publicKey, Q1, rest, header, ctx.apiId);
  // B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L + commitment
  let B = getP1(ctx.cs)
    .add(sumOfProducts([Q1, ...H], [domain, ...messageScalars]))
    .add(commitment);
  if (extra) B = B.add(extra);
  if (B.is0()) throw new BbsError('INVALID_POINT', 'B', 'B is the identity point');
  // e = hash_to_scalar(serialize((SK, B)), api_id || "H2S_")
  const e = hashToScalar(ctx.cs, serialize([scalar(sk), B]), hashToScalarDst(ctx.apiId));
  // A = B * (1 / (SK + e)); SK + e = 0 would give the identity, an invalid signature.
  const skPlusE = add(sk, e);
  if (skPlusE === 0n) throw new BbsError('INVALID_KEY_MATERIAL', 'secretKey', 'SK + e = 0 mod r');
  return signatureToOctets({ A: multiply(B, inv(skPlusE)), e });
}
