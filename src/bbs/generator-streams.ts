/**
 * Which generator streams ship as constants (generator-constants.ts), and how many of each: the
 * single list that scripts/generate-generator-constants.ts writes from and
 * test/bbs/generator-constants.test.ts re-derives, for both ciphersuites and every api_id privid
 * uses. Not imported at run time.
 */
import { blindApiId } from './blind/interface.js';
import { CIPHERSUITE_NAMES, getCiphersuite, type Ciphersuite } from './ciphersuites.js';
import { ascii, concatBytes } from './bytes.js';
import { messageGeneratorTags, p1Tags } from './generators.js';
import { signaturesApiId } from './interface.js';
import { predicatesApiId } from './predicates/generators.js';
import { pseudonymApiId } from './pseudonym/interface.js';

/**
 * Q_1 and H_1..H_36: the largest privid credential has 4 fixed messages (schema, issuerKeyId,
 * validFrom, validUntil) and MAX_ATTRIBUTES = 32 attributes (src/credential/schema.ts; a test
 * keeps the two in step). Beyond this a stream is extended by hash-to-curve.
 */
export const SHIPPED_MESSAGE_GENERATORS = 37;
/** Q_2 and J_1..J_3: privid credentials use Q_2 and one J (the holder secret as nym secret). */
export const SHIPPED_BLIND_GENERATORS = 4;

/**
 * The predicate proofs' G, H, U and 64 pairs (g_i, h_i) (predicates/generators.ts): an aggregated
 * range proof over up to 64 bits in all, e.g. the four 16-bit date and count statements of a
 * vaccination clause or the two of a stadium clause. Deriving the 67 points a stadium presentation
 * needs costs ~10 s on Hermes 0.12 (bench/hermes); larger statements extend the stream.
 */
export const SHIPPED_PREDICATE_GENERATORS = 3 + 2 * 64;

export interface ShippedStreamSpec {
  readonly cs: Ciphersuite;
  /** e.g. "BLS12-381-SHA-256 pseudonym" */
  readonly label: string;
  readonly count: number;
  readonly tags: readonly [Uint8Array, Uint8Array, Uint8Array];
}

export function shippedGeneratorStreams(): ShippedStreamSpec[] {
  const specs: ShippedStreamSpec[] = [];
  for (const name of CIPHERSUITE_NAMES) {
    const cs = getCiphersuite(name);
    specs.push({ cs, label: `${name} P1`, count: 1, tags: p1Tags(cs) });
    const apis: [string, Uint8Array, boolean][] = [
      ['core', signaturesApiId(cs), false],
      ['blind', blindApiId(cs), true],
      ['pseudonym', pseudonymApiId(cs), true],
    ];
    for (const [api, apiId, hasBlindGenerators] of apis) {
      specs.push({ cs, label: `${name} ${api}`, count: SHIPPED_MESSAGE_GENERATORS, tags: messageGeneratorTags(apiId) });
      if (hasBlindGenerators) {
        specs.push({
          cs,
          label: `${name} ${api} BLIND_`,
          count: SHIPPED_BLIND_GENERATORS,
          tags: messageGeneratorTags(concatBytes(ascii('BLIND_'), apiId)),
        });
      }
    }
    specs.push({
      cs,
      label: `${name} predicates`,
      count: SHIPPED_PREDICATE_GENERATORS,
      tags: messageGeneratorTags(predicatesApiId(cs)),
    });
  }
  return specs;
}
