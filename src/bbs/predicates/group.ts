/**
 * The group operations the predicate proofs add to curve.ts, under the same rules: this is the
 * only other file that imports @noble/curves, and only for variable-time multi-scalar
 * multiplication on public inputs.
 *
 * Measured on this machine with noble 2.x (set proofs; the range proof uses msmVerify): a
 * generator with a precomputed table multiplies about 5x faster than a fresh point, and for
 * fresh points noble's interleaved Strauss-Shamir walk (`mulAddUnsafe`, one shared doubling
 * chain) beats both separate multiplications (about 4x at 16 points) and Pippenger below about
 * a hundred points. So a mixed MSM does tabled generators one by one and the rest in one walk.
 */
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { G1, msmPublic, type G1Point } from '../curve.js';

/**
 * sum points[i] * scalars[i] over fresh (untabled) points, public scalars only. Zero scalars
 * and identity points are skipped.
 */
export function msmVartime(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  const p: G1Point[] = [];
  const s: bigint[] = [];
  for (let i = 0; i < points.length; i++) {
    if (scalars[i] === 0n || points[i]!.is0()) continue;
    p.push(points[i]!);
    s.push(scalars[i]!);
  }
  if (p.length === 0) return G1.ZERO;
  return mulAddUnsafe(G1, p, s);
}

/** fixed-generator part (tabled, one by one) plus a fresh-point part (one Strauss walk). */
export function msmMixed(
  fixedPoints: readonly G1Point[],
  fixedScalars: readonly bigint[],
  points: readonly G1Point[],
  scalars: readonly bigint[],
): G1Point {
  return msmPublic(fixedPoints, fixedScalars).add(msmVartime(points, scalars));
}
