/**
 * Input validation shared by every interface (BBS signatures, blind, pseudonyms): malformed
 * input throws a typed `BbsError` naming the field; nothing untyped escapes.
 */
import { assertBytes, os2ip } from './bytes.js';
import { OCTET_G2_POINT_LENGTH, OCTET_SCALAR_LENGTH, octetsToPublicKey, r } from './curve.js';
import { octetsToSignature, octetsToVouchedSignature, type Signature } from './encoding.js';
import { BbsError } from './errors.js';
import { MAX_GENERATORS } from './generators.js';

export const EMPTY = new Uint8Array(0);

/** Plain-JS callers can pass anything; the object itself is an input too. */
export function assertParams(params: unknown): void {
  if (typeof params !== 'object' || params === null) {
    throw new BbsError('INVALID_TYPE', 'params', 'expected a parameter object');
  }
}

export function optionalBytes(value: Uint8Array | undefined, field: string): Uint8Array {
  if (value === undefined) return EMPTY;
  assertBytes(value, field);
  return value;
}

/** An optional list of octet strings (messages); absent means the empty list, as in the drafts. */
export function bytesList(value: readonly Uint8Array[] | undefined, field: string): readonly Uint8Array[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new BbsError('INVALID_TYPE', field, 'expected an array of Uint8Array');
  if (value.length > MAX_GENERATORS - 1) throw new BbsError('INVALID_COUNT', field, 'too many entries');
  // An indexed loop, not forEach: forEach would skip the holes of a sparse array unvalidated.
  for (let i = 0; i < value.length; i++) assertBytes(value[i], `${field}[${i}]`);
  return value;
}

/** A scalar supplied by the caller: a bigint in 0..r-1 (message scalars may be zero). */
export function scalarValue(value: unknown, field: string): bigint {
  if (typeof value !== 'bigint') throw new BbsError('INVALID_TYPE', field, 'expected a bigint');
  if (value < 0n || value >= r) throw new BbsError('SCALAR_OUT_OF_RANGE', field, 'scalar must be in 0..r-1');
  return value;
}

export function optionalScalar(value: bigint | undefined, field: string): bigint {
  return value === undefined ? 0n : scalarValue(value, field);
}

/** An optional list of scalars; absent means the empty list. */
export function scalarList(value: readonly bigint[] | undefined, field: string): readonly bigint[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new BbsError('INVALID_TYPE', field, 'expected an array of bigint');
  if (value.length > MAX_GENERATORS - 1) throw new BbsError('INVALID_COUNT', field, 'too many entries');
  const out: bigint[] = [];
  for (let i = 0; i < value.length; i++) out.push(scalarValue(value[i], `${field}[${i}]`));
  return out;
}

/** A scalar carried as 32 big-endian octets (secret_prover_blind, nym secrets...): 0..r-1. */
export function octetsToScalar(value: unknown, field: string): bigint {
  assertBytes(value, field);
  if (value.length !== OCTET_SCALAR_LENGTH) {
    throw new BbsError('INVALID_LENGTH', field, `expected ${OCTET_SCALAR_LENGTH} bytes, got ${value.length}`);
  }
  const s = os2ip(value);
  if (s >= r) throw new BbsError('SCALAR_OUT_OF_RANGE', field, 'scalar must be in 0..r-1');
  return s;
}

export function optionalOctetsScalar(value: Uint8Array | undefined, field: string): bigint {
  return value === undefined ? 0n : octetsToScalar(value, field);
}

/** A list of 32-octet scalars (prover nyms, nym secrets). */
export function octetsScalarList(value: readonly Uint8Array[] | undefined, field: string): bigint[] {
  const list = bytesList(value, field);
  return list.map((item, i) => octetsToScalar(item, `${field}[${i}]`));
}

/** An optional index list; absent means none. Range and order are checked by the caller. */
export function indexList(value: readonly number[] | undefined, field: string): readonly number[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new BbsError('INVALID_TYPE', field, 'expected an array of integers');
  return value;
}

/** A count such as L (signer messages) or N (nym secrets): a safe integer in [min, max]. */
export function countValue(value: unknown, field: string, min: number, max = MAX_GENERATORS - 1): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new BbsError('INVALID_COUNT', field, `expected an integer in ${min}..${max}`);
  }
  return value;
}

/** RFC 9380 tags are 1..255 bytes. */
export function checkedDst(value: Uint8Array, field: string): Uint8Array {
  assertBytes(value, field);
  if (value.length === 0 || value.length > 255) throw new BbsError('INVALID_LENGTH', field, 'must be 1..255 bytes');
  return value;
}

/**
 * Validates the public key (octets_to_pubkey; the draft recommends it even where only the octets
 * are hashed) and decodes the signature: the common start of Verify and ProofGen.
 */
export function publicKeyAndSignature(params: { readonly publicKey: unknown; readonly signature: unknown }): Signature {
  assertBytes(params.publicKey, 'publicKey');
  assertBytes(params.signature, 'signature');
  octetsToPublicKey(params.publicKey);
  return octetsToSignature(params.signature);
}

/**
 * The start of ProofGen for a signature the caller vouches for (`proofGenVouched`): the
 * holder verified this signature, public key and messages when it accepted the credential and
 * kept them in its own storage. The public key is then only hashed (its octets, length checked),
 * and the signature's A is decompressed without the subgroup check. Everything else is checked
 * as usual.
 */
export function vouchedPublicKeyAndSignature(params: {
  readonly publicKey: unknown;
  readonly signature: unknown;
}): Signature {
  assertBytes(params.publicKey, 'publicKey');
  assertBytes(params.signature, 'signature');
  if (params.publicKey.length !== OCTET_G2_POINT_LENGTH) {
    throw new BbsError('INVALID_LENGTH', 'publicKey', `expected ${OCTET_G2_POINT_LENGTH} bytes`);
  }
  return octetsToVouchedSignature(params.signature);
}

/** The core interface's lists are required parameters: absent is a caller error, not "()". */
export function requiredBytesList(value: readonly Uint8Array[] | undefined, field: string): readonly Uint8Array[] {
  if (value === undefined) throw new BbsError('INVALID_TYPE', field, 'expected an array of Uint8Array');
  return bytesList(value, field);
}

export function requiredIndexList(value: readonly number[] | undefined, field: string): readonly number[] {
  if (value === undefined) throw new BbsError('INVALID_TYPE', field, 'expected an array of integers');
  return indexList(value, field);
}
