/**
 * Deterministic predicate fixtures (test/fixtures/predicates/*.json): a core BBS signature over
 * integer and hashed message scalars, then a BBS proof with predicates whose every random scalar
 * comes from a seeded stream, so another implementation can reproduce the proofs byte for byte.
 *
 * The stream (docs/predicates.md, "Fixtures"): the i-th call (i = 0, 1, ...) for `count` scalars
 * returns seeded_random_scalars(seed || I2OSP(i, 4), dst, count) of the BBS draft, i.e.
 * expand_message(seed || I2OSP(i, 4), dst, 48 * count) cut into 48-byte big-endian integers
 * mod r, with dst = ciphersuite_id || "PRIVID_PREDICATES_FIXTURE_". The calls happen in this
 * order: 3p scalars (r_k, then r~_k, then m~_k for k = 1..p), the BBS proof's 5 + U scalars
 * (m~_j of predicated messages overwritten), the range proof's 4 + 2N (alpha, rho, tau1, tau2,
 * s_L, s_R), then per set predicate 2k - 1 (`in`) or 2 (`neq`).
 */
import {
  ascii,
  bytesToHex,
  concatBytes,
  getCiphersuite,
  hexToBytes,
  i2osp,
  seededRandomScalars,
  type CiphersuiteName,
  type Predicate,
  type RandomScalars,
} from '../../src/bbs/index.js';
import { prove, signScalars } from './predicates-support.js';

export interface FixtureInput {
  readonly name: string;
  readonly ciphersuite: CiphersuiteName;
  /** Message scalars, decimal strings. */
  readonly messages: readonly string[];
  readonly disclosedIndexes: readonly number[];
  readonly presentationHeader: string; // hex
  readonly seed: string; // hex
  readonly predicates: readonly FixturePredicate[];
}

export type FixturePredicate =
  | { kind: 'range'; index: number; lower?: string; upper?: string; bits: 8 | 16 | 32 | 64 }
  | { kind: 'in'; index: number; set: string[] }
  | { kind: 'neq'; index: number; value: string };

export interface FixtureOutput {
  readonly publicKey: string;
  readonly signature: string;
  readonly proof: string;
  readonly predicateProof: string;
}

export function seededStream(ciphersuite: CiphersuiteName, seed: Uint8Array): RandomScalars {
  const cs = getCiphersuite(ciphersuite);
  const dst = concatBytes(cs.id, ascii('PRIVID_PREDICATES_FIXTURE_'));
  let call = 0;
  return (count) => seededRandomScalars(cs, concatBytes(seed, i2osp(call++, 4)), dst)(count);
}

export function toPredicates(list: readonly FixturePredicate[]): Predicate[] {
  return list.map((p) => {
    if (p.kind === 'range') {
      return {
        kind: 'range',
        index: p.index,
        bits: p.bits,
        ...(p.lower === undefined ? {} : { lower: BigInt(p.lower) }),
        ...(p.upper === undefined ? {} : { upper: BigInt(p.upper) }),
      };
    }
    if (p.kind === 'in') return { kind: 'in', index: p.index, set: p.set.map((v) => BigInt(v)) };
    return { kind: 'neq', index: p.index, value: BigInt(p.value) };
  });
}

export function buildFixture(input: FixtureInput): FixtureOutput {
  const signed = signScalars(
    input.messages.map((m) => BigInt(m)),
    input.ciphersuite,
  );
  const { proof, predicateProof } = prove(
    signed,
    toPredicates(input.predicates),
    input.disclosedIndexes,
    hexToBytes(input.presentationHeader),
    { randomScalars: seededStream(input.ciphersuite, hexToBytes(input.seed)) },
  );
  return {
    publicKey: bytesToHex(signed.publicKey),
    signature: bytesToHex(signed.signature),
    proof: bytesToHex(proof),
    predicateProof: bytesToHex(predicateProof),
  };
}

const TODAY = 20_600; // 2026-05-25
const PCR = '48879'; // illustrative enum scalars; real ones are hash_to_scalar outputs
const LAMP = '57005';

export const FIXTURE_INPUTS: readonly FixtureInput[] = (['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256'] as const).flatMap(
  (ciphersuite) => [
    {
      name: `${ciphersuite}-valid-today`,
      ciphersuite,
      messages: ['123456789', String(TODAY - 30), String(TODAY + 240), '3', PCR],
      disclosedIndexes: [0],
      presentationHeader: '707269766964',
      seed: '0102030405060708090a0b0c0d0e0f10',
      predicates: [
        { kind: 'range', index: 2, lower: String(TODAY), bits: 16 },
        { kind: 'range', index: 1, upper: String(TODAY), bits: 16 },
      ],
    },
    {
      name: `${ciphersuite}-dose-and-type`,
      ciphersuite,
      messages: ['123456789', String(TODAY - 30), String(TODAY + 240), '3', PCR],
      disclosedIndexes: [0, 1],
      presentationHeader: '',
      seed: 'fedcba98765432100123456789abcdef',
      predicates: [
        { kind: 'range', index: 3, lower: '2', upper: '20', bits: 8 },
        { kind: 'in', index: 4, set: [PCR, LAMP] },
        { kind: 'neq', index: 2, value: String(TODAY) },
      ],
    },
  ],
);
