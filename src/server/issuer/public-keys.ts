/**
 * How issuer public keys are published: as a JWK (`kty: OKP`, `crv: Bls12381G2`) and as a
 * Multikey (`publicKeyMultibase` = 'z' + base58btc(0xeb 0x01 || key), 0xeb being the multicodec
 * of bls12_381-g2-pub, as an unsigned varint).
 */
import type { SuiteId } from '../../bbs/index.js';

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58 with the Bitcoin alphabet: leading zero bytes become '1's, the rest is the number in base 58. */
export function base58btcEncode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  // Digits of the number in base 58, least significant first.
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = (carry / 58) | 0;
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = (carry / 58) | 0;
    }
  }
  let out = '1'.repeat(zeros);
  for (let i = digits.length - 1; i >= 0; i--) out += BASE58_ALPHABET[digits[i]!];
  return out;
}

/** The inverse of base58btcEncode; throws on a character outside the alphabet. */
export function base58btcDecode(text: string): Uint8Array {
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  const bytes: number[] = [];
  for (let i = zeros; i < text.length; i++) {
    let carry = BASE58_ALPHABET.indexOf(text[i]!);
    if (carry < 0) throw new RangeError(`not a base58btc character: ${JSON.stringify(text[i])}`);
    for (let j = 0; j < bytes.length; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  const out = new Uint8Array(zeros + bytes.length);
  for (let i = 0; i < bytes.length; i++) out[out.length - 1 - i] = bytes[i]!;
  return out;
}

/** The multicodec prefix of a BLS12-381 G2 public key (0xeb as a varint). */
export const BLS12_381_G2_PUB_MULTICODEC = Uint8Array.of(0xeb, 0x01);

export function publicKeyMultibase(publicKey: Uint8Array): string {
  const prefixed = new Uint8Array(BLS12_381_G2_PUB_MULTICODEC.length + publicKey.length);
  prefixed.set(BLS12_381_G2_PUB_MULTICODEC, 0);
  prefixed.set(publicKey, BLS12_381_G2_PUB_MULTICODEC.length);
  return `z${base58btcEncode(prefixed)}`;
}

export interface PublicJwk {
  kty: 'OKP';
  crv: 'Bls12381G2';
  x: string;
  kid: string;
  alg?: string;
}

/**
 * The JOSE `alg` of a suite, where one is registered: the JSON Proof Algorithms draft names the
 * IETF BLS12-381-SHA-256 suite "BBS". The others get no `alg` rather than an invented one.
 */
export function joseAlgorithm(suite: SuiteId): string | undefined {
  return suite === 'BLS12-381-SHA-256' ? 'BBS' : undefined;
}

export function publicJwk(kid: string, suite: SuiteId, publicKey: Uint8Array): PublicJwk {
  const alg = joseAlgorithm(suite);
  return {
    kty: 'OKP',
    crv: 'Bls12381G2',
    x: Buffer.from(publicKey).toString('base64url'),
    kid,
    ...(alg ? { alg } : {}),
  };
}
