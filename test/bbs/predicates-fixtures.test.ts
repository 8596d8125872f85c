/** The committed predicate fixtures are reproduced byte for byte, and they verify. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '../../src/bbs/index.js';
import {
  buildFixture,
  FIXTURE_INPUTS,
  toPredicates,
  type FixtureInput,
  type FixtureOutput,
} from './predicates-fixtures.js';
import { signScalars, verify } from './predicates-support.js';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'predicates');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('predicate fixtures', () => {
  it('there is one committed file per fixture input', () => {
    expect(files.sort()).toEqual(FIXTURE_INPUTS.map((f) => `${f.name}.json`).sort());
  });

  it.each(files)('%s is reproduced byte for byte and verifies', (file) => {
    const fixture = JSON.parse(readFileSync(join(dir, file), 'utf8')) as FixtureInput & { expected: FixtureOutput };
    const built = buildFixture(fixture);
    expect(built).toEqual(fixture.expected);
    const signed = signScalars(
      fixture.messages.map((m) => BigInt(m)),
      fixture.ciphersuite,
    );
    expect(
      verify(
        signed,
        toPredicates(fixture.predicates),
        fixture.disclosedIndexes,
        hexToBytes(fixture.presentationHeader),
        hexToBytes(built.proof),
        hexToBytes(built.predicateProof),
      ),
    ).toBe(true);
  });
});
