/**
 * Shared helpers for the BBS interop, property and malformed-input suites: a seeded PRNG,
 * bit and byte surgery, hand-built point encodings that the curve library would refuse to
 * serialize (off-curve, outside the prime-order subgroup, non-canonical), and a classifier
 * for "what did this call do": return a value, throw a typed BbsError, or throw something else.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { BbsError, type BbsErrorCode } from '../../src/bbs/index.js';

const Fp = bls12_381.fields.Fp;
const Fp2 = bls12_381.fields.Fp2;
type Fp2Element = ReturnType<typeof Fp2.create>;

/** p, the base field modulus, and r, the group order. */
export const P_MODULUS: bigint = Fp.ORDER;
export const R_ORDER: bigint = bls12_381.fields.Fr.ORDER;

// ---------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------

/**
 * The seed for a run: PRIVID_TEST_SEED when set (to replay a failure), otherwise a fresh one.
 * Every suite prints it in its title, so a failing run names the seed that reproduces it.
 */
export function testSeed(): number {
  const fromEnv = process.env.PRIVID_TEST_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isSafeInteger(seed)) throw new Error(`PRIVID_TEST_SEED must be an integer, got ${fromEnv}`);
    return seed | 0;
  }
  return (Math.random() * 0x7fffffff) | 0;
}

/** sfc32 seeded through splitmix32: small, fast, and good enough to pick test inputs. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 16; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor((this.uint32() / 0x1_0000_0000) * (max - min + 1));
  }

  bool(probability = 0.5): boolean {
    return this.uint32() / 0x1_0000_0000 < probability;
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.uint32() & 0xff;
    return out;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A sorted subset of 0..n-1, each index kept with the given probability. */
  subset(n: number, probability = 0.5): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (this.bool(probability)) out.push(i);
    return out;
  }

  /** A child generator, so that adding draws in one place does not shift inputs elsewhere. */
  fork(): SeededRandom {
    return new SeededRandom(this.uint32());
  }
}

// ---------------------------------------------------------------------------------------------
// Index sets and bytes
// ---------------------------------------------------------------------------------------------

/** Every sorted subset of 0..n-1 (2^n of them), from none to all. */
export function allSubsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    const subset: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) subset.push(i);
    out.push(subset);
  }
  return out;
}

/** A copy of `bytes` with bit `bit` flipped (bit 0 is the most significant bit of byte 0). */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  if (!Number.isInteger(bit) || bit < 0 || bit >= bytes.length * 8) throw new Error(`bit ${bit} out of range`);
  const out = bytes.slice();
  out[bit >> 3] = out[bit >> 3]! ^ (0x80 >> (bit & 7));
  return out;
}

/** A copy of `bytes` with `part` written at `offset`. */
export function splice(bytes: Uint8Array, offset: number, part: Uint8Array): Uint8Array {
  if (offset + part.length > bytes.length) throw new Error('splice past the end');
  const out = bytes.slice();
  out.set(part, offset);
  return out;
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bigintToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n || value >= 1n << BigInt(8 * length)) throw new Error(`${value} does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** A 32-byte big-endian scalar encoding (any value < 2^256, in or out of range). */
export const scalarBytes = (value: bigint): Uint8Array => bigintToBytes(value, 32);

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

// ---------------------------------------------------------------------------------------------
// Hand-built point encodings (compressed, with the ZCash flag bits)
// ---------------------------------------------------------------------------------------------

const COMPRESSED = 0x80;
const INFINITY = 0x40;
const SORT = 0x20;

/** The compressed identity: 0xc0 followed by zeros (48 bytes for G1, 96 for G2). */
export function identityEncoding(length: 48 | 96): Uint8Array {
  const out = new Uint8Array(length);
  out[0] = COMPRESSED | INFINITY;
  return out;
}

function isSquareFp(v: bigint): boolean {
  return v === 0n || Fp.pow(v, (P_MODULUS - 1n) / 2n) === 1n;
}

function sqrtFp2(v: Fp2Element): Fp2Element | undefined {
  try {
    const root = Fp2.sqrt(v) as Fp2Element | undefined;
    return root && Fp2.eql(Fp2.sqr(root), v) ? root : undefined;
  } catch {
    return undefined;
  }
}

/** Compressed G1 encoding of an x coordinate, without any validation. */
export function compressedG1(x: bigint, sort = false): Uint8Array {
  const out = bigintToBytes(x, 48);
  if (out[0]! & 0xe0) throw new Error('x does not leave room for the flag bits');
  out[0] = out[0]! | COMPRESSED | (sort ? SORT : 0);
  return out;
}

/** Compressed G2 encoding (c1 || c0) of an x coordinate, without any validation. */
export function compressedG2(x: Fp2Element, sort = false): Uint8Array {
  const out = concat(bigintToBytes(x.c1, 48), bigintToBytes(x.c0, 48));
  if (out[0]! & 0xe0) throw new Error('x does not leave room for the flag bits');
  out[0] = out[0]! | COMPRESSED | (sort ? SORT : 0);
  return out;
}

const G1_B = 4n;
const G2_B = Fp2.create({ c0: 4n, c1: 4n });

function g1RightHandSide(x: bigint): bigint {
  return Fp.add(Fp.pow(x, 3n), G1_B);
}

function g2RightHandSide(x: Fp2Element): Fp2Element {
  return Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2_B);
}

/** A G1 x coordinate for which x^3 + 4 is not a square: no point on the curve has it. */
export function g1NotOnCurve(start = 1n): Uint8Array {
  for (let x = start; ; x++) if (!isSquareFp(g1RightHandSide(x))) return compressedG1(x);
}

/**
 * A point on E1 (y^2 = x^3 + 4) that is not in the prime-order subgroup G1: the first x from
 * `start` whose point has order not dividing r. Returns the compressed encoding and the point.
 */
export function g1NotInSubgroup(start = 1n): { bytes: Uint8Array; x: bigint; y: bigint } {
  for (let x = start; ; x++) {
    const rhs = g1RightHandSide(x);
    if (!isSquareFp(rhs)) continue;
    const y = Fp.sqrt(rhs);
    const point = bls12_381.G1.Point.fromAffine({ x, y });
    if (point.is0() || point.isTorsionFree()) continue;
    // The encoding picks y by the sort bit; both y and -y are outside the subgroup.
    return { bytes: compressedG1(x, y > (P_MODULUS - 1n) / 2n), x, y };
  }
}

/** An Fp2 x coordinate with no point on E2 (y^2 = x^3 + 4(1 + i)). */
export function g2NotOnCurve(start = 1n): Uint8Array {
  for (let c0 = start; ; c0++) {
    const x = Fp2.create({ c0, c1: 1n });
    if (!sqrtFp2(g2RightHandSide(x))) return compressedG2(x);
  }
}

/** A point on E2 outside the prime-order subgroup G2, compressed. */
export function g2NotInSubgroup(start = 1n): { bytes: Uint8Array; x: Fp2Element; y: Fp2Element } {
  for (let c0 = start; ; c0++) {
    const x = Fp2.create({ c0, c1: 1n });
    const y = sqrtFp2(g2RightHandSide(x));
    if (!y) continue;
    const point = bls12_381.G2.Point.fromAffine({ x, y });
    if (point.is0() || point.isTorsionFree()) continue;
    const half = (P_MODULUS - 1n) / 2n;
    const sort = y.c1 === 0n ? y.c0 > half : y.c1 > half;
    return { bytes: compressedG2(x, sort), x, y };
  }
}

/** True when (x, y) satisfies y^2 = x^3 + 4, the E1 equation (subgroup membership aside). */
export function g1IsOnCurve(x: bigint, y: bigint): boolean {
  return Fp.eql(Fp.sqr(y), g1RightHandSide(x));
}

export function g2IsOnCurve(x: Fp2Element, y: Fp2Element): boolean {
  return Fp2.eql(Fp2.sqr(y), g2RightHandSide(x));
}

/**
 * A non-canonical G1 encoding of a valid subgroup point: x + p instead of x (it still fits in
 * the 381 bits the flags leave). Searches k * BP1 for the first point whose x is small enough.
 * Returns both encodings so a test can check the canonical one is accepted.
 */
export function nonCanonicalG1(): { canonical: Uint8Array; nonCanonical: Uint8Array } {
  let point = bls12_381.G1.Point.BASE;
  for (;;) {
    const { x, y } = point.toAffine();
    if (x + P_MODULUS < 1n << 381n) {
      const sort = y > (P_MODULUS - 1n) / 2n;
      const nonCanonical = bigintToBytes(x + P_MODULUS, 48);
      nonCanonical[0] = nonCanonical[0]! | COMPRESSED | (sort ? SORT : 0);
      return { canonical: compressedG1(x, sort), nonCanonical };
    }
    point = point.add(bls12_381.G1.Point.BASE);
  }
}

/** A non-canonical G2 encoding of a valid point: c0 + p in place of c0 (c0 carries no flags). */
export function nonCanonicalG2(valid: Uint8Array): Uint8Array {
  if (valid.length !== 96) throw new Error('expected a 96-byte compressed G2 point');
  let c0 = 0n;
  for (const b of valid.subarray(48)) c0 = (c0 << 8n) | BigInt(b);
  return concat(valid.subarray(0, 48), bigintToBytes(c0 + P_MODULUS, 48));
}

/** A sparse copy of `values` with a hole at `index` (as `[a, , c]` would make). */
export function withHole<T>(values: readonly T[], index: number): T[] {
  const out = new Array<T>(values.length);
  values.forEach((value, i) => {
    if (i !== index) out[i] = value;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Outcome classification
// ---------------------------------------------------------------------------------------------

export type Outcome =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'BbsError'; readonly code: BbsErrorCode; readonly field: string }
  | { readonly kind: 'untyped'; readonly error: string };

/** Runs `fn` and reports what it did, so assertions can show an untyped exception verbatim. */
export function outcomeOf(fn: () => unknown): Outcome {
  try {
    const value = fn();
    return { kind: 'returned', value: value instanceof Uint8Array ? `Uint8Array(${value.length})` : value };
  } catch (error) {
    if (error instanceof BbsError) return { kind: 'BbsError', code: error.code, field: error.field };
    const name = error instanceof Error ? error.constructor.name : typeof error;
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'untyped', error: `${name}: ${message}` };
  }
}

/**
 * For a verifier: true when it rejected (returned false or threw a BbsError). Any untyped
 * exception is re-thrown so the test fails with it.
 */
export function rejected(fn: () => boolean): boolean {
  const outcome = outcomeOf(fn);
  if (outcome.kind === 'untyped') throw new Error(`untyped exception escaped: ${outcome.error}`);
  return outcome.kind === 'BbsError' || outcome.value === false;
}
