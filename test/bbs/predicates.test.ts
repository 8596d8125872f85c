/**
 * Predicates over hidden BBS messages (src/bbs/predicates): completeness for every predicate
 * kind, refusal to prove a false statement, soundness against a patched prover (it lies about
 * the value, the bit decomposition or the opening, or commits to another value than the signed
 * one), tampering with every field of the predicate proof, and fast-check properties over
 * in-range and boundary values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BbsError, coreProofGen, octetsToSignature, type Predicate } from '../../src/bbs/index.js';
import { concatBytes } from '../../src/bbs/bytes.js';
import { G1, add, mod, mul, multiply, pointToOctetsG1, scalarToOctets, type G1Point } from '../../src/bbs/curve.js';
import { octetsToProof } from '../../src/bbs/encoding.js';
import { randomScalars } from '../../src/bbs/hashing.js';
import { pedersenGenerators } from '../../src/bbs/predicates/generators.js';
import {
  predicatePresentationHeader,
  predicateProofLength,
  predicateTranscript,
  rangeProofToOctets,
} from '../../src/bbs/predicates/predicates.js';
import { proveRange } from '../../src/bbs/predicates/range-proof.js';
import { prove, signScalars, verify, type Signed } from './predicates-support.js';

const TODAY = 20_600n;
const SCHEMA_SCALAR = 0x1234_5678_9abc_def0_1234_5678n;
const PCR = mod(0xabcdef_0123_4567_89ab_cdefn * 7919n);
const LAMP = mod(0x5555_aaaa_5555_aaaa_5555n * 104_729n);
const ANTIGEN = mod(0x1111_2222_3333_4444_5555n * 15_485_863n);
// index: 0 schema (disclosed), 1 validFrom, 2 validUntil, 3 doseCount, 4 testType
const messages = (validFrom: bigint, validUntil: bigint, doseCount: bigint, testType = PCR) => [
  SCHEMA_SCALAR,
  validFrom,
  validUntil,
  doseCount,
  testType,
];
const PH = new Uint8Array([7, 7, 7, 1]);
const DISCLOSED = [0];

const validToday: Predicate[] = [
  { kind: 'range', index: 2, lower: TODAY, bits: 16 },
  { kind: 'range', index: 1, upper: TODAY, bits: 16 },
];

function outcome(run: () => boolean): 'accepted' | 'rejected' {
  try {
    return run() ? 'accepted' : 'rejected';
  } catch (error) {
    if (error instanceof BbsError) return 'rejected';
    throw error;
  }
}

describe('predicates: completeness', () => {
  const signed = signScalars(messages(TODAY - 30n, TODAY + 240n, 3n));
  const cases: [string, Predicate[]][] = [
    ['validUntil >= today and validFrom <= today', validToday],
    ['doseCount >= 2 (8 bits)', [{ kind: 'range', index: 3, lower: 2n, bits: 8 }]],
    ['doseCount in [2, 5] (one interval)', [{ kind: 'range', index: 3, lower: 2n, upper: 5n, bits: 8 }]],
    ['testType in {pcr, lamp}', [{ kind: 'in', index: 4, set: [LAMP, PCR] }]],
    ['testType != antigen', [{ kind: 'neq', index: 4, value: ANTIGEN }]],
    [
      'all kinds together, two on one message',
      [
        ...validToday,
        { kind: 'range', index: 2, upper: TODAY + 300n, bits: 16 },
        { kind: 'in', index: 4, set: [PCR, LAMP, ANTIGEN] },
        { kind: 'neq', index: 3, value: 0n },
      ],
    ],
  ];
  it.each(cases)('%s', (_, predicates) => {
    const { proof, predicateProof } = prove(signed, predicates, DISCLOSED, PH);
    expect(predicateProof.length).toBe(predicateProofLength(predicates));
    expect(verify(signed, predicates, DISCLOSED, PH, proof, predicateProof)).toBe(true);
  });

  it('two predicates add 992 bytes (C, r^ per predicate and one aggregated 2 x 16-bit range proof)', () => {
    expect(predicateProofLength(validToday)).toBe(992);
  });

  it('works with the SHAKE-256 suite and other disclosed messages', () => {
    const shake = signScalars(messages(TODAY - 1n, TODAY, 2n), 'BLS12-381-SHAKE-256');
    const disclosed = [0, 3];
    const { proof, predicateProof } = prove(shake, validToday, disclosed, PH);
    expect(verify(shake, validToday, disclosed, PH, proof, predicateProof)).toBe(true);
  });
});

describe('predicates: a false statement cannot be proven or accepted', () => {
  it('the honest prover refuses out-of-range, non-member and equal values', () => {
    const expired = signScalars(messages(TODAY - 30n, TODAY - 1n, 1n, ANTIGEN));
    const refuse = (predicates: Predicate[]) => {
      try {
        prove(expired, predicates, DISCLOSED, PH);
        return 'proved';
      } catch (error) {
        return error instanceof BbsError ? error.code : 'untyped';
      }
    };
    expect(refuse(validToday)).toBe('PREDICATE_NOT_SATISFIED');
    expect(refuse([{ kind: 'range', index: 3, lower: 2n, bits: 8 }])).toBe('PREDICATE_NOT_SATISFIED');
    expect(refuse([{ kind: 'in', index: 4, set: [PCR, LAMP] }])).toBe('PREDICATE_NOT_SATISFIED');
    expect(refuse([{ kind: 'neq', index: 4, value: ANTIGEN }])).toBe('PREDICATE_NOT_SATISFIED');
  });

  it('a predicate on a disclosed message is refused', () => {
    const signed = signScalars(messages(TODAY - 30n, TODAY + 1n, 3n));
    expect(() => prove(signed, validToday, [0, 2], PH)).toThrow(/disclosed/);
  });

  it('a proof verifies only for its own statement, header and disclosure', () => {
    const signed = signScalars(messages(TODAY - 30n, TODAY + 5n, 3n));
    const { proof, predicateProof } = prove(signed, validToday, DISCLOSED, PH);
    const other: Predicate[] = [
      { kind: 'range', index: 2, lower: TODAY + 1n, bits: 16 },
      { kind: 'range', index: 1, upper: TODAY, bits: 16 },
    ];
    expect(outcome(() => verify(signed, other, DISCLOSED, PH, proof, predicateProof))).toBe('rejected');
    expect(outcome(() => verify(signed, validToday, DISCLOSED, new Uint8Array([1]), proof, predicateProof))).toBe(
      'rejected',
    );
    const swapped: Predicate[] = [validToday[1]!, validToday[0]!];
    expect(outcome(() => verify(signed, swapped, DISCLOSED, PH, proof, predicateProof))).toBe('rejected');
    // The BBS proof alone, with the plain header, is not a proof of the predicates' header.
    expect(outcome(() => verify(signed, [], DISCLOSED, PH, proof, new Uint8Array(0)))).toBe('rejected');
  });
});

/**
 * A patched prover: the honest protocol with one lie switched on. Every lie must end in a
 * rejected proof, because the verifier checks the commitment against the BBS response and the
 * range proof against the commitment.
 */
type Lie =
  | { kind: 'value'; claimed: bigint } // commit to `claimed` (in range) instead of the signed value
  | { kind: 'bits' } // commit honestly, but run the range proof on the in-range low bits of the value
  | { kind: 'opening'; delta: bigint } // range proof with a wrong blinding
  | { kind: 'rHat'; delta: bigint }; // answer r^ for another r

function lyingProof(signed: Signed, bound: bigint, lie: Lie): { proof: Uint8Array; predicateProof: Uint8Array } {
  const cs = signed.ctx.cs;
  const random = randomScalars(cs);
  const index = 2;
  const predicates: Predicate[] = [{ kind: 'range', index, lower: bound, bits: 16 }];
  const { G, H } = pedersenGenerators(cs);
  const signedValue = signed.messages[index]!;
  const committed = lie.kind === 'value' ? lie.claimed : signedValue;
  const [blinding, rTilde, mTilde] = random(3) as [bigint, bigint, bigint];
  const C = multiply(G, committed).add(multiply(H, blinding));
  const T = multiply(G, mTilde).add(multiply(H, rTilde));
  const ph = predicatePresentationHeader(PH, [C], [T]);
  const rank = index - DISCLOSED.filter((i) => i < index).length;
  const proof = coreProofGen(
    signed.ctx,
    signed.publicKey,
    octetsToSignature(signed.signature),
    new Uint8Array([1, 2, 3]),
    ph,
    signed.messages,
    DISCLOSED,
    (count) => {
      const s = random(count);
      s[5 + rank] = mTilde;
      return s;
    },
  );
  const c = octetsToProof(proof).challenge;
  const rHat = add(add(rTilde, mul(c, blinding)), lie.kind === 'rHat' ? lie.delta : 0n);
  const transcript = predicateTranscript(cs, predicates, ph, c);
  const V: G1Point = C.subtract(multiply(G, bound));
  const witness = mod(committed - bound);
  const rangeValue = lie.kind === 'bits' ? witness & 0xffffn : witness;
  const gamma = lie.kind === 'opening' ? add(blinding, lie.delta) : blinding;
  // proveRange itself refuses values outside [0, 2^n): the lies give it values inside.
  const range = proveRange(cs, transcript, [V], [rangeValue], [gamma], 16, random);
  return {
    proof,
    predicateProof: concatBytes(pointToOctetsG1(C), scalarToOctets(rHat), rangeProofToOctets(range)),
  };
}

describe('predicates: soundness against a patched prover', () => {
  const expired = signScalars(messages(TODAY - 30n, TODAY - 1n, 3n));
  const valid = signScalars(messages(TODAY - 30n, TODAY + 10n, 3n));
  const statement: Predicate[] = [{ kind: 'range', index: 2, lower: TODAY, bits: 16 }];
  const check = (signed: Signed, p: { proof: Uint8Array; predicateProof: Uint8Array }) =>
    outcome(() => verify(signed, statement, DISCLOSED, PH, p.proof, p.predicateProof));

  it('the patched prover without a lie is accepted (the harness is faithful)', () => {
    expect(check(valid, lyingProof(valid, TODAY, { kind: 'rHat', delta: 0n }))).toBe('accepted');
  });

  it('a commitment to an in-range value other than the signed one is rejected (BBS response binding)', () => {
    expect(check(expired, lyingProof(expired, TODAY, { kind: 'value', claimed: TODAY + 100n }))).toBe('rejected');
    // Even for a true statement: the commitment must open to the signed message itself.
    expect(check(valid, lyingProof(valid, TODAY, { kind: 'value', claimed: TODAY + 11n }))).toBe('rejected');
  });

  it('a range proof over a bit decomposition that does not match the value is rejected', () => {
    // TODAY - 1 - TODAY = -1 = r - 1: its low 16 bits are all ones, a valid-looking witness.
    expect(check(expired, lyingProof(expired, TODAY, { kind: 'bits' }))).toBe('rejected');
    const far = signScalars(messages(0n, TODAY + 70_000n, 3n)); // 70,000 days: needs 17 bits
    expect(check(far, lyingProof(far, TODAY, { kind: 'bits' }))).toBe('rejected');
  });

  it('a wrong opening (blinding) or a wrong r^ is rejected', () => {
    expect(check(valid, lyingProof(valid, TODAY, { kind: 'opening', delta: 1n }))).toBe('rejected');
    expect(check(valid, lyingProof(valid, TODAY, { kind: 'rHat', delta: 1n }))).toBe('rejected');
  });
});

describe('predicates: tampering with any field is rejected', () => {
  const signed = signScalars(messages(TODAY - 30n, TODAY + 240n, 3n, LAMP));
  const predicates: Predicate[] = [
    ...validToday,
    { kind: 'in', index: 4, set: [PCR, LAMP] },
    { kind: 'neq', index: 3, value: 0n },
  ];
  const { proof, predicateProof } = prove(signed, predicates, DISCLOSED, PH);
  // Field layout: (C 48, r^ 32) x 4, range (A S T1 T2: 48 each, 3 scalars, 2 x 3 rounds of
  // 48, 8 scalars), in (4 scalars), neq (3 scalars).
  const fields: { offset: number; size: 32 | 48 }[] = [];
  let offset = 0;
  const push = (size: 32 | 48, count = 1) => {
    for (let i = 0; i < count; i++) {
      fields.push({ offset, size });
      offset += size;
    }
  };
  for (let k = 0; k < predicates.length; k++) {
    push(48);
    push(32);
  }
  push(48, 4);
  push(32, 3);
  push(48, 6);
  push(32, 8);
  push(32, 4);
  push(32, 3);

  it('the layout covers the whole proof', () => {
    expect(offset).toBe(predicateProof.length);
    expect(verify(signed, predicates, DISCLOSED, PH, proof, predicateProof)).toBe(true);
  });

  it.each(fields.map((f, i) => [i, f.offset, f.size] as const))(
    'field %i (offset %i, %i bytes) replaced by another valid value',
    (_, at, size) => {
      const tampered = predicateProof.slice();
      if (size === 48) {
        tampered.set(pointToOctetsG1(G1.BASE.multiply(BigInt(at + 2))), at);
      } else {
        const value = BigInt('0x' + Buffer.from(tampered.subarray(at, at + 32)).toString('hex'));
        tampered.set(scalarToOctets(mod(value + 1n)), at);
      }
      expect(outcome(() => verify(signed, predicates, DISCLOSED, PH, proof, tampered))).toBe('rejected');
      const flipped = predicateProof.slice();
      flipped[at + size - 1]! ^= 1;
      expect(outcome(() => verify(signed, predicates, DISCLOSED, PH, proof, flipped))).toBe('rejected');
    },
  );

  it('a changed BBS response for a predicated message, or a truncated or extended proof, is rejected', () => {
    const bbs = octetsToProof(proof);
    const responses = [...bbs.commitments];
    responses[1] = add(responses[1]!, 1n); // message 2 (validUntil) is the second hidden one
    const tamperedBbs = concatBytes(
      proof.subarray(0, 3 * 48 + 3 * 32),
      ...responses.map(scalarToOctets),
      scalarToOctets(bbs.challenge),
    );
    expect(outcome(() => verify(signed, predicates, DISCLOSED, PH, tamperedBbs, predicateProof))).toBe('rejected');
    expect(outcome(() => verify(signed, predicates, DISCLOSED, PH, proof, predicateProof.subarray(1)))).toBe(
      'rejected',
    );
    expect(
      outcome(() => verify(signed, predicates, DISCLOSED, PH, proof, concatBytes(predicateProof, new Uint8Array(1)))),
    ).toBe('rejected');
  });

  it('the identity as a commitment is a typed error', () => {
    const tampered = predicateProof.slice();
    tampered.set(pointToOctetsG1(G1.ZERO), 0);
    expect(() => verify(signed, predicates, DISCLOSED, PH, proof, tampered)).toThrow(BbsError);
  });

  it('the proof is the same length whatever the hidden values (what a verifier sees has one shape)', () => {
    const other = signScalars(messages(TODAY, TODAY, 20n, PCR));
    const again = prove(other, predicates, DISCLOSED, PH);
    expect(again.predicateProof.length).toBe(predicateProof.length);
    expect(again.proof.length).toBe(proof.length);
  });
});

describe('predicates: properties over in-range and boundary values', () => {
  const K = 16n;
  const boundary = fc.constantFrom(TODAY, TODAY + 1n, TODAY + (1n << K) - 1n);
  const inRange = fc.bigInt({ min: TODAY, max: TODAY + (1n << K) - 1n });

  it('validUntil in [today, today + 2^16) proves "validUntil >= today"; today - 1 cannot', () => {
    fc.assert(
      fc.property(fc.oneof(boundary, inRange), (validUntil) => {
        const signed = signScalars(messages(0n, validUntil, 0n));
        const statement: Predicate[] = [{ kind: 'range', index: 2, lower: TODAY, bits: 16 }];
        const { proof, predicateProof } = prove(signed, statement, DISCLOSED, PH);
        expect(verify(signed, statement, DISCLOSED, PH, proof, predicateProof)).toBe(true);
      }),
      { numRuns: 6 },
    );
    const expired = signScalars(messages(0n, TODAY - 1n, 0n));
    expect(() => prove(expired, [{ kind: 'range', index: 2, lower: TODAY, bits: 16 }], DISCLOSED, PH)).toThrow(
      /out of range/,
    );
  });

  it('values 0 and 2^k - 1 prove [0, 2^k - 1]; 2^k does not', () => {
    fc.assert(
      fc.property(fc.constantFrom(8, 16) as fc.Arbitrary<8 | 16>, fc.boolean(), (bits, top) => {
        const value = top ? (1n << BigInt(bits)) - 1n : 0n;
        const signed = signScalars(messages(0n, 0n, value));
        const statement: Predicate[] = [{ kind: 'range', index: 3, lower: 0n, upper: (1n << BigInt(bits)) - 1n, bits }];
        const { proof, predicateProof } = prove(signed, statement, DISCLOSED, PH);
        expect(verify(signed, statement, DISCLOSED, PH, proof, predicateProof)).toBe(true);
      }),
      { numRuns: 4 },
    );
    const over = signScalars(messages(0n, 0n, 256n));
    expect(() => prove(over, [{ kind: 'range', index: 3, lower: 0n, bits: 8 }], DISCLOSED, PH)).toThrow(BbsError);
  });

  it('lastDoseDay <= today - 14: exactly today - 14 and today - 15 pass, today - 13 does not', () => {
    fc.assert(
      fc.property(fc.constantFrom(TODAY - 14n, TODAY - 15n), (day) => {
        const signed = signScalars(messages(0n, day, 2n));
        const statement: Predicate[] = [{ kind: 'range', index: 2, upper: TODAY - 14n, bits: 16 }];
        const { proof, predicateProof } = prove(signed, statement, DISCLOSED, PH);
        expect(verify(signed, statement, DISCLOSED, PH, proof, predicateProof)).toBe(true);
      }),
      { numRuns: 2 },
    );
    const recent = signScalars(messages(0n, TODAY - 13n, 2n));
    expect(() => prove(recent, [{ kind: 'range', index: 2, upper: TODAY - 14n, bits: 16 }], DISCLOSED, PH)).toThrow(
      BbsError,
    );
  });
});
