/**
 * Predicates over hidden BBS messages, bound to the BBS proof that hides them.
 *
 * For each predicate k on the hidden signer message m_j (index j), the prover
 *   1. picks r_k, r~_k and m~_j at random and commits C_k = m_j * G + r_k * H,
 *      T_k = m~_j * G + r~_k * H (generators.ts: G, H under privid's api_id);
 *   2. runs the BBS proof (ProofGen or ProofGenWithNym, unchanged) with
 *        ph' = ph || "PRIVID_PREDICATES_V1" || I2OSP(p, 2) || C_1 || T_1 || ... || C_p || T_p
 *      and with m~_j as the random scalar the draft draws for message j, so that the proof's
 *      response is m^_j = m~_j + c * m_j under the one BBS challenge c, which covers ph';
 *   3. answers r^_k = r~_k + c * r_k.
 * The verifier reads c and m^_j from the BBS proof, recomputes T_k = m^_j * G + r^_k * H - c * C_k,
 * rebuilds ph' and verifies the BBS proof with it. T_k enters the challenge, so this is one
 * sigma protocol over (signature, m_j, r_k): C_k opens to the very message the signature
 * covers (the binding AnonCreds v2 lacked before hyperledger/anoncreds-v2-rs#42).
 *
 * Then one predicate transcript (transcript.ts), started with ph' and c and the public
 * statement (every predicate's kind, index and constants), carries:
 *   - one aggregated range proof (range-proof.ts) over every range statement: for a lower bound
 *     a, V = C_k - a * G opens to m_j - a; for an upper bound b, V = b * G - C_k opens to
 *     b - m_j; each must be in [0, 2^n), n the largest bit length among the range predicates;
 *   - then, in predicate order, each `in` and `neq` proof (membership.ts).
 *
 * Predicate proof octets: (C_k || r^_k) for k = 1..p, the range proof if there is a range
 * statement, then the set proofs. The length follows from the statement; it is checked exactly.
 */
import { ascii, concatBytes, i2osp } from '../bytes.js';
import { getCiphersuite, type Ciphersuite, type CiphersuiteName } from '../ciphersuites.js';
import {
  add,
  mul,
  msmVerify,
  neg,
  octetsToPointG1,
  OCTET_POINT_LENGTH,
  OCTET_SCALAR_LENGTH,
  pointToOctetsG1,
  r as ORDER,
  scalarToOctets,
  sumOfProducts,
  type G1Point,
} from '../curve.js';
import { octetsToProofResponses } from '../encoding.js';
import { BbsError } from '../errors.js';
import { randomScalars as csprngScalars, type RandomScalars } from '../hashing.js';
import { octetsToScalar } from '../validate.js';
import { pedersenGenerators, type PedersenGenerators } from './generators.js';
import {
  proveInequality,
  proveMembership,
  verifyInequality,
  verifyMembership,
  type InequalityProof,
  type MembershipProof,
} from './membership.js';
import {
  IPA_TAIL,
  proveRange,
  RANGE_BIT_LENGTHS,
  rangeProofLength,
  rangeRounds,
  verifyRange,
  type RangeBits,
  type RangeProof,
} from './range-proof.js';
import { Transcript } from './transcript.js';

export const PREDICATE_HEADER_TAG = 'PRIVID_PREDICATES_V1';
const TRANSCRIPT_PROTOCOL = 'privid-predicates-v1';
/** Set predicates are for small enums: the proof grows by 64 bytes per element. */
export const MAX_SET_SIZE = 32;
export const MAX_PREDICATES = 16;

/** lower <= m <= upper (either bound may be absent, not both), proven with `bits`-bit ranges. */
export interface RangePredicate {
  readonly kind: 'range';
  readonly index: number;
  readonly lower?: bigint;
  readonly upper?: bigint;
  readonly bits: RangeBits;
}
/** m is one of `set`. */
export interface InPredicate {
  readonly kind: 'in';
  readonly index: number;
  readonly set: readonly bigint[];
}
/** m != value. */
export interface NeqPredicate {
  readonly kind: 'neq';
  readonly index: number;
  readonly value: bigint;
}
export type Predicate = RangePredicate | InPredicate | NeqPredicate;

interface RangeStatement {
  readonly predicate: number;
  /** +1: V = C - bound * G; -1: V = bound * G - C. */
  readonly sign: 1 | -1;
  readonly bound: bigint;
}

/** Validates the public statement; throws a typed error naming the field. */
export function checkPredicates(predicates: readonly Predicate[], signerMessageCount: number): void {
  if (!Array.isArray(predicates) || predicates.length > MAX_PREDICATES) {
    throw new BbsError('INVALID_COUNT', 'predicates', `expected at most ${MAX_PREDICATES} predicates`);
  }
  predicates.forEach((p, k) => {
    const field = `predicates[${k}]`;
    if (!Number.isSafeInteger(p.index) || p.index < 0 || p.index >= signerMessageCount) {
      throw new BbsError('INVALID_INDEXES', `${field}.index`, `must be a signer message index < ${signerMessageCount}`);
    }
    const scalarOk = (v: unknown): v is bigint => typeof v === 'bigint' && v >= 0n && v < ORDER;
    if (p.kind === 'range') {
      if (!(RANGE_BIT_LENGTHS as readonly number[]).includes(p.bits)) {
        throw new BbsError('INVALID_COUNT', `${field}.bits`, `one of ${RANGE_BIT_LENGTHS.join(', ')}`);
      }
      if (p.lower === undefined && p.upper === undefined) {
        throw new BbsError('INVALID_TYPE', field, 'a range needs a lower or an upper bound');
      }
      // Bounds are small non-negative integers, so that m - lower and upper - m cannot wrap mod r.
      for (const key of ['lower', 'upper'] as const) {
        const v = p[key];
        if (v !== undefined && (typeof v !== 'bigint' || v < 0n || v >= 1n << 64n)) {
          throw new BbsError('SCALAR_OUT_OF_RANGE', `${field}.${key}`, 'must be an integer in 0..2^64-1');
        }
      }
    } else if (p.kind === 'in') {
      if (!Array.isArray(p.set) || p.set.length < 1 || p.set.length > MAX_SET_SIZE) {
        throw new BbsError('INVALID_COUNT', `${field}.set`, `1..${MAX_SET_SIZE} elements`);
      }
      p.set.forEach((v: unknown, i: number) => {
        if (!scalarOk(v)) throw new BbsError('SCALAR_OUT_OF_RANGE', `${field}.set[${i}]`, 'not a scalar');
      });
      if (new Set(p.set).size !== p.set.length) throw new BbsError('INVALID_TYPE', `${field}.set`, 'duplicates');
    } else if (p.kind === 'neq') {
      if (!scalarOk(p.value)) throw new BbsError('SCALAR_OUT_OF_RANGE', `${field}.value`, 'not a scalar');
    } else {
      throw new BbsError('INVALID_TYPE', `${field}.kind`, 'expected range, in or neq');
    }
  });
}

function rangeStatements(predicates: readonly Predicate[]): { statements: RangeStatement[]; bits: number } {
  const statements: RangeStatement[] = [];
  let bits = 0;
  predicates.forEach((p, k) => {
    if (p.kind !== 'range') return;
    bits = Math.max(bits, p.bits);
    if (p.lower !== undefined) statements.push({ predicate: k, sign: 1, bound: p.lower });
    if (p.upper !== undefined) statements.push({ predicate: k, sign: -1, bound: p.upper });
  });
  return { statements, bits };
}

/** Byte length of the predicate proof for this statement. */
export function predicateProofLength(predicates: readonly Predicate[]): number {
  const { statements, bits } = rangeStatements(predicates);
  let length = predicates.length * (OCTET_POINT_LENGTH + OCTET_SCALAR_LENGTH);
  if (statements.length > 0) length += rangeProofLength(bits, statements.length);
  for (const p of predicates) {
    if (p.kind === 'in') length += 2 * p.set.length * OCTET_SCALAR_LENGTH;
    if (p.kind === 'neq') length += 3 * OCTET_SCALAR_LENGTH;
  }
  return length;
}

/** ph' = ph || "PRIVID_PREDICATES_V1" || I2OSP(p, 2) || C_1 || T_1 || ... */
export function predicatePresentationHeader(
  presentationHeader: Uint8Array,
  commitments: readonly G1Point[],
  tValues: readonly G1Point[],
): Uint8Array {
  const parts: Uint8Array[] = [presentationHeader, ascii(PREDICATE_HEADER_TAG), i2osp(commitments.length, 2)];
  commitments.forEach((C, k) => parts.push(pointToOctetsG1(C), pointToOctetsG1(tValues[k]!)));
  return concatBytes(...parts);
}

export function predicateTranscript(
  cs: Ciphersuite,
  predicates: readonly Predicate[],
  extendedHeader: Uint8Array,
  challenge: bigint,
): Transcript {
  const t = new Transcript(cs, TRANSCRIPT_PROTOCOL);
  t.absorbBytes('ph', extendedHeader);
  t.absorbScalar('bbs:challenge', challenge);
  t.absorbInt('predicates', predicates.length);
  for (const p of predicates) {
    t.absorbInt('index', p.index);
    if (p.kind === 'range') {
      t.absorbBytes('kind', ascii('range'));
      t.absorbInt('bits', p.bits);
      t.absorbBytes('lower', p.lower === undefined ? new Uint8Array(0) : scalarToOctets(p.lower));
      t.absorbBytes('upper', p.upper === undefined ? new Uint8Array(0) : scalarToOctets(p.upper));
    } else if (p.kind === 'in') {
      t.absorbBytes('kind', ascii('in'));
      t.absorbInt('size', p.set.length);
      p.set.forEach((v) => t.absorbScalar('element', v));
    } else {
      t.absorbBytes('kind', ascii('neq'));
      t.absorbScalar('value', p.value);
    }
  }
  return t;
}

/** Position of message j among the proof's m^ responses: undisclosed indexes ascend. */
function responseRank(index: number, disclosedIndexes: readonly number[]): number {
  if (disclosedIndexes.includes(index)) {
    throw new BbsError('INVALID_INDEXES', 'predicates', `message ${index} is disclosed; a predicate needs it hidden`);
  }
  return index - disclosedIndexes.filter((i) => i < index).length;
}

function rangeCommitments(
  G: G1Point,
  commitments: readonly G1Point[],
  statements: readonly RangeStatement[],
): G1Point[] {
  return statements.map((s) => {
    // The bound is public: variable time is fine.
    const shifted = commitments[s.predicate]!.subtract(msmVerify([G], [s.bound], [true]));
    return s.sign === 1 ? shifted : shifted.negate();
  });
}

export interface ProvePredicatesParams<T extends { readonly proof: Uint8Array }> {
  readonly ciphersuite: CiphersuiteName;
  readonly predicates: readonly Predicate[];
  /** The signer messages (scalars), as signed. */
  readonly messageScalars: readonly bigint[];
  /** Disclosed signer-message indexes, ascending (committed/nym messages come after them). */
  readonly disclosedIndexes: readonly number[];
  readonly presentationHeader: Uint8Array;
  /** Randomness for the commitments and proofs; a CSPRNG by default (fixtures seed it). */
  readonly randomScalars?: RandomScalars;
  /**
   * Runs the BBS proof (core or with pseudonym) with the extended header and the random-scalar
   * source this module wraps (it fixes m~_j of each predicated message).
   */
  readonly bbsProve: (presentationHeader: Uint8Array, randomScalars: RandomScalars) => T;
}

export interface PredicatesProof<T> {
  readonly bbs: T;
  readonly predicateProof: Uint8Array;
}

export function provePredicates<T extends { readonly proof: Uint8Array }>(
  params: ProvePredicatesParams<T>,
): PredicatesProof<T> {
  const cs = getCiphersuite(params.ciphersuite);
  const { predicates, messageScalars, disclosedIndexes } = params;
  checkPredicates(predicates, messageScalars.length);
  const random = params.randomScalars ?? csprngScalars(cs);
  const gens = pedersenGenerators(cs);
  const { statements, bits } = rangeStatements(predicates);
  // The prover refuses early (and without a proof) when its value does not satisfy the statement.
  const witnesses = statements.map((s) => {
    const m = messageScalars[predicates[s.predicate]!.index]!;
    const v = s.sign === 1 ? m - s.bound : s.bound - m;
    if (v < 0n || v >= 1n << BigInt(bits)) {
      throw new BbsError('PREDICATE_NOT_SATISFIED', `predicates[${s.predicate}]`, 'the hidden value is out of range');
    }
    return v;
  });

  const p = predicates.length;
  const seeds = random(3 * p);
  const blindings = seeds.slice(0, p);
  const rTildes = seeds.slice(p, 2 * p);
  const mTildes = seeds.slice(2 * p, 3 * p);
  const ranks = predicates.map((pr) => responseRank(pr.index, disclosedIndexes));
  // Two predicates on one message share its m~ (the BBS proof has one response per message).
  predicates.forEach((pr, k) => {
    const first = predicates.findIndex((q) => q.index === pr.index);
    mTildes[k] = mTildes[first]!;
  });
  const pair = [gens.G, gens.H];
  const commitments = predicates.map((pr, k) => sumOfProducts(pair, [messageScalars[pr.index]!, blindings[k]!]));
  const tValues = predicates.map((_, k) => sumOfProducts(pair, [mTildes[k]!, rTildes[k]!]));
  const extendedHeader = predicatePresentationHeader(params.presentationHeader, commitments, tValues);
  const bbsRandom: RandomScalars = (count) => {
    const scalars = random(count);
    ranks.forEach((rank, k) => {
      if (5 + rank >= count) throw new BbsError('INVALID_COUNT', 'randomScalars', 'layout mismatch');
      scalars[5 + rank] = mTildes[k]!;
    });
    return scalars;
  };
  const bbs = params.bbsProve(extendedHeader, bbsRandom);
  const decoded = octetsToProofResponses(bbs.proof);
  const c = decoded.challenge;
  // The BBS proof must have used our m~: its response is m~ + c * m for every predicated message.
  predicates.forEach((pr, k) => {
    if (decoded.commitments[ranks[k]!] !== add(mTildes[k]!, mul(c, messageScalars[pr.index]!))) {
      throw new BbsError('INVALID_INDEXES', 'predicates', 'the BBS proof layout does not match disclosedIndexes');
    }
  });
  const rHats = predicates.map((_, k) => add(rTildes[k]!, mul(c, blindings[k]!)));

  const transcript = predicateTranscript(cs, predicates, extendedHeader, c);
  const parts: Uint8Array[] = [];
  commitments.forEach((C, k) => parts.push(pointToOctetsG1(C), scalarToOctets(rHats[k]!)));
  if (statements.length > 0) {
    const V = rangeCommitments(gens.G, commitments, statements);
    const gammas = statements.map((s) => (s.sign === 1 ? blindings[s.predicate]! : neg(blindings[s.predicate]!)));
    parts.push(rangeProofToOctets(proveRange(cs, transcript, V, witnesses, gammas, bits, random)));
  }
  predicates.forEach((pr, k) => {
    const m = messageScalars[pr.index]!;
    if (pr.kind === 'in') {
      const proof = proveMembership(gens, transcript, commitments[k]!, pr.set, m, blindings[k]!, random);
      parts.push(...proof.c.map(scalarToOctets), ...proof.z.map(scalarToOctets));
    } else if (pr.kind === 'neq') {
      const proof = proveInequality(gens, transcript, commitments[k]!, pr.value, m, blindings[k]!, random);
      parts.push(scalarToOctets(proof.e), scalarToOctets(proof.zAlpha), scalarToOctets(proof.zBeta));
    }
  });
  return { bbs, predicateProof: concatBytes(...parts) };
}

export interface VerifyPredicatesParams {
  readonly ciphersuite: CiphersuiteName;
  readonly predicates: readonly Predicate[];
  readonly signerMessageCount: number;
  readonly disclosedIndexes: readonly number[];
  readonly presentationHeader: Uint8Array;
  /** The BBS proof octets (core or with pseudonym: same encoding). */
  readonly bbsProof: Uint8Array;
  readonly predicateProof: Uint8Array;
  /** Verifies the BBS proof with the extended presentation header. */
  readonly bbsVerify: (presentationHeader: Uint8Array) => boolean;
}

/**
 * True when the BBS proof verifies with the header the predicate commitments extend and every
 * predicate proof checks. A proof of the wrong length gives false; malformed points or scalars
 * throw a typed `BbsError` naming the field (`predicateProof...`).
 */
export function verifyPredicates(params: VerifyPredicatesParams): boolean {
  const cs = getCiphersuite(params.ciphersuite);
  const { predicates, disclosedIndexes } = params;
  checkPredicates(predicates, params.signerMessageCount);
  if (!(params.predicateProof instanceof Uint8Array)) {
    throw new BbsError('INVALID_TYPE', 'predicateProof', 'expected a Uint8Array');
  }
  if (params.predicateProof.length !== predicateProofLength(predicates)) return false;
  const decoded = parsePredicateProof(params.predicateProof, predicates);
  // Points are decoded (and subgroup-checked) once, by bbsVerify below.
  const bbs = octetsToProofResponses(params.bbsProof);
  const c = bbs.challenge;
  const gens = pedersenGenerators(cs);
  const tValues = predicates.map((pr, k) => {
    const mHat = bbs.commitments[responseRank(pr.index, disclosedIndexes)];
    if (mHat === undefined) throw new BbsError('INVALID_LENGTH', 'proof', 'too few responses for the predicates');
    // T_k = m^_j * G + r^_k * H - c * C_k
    return msmVerify([gens.G, gens.H, decoded.commitments[k]!], [mHat, decoded.rHats[k]!, neg(c)], [true, true, false]);
  });
  const extendedHeader = predicatePresentationHeader(params.presentationHeader, decoded.commitments, tValues);
  if (!params.bbsVerify(extendedHeader)) return false;

  const transcript = predicateTranscript(cs, predicates, extendedHeader, c);
  const { statements, bits } = rangeStatements(predicates);
  if (statements.length > 0) {
    const V = rangeCommitments(gens.G, decoded.commitments, statements);
    if (!decoded.range || !verifyRange(cs, transcript, V, bits, decoded.range)) return false;
  }
  for (let k = 0; k < predicates.length; k++) {
    const pr = predicates[k]!;
    const proof = decoded.setProofs[k];
    if (pr.kind === 'in') {
      if (!verifyMembership(gens, transcript, decoded.commitments[k]!, pr.set, proof as MembershipProof)) return false;
    } else if (pr.kind === 'neq') {
      if (!verifyInequality(gens, transcript, decoded.commitments[k]!, pr.value, proof as InequalityProof)) {
        return false;
      }
    }
  }
  return true;
}

interface DecodedPredicateProof {
  readonly commitments: G1Point[];
  readonly rHats: bigint[];
  readonly range?: RangeProof;
  readonly setProofs: (MembershipProof | InequalityProof | undefined)[];
}

/** Splits predicate proof octets (of the exact length) into validated points and scalars. */
export function parsePredicateProof(bytes: Uint8Array, predicates: readonly Predicate[]): DecodedPredicateProof {
  let offset = 0;
  const field = 'predicateProof';
  const point = (name: string): G1Point => {
    const p = octetsToPointG1(bytes.subarray(offset, offset + OCTET_POINT_LENGTH), `${field}.${name}`);
    offset += OCTET_POINT_LENGTH;
    return p;
  };
  const scalar = (name: string): bigint => {
    const s = octetsToScalar(bytes.subarray(offset, offset + OCTET_SCALAR_LENGTH), `${field}.${name}`);
    offset += OCTET_SCALAR_LENGTH;
    return s;
  };
  const commitments: G1Point[] = [];
  const rHats: bigint[] = [];
  predicates.forEach((_, k) => {
    commitments.push(point(`C[${k}]`));
    rHats.push(scalar(`rHat[${k}]`));
  });
  const { statements, bits } = rangeStatements(predicates);
  let range: RangeProof | undefined;
  if (statements.length > 0) {
    const A = point('range.A');
    const S = point('range.S');
    const T1 = point('range.T1');
    const T2 = point('range.T2');
    const tauX = scalar('range.tauX');
    const mu = scalar('range.mu');
    const tHat = scalar('range.tHat');
    const L: G1Point[] = [];
    const R: G1Point[] = [];
    for (let k = 0; k < rangeRounds(bits, statements.length); k++) {
      L.push(point(`range.L[${k}]`));
      R.push(point(`range.R[${k}]`));
    }
    const a = Array.from({ length: IPA_TAIL }, (_, t) => scalar(`range.a[${t}]`));
    const b = Array.from({ length: IPA_TAIL }, (_, t) => scalar(`range.b[${t}]`));
    range = { A, S, T1, T2, tauX, mu, tHat, L, R, a, b };
  }
  const setProofs = predicates.map((pr, k) => {
    if (pr.kind === 'in') {
      const c = pr.set.map((_, i) => scalar(`in[${k}].c[${i}]`));
      const z = pr.set.map((_, i) => scalar(`in[${k}].z[${i}]`));
      return { c, z };
    }
    if (pr.kind === 'neq') {
      return { e: scalar(`neq[${k}].e`), zAlpha: scalar(`neq[${k}].zAlpha`), zBeta: scalar(`neq[${k}].zBeta`) };
    }
    return undefined;
  });
  if (offset !== bytes.length) throw new BbsError('INVALID_LENGTH', field, 'trailing bytes');
  return { commitments, rHats, range, setProofs };
}

export function rangeProofToOctets(proof: RangeProof): Uint8Array {
  return concatBytes(
    pointToOctetsG1(proof.A),
    pointToOctetsG1(proof.S),
    pointToOctetsG1(proof.T1),
    pointToOctetsG1(proof.T2),
    scalarToOctets(proof.tauX),
    scalarToOctets(proof.mu),
    scalarToOctets(proof.tHat),
    ...proof.L.flatMap((L, k) => [pointToOctetsG1(L), pointToOctetsG1(proof.R[k]!)]),
    ...proof.a.map(scalarToOctets),
    ...proof.b.map(scalarToOctets),
  );
}

export type { PedersenGenerators };
