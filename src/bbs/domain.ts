/** calculate_domain (draft section "Domain Calculation"). */
import { concatBytes, i2osp } from './bytes.js';
import type { G1Point } from './curve.js';
import type { Ciphersuite } from './ciphersuites.js';
import { int, serialize } from './encoding.js';
import { hashToScalar, hashToScalarDst } from './hashing.js';

/**
 * domain = hash_to_scalar(PK || serialize((L, Q_1, H_1, ..., H_L)) || api_id ||
 *                         I2OSP(length(header), 8) || header, api_id || "H2S_")
 */
export function calculateDomain(
  cs: Ciphersuite,
  publicKey: Uint8Array,
  Q1: G1Point,
  hPoints: readonly G1Point[],
  header: Uint8Array,
  apiId: Uint8Array,
): bigint {
  const domOcts = concatBytes(serialize([int(hPoints.length), Q1, ...hPoints]), apiId);
  const domInput = concatBytes(publicKey, domOcts, i2osp(header.length, 8), header);
  return hashToScalar(cs, domInput, hashToScalarDst(apiId));
}
