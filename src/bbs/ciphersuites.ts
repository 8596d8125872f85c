/**
 * The two BLS12-381 ciphersuites of draft-irtf-cfrg-bbs-signatures (section "Ciphersuites").
 * They differ only in the hash-to-curve suite: expand_message_xmd with SHA-256, or
 * expand_message_xof with SHAKE-256. Everything else (curve, lengths, P1 procedure) is shared.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { expand_message_xmd, expand_message_xof, hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { ascii } from './bytes.js';
import { BbsError } from './errors.js';
import type { AffinePoint } from '@noble/curves/abstract/curve.js';
import type { G1Point } from './curve.js';

export type CiphersuiteName = 'BLS12-381-SHA-256' | 'BLS12-381-SHAKE-256';
export const CIPHERSUITE_NAMES: readonly CiphersuiteName[] = ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256'];

export interface Ciphersuite {
  readonly name: CiphersuiteName;
  /** ciphersuite_id, e.g. "BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_". */
  readonly id: Uint8Array;
  /** expand_len: 48 for both suites (ceil((ceil(log2(r)) + k) / 8) with k = 128). */
  readonly expandLen: number;
  expandMessage(msg: Uint8Array, dst: Uint8Array, lenInBytes: number): Uint8Array;
  hashToCurveG1(msg: Uint8Array, dst: Uint8Array): G1Point;
}

const K = 128;
const FP_ORDER = bls12_381.fields.Fp.ORDER;

/**
 * hash_to_curve for BLS12381G1_XOF:SHAKE-256_SSWU_RO_ (draft Appendix A.1): RFC 9380's
 * hash_to_field with expand_message_xof, then map_to_curve on each element and clear_cofactor.
 * noble exposes map_to_curve only with the cofactor already cleared; clearing is a group
 * homomorphism, so clear(map(u0)) + clear(map(u1)) = clear(map(u0) + map(u1)) as RFC 9380 asks.
 */
function hashToCurveG1Shake(msg: Uint8Array, dst: Uint8Array): G1Point {
  const [[u0], [u1]] = hash_to_field(msg, 2, { DST: dst, p: FP_ORDER, m: 1, k: K, expand: 'xof', hash: shake256 }) as [
    [bigint],
    [bigint],
  ];
  return mapToG1Cleared(u0).add(mapToG1Cleared(u1));
}

/** noble's G1 map_to_curve (m = 1 takes a bare field element) returns the cleared point. */
function mapToG1Cleared(u: bigint): G1Point {
  const mapped: unknown = bls12_381.G1.mapToCurve(u as never);
  return mapped instanceof bls12_381.G1.Point ? mapped : bls12_381.G1.Point.fromAffine(mapped as AffinePoint<bigint>);
}

const SHA_256: Ciphersuite = Object.freeze({
  name: 'BLS12-381-SHA-256',
  id: ascii('BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_'),
  expandLen: 48,
  expandMessage: (msg: Uint8Array, dst: Uint8Array, len: number) => expand_message_xmd(msg, dst, len, sha256),
  hashToCurveG1: (msg: Uint8Array, dst: Uint8Array) => bls12_381.G1.hashToCurve(msg, { DST: dst }),
});

const SHAKE_256: Ciphersuite = Object.freeze({
  name: 'BLS12-381-SHAKE-256',
  id: ascii('BBS_BLS12381G1_XOF:SHAKE-256_SSWU_RO_'),
  expandLen: 48,
  expandMessage: (msg: Uint8Array, dst: Uint8Array, len: number) => expand_message_xof(msg, dst, len, K, shake256),
  hashToCurveG1: hashToCurveG1Shake,
});

const SUITES: Record<CiphersuiteName, Ciphersuite> = {
  'BLS12-381-SHA-256': SHA_256,
  'BLS12-381-SHAKE-256': SHAKE_256,
};

/** Resolves a ciphersuite by name; the SHA-256 suite is privid's default. */
export function getCiphersuite(name: CiphersuiteName | undefined = 'BLS12-381-SHA-256'): Ciphersuite {
  // Own properties only: "toString" or "__proto__" must not resolve to something on Object.prototype.
  const suite = typeof name === 'string' && Object.hasOwn(SUITES, name) ? SUITES[name as CiphersuiteName] : undefined;
  if (!suite) {
    throw new BbsError('UNSUPPORTED_CIPHERSUITE', 'ciphersuite', `expected one of ${CIPHERSUITE_NAMES.join(', ')}`);
  }
  return suite;
}
