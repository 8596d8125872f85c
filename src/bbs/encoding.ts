/**
 * serialize, and the octet forms of signatures and proofs (draft section "Serialization").
 * Decoding validates everything the draft requires: exact lengths, points on the curve, in G1,
 * not the identity; scalars in 1..r-1.
 */
import { concatBytes, i2osp } from './bytes.js';
import {
  OCTET_POINT_LENGTH,
  OCTET_SCALAR_LENGTH,
  octetsToNonZeroScalar,
  octetsToPointG1,
  octetsToVouchedPointG1,
  pointToOctetsG1,
  scalarToOctets,
  type G1Point,
} from './curve.js';
import { BbsError } from './errors.js';

/** An element of serialize()'s input: a G1 point, a scalar, or a 64-bit integer (tagged). */
export type Serializable = G1Point | { readonly scalar: bigint } | { readonly int: number };

export const scalar = (value: bigint): { readonly scalar: bigint } => ({ scalar: value });
export const int = (value: number): { readonly int: number } => ({ int: value });

/** serialize(input_array): points compressed, scalars as 32 bytes, integers as I2OSP(., 8). */
export function serialize(items: readonly Serializable[]): Uint8Array {
  return concatBytes(
    ...items.map((item) => {
      if ('scalar' in item) return scalarToOctets(item.scalar);
      if ('int' in item) return i2osp(item.int, 8);
      return pointToOctetsG1(item);
    }),
  );
}

export interface Signature {
  readonly A: G1Point;
  readonly e: bigint;
}

export const SIGNATURE_LENGTH = OCTET_POINT_LENGTH + OCTET_SCALAR_LENGTH;

export function signatureToOctets({ A, e }: Signature): Uint8Array {
  return concatBytes(pointToOctetsG1(A), scalarToOctets(e));
}

/** octets_to_signature: exact length, A in G1 and not the identity, 0 < e < r. */
export function octetsToSignature(bytes: Uint8Array, field = 'signature'): Signature {
  if (bytes.length !== SIGNATURE_LENGTH) {
    throw new BbsError('INVALID_LENGTH', field, `expected ${SIGNATURE_LENGTH} bytes, got ${bytes.length}`);
  }
  return {
    A: octetsToPointG1(bytes.subarray(0, OCTET_POINT_LENGTH), `${field}.A`),
    e: octetsToNonZeroScalar(bytes.subarray(OCTET_POINT_LENGTH), `${field}.e`),
  };
}

/**
 * octets_to_signature for a signature the caller vouches for (verified by this holder at issuance
 * and kept in its own storage): the same lengths and scalar range, A decompressed without the
 * subgroup check (curve.ts `octetsToVouchedPointG1`).
 */
export function octetsToVouchedSignature(bytes: Uint8Array, field = 'signature'): Signature {
  if (bytes.length !== SIGNATURE_LENGTH) {
    throw new BbsError('INVALID_LENGTH', field, `expected ${SIGNATURE_LENGTH} bytes, got ${bytes.length}`);
  }
  return {
    A: octetsToVouchedPointG1(bytes.subarray(0, OCTET_POINT_LENGTH), `${field}.A`),
    e: octetsToNonZeroScalar(bytes.subarray(OCTET_POINT_LENGTH), `${field}.e`),
  };
}

export interface Proof {
  readonly Abar: G1Point;
  readonly Bbar: G1Point;
  readonly D: G1Point;
  readonly eHat: bigint;
  readonly r1Hat: bigint;
  readonly r3Hat: bigint;
  /** m^_j for the undisclosed messages, in index order. */
  readonly commitments: readonly bigint[];
  readonly challenge: bigint;
}

const PROOF_POINTS_LENGTH = 3 * OCTET_POINT_LENGTH;
export const PROOF_MIN_LENGTH = PROOF_POINTS_LENGTH + 4 * OCTET_SCALAR_LENGTH;

export function proofToOctets(proof: Proof): Uint8Array {
  return serialize([
    proof.Abar,
    proof.Bbar,
    proof.D,
    scalar(proof.eHat),
    scalar(proof.r1Hat),
    scalar(proof.r3Hat),
    ...proof.commitments.map(scalar),
    scalar(proof.challenge),
  ]);
}

/** The number of undisclosed messages a proof of this many bytes carries, or a typed error. */
export function proofUndisclosedCount(length: number, field = 'proof'): number {
  if (length < PROOF_MIN_LENGTH || (length - PROOF_POINTS_LENGTH) % OCTET_SCALAR_LENGTH !== 0) {
    throw new BbsError(
      'INVALID_LENGTH',
      field,
      `expected ${PROOF_MIN_LENGTH} + 32*k bytes (k undisclosed messages), got ${length}`,
    );
  }
  return (length - PROOF_MIN_LENGTH) / OCTET_SCALAR_LENGTH;
}

/** octets_to_proof: three G1 points (validated, non-identity) then 4 + U scalars in 1..r-1. */
export function octetsToProof(bytes: Uint8Array, field = 'proof'): Proof {
  const U = proofUndisclosedCount(bytes.length, field);
  const point = (i: number) =>
    octetsToPointG1(bytes.subarray(i * OCTET_POINT_LENGTH, (i + 1) * OCTET_POINT_LENGTH), `${field}.${POINT_NAMES[i]}`);
  const scalars: bigint[] = [];
  for (let offset = PROOF_POINTS_LENGTH; offset < bytes.length; offset += OCTET_SCALAR_LENGTH) {
    scalars.push(
      octetsToNonZeroScalar(bytes.subarray(offset, offset + OCTET_SCALAR_LENGTH), `${field}.scalar[${scalars.length}]`),
    );
  }
  return {
    Abar: point(0),
    Bbar: point(1),
    D: point(2),
    eHat: scalars[0]!,
    r1Hat: scalars[1]!,
    r3Hat: scalars[2]!,
    commitments: scalars.slice(3, 3 + U),
    challenge: scalars[3 + U]!,
  };
}
const POINT_NAMES = ['Abar', 'Bbar', 'D'] as const;

/**
 * The m^ responses and the challenge of proof octets, without decoding the points: for callers
 * (predicates) that verify the same proof with ProofVerify right after, which decodes and
 * subgroup-checks them. Same scalar checks and errors as octetsToProof.
 */
export function octetsToProofResponses(
  bytes: Uint8Array,
  field = 'proof',
): { readonly commitments: bigint[]; readonly challenge: bigint } {
  const U = proofUndisclosedCount(bytes.length, field);
  const scalars: bigint[] = [];
  for (let offset = PROOF_POINTS_LENGTH; offset < bytes.length; offset += OCTET_SCALAR_LENGTH) {
    scalars.push(
      octetsToNonZeroScalar(bytes.subarray(offset, offset + OCTET_SCALAR_LENGTH), `${field}.scalar[${scalars.length}]`),
    );
  }
  return { commitments: scalars.slice(3, 3 + U), challenge: scalars[3 + U]! };
}
