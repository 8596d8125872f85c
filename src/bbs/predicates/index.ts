/**
 * Predicates over hidden BBS messages (privid extension, docs/predicates.md): range (gte, lte,
 * interval), set membership and inequality, bound to the BBS proof's responses.
 */
export {
  checkPredicates,
  MAX_PREDICATES,
  MAX_SET_SIZE,
  PREDICATE_HEADER_TAG,
  predicatePresentationHeader,
  predicateProofLength,
  provePredicates,
  verifyPredicates,
  type InPredicate,
  type NeqPredicate,
  type Predicate,
  type PredicatesProof,
  type ProvePredicatesParams,
  type RangePredicate,
  type VerifyPredicatesParams,
} from './predicates.js';
export { RANGE_BIT_LENGTHS, rangeProofLength, type RangeBits } from './range-proof.js';
export { pedersenGenerators, predicatesApiId, rangeGenerators } from './generators.js';
