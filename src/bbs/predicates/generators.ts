/**
 * Generators of privid's predicate proofs, derived with the drafts' create_generators procedure
 * under privid's own api_id, so nobody knows a discrete-log relation between any two of them
 * (or with the BBS generators, which use other api_ids):
 *
 *   api_id = ciphersuite_id || "PRIVID_PREDICATES_V1_"
 *   (P_1, P_2, P_3, ...) = create_generators(count, api_id)
 *   G = P_1   value generator of the Pedersen commitments
 *   H = P_2   blinding generator
 *   U = P_3   the inner-product argument's extra generator
 *   g_i = P_{4+2i}, h_i = P_{5+2i}   (i = 0, 1, ...) the range proof's vector generators
 *
 * The vectors interleave, so a longer proof extends the stream without reordering the points a
 * shorter one uses, and the cache in generators.ts computes each point (and its
 * multiplication table) once per process.
 */
import { ascii, concatBytes } from '../bytes.js';
import type { Ciphersuite } from '../ciphersuites.js';
import type { G1Point } from '../curve.js';
import { createGenerators } from '../generators.js';

/** Largest number of range bits one aggregated proof may carry (n * m). */
export const MAX_RANGE_BITS = 256;

export function predicatesApiId(cs: Ciphersuite): Uint8Array {
  return concatBytes(cs.id, ascii('PRIVID_PREDICATES_V1_'));
}

export interface PedersenGenerators {
  readonly G: G1Point;
  readonly H: G1Point;
}

export interface RangeGenerators extends PedersenGenerators {
  readonly U: G1Point;
  readonly g: readonly G1Point[];
  readonly h: readonly G1Point[];
}

export function pedersenGenerators(cs: Ciphersuite): PedersenGenerators {
  const [G, H] = createGenerators(cs, 2, predicatesApiId(cs)) as [G1Point, G1Point];
  return { G, H };
}

/** G, H, U and `size` pairs (g_i, h_i). */
export function rangeGenerators(cs: Ciphersuite, size: number): RangeGenerators {
  const points = createGenerators(cs, 3 + 2 * size, predicatesApiId(cs));
  const g: G1Point[] = [];
  const h: G1Point[] = [];
  for (let i = 0; i < size; i++) {
    g.push(points[3 + 2 * i]!);
    h.push(points[4 + 2 * i]!);
  }
  return { G: points[0]!, H: points[1]!, U: points[2]!, g, h };
}
