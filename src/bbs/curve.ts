/**
 * BLS12-381 as the drafts use it: G1 and G2 points, scalars mod r, point (de)serialization with
 * the mandatory subgroup checks, and the pairing-product check.
 *
 * Everything that touches @noble/curves goes through this file, so that (a) every point that
 * arrives as bytes is validated in one place and (b) the performance tricks (precomputed
 * Miller-loop lines for fixed G2 points, multi-scalar multiplication) live in one place too.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { BbsError } from './errors.js';
import { bytesToHex, os2ip } from './bytes.js';
import { ctSumOfChoices, ctSumOfProducts, decompress, fpMul, pointNegate, type Projective } from './g1-barrett.js';

type Fp2 = ReturnType<typeof bls12_381.fields.Fp2.create>;
export type G1Point = WeierstrassPoint<bigint>;
export type G2Point = WeierstrassPoint<Fp2>;

export const G1 = bls12_381.G1.Point;
export const G2 = bls12_381.G2.Point;
const Fr = bls12_381.fields.Fr;
const Fp12 = bls12_381.fields.Fp12;

/** r, the prime order of G1 and G2. */
export const r: bigint = Fr.ORDER;
export const OCTET_SCALAR_LENGTH = 32;
export const OCTET_POINT_LENGTH = 48;
export const OCTET_G2_POINT_LENGTH = 96;

export const mod = (a: bigint): bigint => Fr.create(a);
export const add = (a: bigint, b: bigint): bigint => Fr.add(a, b);
export const sub = (a: bigint, b: bigint): bigint => Fr.sub(a, b);
export const mul = (a: bigint, b: bigint): bigint => Fr.mul(a, b);
export const neg = (a: bigint): bigint => Fr.neg(a);
/** Inverse mod r; callers must rule out 0 first (it has none). */
export const inv = (a: bigint): bigint => Fr.inv(a);

/** Constant-time scalar multiplication, for secret scalars. Zero gives the identity. */
export function multiply(point: G1Point, scalar: bigint): G1Point {
  if (scalar === 0n) return G1.ZERO;
  if (tabledPoints.has(point)) return point.multiply(scalar);
  return fromProjective(ctSumOfProducts([point], [scalar]));
}

/**
 * Sum of points[i] * scalars[i] for secret scalars (constant-time).
 *
 * When every point carries a multiplication table (generators in a long-lived process, see
 * `buildMultiplicationTables`), one tabled multiplication each: measured in Node, ~1.5x faster
 * than the interleaved walk. Otherwise (a wallet's first proofs, any engine with slow BigInt
 * division such as Hermes) the interleaved fixed-window walk of g1-barrett.ts, which builds no
 * table that outlives the call.
 */
export function sumOfProducts(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  if (points.length !== scalars.length) throw new RangeError('one scalar per point');
  if (points.length > 0 && points.every((p) => tabledPoints.has(p))) {
    let acc = G1.ZERO;
    for (let i = 0; i < points.length; i++) acc = acc.add(multiply(points[i]!, scalars[i]!));
    return acc;
  }
  return fromProjective(ctSumOfProducts(points, scalars));
}

/**
 * sum over i of (bits[i] ? ifOne[i] : -ifZero[i]) for secret bits (constant-time selection, one
 * Barrett addition per bit): the Bulletproofs bit commitment.
 */
export function sumOfChoices(
  bits: readonly number[],
  ifOne: readonly G1Point[],
  ifZeroNeg: readonly G1Point[],
): G1Point {
  return fromProjective(ctSumOfChoices(bits, ifOne, ifZeroNeg.map(pointNegate)));
}

// ---------------------------------------------------------------------------------------------
// Wallet side: multiplication-table policy and points the caller already vouches for.
// ---------------------------------------------------------------------------------------------

/** Points that carry noble's precomputed (w = 6) multiplication tables. */
const tabledPoints = new WeakSet<G1Point>();
/**
 * Window of the multiplication tables. Measured in Node: w6 builds in ~20 ms per point and makes
 * a multiplication ~4x cheaper than an untabled one; w8 gains little more for ~2.5x the build time.
 */
const TABLE_WINDOW = 6;

/**
 * Builds noble's multiplication tables for fixed points (generators) so that later tabled
 * multiplications, constant-time and variable-time, are additions only. Costs ~20 ms per point in
 * Node and over a second per point on Hermes: only for processes that multiply by these points
 * many times (generators.ts decides when).
 */
export function buildMultiplicationTables(points: readonly G1Point[]): void {
  for (const point of points) {
    if (tabledPoints.has(point)) continue;
    point.precompute(TABLE_WINDOW, false);
    tabledPoints.add(point);
  }
}

function fromProjective(p: Projective): G1Point {
  return p.Z === 0n ? G1.ZERO : new G1(p.X, p.Y, p.Z);
}

/**
 * A compressed G1 point whose subgroup membership is already established: a generator shipped
 * as a constant (test/bbs/generator-constants.test.ts re-derives every one) or the wallet's own
 * signature, verified at issuance. Decompresses (which proves the point is on the curve) with the
 * Barrett field, and skips the subgroup check, which costs a multiplication. Never for bytes from
 * outside: those go through `octetsToPointG1`.
 */
export function octetsToVouchedPointG1(bytes: Uint8Array, field: string): G1Point {
  if (bytes.length !== OCTET_POINT_LENGTH) {
    throw new BbsError('INVALID_LENGTH', field, `expected ${OCTET_POINT_LENGTH} bytes, got ${bytes.length}`);
  }
  const flags = bytes[0]!;
  if ((flags & 0x80) === 0 || (flags & 0x40) !== 0) {
    throw new BbsError('INVALID_POINT', field, 'expected a compressed point other than the identity');
  }
  const x = os2ip(Uint8Array.of(flags & 0x1f, ...bytes.subarray(1)));
  const affine = decompress(x, (flags & 0x20) !== 0);
  if (!affine) throw new BbsError('INVALID_POINT', field, 'not a valid compressed point on the curve');
  return new G1(affine.x, affine.y, 1n);
}

/**
 * Sum of points[i] * scalars[i] for public scalars only (verification): variable time.
 * Measured on BLS12-381 G1 with noble, a generic Pippenger MSM over ~13 points costs about as
 * much as separate multiplications; separate `multiplyUnsafe` calls win outright once the
 * generators carry precomputed tables (about 5x faster each), so that is what this does.
 */
export function msmPublic(points: readonly G1Point[], scalars: readonly bigint[]): G1Point {
  let acc = G1.ZERO;
  for (let i = 0; i < points.length; i++) acc = acc.add(multiplyPublic(points[i]!, scalars[i]!));
  return acc;
}

export function multiplyPublic(point: G1Point, scalar: bigint): G1Point {
  return scalar === 0n ? G1.ZERO : point.multiplyUnsafe(scalar);
}

export function scalarToOctets(scalar: bigint): Uint8Array {
  const out = new Uint8Array(OCTET_SCALAR_LENGTH);
  let v = scalar;
  for (let i = OCTET_SCALAR_LENGTH - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Reads one scalar and checks 0 < s < r, as octets_to_signature / octets_to_proof require. */
export function octetsToNonZeroScalar(bytes: Uint8Array, field: string): bigint {
  if (bytes.length !== OCTET_SCALAR_LENGTH) {
    throw new BbsError('INVALID_LENGTH', field, `expected ${OCTET_SCALAR_LENGTH} bytes, got ${bytes.length}`);
  }
  const s = os2ip(bytes);
  if (s === 0n || s >= r) throw new BbsError('SCALAR_OUT_OF_RANGE', field, 'scalar must be in 1..r-1');
  return s;
}

const FP_ORDER = bls12_381.fields.Fp.ORDER;
const HALF_FP = (FP_ORDER - 1n) / 2n;

/**
 * point_to_octets_E1: the compressed ZCash encoding (flags 0x80 compressed, 0x40 infinity,
 * 0x20 "y is the larger root", then x big-endian).
 *
 * Written out rather than noble's toBytes, which re-runs the subgroup check on every call:
 * measured, that was ~6% of ProofVerify and ~11% of Sign, spent on points we just computed
 * from validated inputs. test/bbs/encoding.test.ts checks this against noble on random points.
 */
export function pointToOctetsG1(point: G1Point): Uint8Array {
  const out = new Uint8Array(OCTET_POINT_LENGTH);
  if (point.is0()) {
    out[0] = 0xc0;
    return out;
  }
  const { x, y } = point.toAffine();
  let v = x;
  for (let i = OCTET_POINT_LENGTH - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  out[0]! |= y > HALF_FP ? 0xa0 : 0x80;
  return out;
}

export function pointToOctetsG2(point: G2Point): Uint8Array {
  return point.toBytes(true);
}

/**
 * octets_to_point_E1 followed by the identity and subgroup checks every caller needs.
 * noble's fromBytes validates on-curve and torsion-freeness; we map its exceptions to
 * typed errors and reject the identity, which the drafts never accept from outside.
 */
export function octetsToPointG1(bytes: Uint8Array, field: string): G1Point {
  if (bytes.length !== OCTET_POINT_LENGTH) {
    throw new BbsError('INVALID_LENGTH', field, `expected ${OCTET_POINT_LENGTH} bytes, got ${bytes.length}`);
  }
  return decodePoint(bytes, () => decodeG1(bytes), field);
}

/**
 * A compressed G1 point other than the identity, on the curve and in the prime-order subgroup
 * (the canonical identity is rejected before). The checks noble's fromBytes runs, with the
 * subgroup test on the Jacobian arithmetic below: measured ~2x faster, and a predicate proof
 * carries a dozen points.
 */
function decodeG1(bytes: Uint8Array): G1Point {
  const flags = bytes[0]!;
  if ((flags & 0x80) === 0 || (flags & 0x40) !== 0) throw new Error('invalid compressed G1 point');
  const x = os2ip(Uint8Array.of(flags & 0x1f, ...bytes.subarray(1)));
  const affine = decompress(x, (flags & 0x20) !== 0);
  if (!affine) throw new Error('invalid compressed G1 point: not on the curve');
  if (!isTorsionFreeG1(affine)) throw new Error('G1 point is not in the prime-order subgroup');
  return new G1(affine.x, affine.y, 1n);
}

export function octetsToPointG2(bytes: Uint8Array, field: string): G2Point {
  if (bytes.length !== OCTET_G2_POINT_LENGTH) {
    throw new BbsError('INVALID_LENGTH', field, `expected ${OCTET_G2_POINT_LENGTH} bytes, got ${bytes.length}`);
  }
  return decodePoint(bytes, () => G2.fromBytes(bytes), field);
}

function decodePoint<P extends { is0(): boolean }>(bytes: Uint8Array, decode: () => P, field: string): P {
  // The canonical identity is the infinity flag (with compression) and an all-zero payload.
  if (isCanonicalIdentity(bytes)) throw new BbsError('IDENTITY_POINT', field, 'the identity point is not allowed');
  let point: P;
  try {
    point = decode();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/torsion|subgroup/i.test(message)) {
      throw new BbsError('POINT_NOT_IN_SUBGROUP', field, 'point is not in the prime-order subgroup');
    }
    throw new BbsError('INVALID_POINT', field, 'not a valid compressed point on the curve');
  }
  if (point.is0()) throw new BbsError('IDENTITY_POINT', field, 'the identity point is not allowed');
  return point;
}

function isCanonicalIdentity(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0xc0) return false;
  for (let i = 1; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * octets_to_pubkey, cached. Decompressing a G2 point and checking its subgroup costs more than
 * the rest of a verification; the draft allows caching the result for known keys. The cache
 * also holds the key's Miller-loop precomputation, so the pairing with W is cheap afterwards.
 */
interface PublicKeyEntry {
  readonly point: G2Point;
  readonly lines: PairingLines;
}
const PUBLIC_KEY_CACHE_LIMIT = 256;
const publicKeyCache = new Map<string, PublicKeyEntry>();

export function octetsToPublicKey(bytes: Uint8Array, field = 'publicKey'): G2Point {
  return publicKeyEntry(bytes, field).point;
}

function publicKeyEntry(bytes: Uint8Array, field: string): PublicKeyEntry {
  const key = bytesToHex(bytes);
  const cached = publicKeyCache.get(key);
  if (cached) return cached;
  const point = octetsToPointG2(bytes, field);
  const entry = { point, lines: bls12_381.utils.calcPairingPrecomputes(point) };
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) {
    const oldest = publicKeyCache.keys().next().value;
    if (oldest !== undefined) publicKeyCache.delete(oldest);
  }
  publicKeyCache.set(key, entry);
  return entry;
}

type PairingLines = ReturnType<typeof bls12_381.utils.calcPairingPrecomputes>;
let negBp2Lines: PairingLines | undefined;

/**
 * Checks h(P, W) * h(Q, -BP2) == Identity_GT, the one pairing equation of both Verify and
 * ProofVerify, with W the public key given as validated octets.
 *
 * One Miller loop over both pairs, one final exponentiation, and precomputed lines for both
 * G2 points (W from the key cache, -BP2 computed once).
 */
export function pairingCheckWithBase(P: G1Point, publicKey: Uint8Array, Q: G1Point): boolean {
  if (P.is0() || Q.is0()) return false;
  const { lines: wLines } = publicKeyEntry(publicKey, 'publicKey');
  negBp2Lines ??= bls12_381.utils.calcPairingPrecomputes(G2.BASE.negate());
  const a = P.toAffine();
  const b = Q.toAffine();
  const f = bls12_381.millerLoopBatch([
    [wLines, a.x, a.y],
    [negBp2Lines, b.x, b.y],
  ]);
  return Fp12.eql(Fp12.finalExponentiate(f), Fp12.ONE);
}

/** BP2 * scalar for SkToPk; the base point is precomputed by noble. */
export function g2BaseMultiply(scalar: bigint): G2Point {
  return G2.BASE.multiply(scalar);
}

/**
 * The pairing equation a proof verification ends with, h(P, W) * h(Q, -BP2) == Identity_GT
 * (P = Abar, Q = Bbar, W the public key as validated octets), kept so that many of them can be
 * checked together (src/bbs/pairing-claims.ts).
 */
export interface PairingClaim {
  readonly P: G1Point;
  readonly Q: G1Point;
  readonly publicKey: Uint8Array;
}

/**
 * Checks prod_i (h(P_i, W_i) * h(Q_i, -BP2))^(d_i) == Identity_GT for nonzero public coefficients
 * d_i: the small-exponent batch test (see docs/performance.md for why a false claim survives it
 * with probability at most 1/2^64 when the d_i are random 64-bit values).
 *
 * By bilinearity the product is h(sum_{i: W_i = W} d_i * P_i, W) over the distinct keys W times
 * h(sum_i d_i * Q_i, -BP2): one Miller loop over (distinct keys + 1) pairs with their precomputed
 * lines, and one final exponentiation, however many claims there are. The sums are
 * variable-time multi-scalar multiplications (msmVerify below: every input is public and every
 * point was decoded with the subgroup check) sharing one doubling chain.
 * One claim with d = 1 is exactly pairingCheckWithBase.
 */
export function pairingCheckCombined(claims: readonly PairingClaim[], coefficients: readonly bigint[]): boolean {
  if (claims.length !== coefficients.length) throw new Error('one coefficient per claim');
  const byKey = new Map<string, { lines: PairingLines; points: G1Point[]; scalars: bigint[] }>();
  const qPoints: G1Point[] = [];
  const qScalars: bigint[] = [];
  for (let i = 0; i < claims.length; i++) {
    const { P, Q, publicKey } = claims[i]!;
    const d = coefficients[i]!;
    // Like pairingCheckWithBase: an identity point is a failed claim, never a neutral factor.
    if (P.is0() || Q.is0() || d <= 0n || d >= r) return false;
    const id = bytesToHex(publicKey);
    let group = byKey.get(id);
    if (!group) {
      group = { lines: publicKeyEntry(publicKey, 'publicKey').lines, points: [], scalars: [] };
      byKey.set(id, group);
    }
    group.points.push(P);
    group.scalars.push(d);
    qPoints.push(Q);
    qScalars.push(d);
  }
  negBp2Lines ??= bls12_381.utils.calcPairingPrecomputes(G2.BASE.negate());
  const pairs: [PairingLines, bigint, bigint][] = [];
  const addPair = (lines: PairingLines, sum: G1Point) => {
    // h(O, X) = 1: an identity sum contributes nothing (and has no affine form).
    if (sum.is0()) return;
    const { x, y } = sum.toAffine();
    pairs.push([lines, x, y]);
  };
  for (const group of byKey.values()) addPair(group.lines, combine(group.points, group.scalars));
  addPair(negBp2Lines, combine(qPoints, qScalars));
  if (pairs.length === 0) return true;
  return Fp12.eql(Fp12.finalExponentiate(bls12_381.millerLoopBatch(pairs)), Fp12.ONE);
}

/** sum points[i] * scalars[i] for the claims' validated points and public coefficients. */
function combine(points: G1Point[], scalars: bigint[]): G1Point {
  return msmVerify(points, scalars);
}

// ---------------------------------------------------------------------------------------------
// Variable-time multi-scalar multiplication in G1 for verification (public points and scalars)
// ---------------------------------------------------------------------------------------------
//
// noble's point arithmetic reduces every field addition with a BigInt `%` and walks each scalar
// separately; proof verification spends about half its time there (T1, T2). This is the same
// arithmetic written for speed where nothing is secret:
// - Jacobian coordinates (x = X/Z^2, y = Y/Z^3), a = 0 doubling (2M + 5S) and mixed addition with
//   an affine table point (7M + 4S); additions and subtractions reduce by one conditional
//   subtraction instead of a division;
// - the GLV endomorphism phi(x, y) = (beta * x, y) = [-z^2] (z the BLS parameter) on the
//   prime-order subgroup, so each 255-bit scalar k = k0 + k1 * z^2 becomes two ~128-bit ones
//   over P and -phi(P): half the doublings;
// - Straus: one doubling chain shared by all terms, width-5 wNAF digits, tables of odd multiples
//   in affine form (one field inversion per batch of points, Montgomery's trick).
// Precondition: every point is in the prime-order subgroup (the endomorphism acts as [-z^2] only
// there). All callers pass validated or derived subgroup points. Never for secret scalars.

const P_FIELD = FP_ORDER;
/** beta: a cube root of unity in Fp with (beta * x, y) = [-z^2](x, y) on G1. */
const GLV_BETA = BigInt('0x5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffe');
/** z^2, z = -0xd201000000010000 the BLS12-381 parameter. */
const GLV_Z2 = 0xd201000000010000n * 0xd201000000010000n;
const WNAF_WINDOW = 5;

/**
 * On Hermes the Barrett reduction of g1-barrett.ts (a BigInt `%` there costs ~20x a Barrett
 * reduction, bench/hermes); on V8 the two are even (~450 ns a product in Node 20, measured), so
 * the verifier's path there stays as it was.
 */
const HERMES = typeof (globalThis as { HermesInternal?: unknown }).HermesInternal === 'object';
const fMul: (a: bigint, b: bigint) => bigint = HERMES ? fpMul : (a, b) => (a * b) % P_FIELD;
const fSqr = (a: bigint): bigint => fMul(a, a);
const fAdd = (a: bigint, b: bigint): bigint => {
  const s = a + b;
  return s >= P_FIELD ? s - P_FIELD : s;
};
const fSub = (a: bigint, b: bigint): bigint => {
  const d = a - b;
  return d < 0n ? d + P_FIELD : d;
};

interface Jacobian {
  readonly X: bigint;
  readonly Y: bigint;
  /** 0 for the identity. */
  readonly Z: bigint;
}
interface Affine {
  readonly x: bigint;
  readonly y: bigint;
}
const J_INFINITY: Jacobian = { X: 1n, Y: 1n, Z: 0n };

function jDouble(p: Jacobian): Jacobian {
  if (p.Z === 0n) return p;
  const A = fSqr(p.X);
  const B = fSqr(p.Y);
  const C = fSqr(B);
  const t = fSub(fSub(fSqr(fAdd(p.X, B)), A), C);
  const D = fAdd(t, t);
  const E = fAdd(fAdd(A, A), A);
  const X3 = fSub(fSqr(E), fAdd(D, D));
  const C2 = fAdd(C, C);
  const C4 = fAdd(C2, C2);
  const Y3 = fSub(fMul(E, fSub(D, X3)), fAdd(C4, C4));
  const YZ = fMul(p.Y, p.Z);
  return { X: X3, Y: Y3, Z: fAdd(YZ, YZ) };
}

/** p + q for an affine q (never the identity). */
function jAddAffine(p: Jacobian, q: Affine): Jacobian {
  if (p.Z === 0n) return { X: q.x, Y: q.y, Z: 1n };
  const Z1Z1 = fSqr(p.Z);
  const U2 = fMul(q.x, Z1Z1);
  const S2 = fMul(fMul(q.y, p.Z), Z1Z1);
  const H = fSub(U2, p.X);
  const S = fSub(S2, p.Y);
  if (H === 0n) return S === 0n ? jDouble(p) : J_INFINITY;
  const rr = fAdd(S, S);
  const HH = fSqr(H);
  const HH2 = fAdd(HH, HH);
  const I = fAdd(HH2, HH2);
  const J = fMul(H, I);
  const V = fMul(p.X, I);
  const X3 = fSub(fSub(fSqr(rr), J), fAdd(V, V));
  const YJ = fMul(p.Y, J);
  const Y3 = fSub(fMul(rr, fSub(V, X3)), fAdd(YJ, YJ));
  const Z3 = fSub(fSub(fSqr(fAdd(p.Z, H)), Z1Z1), HH);
  return { X: X3, Y: Y3, Z: Z3 };
}

/** Affine forms of Jacobian points (none the identity) with one inversion: Montgomery's trick. */
function jToAffineBatch(points: readonly Jacobian[]): Affine[] {
  const prefix: bigint[] = new Array<bigint>(points.length);
  let acc = 1n;
  for (let i = 0; i < points.length; i++) {
    prefix[i] = acc;
    acc = fMul(acc, points[i]!.Z);
  }
  let inv = bls12_381.fields.Fp.inv(acc);
  const out: Affine[] = new Array<Affine>(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    const zInv = fMul(inv, prefix[i]!);
    inv = fMul(inv, p.Z);
    const zInv2 = fSqr(zInv);
    out[i] = { x: fMul(p.X, zInv2), y: fMul(p.Y, fMul(zInv2, zInv)) };
  }
  return out;
}

/** Odd multiples P, 3P, ..., (2^(w-1) - 1)P of affine points, all in one batch inversion. */
function oddMultipleTables(bases: readonly Affine[], window: number): Affine[][] {
  const size = 1 << (window - 2);
  const doubles = jToAffineBatch(bases.map((b) => jDouble({ X: b.x, Y: b.y, Z: 1n })));
  const flat: Jacobian[] = [];
  bases.forEach((b, i) => {
    let acc: Jacobian = { X: b.x, Y: b.y, Z: 1n };
    flat.push(acc);
    for (let k = 1; k < size; k++) {
      acc = jAddAffine(acc, doubles[i]!);
      flat.push(acc);
    }
  });
  const affine = jToAffineBatch(flat);
  return bases.map((_, i) => affine.slice(i * size, (i + 1) * size));
}

/** Width-w NAF digits, least significant first: odd digits with |d| < 2^(w-1), else 0. */
function wnaf(k: bigint, window: number): Int32Array {
  const out = new Int32Array(Math.max(1, k.toString(2).length + 1));
  const full = 1 << window;
  const half = full >> 1;
  const mask = BigInt(full - 1);
  let n = k;
  let i = 0;
  while (n > 0n) {
    if (n & 1n) {
      let d = Number(n & mask);
      if (d >= half) d -= full;
      out[i] = d;
      n -= BigInt(d);
    }
    n >>= 1n;
    i++;
  }
  return out;
}

/**
 * Tables of fixed points (generators, P1), kept with the point object: these points live in the
 * generator caches, so their tables are built once. Proof points get tables for one call.
 */
const fixedTables = new WeakMap<G1Point, Affine[]>();

/**
 * sum points[i] * scalars[i], variable time, for public points in the prime-order subgroup and
 * public scalars in [0, r). `fixed` points (generators) keep their tables across calls.
 */
export function msmVerify(
  points: readonly G1Point[],
  scalars: readonly bigint[],
  fixed: readonly boolean[] = [],
): G1Point {
  if (points.length !== scalars.length) throw new Error('one scalar per point');
  const tables: Affine[][] = [];
  const digits: Int32Array[] = [];
  const fresh: { index: number; point: G1Point }[] = [];
  const pending: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const k = scalars[i]!;
    const point = points[i]!;
    if (k === 0n || point.is0()) continue;
    if (k < 0n || k >= r) throw new Error('scalar out of range');
    // k = k0 + k1 * z^2, and [z^2]P = -phi(P): k * P = k0 * P + k1 * (-phi(P)).
    const k1 = k / GLV_Z2;
    const k0 = k - k1 * GLV_Z2;
    digits.push(wnaf(k0, WNAF_WINDOW), wnaf(k1, WNAF_WINDOW));
    const cached = fixed[i] ? fixedTables.get(point) : undefined;
    if (cached) tables.push(cached, []);
    else {
      fresh.push({ index: tables.length, point });
      tables.push([], []);
    }
    pending.push(tables.length - 2);
  }
  if (fresh.length > 0) {
    const affine = normalizeZ(
      G1,
      fresh.map((f) => f.point),
    ).map((p) => ({ x: p.x, y: p.y }));
    const built = oddMultipleTables(affine, WNAF_WINDOW);
    fresh.forEach((f, j) => {
      tables[f.index] = built[j]!;
      const i = points.indexOf(f.point);
      if (i >= 0 && fixed[i]) fixedTables.set(f.point, built[j]!);
    });
  }
  // The second table of each pair: -phi of the first, (beta * x, -y).
  for (const t of pending) {
    tables[t + 1] = tables[t]!.map(({ x, y }) => ({ x: fMul(GLV_BETA, x), y: y === 0n ? 0n : P_FIELD - y }));
  }
  let top = 0;
  for (const d of digits) for (let b = d.length - 1; b >= top; b--) if (d[b] !== 0) top = b + 1;
  let acc = J_INFINITY;
  for (let b = top - 1; b >= 0; b--) {
    acc = jDouble(acc);
    for (let i = 0; i < digits.length; i++) {
      const d = digits[i]![b];
      if (d === undefined || d === 0) continue;
      const entry = tables[i]![(Math.abs(d) - 1) >> 1]!;
      acc = jAddAffine(acc, d > 0 ? entry : { x: entry.x, y: entry.y === 0n ? 0n : P_FIELD - entry.y });
    }
  }
  if (acc.Z === 0n) return G1.ZERO;
  // Jacobian (X, Y, Z) is the projective point (X * Z, Y, Z^3) noble uses.
  return new G1(fMul(acc.X, acc.Z), acc.Y, fMul(fSqr(acc.Z), acc.Z));
}

/**
 * Scott's G1 membership test (eprint 2021/1130, the one noble runs): a point P of E(Fp) is in
 * the prime-order subgroup iff [z^2]P = -phi(P), phi(x, y) = (beta * x, y). Variable time, for
 * public points only. E(Fp) has no point with y = 0 (the cofactor is odd), so -y is p - y.
 */
export function isTorsionFreeG1(point: Affine): boolean {
  let acc = J_INFINITY;
  for (let i = GLV_Z2_BITS - 1; i >= 0; i--) {
    acc = jDouble(acc);
    if ((GLV_Z2 >> BigInt(i)) & 1n) acc = jAddAffine(acc, point);
  }
  if (acc.Z === 0n) return false;
  // Jacobian (X, Y, Z) = affine (X / Z^2, Y / Z^3).
  const z2 = fSqr(acc.Z);
  return acc.X === fMul(fMul(GLV_BETA, point.x), z2) && acc.Y === fMul(P_FIELD - point.y, fMul(z2, acc.Z));
}
const GLV_Z2_BITS = GLV_Z2.toString(2).length;
