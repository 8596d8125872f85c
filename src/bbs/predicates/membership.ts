/**
 * Sigma protocols on a Pedersen commitment C = v * G + r * H, for small enum sets:
 *
 * - `in`: v is one of s_1..s_k. An OR-proof (Cramer-Damgard-Schoenmakers) of knowledge of r with
 *   C - s_i * G = r * H for some i: the prover simulates every branch but the true one, and the
 *   branch challenges must sum to the transcript's challenge. Wire: c_1..c_k, z_1..z_k
 *   (2k scalars). The verifier recomputes R_i = z_i * H - c_i * (C - s_i * G), absorbs them and
 *   checks sum c_i == challenge. Nothing tells which branch is real.
 *
 * - `neq`: v != s. With D = C - s * G = (v - s) * G + r * H, the prover shows it knows
 *   (alpha, beta) with G = alpha * D + beta * H, namely alpha = (v - s)^-1, beta = -r * alpha.
 *   If v = s, D is a multiple of H and such a pair would give log_H(G), which nobody knows.
 *   Wire: e, z_alpha, z_beta (3 scalars); R = z_alpha * D + z_beta * H - e * G is recomputed and
 *   e must equal the transcript's challenge after absorbing R.
 *
 * Both run inside the predicate transcript, after the range proof, in predicate order.
 */
import { add, inv, mul, multiply, neg, sub, type G1Point } from '../curve.js';
import { BbsError } from '../errors.js';
import type { RandomScalars } from '../hashing.js';
import { msmMixed } from './group.js';
import type { PedersenGenerators } from './generators.js';
import type { Transcript } from './transcript.js';

export interface MembershipProof {
  readonly c: readonly bigint[];
  readonly z: readonly bigint[];
}

export interface InequalityProof {
  readonly e: bigint;
  readonly zAlpha: bigint;
  readonly zBeta: bigint;
}

export function proveMembership(
  gens: PedersenGenerators,
  transcript: Transcript,
  C: G1Point,
  set: readonly bigint[],
  value: bigint,
  blinding: bigint,
  random: RandomScalars,
): MembershipProof {
  const j = set.indexOf(value);
  if (j < 0) throw new BbsError('PREDICATE_NOT_SATISFIED', 'predicate', 'the hidden value is not in the set');
  const k = set.length;
  const scalars = random(2 * k - 1);
  const rho = scalars[0]!;
  const c: bigint[] = [];
  const z: bigint[] = [];
  const R: G1Point[] = [];
  let other = 0;
  for (let i = 0; i < k; i++) {
    if (i === j) {
      c.push(0n);
      z.push(0n);
      R.push(multiply(gens.H, rho));
    } else {
      const ci = scalars[1 + 2 * other]!;
      const zi = scalars[2 + 2 * other]!;
      other++;
      c.push(ci);
      z.push(zi);
      // R_i = z_i * H - c_i * (C - s_i * G): simulated, every scalar here is random or public.
      R.push(msmMixed([gens.H, gens.G], [zi, mul(ci, set[i]!)], [C], [neg(ci)]));
    }
  }
  R.forEach((point) => transcript.absorbPoint('in:R', point));
  const e = transcript.challenge('in:e');
  c[j] = c.reduce((acc, ci, i) => (i === j ? acc : sub(acc, ci)), e);
  z[j] = add(rho, mul(c[j]!, blinding));
  return { c, z };
}

export function verifyMembership(
  gens: PedersenGenerators,
  transcript: Transcript,
  C: G1Point,
  set: readonly bigint[],
  proof: MembershipProof,
): boolean {
  if (proof.c.length !== set.length || proof.z.length !== set.length) return false;
  let sum = 0n;
  set.forEach((s, i) => {
    const ci = proof.c[i]!;
    transcript.absorbPoint('in:R', msmMixed([gens.H, gens.G], [proof.z[i]!, mul(ci, s)], [C], [neg(ci)]));
    sum = add(sum, ci);
  });
  return transcript.challenge('in:e') === sum;
}

export function proveInequality(
  gens: PedersenGenerators,
  transcript: Transcript,
  C: G1Point,
  excluded: bigint,
  value: bigint,
  blinding: bigint,
  random: RandomScalars,
): InequalityProof {
  const delta = sub(value, excluded);
  if (delta === 0n)
    throw new BbsError('PREDICATE_NOT_SATISFIED', 'predicate', 'the hidden value equals the excluded one');
  const alpha = inv(delta);
  const beta = neg(mul(blinding, alpha));
  const D = C.subtract(multiply(gens.G, excluded));
  const [a, b] = random(2) as [bigint, bigint];
  const R = multiply(D, a).add(multiply(gens.H, b));
  transcript.absorbPoint('neq:R', R);
  const e = transcript.challenge('neq:e');
  return { e, zAlpha: add(a, mul(e, alpha)), zBeta: add(b, mul(e, beta)) };
}

export function verifyInequality(
  gens: PedersenGenerators,
  transcript: Transcript,
  C: G1Point,
  excluded: bigint,
  proof: InequalityProof,
): boolean {
  // D = C - s * G; R = z_alpha * D + z_beta * H - e * G
  const R = msmMixed(
    [gens.G, gens.H],
    [sub(neg(mul(proof.zAlpha, excluded)), proof.e), proof.zBeta],
    [C],
    [proof.zAlpha],
  );
  transcript.absorbPoint('neq:R', R);
  return transcript.challenge('neq:e') === proof.e;
}
