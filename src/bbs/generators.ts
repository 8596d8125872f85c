/**
 * create_generators (draft section "Generators Calculation") and the ciphersuite's fixed P1.
 *
 * Generators are constants for a given (ciphersuite, api_id): each costs a hash-to-curve, so
 * they are cached and the cache is extended from the last `v` when more are needed, as the
 * draft allows. Each cached point also gets noble's precomputed multiplication table, which
 * makes the constant-time multiplications in Sign and ProofGen several times cheaper.
 */
import { ascii, concatBytes, i2osp } from './bytes.js';
import type { G1Point } from './curve.js';
import type { Ciphersuite } from './ciphersuites.js';
import { BbsError } from './errors.js';

/** Upper bound on generators per call: far above any credential, low enough to stop abuse. */
export const MAX_GENERATORS = 4096;
/**
 * Window of the per-generator multiplication tables. Measured: w6 builds in ~20 ms per point and
 * makes a multiplication ~4x cheaper than an untabled one; w8 gains little more for ~2.5x the
 * build time and memory, which matters on phones.
 */
const PRECOMPUTE_WINDOW = 6;

interface GeneratorStream {
  v: Uint8Array;
  readonly points: G1Point[];
  readonly seedDst: Uint8Array;
  readonly generatorDst: Uint8Array;
}

const streams = new Map<string, GeneratorStream>();

/**
 * create_generators(count, api_id) with the default tags: seed_dst = api_id || "SIG_GENERATOR_SEED_",
 * generator_dst = api_id || "SIG_GENERATOR_DST_", generator_seed = api_id || "MESSAGE_GENERATOR_SEED".
 */
export function createGenerators(cs: Ciphersuite, count: number, apiId: Uint8Array): readonly G1Point[] {
  return generatorsFrom(
    cs,
    count,
    concatBytes(apiId, ascii('MESSAGE_GENERATOR_SEED')),
    concatBytes(apiId, ascii('SIG_GENERATOR_SEED_')),
    concatBytes(apiId, ascii('SIG_GENERATOR_DST_')),
  );
}

/**
 * The generic procedure, for callers (P1, other interfaces) that define their own tags.
 * Returns a fresh array of shared, immutable points.
 */
export function generatorsFrom(
  cs: Ciphersuite,
  count: number,
  generatorSeed: Uint8Array,
  seedDst: Uint8Array,
  generatorDst: Uint8Array,
): readonly G1Point[] {
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_GENERATORS) {
    throw new BbsError('INVALID_COUNT', 'count', `generator count must be 0..${MAX_GENERATORS}`);
  }
  // Keyed by content, not by array identity: callers build their tags afresh on each call.
  const key = `${cs.name}|${latin1(generatorSeed)}|${latin1(seedDst)}|${latin1(generatorDst)}`;
  let stream = streams.get(key);
  if (!stream) {
    // 1. v = expand_message(generator_seed, seed_dst, expand_len)
    stream = { v: cs.expandMessage(generatorSeed, seedDst, cs.expandLen), points: [], seedDst, generatorDst };
    streams.set(key, stream);
  }
  // 2.-4. for i in (1, ..., count): v = expand_message(v || I2OSP(i, 8), seed_dst, expand_len);
  //        generator_i = hash_to_curve_g1(v, generator_dst)
  for (let i = stream.points.length + 1; i <= count; i++) {
    stream.v = cs.expandMessage(concatBytes(stream.v, i2osp(i, 8)), stream.seedDst, cs.expandLen);
    const point = cs.hashToCurveG1(stream.v, stream.generatorDst);
    point.precompute(PRECOMPUTE_WINDOW, false);
    stream.points.push(point);
  }
  return stream.points.slice(0, count);
}

/** A cheap injective string form of a tag, for cache keys (hex costs ~3% of Sign). */
function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/**
 * P1, the ciphersuite's fixed point: create_generators with count = 1 and the tags
 * ciphersuite_id || "H2G_HM2S_SIG_GENERATOR_SEED_" / "H2G_HM2S_SIG_GENERATOR_DST_" /
 * "H2G_HM2S_BP_MESSAGE_GENERATOR_SEED" (section "BLS12-381 Ciphersuites"). Cached like any generator.
 */
export function getP1(cs: Ciphersuite): G1Point {
  return generatorsFrom(
    cs,
    1,
    concatBytes(cs.id, ascii('H2G_HM2S_BP_MESSAGE_GENERATOR_SEED')),
    concatBytes(cs.id, ascii('H2G_HM2S_SIG_GENERATOR_SEED_')),
    concatBytes(cs.id, ascii('H2G_HM2S_SIG_GENERATOR_DST_')),
  )[0]!;
}
