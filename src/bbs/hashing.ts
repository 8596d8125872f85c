/** hash_to_scalar, messages_to_scalars and the mocked/real random scalars of the draft. */
import { ascii, concatBytes, os2ip } from './bytes.js';
import { mod } from './curve.js';
import type { Ciphersuite } from './ciphersuites.js';
import { BbsError } from './errors.js';

/** hash_to_scalar(msg_octets, dst): expand_message to expand_len bytes, then OS2IP mod r. */
export function hashToScalar(cs: Ciphersuite, msg: Uint8Array, dst: Uint8Array): bigint {
  if (dst.length > 255) throw new BbsError('INVALID_LENGTH', 'dst', 'at most 255 bytes');
  return mod(os2ip(cs.expandMessage(msg, dst, cs.expandLen)));
}

/** The "H2S_" tag every core operation hashes under: api_id || "H2S_". */
export function hashToScalarDst(apiId: Uint8Array): Uint8Array {
  return concatBytes(apiId, H2S);
}
const H2S = ascii('H2S_');
const MAP_MSG_TO_SCALAR = ascii('MAP_MSG_TO_SCALAR_AS_HASH_');

export function mapMessageToScalarDst(apiId: Uint8Array): Uint8Array {
  return concatBytes(apiId, MAP_MSG_TO_SCALAR);
}

/** messages_to_scalars: each message independently, under api_id || "MAP_MSG_TO_SCALAR_AS_HASH_". */
export function messagesToScalars(cs: Ciphersuite, messages: readonly Uint8Array[], apiId: Uint8Array): bigint[] {
  const dst = mapMessageToScalarDst(apiId);
  return messages.map((message) => hashToScalar(cs, message, dst));
}

/**
 * A source of the random scalars ProofGen needs. Production uses `randomScalars` (a CSPRNG);
 * known-answer tests pass `seededRandomScalars(...)`, the draft's mocked_calculate_random_scalars.
 */
export type RandomScalars = (count: number) => bigint[];

/** calculate_random_scalars: OS2IP(get_random(expand_len)) mod r, from the platform CSPRNG. */
export function randomScalars(cs: Ciphersuite): RandomScalars {
  return (count) => {
    const out: bigint[] = [];
    for (let i = 0; i < count; i++) out.push(mod(os2ip(randomBytes(cs.expandLen))));
    return out;
  };
}

/** seeded_random_scalars(SEED, DST, count) from the draft's test-vector section. */
export function seededRandomScalars(cs: Ciphersuite, seed: Uint8Array, dst: Uint8Array): RandomScalars {
  return (count) => {
    const outLen = cs.expandLen * count;
    if (outLen > 65535) throw new BbsError('INVALID_COUNT', 'count', 'too many mocked scalars');
    const v = cs.expandMessage(seed, dst, outLen);
    const out: bigint[] = [];
    for (let i = 0; i < count; i++) out.push(mod(os2ip(v.subarray(i * cs.expandLen, (i + 1) * cs.expandLen))));
    return out;
  };
}

/** Browser, React Native (with a getRandomValues polyfill) and Node all expose Web Crypto. */
export function randomBytes(length: number): Uint8Array {
  const webCrypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (!webCrypto?.getRandomValues) {
    throw new BbsError('RANDOMNESS_FAILURE', 'crypto', 'no crypto.getRandomValues on this platform');
  }
  return webCrypto.getRandomValues(new Uint8Array(length));
}
