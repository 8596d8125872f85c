/**
 * Property-based tests (fast-check) of what a verifier must never accept:
 *
 * - any single-bit change of a signature, a proof, a message / disclosed message, the header or
 *   the presentation header makes verify / proofVerify reject: `false` or a BbsError, never
 *   `true`, never an untyped exception;
 * - two proofs from one signature share no group element (Abar, Bbar, D) and no scalar;
 * - a proof verifies only with its own disclosed indexes.
 *
 * Signatures and proofs are the expensive part, so each ciphersuite first builds a pool of
 * fixtures from fast-check-generated inputs (keys, 1..8 messages incl. empty and multi-KB ones,
 * headers, presentation headers, disclosure patterns) and the properties then draw a fixture
 * and a mutation. Everything derives from one seed, printed in the suite title; set
 * PRIVID_TEST_SEED to replay a failure (fast-check also prints the failing path).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CIPHERSUITE_NAMES,
  keyGen,
  proofGen,
  proofVerify,
  sign,
  skToPk,
  verify,
  type CiphersuiteName,
} from '../../src/bbs/index.js';
import { allSubsets, flipBit, outcomeOf, rejected, testSeed } from '../support/bbs-fixtures.js';

const SEED = testSeed();
const POOL_SIZE = 10;
const KEY_COUNT = 3;
const POINTS_LENGTH = 3 * 48;

interface Fixture {
  readonly ciphersuite: CiphersuiteName;
  readonly publicKey: Uint8Array;
  readonly header: Uint8Array;
  readonly presentationHeader: Uint8Array;
  readonly messages: readonly Uint8Array[];
  readonly disclosedIndexes: readonly number[];
  readonly disclosedMessages: readonly Uint8Array[];
  readonly signature: Uint8Array;
  readonly proof: Uint8Array;
}

/** Short description of a fixture for assertion messages. */
function describeFixture(f: Fixture): string {
  return (
    `L=${f.messages.length} lengths=[${f.messages.map((m) => m.length).join(',')}] ` +
    `disclosed=[${f.disclosedIndexes.join(',')}] header=${f.header.length}B ph=${f.presentationHeader.length}B`
  );
}

const messageArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1024, maxLength: 4096 }) },
);

const inputsArb = fc.record({
  keyIndex: fc.nat({ max: KEY_COUNT - 1 }),
  entries: fc.array(fc.record({ message: messageArb, disclosed: fc.boolean() }), { minLength: 1, maxLength: 8 }),
  // Non-empty so that a bit of each can be flipped; empty headers are covered by the interop suite.
  header: fc.uint8Array({ minLength: 1, maxLength: 64 }),
  presentationHeader: fc.uint8Array({ minLength: 1, maxLength: 64 }),
});

function buildPool(ciphersuite: CiphersuiteName, seed: number): Fixture[] {
  const keyMaterials = fc.sample(fc.uint8Array({ minLength: 32, maxLength: 64 }), { seed, numRuns: KEY_COUNT });
  const keys = keyMaterials.map((keyMaterial) => {
    const secretKey = keyGen({ ciphersuite, keyMaterial });
    return { secretKey, publicKey: skToPk({ ciphersuite, secretKey }) };
  });
  const samples = fc.sample(inputsArb, { seed: seed + 1, numRuns: POOL_SIZE });
  // Make sure the pool has both extremes of disclosure whatever the seed.
  samples[0] = { ...samples[0]!, entries: samples[0]!.entries.map((e) => ({ ...e, disclosed: true })) };
  samples[1] = { ...samples[1]!, entries: samples[1]!.entries.map((e) => ({ ...e, disclosed: false })) };
  return samples.map(({ keyIndex, entries, header, presentationHeader }) => {
    const { secretKey, publicKey } = keys[keyIndex]!;
    const messages = entries.map((e) => e.message);
    const disclosedIndexes = entries.flatMap((e, i) => (e.disclosed ? [i] : []));
    const signature = sign({ ciphersuite, secretKey, publicKey, header, messages });
    const proof = proofGen({
      ciphersuite,
      publicKey,
      signature,
      header,
      presentationHeader,
      messages,
      disclosedIndexes,
    });
    return {
      ciphersuite,
      publicKey,
      header,
      presentationHeader,
      messages,
      disclosedIndexes,
      disclosedMessages: disclosedIndexes.map((i) => messages[i]!),
      signature,
      proof,
    };
  });
}

const verifyWith = (f: Fixture, over: Partial<Fixture> = {}): boolean => {
  const g = { ...f, ...over };
  return verify({
    ciphersuite: g.ciphersuite,
    publicKey: g.publicKey,
    signature: g.signature,
    header: g.header,
    messages: g.messages,
  });
};

const proofVerifyWith = (f: Fixture, over: Partial<Fixture> = {}): boolean => {
  const g = { ...f, ...over };
  return proofVerify({
    ciphersuite: g.ciphersuite,
    publicKey: g.publicKey,
    proof: g.proof,
    header: g.header,
    presentationHeader: g.presentationHeader,
    disclosedMessages: g.disclosedMessages,
    disclosedIndexes: g.disclosedIndexes,
  });
};

/** Splits a proof into its three points and its scalars, as 48- and 32-byte hex strings. */
function proofParts(proof: Uint8Array): { points: string[]; scalars: string[] } {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const points = [0, 1, 2].map((i) => hex(proof.subarray(48 * i, 48 * (i + 1))));
  const scalars: string[] = [];
  for (let o = POINTS_LENGTH; o < proof.length; o += 32) scalars.push(hex(proof.subarray(o, o + 32)));
  return { points, scalars };
}

const fcParams = <T>(numRuns: number, salt: number): fc.Parameters<T> => ({ seed: SEED + salt, numRuns });

for (const [suiteIndex, ciphersuite] of CIPHERSUITE_NAMES.entries()) {
  describe(`BBS properties, ${ciphersuite} (seed ${SEED})`, () => {
    let pool: Fixture[] = [];
    const poolIndex = fc.nat({ max: POOL_SIZE - 1 });
    const salt = (n: number) => 1000 * suiteIndex + n;

    beforeAll(() => {
      pool = buildPool(ciphersuite, SEED + salt(0));
    });

    it('controls: every pool fixture verifies, as signature and as proof', () => {
      expect(pool).toHaveLength(POOL_SIZE);
      for (const f of pool) {
        expect(verifyWith(f), describeFixture(f)).toBe(true);
        expect(proofVerifyWith(f), describeFixture(f)).toBe(true);
      }
      // The pool reaches both disclosure extremes and some undisclosed-message commitments.
      expect(pool.some((f) => f.disclosedIndexes.length === f.messages.length)).toBe(true);
      expect(pool.some((f) => f.disclosedIndexes.length === 0)).toBe(true);
    });

    it('a single-bit change of the signature is rejected by verify', () => {
      fc.assert(
        fc.property(poolIndex, fc.nat(), (k, bit) => {
          const f = pool[k]!;
          const signature = flipBit(f.signature, bit % (f.signature.length * 8));
          expect(
            rejected(() => verifyWith(f, { signature })),
            describeFixture(f),
          ).toBe(true);
        }),
        fcParams(120, salt(1)),
      );
    });

    it('a single-bit change of the proof is rejected by proofVerify', () => {
      fc.assert(
        fc.property(poolIndex, fc.nat(), (k, bit) => {
          const f = pool[k]!;
          const proof = flipBit(f.proof, bit % (f.proof.length * 8));
          expect(
            rejected(() => proofVerifyWith(f, { proof })),
            describeFixture(f),
          ).toBe(true);
        }),
        fcParams(80, salt(2)),
      );
    });

    it('a single-bit change in any component of a proof or signature is rejected (every component)', () => {
      fc.assert(
        fc.property(poolIndex, fc.nat({ max: 255 }), (k, bitInComponent) => {
          const f = pool[k]!;
          // Signature: A (48 bytes), e (32 bytes).
          for (const [offset, size] of [
            [0, 48],
            [48, 32],
          ] as const) {
            const signature = flipBit(f.signature, offset * 8 + (bitInComponent % (size * 8)));
            expect(
              rejected(() => verifyWith(f, { signature })),
              `signature @${offset}`,
            ).toBe(true);
          }
          // Proof: Abar, Bbar, D, then every scalar (e^, r1^, r3^, m^_j..., challenge).
          const components: [number, number][] = [
            [0, 48],
            [48, 48],
            [96, 48],
          ];
          for (let o = POINTS_LENGTH; o < f.proof.length; o += 32) components.push([o, 32]);
          for (const [offset, size] of components) {
            const proof = flipBit(f.proof, offset * 8 + (bitInComponent % (size * 8)));
            expect(
              rejected(() => proofVerifyWith(f, { proof })),
              `proof @${offset}`,
            ).toBe(true);
          }
        }),
        fcParams(6, salt(3)),
      );
    });

    it('negating a point (its sort bit) gives a well-formed input that verifies false, not an error', () => {
      // Bit 2 of a compressed point is the sort flag: flipping it encodes -P, a valid group element.
      for (const f of pool.slice(0, 4)) {
        expect(outcomeOf(() => verifyWith(f, { signature: flipBit(f.signature, 2) }))).toEqual({
          kind: 'returned',
          value: false,
        });
        for (const point of [0, 1, 2]) {
          expect(outcomeOf(() => proofVerifyWith(f, { proof: flipBit(f.proof, 48 * 8 * point + 2) }))).toEqual({
            kind: 'returned',
            value: false,
          });
        }
      }
    });

    it('a single-bit change of a message is rejected by verify', () => {
      fc.assert(
        fc.property(poolIndex, fc.nat(), fc.nat(), (k, which, bit) => {
          const f = pool[k]!;
          const candidates = f.messages.flatMap((m, i) => (m.length > 0 ? [i] : []));
          fc.pre(candidates.length > 0);
          const i = candidates[which % candidates.length]!;
          const messages = f.messages.map((m, j) => (j === i ? flipBit(m, bit % (m.length * 8)) : m));
          expect(
            rejected(() => verifyWith(f, { messages })),
            `${describeFixture(f)} message ${i}`,
          ).toBe(true);
        }),
        fcParams(40, salt(4)),
      );
    });

    it('a single-bit change of a disclosed message is rejected by proofVerify', () => {
      fc.assert(
        fc.property(poolIndex, fc.nat(), fc.nat(), (k, which, bit) => {
          const f = pool[k]!;
          const candidates = f.disclosedMessages.flatMap((m, i) => (m.length > 0 ? [i] : []));
          fc.pre(candidates.length > 0);
          const i = candidates[which % candidates.length]!;
          const disclosedMessages = f.disclosedMessages.map((m, j) => (j === i ? flipBit(m, bit % (m.length * 8)) : m));
          expect(
            rejected(() => proofVerifyWith(f, { disclosedMessages })),
            `${describeFixture(f)} disclosed ${f.disclosedIndexes[i]}`,
          ).toBe(true);
        }),
        fcParams(40, salt(5)),
      );
    });

    it('a single-bit change of the header is rejected by verify and by proofVerify', () => {
      fc.assert(
        fc.property(poolIndex, fc.nat(), (k, bit) => {
          const f = pool[k]!;
          const header = flipBit(f.header, bit % (f.header.length * 8));
          expect(
            rejected(() => verifyWith(f, { header })),
            describeFixture(f),
          ).toBe(true);
          expect(
            rejected(() => proofVerifyWith(f, { header })),
            describeFixture(f),
          ).toBe(true);
        }),
        fcParams(30, salt(6)),
      );
    });

    it('a single-bit change of the presentation header is rejected by proofVerify', () => {
      fc.assert(
        fc.property(poolIndex, fc.nat(), (k, bit) => {
          const f = pool[k]!;
          const presentationHeader = flipBit(f.presentationHeader, bit % (f.presentationHeader.length * 8));
          expect(
            rejected(() => proofVerifyWith(f, { presentationHeader })),
            describeFixture(f),
          ).toBe(true);
        }),
        fcParams(40, salt(7)),
      );
    });

    it('two proofs from one signature share no group element and no scalar', () => {
      fc.assert(
        fc.property(poolIndex, fc.boolean(), fc.nat(), (k, samePattern, patternSeed) => {
          const f = pool[k]!;
          const L = f.messages.length;
          // The second proof discloses the same indexes (the linkability worst case) or another set.
          const subsets = allSubsets(L);
          const second = samePattern ? f.disclosedIndexes : subsets[patternSeed % subsets.length]!;
          const make = (disclosedIndexes: readonly number[]) =>
            proofGen({
              ciphersuite,
              publicKey: f.publicKey,
              signature: f.signature,
              header: f.header,
              presentationHeader: f.presentationHeader,
              messages: f.messages,
              disclosedIndexes,
            });
          const p1 = make(f.disclosedIndexes);
          const p2 = make(second);
          // Both are real proofs.
          expect(proofVerifyWith(f, { proof: p1 })).toBe(true);
          expect(
            proofVerifyWith(f, {
              proof: p2,
              disclosedIndexes: second,
              disclosedMessages: second.map((i) => f.messages[i]!),
            }),
          ).toBe(true);
          const a = proofParts(p1);
          const b = proofParts(p2);
          const shared = (x: string[], y: string[]) => x.filter((v) => y.includes(v));
          expect(shared(a.points, b.points), 'shared group elements (Abar, Bbar, D)').toEqual([]);
          expect(shared(a.scalars, b.scalars), 'shared scalars').toEqual([]);
          // Nor does either proof carry the signature's A or e.
          const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
          expect(shared([...a.points, ...b.points], [hex(f.signature.subarray(0, 48))])).toEqual([]);
          expect(shared([...a.scalars, ...b.scalars], [hex(f.signature.subarray(48))])).toEqual([]);
        }),
        fcParams(12, salt(8)),
      );
    });

    it('a proof verifies only with its own disclosed indexes', () => {
      fc.assert(
        fc.property(poolIndex, fc.nat(), fc.nat(), (k, pickSame, pickOther) => {
          const f = pool[k]!;
          const L = f.messages.length;
          const own = f.disclosedIndexes.join(',');
          const others = allSubsets(L).filter((s) => s.join(',') !== own);
          fc.pre(others.length > 0);
          const sameSize = others.filter((s) => s.length === f.disclosedIndexes.length);
          if (sameSize.length > 0) {
            const alt = sameSize[pickSame % sameSize.length]!;
            // The messages really at those indexes, and the originally disclosed messages moved there:
            // both decode fine (same R, same proof length), so both must verify false, not throw.
            for (const disclosedMessages of [alt.map((i) => f.messages[i]!), f.disclosedMessages]) {
              expect(outcomeOf(() => proofVerifyWith(f, { disclosedIndexes: alt, disclosedMessages }))).toEqual({
                kind: 'returned',
                value: false,
              });
            }
          }
          // Any other index set (another size implies another L) is rejected one way or the other.
          const alt = others[pickOther % others.length]!;
          expect(
            rejected(() =>
              proofVerifyWith(f, { disclosedIndexes: alt, disclosedMessages: alt.map((i) => f.messages[i]!) }),
            ),
            `${describeFixture(f)} verified with [${alt.join(',')}]`,
          ).toBe(true);
        }),
        fcParams(20, salt(9)),
      );
    });

    it('a proof verifies only with its own disclosed indexes (exhaustive for one fixture)', () => {
      const f = pool.find((g) => g.messages.length >= 3 && g.messages.length <= 5) ?? pool[0]!;
      for (const alt of allSubsets(f.messages.length)) {
        const mine = alt.join(',') === f.disclosedIndexes.join(',');
        const run = () =>
          proofVerifyWith(f, { disclosedIndexes: alt, disclosedMessages: alt.map((i) => f.messages[i]!) });
        if (mine) expect(run()).toBe(true);
        else expect(rejected(run), `${describeFixture(f)} verified with [${alt.join(',')}]`).toBe(true);
      }
    });
  });
}
