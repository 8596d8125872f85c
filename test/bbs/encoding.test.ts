/**
 * point_to_octets_E1 is written out by hand (to skip a redundant subgroup check); it must agree
 * with the curve library's canonical compressed encoding on every kind of point.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { octetsToPointG1, pointToOctetsG1, r } from '../../src/bbs/index.js';

const G1 = bls12_381.G1.Point;

describe('point_to_octets_E1', () => {
  it('matches the canonical compressed encoding for random points (both y roots)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: r - 1n }), (k) => {
        const point = G1.BASE.multiply(k);
        for (const p of [point, point.negate()]) {
          expect(pointToOctetsG1(p)).toEqual(p.toBytes(true));
          expect(octetsToPointG1(pointToOctetsG1(p), 'p').equals(p)).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('encodes the identity as 0xc0 followed by zeros', () => {
    const bytes = pointToOctetsG1(G1.ZERO);
    expect(bytes[0]).toBe(0xc0);
    expect(bytes.subarray(1).every((b) => b === 0)).toBe(true);
  });
});
