import { describe, expect, it } from 'vitest';
import {
  AGE_BAND_SCHEMA,
  BUILTIN_SCHEMAS,
  COVID_TEST_RESULT_SCHEMA,
  VACCINATION_RECORD_SCHEMA,
  canonicalLayoutJson,
  canonicalSchemaJson,
  checkInvariants,
  dayFromIsoDate,
  parseSchemaDefinition,
  validateSchemaDefinition,
  type AttributeValues,
  type CredentialSchema,
} from '../../src/credential/index.js';

const day = dayFromIsoDate('2026-11-30');
const check = (schema: CredentialSchema, attributes: AttributeValues, validFrom = day) =>
  checkInvariants(schema.invariants, { attributes, validFrom, validUntil: validFrom + 30 });

const base = {
  id: 'lab.example:titer',
  version: 1,
  title: 'Titer',
  attributes: [
    { name: 'band', type: 'enum', values: ['low', 'high'] },
    { name: 'units', type: 'integer', min: 0, max: 1000 },
    { name: 'reactive', type: 'boolean' },
    { name: 'sampleDay', type: 'date' },
    { name: 'method', type: 'string', maxLength: 20 },
  ],
};
const withInvariants = (invariants: unknown) => ({ ...base, invariants });
const reasons = (json: unknown) => {
  const result = validateSchemaDefinition(json);
  return result.ok ? [] : result.issues.map((i) => `${i.path} ${i.reason}`);
};

describe('age band', () => {
  it.each([
    ['under-18', false, false],
    ['18-64', true, false],
    ['18-64', true, true],
    ['65+', true, true],
  ])('accepts %s with ageOver18=%s, ageOver21=%s', (band, ageOver18, ageOver21) => {
    expect(check(AGE_BAND_SCHEMA, { band, ageOver18, ageOver21 })).toEqual([]);
  });

  it('refuses under-18 with ageOver18 true, naming band and ageOver18', () => {
    const issues = check(AGE_BAND_SCHEMA, { band: 'under-18', ageOver18: true, ageOver21: false });
    expect(issues).toEqual([
      {
        path: '/ageOver18',
        reason: 'INVARIANT_VIOLATED',
        message: 'band is "under-18", so ageOver18 must be false, got true',
        attributes: ['band', 'ageOver18'],
      },
    ]);
  });

  it.each([
    [{ band: 'under-18', ageOver18: false, ageOver21: true }, ['/ageOver21', '/ageOver18']],
    [{ band: '18-64', ageOver18: false, ageOver21: false }, ['/ageOver18']],
    [{ band: '65+', ageOver18: true, ageOver21: false }, ['/ageOver21']],
    [{ band: '65+', ageOver18: false, ageOver21: false }, ['/ageOver18', '/ageOver21']],
  ])('refuses %o', (attributes, paths) => {
    expect(check(AGE_BAND_SCHEMA, attributes).map((i) => i.path)).toEqual(paths);
  });
});

describe('dates', () => {
  it('a test sample cannot be taken after the result is valid', () => {
    expect(check(COVID_TEST_RESULT_SCHEMA, { testResult: 'negative', testType: 'pcr', sampleDay: day })).toEqual([]);
    const [issue] = check(COVID_TEST_RESULT_SCHEMA, { testResult: 'negative', testType: 'pcr', sampleDay: day + 1 });
    expect(issue).toMatchObject({
      path: '/sampleDay',
      attributes: ['sampleDay', 'validFrom'],
      message: 'sampleDay must not be after validFrom (2026-11-30), got 2026-12-01',
    });
  });

  it('a last dose after the record is valid is refused only when there was a dose', () => {
    const record = (doseCount: number, lastDoseDay: number) => ({ productClass: 'mrna', doseCount, lastDoseDay });
    expect(check(VACCINATION_RECORD_SCHEMA, record(2, day - 30))).toEqual([]);
    expect(check(VACCINATION_RECORD_SCHEMA, record(0, day + 300))).toEqual([]);
    const [issue] = check(VACCINATION_RECORD_SCHEMA, record(2, day + 1));
    expect(issue).toMatchObject({ path: '/lastDoseDay', attributes: ['doseCount', 'lastDoseDay', 'validFrom'] });
    expect(issue?.message).toMatch(/^doseCount is 2, so lastDoseDay must not be after validFrom/);
  });
});

describe('invariant definitions', () => {
  it('every built-in carries invariants, and they are part of the canonical text but not of the layout', () => {
    for (const schema of BUILTIN_SCHEMAS) expect(schema.invariants?.length).toBeGreaterThan(0);
    const bare = { ...AGE_BAND_SCHEMA, invariants: undefined };
    expect(canonicalLayoutJson(bare)).toBe(canonicalLayoutJson(AGE_BAND_SCHEMA));
    expect(canonicalSchemaJson(bare)).not.toBe(canonicalSchemaJson(AGE_BAND_SCHEMA));
  });

  it('accepts each kind of test and round-trips through JSON', () => {
    const definition = withInvariants([
      { if: { attribute: 'band', in: ['high'] }, then: [{ attribute: 'reactive', in: [true] }] },
      { if: { attribute: 'reactive', in: [false] }, then: [{ attribute: 'units', min: 0, max: 10 }] },
      {
        then: [
          { attribute: 'sampleDay', notAfter: 'validFrom' },
          { attribute: 'validUntil', notBefore: 'sampleDay' },
        ],
      },
      { if: { attribute: 'units', in: [0] }, then: [{ attribute: 'band', in: ['low'] }] },
    ]);
    const schema = parseSchemaDefinition(definition);
    expect(parseSchemaDefinition(JSON.parse(JSON.stringify(schema)))).toEqual(schema);
    expect(schema.invariants).toEqual(definition.invariants);
    expect(check(schema, { band: 'high', units: 50, reactive: true, sampleDay: day, method: 'x' })).toEqual([]);
    expect(
      check(schema, { band: 'high', units: 50, reactive: false, sampleDay: day, method: 'x' }).map((i) => i.message),
    ).toEqual([
      'band is "high", so reactive must be true, got false',
      'reactive is false, so units must be in 0..10, got 50',
    ]);
  });

  it.each([
    ['not an array', {}, ['/invariants WRONG_TYPE']],
    [
      'unknown attribute',
      [{ then: [{ attribute: 'age', in: [1] }] }],
      ['/invariants/0/then/0/attribute UNKNOWN_ATTRIBUTE'],
    ],
    [
      'value not in the enum',
      [{ then: [{ attribute: 'band', in: ['mid'] }] }],
      ['/invariants/0/then/0/in/0 INVALID_VALUE'],
    ],
    [
      'integer out of bounds',
      [{ then: [{ attribute: 'units', in: [5000] }] }],
      ['/invariants/0/then/0/in/0 INVALID_VALUE'],
    ],
    ['in on a string', [{ then: [{ attribute: 'method', in: ['pcr'] }] }], ['/invariants/0/then/0/in NOT_APPLICABLE']],
    ['min on a boolean', [{ then: [{ attribute: 'reactive', min: 1 }] }], ['/invariants/0/then/0/min NOT_APPLICABLE']],
    ['min > max', [{ then: [{ attribute: 'units', min: 9, max: 1 }] }], ['/invariants/0/then/0/min INVALID_BOUNDS']],
    [
      'notAfter a non-date',
      [{ then: [{ attribute: 'sampleDay', notAfter: 'units' }] }],
      ['/invariants/0/then/0/notAfter INVALID_VALUE'],
    ],
    [
      'notAfter itself',
      [{ then: [{ attribute: 'sampleDay', notAfter: 'sampleDay' }] }],
      ['/invariants/0/then/0/notAfter INVALID_VALUE'],
    ],
    ['no test', [{ then: [{ attribute: 'units' }] }], ['/invariants/0/then/0 MISSING_FIELD']],
    ['empty then', [{ if: { attribute: 'reactive', in: [true] }, then: [] }], ['/invariants/0/then EMPTY']],
    ['unknown field', [{ when: {}, then: [{ attribute: 'units', min: 1 }] }], ['/invariants/0/when UNKNOWN_FIELD']],
    [
      'duplicate value',
      [{ then: [{ attribute: 'reactive', in: [true, true] }] }],
      ['/invariants/0/then/0/in/1 DUPLICATE_VALUE'],
    ],
  ])('refuses %s', (_name, invariants, expected) => {
    expect(reasons(withInvariants(invariants))).toEqual(expected);
  });
});
