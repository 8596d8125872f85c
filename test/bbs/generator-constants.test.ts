// Every generator privid ships as a constant equals its derivation by the drafts' procedure
// (create_generators: expand_message chain, then hash_to_curve_g1), for both ciphersuites and
// every api_id privid uses, and the shipped state v continues the stream exactly.
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../src/bbs/bytes.js';
import { octetsToPointG1, pointToOctetsG1, type G1Point } from '../../src/bbs/curve.js';
import { SHIPPED_GENERATORS } from '../../src/bbs/generator-constants.js';
import {
  SHIPPED_BLIND_GENERATORS,
  SHIPPED_MESSAGE_GENERATORS,
  SHIPPED_PREDICATE_GENERATORS,
  shippedGeneratorStreams,
} from '../../src/bbs/generator-streams.js';
import { ascii } from '../../src/bbs/bytes.js';
import { getCiphersuite } from '../../src/bbs/ciphersuites.js';
import {
  deriveGenerators,
  generatorsFrom,
  generatorStreamKey,
  installShippedGenerators,
  messageGeneratorTags,
} from '../../src/bbs/generators.js';
import { installGeneratorConstants } from '../../src/bbs/install-generator-constants.js';
import { predicatesApiId, rangeGenerators } from '../../src/bbs/predicates/generators.js';
import { MAX_ATTRIBUTES } from '../../src/credential/schema.js';
import { CREDENTIAL_NYM_COUNT } from '../../src/credential/issuance.js';

const specs = shippedGeneratorStreams();

describe('shipped generator constants', () => {
  it('cover both ciphersuites and the core, blind, pseudonym and predicate api_ids, and nothing else', () => {
    expect(specs.map((s) => s.label)).toEqual(
      ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256'].flatMap((cs) => [
        `${cs} P1`,
        `${cs} core`,
        `${cs} blind`,
        `${cs} blind BLIND_`,
        `${cs} pseudonym`,
        `${cs} pseudonym BLIND_`,
        `${cs} predicates`,
      ]),
    );
    expect(Object.keys(SHIPPED_GENERATORS).sort()).toEqual(
      specs.map((s) => generatorStreamKey(s.cs, ...s.tags)).sort(),
    );
  });

  it('are enough for the largest privid credential', () => {
    // Q_1 + schema, issuerKeyId, validFrom, validUntil + the attributes
    expect(SHIPPED_MESSAGE_GENERATORS).toBe(1 + 4 + MAX_ATTRIBUTES);
    // Q_2 + the nym secrets (no other committed messages)
    expect(SHIPPED_BLIND_GENERATORS).toBeGreaterThanOrEqual(1 + CREDENTIAL_NYM_COUNT);
    // G, H, U and the vectors of a range proof over 4 statements of 16 bits (a vaccination clause:
    // validFrom, validUntil, doseCount, lastDoseDay), the same stream rangeGenerators reads.
    const cs = getCiphersuite('BLS12-381-SHA-256');
    const served = rangeGenerators(cs, 4 * 16);
    expect(SHIPPED_PREDICATE_GENERATORS).toBe(3 + 2 * 4 * 16);
    const derived = deriveGenerators(cs, SHIPPED_PREDICATE_GENERATORS, ...messageGeneratorTags(predicatesApiId(cs)));
    const hex = (p: G1Point) => bytesToHex(pointToOctetsG1(p));
    expect([served.G, served.H, served.U, ...served.g.flatMap((g, i) => [g, served.h[i]!])].map(hex)).toEqual(
      derived.points.map(hex),
    );
  });

  for (const spec of specs) {
    it(`${spec.label}: ${spec.count} generators and v equal the drafts' derivation`, () => {
      const shipped = SHIPPED_GENERATORS[generatorStreamKey(spec.cs, ...spec.tags)]!;
      const derived = deriveGenerators(spec.cs, spec.count, ...spec.tags);
      expect(shipped.points).toEqual(derived.points.map((p) => bytesToHex(pointToOctetsG1(p))));
      expect(shipped.v).toBe(bytesToHex(derived.v));
      // Each constant is a valid subgroup point by the full check, too.
      for (const hex of shipped.points) {
        expect(() => octetsToPointG1(Uint8Array.from(Buffer.from(hex, 'hex')), 'generator')).not.toThrow();
      }
    });
  }

  it('once installed, serve streams that extend past the shipped ones exactly as a fresh derivation does', () => {
    installGeneratorConstants();
    const spec = specs.find((s) => s.label === 'BLS12-381-SHAKE-256 pseudonym BLIND_')!;
    const count = spec.count + 2;
    const served = generatorsFrom(spec.cs, count, ...spec.tags);
    const derived = deriveGenerators(spec.cs, count, ...spec.tags);
    expect(served.map((p) => bytesToHex(pointToOctetsG1(p)))).toEqual(
      derived.points.map((p) => bytesToHex(pointToOctetsG1(p))),
    );
  });

  it('are read only once installed, and only by streams created after that', () => {
    const cs = getCiphersuite('BLS12-381-SHA-256');
    const hex = (points: readonly G1Point[]) => points.map((p) => bytesToHex(pointToOctetsG1(p)));
    const before = messageGeneratorTags(ascii('TEST_BEFORE_'));
    const after = messageGeneratorTags(ascii('TEST_AFTER_'));
    const derivedBefore = hex(deriveGenerators(cs, 1, ...before).points);
    // A marker table: P1 in place of each stream's first generator, so its use is visible.
    const marker = SHIPPED_GENERATORS[generatorStreamKey(cs, ...shippedGeneratorStreams()[0]!.tags)]!.points[0]!;
    const table = Object.fromEntries(
      [before, after].map((tags) => [generatorStreamKey(cs, ...tags), { v: '00', points: [marker] }]),
    );
    expect(hex(generatorsFrom(cs, 1, ...before))).toEqual(derivedBefore);
    installShippedGenerators(table);
    expect(hex(generatorsFrom(cs, 1, ...after))).toEqual([marker]);
    expect(hex(generatorsFrom(cs, 1, ...before))).toEqual(derivedBefore);
  });
});
