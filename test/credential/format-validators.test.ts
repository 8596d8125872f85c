// The SDK validates the formats with plain JSON Schemas generated from the TypeBox definitions
// (FORMAT_SCHEMAS, what the server publishes) and a small eval-free checker. These tests hold
// that to TypeBox: the generated file is current, its types are TypeBox's Static types, and on
// every fixture (valid, and thousands of single-fault mutations of them) both accept the same
// values and report the same code at the same JSON Pointer. Generic over FORMAT_SCHEMAS: a new
// format fails to type-check here until it has fixtures.
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import type { Static } from 'typebox';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { generateFormatSchemas, GENERATED_PATH } from '../../scripts/generate-format-schemas.js';
import { FORMAT_SCHEMAS } from '../../src/credential/formats.js';
import { FORMAT_JSON_SCHEMAS, type FormatTypeMap } from '../../src/credential/generated/format-schemas.js';
import {
  assertSupportedSchema,
  firstSchemaProblem,
  UnsupportedSchemaError,
  type JsonSchema,
} from '../../src/credential/json-schema-check.js';
import {
  clone,
  credential,
  issuanceRequest,
  offer,
  presentationOneItem,
  presentationTwoItems,
  requestObjectKiosk,
  requestObjectOnline,
  requestOneGroup,
  requestTwoGroups,
} from './fixtures.js';
import { mutations, type Json } from './json-mutations.js';
import { typeboxProblem } from './typebox-reference.js';

type FormatType = keyof typeof FORMAT_SCHEMAS;

// The generated types are exactly TypeBox's, for every format (a compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: { [T in FormatType]: Same<FormatTypeMap[T], Static<(typeof FORMAT_SCHEMAS)[T]>> } = {
  'privid/credential-offer': true,
  'privid/issuance-request': true,
  'privid/credential': true,
  'privid/presentation-request': true,
  'privid/presentation': true,
  'privid/request-object': true,
};

/** Valid examples of every format: a new format must add some (or this does not compile). */
const VALID: { [T in FormatType]: readonly FormatTypeMap[T][] } = {
  'privid/credential-offer': [offer],
  'privid/issuance-request': [issuanceRequest],
  'privid/credential': [credential],
  'privid/presentation-request': [
    requestOneGroup,
    requestTwoGroups,
    { ...requestOneGroup, pseudonym: { scope: 'entry', period: '2025-06-14' } },
  ],
  'privid/presentation': [presentationOneItem, presentationTwoItems],
  'privid/request-object': [requestObjectOnline, requestObjectKiosk],
};

function verdicts(type: FormatType, value: unknown) {
  const mine = firstSchemaProblem(FORMAT_JSON_SCHEMAS[type], value);
  const reference = typeboxProblem(FORMAT_SCHEMAS[type], value);
  return {
    mine: mine === undefined ? 'valid' : `${mine.code} ${mine.path}`,
    typebox: reference === undefined ? 'valid' : `${reference.code} ${reference.path}`,
  };
}

const FORMAT_TYPES_LIST = Object.keys(FORMAT_SCHEMAS) as FormatType[];

describe('generated format schemas', () => {
  it('are current: regenerating from FORMAT_SCHEMAS gives the committed file (npm run generate:formats)', async () => {
    expect(await readFile(GENERATED_PATH, 'utf8')).toBe(await generateFormatSchemas());
  });

  it('cover every format, as plain JSON equal to the TypeBox schemas', () => {
    expect(Object.values(typesAgree).every((agree) => agree)).toBe(true);
    expect(Object.keys(FORMAT_JSON_SCHEMAS).sort()).toEqual([...FORMAT_TYPES_LIST].sort());
    for (const type of FORMAT_TYPES_LIST) {
      expect(FORMAT_JSON_SCHEMAS[type]).toEqual(JSON.parse(JSON.stringify(FORMAT_SCHEMAS[type])));
    }
  });

  it('the checker refuses keywords it does not implement, so no check is silently lost', () => {
    for (const schema of Object.values(FORMAT_JSON_SCHEMAS)) expect(() => assertSupportedSchema(schema)).not.toThrow();
    const unsupported: unknown[] = [
      { type: 'string', format: 'uri' },
      { oneOf: [{ type: 'string' }] },
      { type: 'object', properties: { a: { $ref: '#/x' } } },
      { type: 'object', additionalProperties: { type: 'string' } },
      { type: 'array', items: { type: 'number', exclusiveMinimum: 0 } },
      { type: 'object', patternProperties: { '^a': { not: {} } } },
    ];
    for (const schema of unsupported) expect(() => assertSupportedSchema(schema)).toThrow(UnsupportedSchemaError);
  });
});

describe('the eval-free checker agrees with TypeBox', () => {
  it.each(FORMAT_TYPES_LIST)('%s: every valid fixture is accepted by both', (type) => {
    for (const value of VALID[type]) expect(verdicts(type, clone(value))).toEqual({ mine: 'valid', typebox: 'valid' });
  });

  it.each(FORMAT_TYPES_LIST)('%s: every single-fault mutation gets the same verdict, code and path', (type) => {
    let rejected = 0;
    let total = 0;
    for (const value of VALID[type]) {
      for (const mutated of mutations(clone(value) as Json)) {
        const { mine, typebox } = verdicts(type, mutated);
        if (mine !== typebox) expect({ mutated, mine }).toEqual({ mutated, mine: typebox });
        if (mine !== 'valid') rejected++;
        total++;
      }
    }
    expect(total).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(total / 2);
  });

  it('random values and random edits: both accept exactly the same values', () => {
    const anyJson = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
    fc.assert(
      fc.property(fc.constantFrom(...FORMAT_TYPES_LIST), anyJson, fc.nat(), (type, replacement, pick) => {
        const base = VALID[type][pick % VALID[type].length]!;
        const all = mutations(clone(base) as Json);
        // Swap one location's value for an arbitrary JSON value.
        const target = clone(base) as Record<string, Json>;
        const keys = Object.keys(target);
        target[keys[pick % keys.length]!] = replacement;
        for (const candidate of [target, all[pick % all.length]!, replacement]) {
          const check = Value.Check(FORMAT_SCHEMAS[type], candidate);
          expect(firstSchemaProblem(FORMAT_JSON_SCHEMAS[type], candidate) === undefined).toBe(check);
        }
      }),
      { numRuns: 300, seed: 20251130 },
    );
  });

  it('patterns use Unicode semantics, like TypeBox: lone surrogates and astral characters', () => {
    const name = (verifierName: string) => ({ ...requestOneGroup, verifierName });
    for (const verifierName of ['Caf\u00e9', '\u{1F600}'.repeat(64), '\u{1F600}'.repeat(65), 'a\u0085b']) {
      const { mine, typebox } = verdicts('privid/presentation-request', name(verifierName));
      expect(mine).toBe(typebox);
    }
  });

  it('the generated schemas are what the checker reads (no TypeBox at run time)', () => {
    const schema: JsonSchema = FORMAT_JSON_SCHEMAS['privid/credential-offer'];
    expect(Object.getOwnPropertySymbols(schema)).toEqual([]);
    expect(firstSchemaProblem(schema, { ...offer, code: 'AA' })).toMatchObject({ code: 'TOO_SMALL', path: '/code' });
  });
});
