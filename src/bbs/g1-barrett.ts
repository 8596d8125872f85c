/**
 * G1 arithmetic for the prover's hot path, over a base field reduced by Barrett's method instead
 * of BigInt `%`.
 *
 * Why: on Hermes 0.12 (React Native) a BigInt remainder of a 762-bit product by the 381-bit p
 * costs about 20x a Barrett reduction (two multiplications, two shifts, a subtraction), measured
 * in bench/hermes. @noble/curves reduces with `%` everywhere and its fields are frozen, so the
 * wallet's multiplications (ProofInit, CommitWithNym) run here, on the same projective
 * coordinates as noble's points, and hand noble points back. On V8 the two are about even.
 *
 * Point formulas: the complete addition and doubling formulas for short Weierstrass curves with
 * a = 0 (Renes, Costello, Batina, "Complete addition formulas for prime order elliptic curves",
 * 2015, algorithms 7 and 9), as noble uses: BLS12-381's G1 curve has an odd cofactor, so no point
 * of order 2 and the formulas are complete; adding the identity costs the same as any addition.
 *
 * Secret scalars: `ctSumOfProducts` walks fixed 4-bit windows, every window of every scalar adds
 * one table entry selected by masks over the whole table, so the sequence of point operations does
 * not depend on the scalars. No entry is the identity: entry d is d*P + OFFSET (a fixed public
 * point), and the offsets are subtracted once at the end, so a zero digit costs what any digit costs
 * (adding the identity would multiply by 0n, which BigInt does faster). The subtraction uses a
 * shipped multiple of OFFSET and a few additions here, never noble's tabled base multiplication,
 * whose first use builds a table (hundreds of ms on Hermes). BigInt arithmetic itself is not
 * constant-time in any JavaScript engine (noble states the same).
 * test/bbs/g1-barrett.test.ts checks every function against noble on random inputs.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';

const P: bigint = bls12_381.fields.Fp.ORDER;
/** floor(2^762 / p), for Barrett reduction of products below p^2 < 2^762. */
const MU = (1n << 762n) / P;
/** 3 * b for E: y^2 = x^3 + 4. */
const B3 = 12n;

/** x mod p for 0 <= x < p^2 (a product of two reduced elements). */
function reduce(x: bigint): bigint {
  const q = ((x >> 380n) * MU) >> 382n;
  let r = x - q * P;
  // Barrett's estimate is short by at most 2.
  if (r >= P) r -= P;
  if (r >= P) r -= P;
  return r;
}

const mul = (a: bigint, b: bigint): bigint => reduce(a * b);
/** a * b mod p for reduced a, b: for arithmetic elsewhere that wants the Barrett field (curve.ts). */
export const fpMul = mul;
const add = (a: bigint, b: bigint): bigint => {
  const s = a + b;
  return s >= P ? s - P : s;
};
const sub = (a: bigint, b: bigint): bigint => {
  const d = a - b;
  return d < 0n ? d + P : d;
};

/** a^e mod p by square-and-multiply (public exponents only). */
export function fpPow(a: bigint, e: bigint): bigint {
  let result = 1n;
  let base = a;
  let k = e;
  while (k > 0n) {
    if (k & 1n) result = mul(result, base);
    base = mul(base, base);
    k >>= 1n;
  }
  return result;
}

/** Projective coordinates (X : Y : Z), the representation noble's points use. */
export interface Projective {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
}

export const IDENTITY: Projective = { X: 0n, Y: 1n, Z: 0n };

/** P + Q, complete (RCB15 algorithm 7, a = 0). */
export function pointAdd(p: Projective, q: Projective): Projective {
  const { X: X1, Y: Y1, Z: Z1 } = p;
  const { X: X2, Y: Y2, Z: Z2 } = q;
  let t0 = mul(X1, X2);
  let t1 = mul(Y1, Y2);
  let t2 = mul(Z1, Z2);
  let t3 = mul(add(X1, Y1), add(X2, Y2));
  let t4 = add(t0, t1);
  t3 = sub(t3, t4);
  t4 = mul(add(Y1, Z1), add(Y2, Z2));
  t4 = sub(t4, add(t1, t2));
  let X3 = mul(add(X1, Z1), add(X2, Z2));
  let Y3 = sub(X3, add(t0, t2));
  t0 = add(add(t0, t0), t0);
  t2 = mul(B3, t2);
  let Z3 = add(t1, t2);
  t1 = sub(t1, t2);
  Y3 = mul(B3, Y3);
  X3 = sub(mul(t3, t1), mul(t4, Y3));
  Y3 = add(mul(t1, Z3), mul(Y3, t0));
  Z3 = add(mul(Z3, t4), mul(t0, t3));
  return { X: X3, Y: Y3, Z: Z3 };
}

/** 2P, complete (RCB15 algorithm 9, a = 0). */
export function pointDouble(p: Projective): Projective {
  const { X, Y, Z } = p;
  let t0 = mul(Y, Y);
  let Z3 = add(t0, t0);
  Z3 = add(Z3, Z3);
  Z3 = add(Z3, Z3);
  let t1 = mul(Y, Z);
  let t2 = mul(B3, mul(Z, Z));
  let X3 = mul(t2, Z3);
  let Y3 = add(t0, t2);
  Z3 = mul(t1, Z3);
  t1 = add(t2, t2);
  t2 = add(t1, t2);
  t0 = sub(t0, t2);
  Y3 = add(X3, mul(t0, Y3));
  t1 = mul(X, Y);
  X3 = mul(t0, t1);
  X3 = add(X3, X3);
  return { X: X3, Y: Y3, Z: Z3 };
}

const WINDOW = 4;
const TABLE_SIZE = 1 << WINDOW;
/** Scalars are below r < 2^255: 64 windows of 4 bits cover them. */
const WINDOWS = 64;

/** G1's generator: a public point added to every table entry so that none is the identity. */
const OFFSET: Projective = (() => {
  const { x, y } = bls12_381.G1.Point.BASE.toAffine();
  return { X: x, Y: y, Z: 1n };
})();
/** sum_{w < 64} 16^w: how many times the walk adds OFFSET per point. */
export const OFFSET_WEIGHT = ((1n << 256n) - 1n) / 15n;
/**
 * OFFSET_WEIGHT * OFFSET, affine: what the walk adds on top of the result for each point.
 * Shipped rather than computed because deriving it (252 doublings, about a fifth of a 10-point
 * walk) would land on the first proof after app start; test/bbs/g1-barrett.test.ts re-derives it.
 */
export const OFFSET_SUM: Projective = {
  X: 0x17248533cef0908a5ebe52c3b487471301bf6369010e6167f63dd74feddac2dfb5336a59a331d38eb0e454d6f6fcb1a4n,
  Y: 0x05c306451a723f3c812d617fe0fcc021a1caef5e136164796b07b0cd78a06b9c2ff7a9e434879f9c9d3b1876034c56b8n,
  Z: 1n,
};

/**
 * -(count * OFFSET_SUM): the correction for a walk over `count` points, by double-and-add over
 * the bits of `count`. count is public (the number of points), so branching on it leaks nothing.
 */
function offsetCorrection(count: number): Projective {
  let sum = IDENTITY;
  for (let bit = 31 - Math.clz32(count); bit >= 0; bit--) {
    sum = pointDouble(sum);
    if ((count >>> bit) & 1) sum = pointAdd(sum, OFFSET_SUM);
  }
  return { X: sum.X, Y: sub(0n, sum.Y), Z: sum.Z };
}

/** [OFFSET, P + OFFSET, ..., 15P + OFFSET]: 15 additions, the same for every point. */
function windowTable(p: Projective): Projective[] {
  const table: Projective[] = [OFFSET];
  for (let i = 1; i < TABLE_SIZE; i++) table.push(pointAdd(table[i - 1]!, p));
  return table;
}

/** The 64 base-16 digits of a scalar below 2^256, most significant first, by shifts and masks. */
function digitsOf(scalar: bigint): Uint8Array {
  if (scalar < 0n || scalar >> 256n !== 0n) throw new RangeError('scalar out of range');
  const digits = new Uint8Array(WINDOWS);
  for (let i = 0; i < WINDOWS; i++) digits[i] = Number((scalar >> BigInt(4 * (WINDOWS - 1 - i))) & 15n);
  return digits;
}

/** table[digit], reading every entry and choosing by arithmetic masks rather than a branch. */
function select(table: readonly Projective[], digit: number): Projective {
  let X = 0n;
  let Y = 0n;
  let Z = 0n;
  for (let k = 0; k < TABLE_SIZE; k++) {
    // (k ^ digit) - 1 is negative exactly when k === digit: mask is -1n (all ones) there, else 0n.
    const mask = -BigInt(((k ^ digit) - 1) >>> 31);
    const entry = table[k]!;
    X |= entry.X & mask;
    Y |= entry.Y & mask;
    Z |= entry.Z & mask;
  }
  return { X, Y, Z };
}

/**
 * Sum of points[i] * scalars[i] for secret scalars (0 <= s < 2^256), as one interleaved
 * fixed-window walk: 15 additions per point for its table, then 252 doublings shared by all
 * points and one addition per point and window. For the ~10 points of a ProofInit that is about a
 * third of the work of separate multiplications.
 */
export function ctSumOfProducts(points: readonly Projective[], scalars: readonly bigint[]): Projective {
  if (points.length !== scalars.length) throw new RangeError('one scalar per point');
  if (points.length === 0) return IDENTITY;
  const tables = points.map(windowTable);
  const digits = scalars.map(digitsOf);
  let acc = IDENTITY;
  for (let w = 0; w < WINDOWS; w++) {
    // The skip depends on the loop index only: the accumulator is the identity before window 0.
    if (w !== 0) for (let d = 0; d < WINDOW; d++) acc = pointDouble(acc);
    for (let i = 0; i < tables.length; i++) acc = pointAdd(acc, select(tables[i]!, digits[i]![w]!));
  }
  // Take the offsets back out: acc holds sum s_i P_i + points.length * OFFSET_SUM.
  return pointAdd(acc, offsetCorrection(points.length));
}

/**
 * sum over i of (bits[i] ? ifOne[i] : ifZero[i]), bits secret (0 or 1): one addition per pair
 * whatever the bit, of an entry chosen by masks over both candidates (the Bulletproofs commitment
 * A = <a_L, g> + <a_L - 1, h>, where every bit adds g_i or -h_i).
 */
export function ctSumOfChoices(
  bits: readonly number[],
  ifOne: readonly Projective[],
  ifZero: readonly Projective[],
): Projective {
  if (bits.length !== ifOne.length || bits.length !== ifZero.length) throw new RangeError('one bit per pair');
  let acc = IDENTITY;
  for (let i = 0; i < bits.length; i++) {
    // -1n (all ones) when the bit is 1, 0n when it is 0; the other mask is its complement.
    const one = -BigInt(bits[i]! & 1);
    const zero = ~one;
    const a = ifOne[i]!;
    const b = ifZero[i]!;
    acc = pointAdd(acc, {
      X: (a.X & one) | (b.X & zero),
      Y: (a.Y & one) | (b.Y & zero),
      Z: (a.Z & one) | (b.Z & zero),
    });
  }
  return acc;
}

/** -P. */
export function pointNegate(p: Projective): Projective {
  return { X: p.X, Y: sub(0n, p.Y), Z: p.Z };
}

/** (x, y) of a projective point; the identity has none. One field inversion (Fermat). */
export function toAffine(p: Projective): { x: bigint; y: bigint } | undefined {
  if (p.Z === 0n) return undefined;
  const zInv = fpPow(p.Z, P - 2n);
  return { x: mul(p.X, zInv), y: mul(p.Y, zInv) };
}

/**
 * The point with x-coordinate `x` and the sign `largerY` (y > (p-1)/2), or undefined when x^3 + 4
 * is not a square (x is not on the curve). p = 3 mod 4, so a square root is a^((p+1)/4).
 * No subgroup check: for points whose membership is established otherwise (shipped constants
 * checked by a test, a signature the wallet verified at issuance).
 */
export function decompress(x: bigint, largerY: boolean): { x: bigint; y: bigint } | undefined {
  if (x < 0n || x >= P) return undefined;
  const rhs = add(mul(mul(x, x), x), 4n);
  const y = fpPow(rhs, (P + 1n) >> 2n);
  if (mul(y, y) !== rhs) return undefined;
  const larger = y > (P - 1n) >> 1n;
  return { x, y: larger === largerY ? y : sub(0n, y) };
}
