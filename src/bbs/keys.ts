/** KeyGen and SkToPk (draft section "Key Generation Operations"). */
import { ascii, concatBytes, i2osp, os2ip } from './bytes.js';
import { g2BaseMultiply, pointToOctetsG2, r, scalarToOctets, OCTET_SCALAR_LENGTH } from './curve.js';
import type { Ciphersuite } from './ciphersuites.js';
import { BbsError } from './errors.js';
import { hashToScalar } from './hashing.js';

/** The default key_dst: ciphersuite_id || "H2G_HM2S_" || "KEYGEN_DST_" (api_id || "KEYGEN_DST_"). */
export function defaultKeyDst(cs: Ciphersuite): Uint8Array {
  return concatBytes(cs.id, ascii('H2G_HM2S_KEYGEN_DST_'));
}

/** KeyGen(key_material, key_info, key_dst) -> SK as a scalar. */
export function keyGenScalar(
  cs: Ciphersuite,
  keyMaterial: Uint8Array,
  keyInfo: Uint8Array,
  keyDst: Uint8Array,
): bigint {
  // 1. if length(key_material) < 32, return INVALID
  if (keyMaterial.length < 32)
    throw new BbsError('INVALID_KEY_MATERIAL', 'keyMaterial', 'at least 32 bytes are required');
  // 2. if length(key_info) > 65535, return INVALID
  if (keyInfo.length > 65535) throw new BbsError('INVALID_LENGTH', 'keyInfo', 'at most 65535 bytes');
  // 3. derive_input = key_material || I2OSP(length(key_info), 2) || key_info
  const deriveInput = concatBytes(keyMaterial, i2osp(keyInfo.length, 2), keyInfo);
  // 4. SK = hash_to_scalar(derive_input, key_dst); 5. a zero SK is INVALID
  const sk = hashToScalar(cs, deriveInput, keyDst);
  if (sk === 0n) throw new BbsError('INVALID_KEY_MATERIAL', 'keyMaterial', 'derived a zero secret key');
  return sk;
}

export function secretKeyToOctets(sk: bigint): Uint8Array {
  return scalarToOctets(sk);
}

/** Secret keys travel as 32-byte big-endian scalars in 1..r-1. */
export function octetsToSecretKey(bytes: Uint8Array, field = 'secretKey'): bigint {
  if (bytes.length !== OCTET_SCALAR_LENGTH) {
    throw new BbsError('INVALID_LENGTH', field, `expected ${OCTET_SCALAR_LENGTH} bytes, got ${bytes.length}`);
  }
  const sk = os2ip(bytes);
  if (sk === 0n || sk >= r) throw new BbsError('SCALAR_OUT_OF_RANGE', field, 'secret key must be in 1..r-1');
  return sk;
}

/** SkToPk: W = SK * BP2, compressed. */
export function skToPkOctets(sk: bigint): Uint8Array {
  return pointToOctetsG2(g2BaseMultiply(sk));
}
