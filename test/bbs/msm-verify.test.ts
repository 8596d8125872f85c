/**
 * curve.ts's msmVerify (Jacobian coordinates, GLV endomorphism, Straus with wNAF, cached tables
 * for fixed points) against noble's own arithmetic: the same sums for random subgroup points and
 * scalars, and for the edge cases the fast formulas must handle (zero and r-1 scalars, the
 * identity, a point added to itself, a point and its negation, tables reused across calls).
 */
import { describe, expect, it } from 'vitest';
import { G1, msmVerify, r, type G1Point } from '../../src/bbs/curve.js';

const randomScalar = (): bigint => {
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`) % r;
};
const randomPoint = (): G1Point => G1.BASE.multiply(randomScalar() || 1n);

/** The reference: noble's scalar multiplication, one term at a time. */
function reference(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  return points.reduce((acc, p, i) => (scalars[i] === 0n ? acc : acc.add(p.multiply(scalars[i]!))), G1.ZERO);
}

describe('msmVerify', () => {
  it('agrees with noble on random sums of 1 to 14 terms', () => {
    for (let n = 1; n <= 14; n += 1 + (n >> 2)) {
      const points = Array.from({ length: n }, randomPoint);
      const scalars = Array.from({ length: n }, randomScalar);
      expect(msmVerify(points, scalars).equals(reference(points, scalars))).toBe(true);
    }
  });

  it('handles zero and extreme scalars, the identity, doubling and cancellation', () => {
    const P = randomPoint();
    const Q = randomPoint();
    const k = randomScalar();
    const cases: [G1Point[], bigint[]][] = [
      [[P], [0n]],
      [[P], [1n]],
      [[P], [r - 1n]],
      [
        [P, Q],
        [r - 1n, 1n],
      ],
      [
        [P, P],
        [k, k],
      ],
      [
        [P, P.negate()],
        [k, k],
      ],
      [
        [P, Q, P],
        [k, 0n, r - k],
      ],
      [
        [G1.ZERO, P],
        [k, k],
      ],
      [[], []],
    ];
    for (const [points, scalars] of cases) {
      expect(msmVerify(points, scalars).equals(reference(points, scalars))).toBe(true);
    }
    expect(() => msmVerify([P], [r])).toThrow();
    expect(() => msmVerify([P], [-1n])).toThrow();
  });

  it('gives the same sums when fixed points reuse their cached tables', () => {
    const fixed = [randomPoint(), randomPoint(), randomPoint()];
    for (let round = 0; round < 3; round++) {
      const points = [...fixed, randomPoint()];
      const scalars = points.map(randomScalar);
      const flags = [true, true, true, false];
      expect(msmVerify(points, scalars, flags).equals(reference(points, scalars))).toBe(true);
    }
  });
});
