// privid/verifier checks trust lists with the plain JSON Schema generated from the TypeBox
// definition the server publishes (src/verifier/trust-list-schema.ts), so kiosks ship no schema
// library. These tests hold it to TypeBox as test/credential/format-validators.test.ts does for
// the formats: the generated file is current, its type is TypeBox's Static, and on valid lists
// and every single-fault mutation of them both give the same verdict, code and JSON Pointer.
import { readFile } from 'node:fs/promises';
import type { Static } from 'typebox';
import { describe, expect, it } from 'vitest';
import { generateTrustListSchema, TRUST_LIST_GENERATED_PATH } from '../../scripts/generate-format-schemas.js';
import { firstSchemaProblem } from '../../src/credential/json-schema-check.js';
import { parseTrustList, TRUST_LIST_JSON_SCHEMA, TrustListError, type TrustList } from '../../src/verifier/index.js';
import { TrustListSchema } from '../../src/verifier/trust-list-schema.js';
import { mutations, type Json } from '../credential/json-mutations.js';
import { typeboxProblem } from '../credential/typebox-reference.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: Same<TrustList, Static<typeof TrustListSchema>> = true;

const publicKey = (fill: string) => fill.repeat(128);
const VALID: TrustList[] = [
  { type: 'privid/trust-list', v: 1, issuers: [] },
  {
    type: 'privid/trust-list',
    v: 1,
    issuedAt: 1_764_460_800,
    issuers: [
      {
        issuerId: 'https://lab-one.example/v1/issuers/lab-one',
        name: 'Lab One',
        keys: [
          { kid: 'key-1', suite: 'BLS12-381-SHA-256', publicKey: publicKey('A'), status: 'active', createdAt: 1 },
          {
            kid: 'key-2',
            suite: 'BLS12-381-SHAKE-256',
            publicKey: publicKey('B'),
            status: 'revoked',
            createdAt: 1,
            retiredAt: 2,
            revokedAt: 3,
          },
        ],
      },
      {
        issuerId: 'https://lab-two.example/v1/issuers/lab-two',
        keys: [{ kid: 'k', suite: 'BBS+2020', publicKey: publicKey('C'), status: 'retired' }],
      },
    ],
  },
];

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function verdicts(value: unknown) {
  const mine = firstSchemaProblem(TRUST_LIST_JSON_SCHEMA, value);
  const reference = typeboxProblem(TrustListSchema, value);
  return {
    mine: mine === undefined ? 'valid' : `${mine.code} ${mine.path}`,
    typebox: reference === undefined ? 'valid' : `${reference.code} ${reference.path}`,
  };
}

describe('the generated trust-list schema', () => {
  it('is current (npm run generate:formats), plain JSON equal to TypeBox, with its Static type', async () => {
    expect(await readFile(TRUST_LIST_GENERATED_PATH, 'utf8')).toBe(await generateTrustListSchema());
    expect(TRUST_LIST_JSON_SCHEMA).toEqual(JSON.parse(JSON.stringify(TrustListSchema)));
    expect(Object.getOwnPropertySymbols(TRUST_LIST_JSON_SCHEMA)).toEqual([]);
    expect(typesAgree).toBe(true);
  });

  it('accepts the valid lists, like TypeBox, and parseTrustList returns them', () => {
    for (const list of VALID) {
      expect(verdicts(clone(list))).toEqual({ mine: 'valid', typebox: 'valid' });
      expect(parseTrustList(clone(list))).toEqual(list);
    }
  });

  it('gives every single-fault mutation the same verdict, code and path as TypeBox', () => {
    let rejected = 0;
    let total = 0;
    for (const list of VALID) {
      for (const mutated of mutations(clone(list) as unknown as Json)) {
        const { mine, typebox } = verdicts(mutated);
        if (mine !== typebox) expect({ mutated, mine }).toEqual({ mutated, mine: typebox });
        if (mine !== 'valid') rejected++;
        total++;
      }
    }
    expect(total).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(total / 2);
  });

  it('parseTrustList reports the first problem at its JSON Pointer', () => {
    const list = clone(VALID[1]!) as unknown as { issuers: { keys: { publicKey: string }[] }[] };
    list.issuers[0]!.keys[1]!.publicKey = 'AAAA';
    const error = (() => {
      try {
        parseTrustList(list);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TrustListError);
    expect((error as TrustListError).path).toBe('/issuers/0/keys/1/publicKey');
  });
});
