/**
 * Issuer public keys as the trust list receives them: a JWK (`{ kty: 'OKP', crv: 'Bls12381G2', x }`)
 * or a Multikey `publicKeyMultibase` ('z' + base58btc(0xeb 0x01 || key)). Every key is decoded and
 * validated with privid/bbs `octetsToPublicKey` (a compressed G2 point, on the curve, in the
 * prime-order subgroup, not the identity) before the trust list accepts it.
 */
import { isBbsError, octetsToPublicKey } from '../../bbs/index.js';
import { fromBase64urlOrUndefined } from '../../credential/index.js';
import { base58btcDecode, BLS12_381_G2_PUB_MULTICODEC } from '../issuer/public-keys.js';

/** A compressed G2 point. */
export const PUBLIC_KEY_BYTES = 96;

export class PublicKeyError extends Error {
  override readonly name = 'PublicKeyError';
}

/** Throws PublicKeyError unless the bytes are a valid BLS12-381 G2 public key. */
export function validatePublicKey(bytes: Uint8Array, what = 'public key'): Uint8Array {
  if (bytes.length !== PUBLIC_KEY_BYTES) {
    throw new PublicKeyError(`${what}: expected ${PUBLIC_KEY_BYTES} bytes, got ${bytes.length}`);
  }
  try {
    octetsToPublicKey(bytes);
  } catch (error) {
    if (isBbsError(error)) throw new PublicKeyError(`${what}: not a valid BLS12-381 G2 public key (${error.code})`);
    throw error;
  }
  return bytes;
}

export interface JwkInput {
  readonly kty?: unknown;
  readonly crv?: unknown;
  readonly x?: unknown;
}

/** The key bytes of a JWK `{ kty: 'OKP', crv: 'Bls12381G2', x }`, validated. */
export function publicKeyFromJwk(jwk: JwkInput, what = 'jwk'): Uint8Array {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Bls12381G2') {
    throw new PublicKeyError(`${what}: expected kty "OKP" and crv "Bls12381G2"`);
  }
  const bytes = typeof jwk.x === 'string' ? fromBase64urlOrUndefined(jwk.x) : undefined;
  if (!bytes) throw new PublicKeyError(`${what}.x: not canonical unpadded base64url`);
  return validatePublicKey(bytes, `${what}.x`);
}

/** The key bytes of a Multikey `publicKeyMultibase` (z-base58btc, multicodec 0xeb01), validated. */
export function publicKeyFromMultibase(text: string, what = 'publicKeyMultibase'): Uint8Array {
  if (!text.startsWith('z') || text.length > 200) {
    throw new PublicKeyError(`${what}: expected 'z' + base58btc`);
  }
  let decoded: Uint8Array;
  try {
    decoded = base58btcDecode(text.slice(1));
  } catch {
    throw new PublicKeyError(`${what}: not base58btc`);
  }
  const prefix = BLS12_381_G2_PUB_MULTICODEC;
  if (decoded.length < prefix.length || decoded[0] !== prefix[0] || decoded[1] !== prefix[1]) {
    throw new PublicKeyError(`${what}: not a bls12_381-g2-pub key (multicodec 0xeb01)`);
  }
  return validatePublicKey(decoded.slice(prefix.length), what);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
