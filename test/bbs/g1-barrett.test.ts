// The Barrett-reduced G1 arithmetic of the prover's hot path against @noble/curves, on random
// points and scalars and on the edge cases of the complete formulas (identity, P + P, P + (-P)).
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, it } from 'vitest';
import {
  ctSumOfChoices,
  ctSumOfProducts,
  decompress,
  fpMul,
  IDENTITY,
  OFFSET_SUM,
  OFFSET_WEIGHT,
  pointAdd,
  pointDouble,
  pointNegate,
  toAffine,
  type Projective,
} from '../../src/bbs/g1-barrett.js';

const G1 = bls12_381.G1.Point;
const r = bls12_381.fields.Fr.ORDER;
const randomScalar = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n % r;
};
const randomPoint = () => G1.BASE.multiply(randomScalar() || 1n);
const noble = (p: Projective) => new G1(p.X, p.Y, p.Z);

describe('Barrett G1 arithmetic', () => {
  it('adds and doubles like noble, including the edge cases of the complete formulas', () => {
    for (let i = 0; i < 20; i++) {
      const a = randomPoint();
      const b = randomPoint();
      expect(noble(pointAdd(a, b)).equals(a.add(b))).toBe(true);
      expect(noble(pointDouble(a)).equals(a.double())).toBe(true);
      expect(noble(pointAdd(a, a)).equals(a.double())).toBe(true);
      expect(noble(pointAdd(a, a.negate())).is0()).toBe(true);
      expect(noble(pointAdd(a, IDENTITY)).equals(a)).toBe(true);
      expect(noble(pointAdd(IDENTITY, a)).equals(a)).toBe(true);
    }
    expect(noble(pointDouble(IDENTITY)).is0()).toBe(true);
    expect(noble(pointAdd(IDENTITY, IDENTITY)).is0()).toBe(true);
  });

  it('computes sums of products like noble for 0..12 points, zero and extreme scalars', () => {
    for (const n of [0, 1, 2, 5, 12]) {
      const points = Array.from({ length: n }, randomPoint);
      const scalars = points.map((_, i) => (i === 1 ? 0n : i === 2 ? r - 1n : i === 3 ? 1n : randomScalar()));
      const expected = points.reduce((acc, p, i) => acc.add(p.multiplyUnsafe(scalars[i]!)), G1.ZERO);
      expect(noble(ctSumOfProducts(points, scalars)).equals(expected)).toBe(true);
    }
  });

  it('handles scalars made mostly of zero digits, the offset point itself and scalars up to 2^256-1', () => {
    const scalars = [1n << 252n, 16n ** 63n + 1n, 0x1000000000000000000000000000000000001n, (1n << 256n) - 1n, r, 2n];
    const points = [randomPoint(), G1.BASE, randomPoint(), G1.BASE.negate(), randomPoint(), G1.BASE];
    const expected = points.reduce((acc, p, i) => acc.add(p.multiplyUnsafe(scalars[i]! % r)), G1.ZERO);
    expect(noble(ctSumOfProducts(points, scalars)).equals(expected)).toBe(true);
    for (let i = 0; i < scalars.length; i++) {
      expect(
        noble(ctSumOfProducts([points[i]!], [scalars[i]!])).equals(points[i]!.multiplyUnsafe(scalars[i]! % r)),
      ).toBe(true);
    }
  });

  it('ships the offset sum the walk adds per point: OFFSET_WEIGHT * G, derived by Horner and by noble', () => {
    // Horner over the walk's 64 windows, in the Barrett arithmetic: q = 16 q + G.
    const g: Projective = { X: G1.BASE.x, Y: G1.BASE.y, Z: 1n };
    let q = g;
    for (let w = 1; w < 64; w++) q = pointAdd(pointDouble(pointDouble(pointDouble(pointDouble(q)))), g);
    expect(noble(q).equals(noble(OFFSET_SUM))).toBe(true);
    expect(noble(OFFSET_SUM).equals(G1.BASE.multiply(OFFSET_WEIGHT % r))).toBe(true);
    expect(OFFSET_SUM.Z).toBe(1n);
  });

  it('takes the offsets out for every point count: all-zero, one and r-1 scalars on 1..17 points', () => {
    for (let n = 1; n <= 17; n++) {
      const points = Array.from({ length: n }, (_, i) => (i === 0 ? G1.BASE : randomPoint()));
      // Every digit zero: the walk adds only offsets, so the result is exactly their correction.
      expect(noble(ctSumOfProducts(points, new Array<bigint>(n).fill(0n))).is0()).toBe(true);
      const scalars = points.map((_, i) => [1n, r - 1n, 0n][i % 3]!);
      const expected = points.reduce((acc, p, i) => acc.add(p.multiplyUnsafe(scalars[i]!)), G1.ZERO);
      expect(noble(ctSumOfProducts(points, scalars)).equals(expected)).toBe(true);
    }
    for (const s of [0n, 1n, r - 1n]) {
      const p = randomPoint();
      const expected = s === 0n ? G1.ZERO : p.multiplyUnsafe(s);
      expect(noble(ctSumOfProducts([p], [s])).equals(expected)).toBe(true);
    }
  });

  it('sums one of each pair chosen by its bit like noble, for all-zero, all-one and mixed bits', () => {
    const ones = Array.from({ length: 9 }, randomPoint);
    const zeros = Array.from({ length: 9 }, randomPoint);
    const patterns = [Array(9).fill(0), Array(9).fill(1), [1, 0, 0, 1, 1, 0, 1, 0, 1]];
    for (const bits of patterns) {
      const expected = bits.reduce((acc, bit, i) => acc.add(bit ? ones[i]! : zeros[i]!.negate()), G1.ZERO);
      const got = ctSumOfChoices(bits, ones, zeros.map(pointNegate));
      expect(noble(got).equals(expected)).toBe(true);
    }
    expect(noble(ctSumOfChoices([], [], [])).is0()).toBe(true);
    expect(() => ctSumOfChoices([1], ones.slice(0, 1), [])).toThrow(RangeError);
  });

  it('multiplies in Fp like BigInt % for reduced operands, including p - 1', () => {
    const p = bls12_381.fields.Fp.ORDER;
    const samples = [
      0n,
      1n,
      p - 1n,
      p - 2n,
      ...Array.from({ length: 50 }, () => bls12_381.fields.Fp.create(randomScalar() * randomScalar() * 7n)),
    ];
    for (const a of samples) for (const b of samples.slice(0, 10)) expect(fpMul(a, b)).toBe((a * b) % p);
  });

  it('rejects scalars outside 0..2^256-1 and mismatched lengths', () => {
    expect(() => ctSumOfProducts([G1.BASE], [-1n])).toThrow(RangeError);
    expect(() => ctSumOfProducts([G1.BASE], [1n << 256n])).toThrow(RangeError);
    expect(() => ctSumOfProducts([G1.BASE], [])).toThrow(RangeError);
  });

  it('converts to affine and decompresses like noble', () => {
    expect(toAffine(IDENTITY)).toBeUndefined();
    for (let i = 0; i < 10; i++) {
      const p = randomPoint().double();
      const { x, y } = p.toAffine();
      expect(toAffine(p)).toEqual({ x, y });
      const bytes = p.toBytes(true);
      const largerY = (bytes[0]! & 0x20) !== 0;
      expect(decompress(x, largerY)).toEqual({ x, y });
      expect(decompress(x, !largerY)).toEqual({ x, y: bls12_381.fields.Fp.neg(y) });
    }
    // x = 0: 0^3 + 4 = 4 is a square, so it is on the curve; x = 1: 5 is not a square mod p.
    expect(decompress(1n, false)).toBeUndefined();
    expect(decompress(bls12_381.fields.Fp.ORDER, false)).toBeUndefined();
  });
});
