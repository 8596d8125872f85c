/**
 * create_generators (draft section "Generators Calculation") and the ciphersuite's fixed P1.
 *
 * Generators are constants for a given (ciphersuite, api_id). Deriving one costs a hash-to-curve
 * (about 0.1 s on Hermes), so:
 *
 * - the first ones of every stream privid uses exist as compressed constants
 *   (generator-constants.ts, re-derived by test/bbs/generator-constants.test.ts). They are an
 *   opt-in (privid/bbs/generator-constants, install-generator-constants.ts), because they weigh
 *   ~29 kB gzipped and only slow engines need them: once installed they are decoded one by one on
 *   first use without a subgroup check, and later ones are derived from the shipped state `v`, as
 *   the draft allows extending the list;
 * - every stream is cached, so each generator is decoded or derived once per process;
 * - multiplication tables (curve.ts `buildMultiplicationTables`) are built only once a stream
 *   has been used `tableAfterUses` times: a long-lived verifier or issuer gets them after a few
 *   operations, a wallet presenting a few times never pays for them, and on Hermes, where a table
 *   costs over a second per point and BigInt division is slow, they are off by default.
 */
import { ascii, concatBytes, hexToBytes, i2osp } from './bytes.js';
import { buildMultiplicationTables, octetsToVouchedPointG1, type G1Point } from './curve.js';
import type { Ciphersuite } from './ciphersuites.js';
import { BbsError } from './errors.js';
// Type only: the constants themselves are bundled only by apps that install them.
import type { ShippedGeneratorStream } from './generator-constants.js';

/** Upper bound on generators per call: far above any credential, low enough to stop abuse. */
export const MAX_GENERATORS = 4096;

interface GeneratorStream {
  /** The state after the last derived (or shipped) generator. */
  v: Uint8Array;
  readonly points: G1Point[];
  /** Compressed hex of the shipped first generators, decoded into `points` on demand. */
  readonly shipped: readonly string[];
  readonly seedDst: Uint8Array;
  readonly generatorDst: Uint8Array;
  uses: number;
  tabled: boolean;
}

const streams = new Map<string, GeneratorStream>();

/** The shipped constants, by stream key; empty until an app installs them. */
let shippedGenerators: Readonly<Record<string, ShippedGeneratorStream>> = {};

/**
 * Makes streams created from now on start from these constants. Internal (install-generator-
 * constants.ts passes the tested table): the points are decoded without a subgroup check, so
 * privid/bbs does not let a caller hand in its own. A stream already in use keeps its points,
 * which are the same ones derived.
 */
export function installShippedGenerators(table: Readonly<Record<string, ShippedGeneratorStream>>): void {
  shippedGenerators = table;
}

/**
 * Uses of a stream after which its generators get multiplication tables. Off on Hermes: measured
 * there, tabled multiplications through noble's field are slower than the untabled interleaved
 * walk of g1-barrett.ts, and the tables cost over a second per point to build.
 */
let tableAfterUses = typeof (globalThis as { HermesInternal?: unknown }).HermesInternal === 'object' ? Infinity : 4;

/**
 * Sets when generators get multiplication tables: after `afterUses` uses of their stream
 * (0: at once, `Infinity`: never). A verifier that knows it is long-lived may pass 0; a wallet on
 * a slow engine keeps the default.
 */
export function configureGeneratorTables(options: { readonly afterUses: number }): void {
  if (!(options.afterUses >= 0)) throw new RangeError('afterUses must be >= 0');
  tableAfterUses = options.afterUses;
}

/**
 * create_generators(count, api_id) with the default tags: seed_dst = api_id || "SIG_GENERATOR_SEED_",
 * generator_dst = api_id || "SIG_GENERATOR_DST_", generator_seed = api_id || "MESSAGE_GENERATOR_SEED".
 */
export function createGenerators(cs: Ciphersuite, count: number, apiId: Uint8Array): readonly G1Point[] {
  return generatorsFrom(cs, count, ...messageGeneratorTags(apiId));
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
  const key = generatorStreamKey(cs, generatorSeed, seedDst, generatorDst);
  let stream = streams.get(key);
  if (!stream) {
    const shipped = Object.hasOwn(shippedGenerators, key) ? shippedGenerators[key] : undefined;
    stream = {
      // 1. v = expand_message(generator_seed, seed_dst, expand_len), or the state after the shipped ones
      v: shipped ? hexToBytes(shipped.v) : cs.expandMessage(generatorSeed, seedDst, cs.expandLen),
      points: [],
      shipped: shipped?.points ?? [],
      seedDst,
      generatorDst,
      uses: 0,
      tabled: false,
    };
    streams.set(key, stream);
  }
  for (let i = stream.points.length + 1; i <= count; i++) {
    if (i <= stream.shipped.length) {
      stream.points.push(octetsToVouchedPointG1(hexToBytes(stream.shipped[i - 1]!), 'generator'));
      continue;
    }
    // 2.-4. for i in (1, ..., count): v = expand_message(v || I2OSP(i, 8), seed_dst, expand_len);
    //        generator_i = hash_to_curve_g1(v, generator_dst)
    stream.v = cs.expandMessage(concatBytes(stream.v, i2osp(i, 8)), stream.seedDst, cs.expandLen);
    stream.points.push(cs.hashToCurveG1(stream.v, stream.generatorDst));
  }
  stream.uses++;
  if (stream.tabled || stream.uses >= tableAfterUses) {
    stream.tabled = true;
    buildMultiplicationTables(stream.points);
  }
  return stream.points.slice(0, count);
}

/**
 * create_generators by the draft's procedure alone, with no cache and no shipped constants: the
 * reference the shipped constants are generated from (scripts/generate-generator-constants.ts)
 * and checked against (test/bbs/generator-constants.test.ts). Returns the points and the final v.
 */
export function deriveGenerators(
  cs: Ciphersuite,
  count: number,
  generatorSeed: Uint8Array,
  seedDst: Uint8Array,
  generatorDst: Uint8Array,
): { readonly points: G1Point[]; readonly v: Uint8Array } {
  let v = cs.expandMessage(generatorSeed, seedDst, cs.expandLen);
  const points: G1Point[] = [];
  for (let i = 1; i <= count; i++) {
    v = cs.expandMessage(concatBytes(v, i2osp(i, 8)), seedDst, cs.expandLen);
    points.push(cs.hashToCurveG1(v, generatorDst));
  }
  return { points, v };
}

/** The cache key of a stream, which is also the key of its shipped constants. */
export function generatorStreamKey(
  cs: Ciphersuite,
  generatorSeed: Uint8Array,
  seedDst: Uint8Array,
  generatorDst: Uint8Array,
): string {
  return `${cs.name}|${latin1(generatorSeed)}|${latin1(seedDst)}|${latin1(generatorDst)}`;
}

/** The tags of create_generators(count, api_id): (generator_seed, seed_dst, generator_dst). */
export function messageGeneratorTags(apiId: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  return [
    concatBytes(apiId, ascii('MESSAGE_GENERATOR_SEED')),
    concatBytes(apiId, ascii('SIG_GENERATOR_SEED_')),
    concatBytes(apiId, ascii('SIG_GENERATOR_DST_')),
  ];
}

/** The tags of P1 (section "BLS12-381 Ciphersuites"). */
export function p1Tags(cs: Ciphersuite): [Uint8Array, Uint8Array, Uint8Array] {
  return [
    concatBytes(cs.id, ascii('H2G_HM2S_BP_MESSAGE_GENERATOR_SEED')),
    concatBytes(cs.id, ascii('H2G_HM2S_SIG_GENERATOR_SEED_')),
    concatBytes(cs.id, ascii('H2G_HM2S_SIG_GENERATOR_DST_')),
  ];
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
  return generatorsFrom(cs, 1, ...p1Tags(cs))[0]!;
}
