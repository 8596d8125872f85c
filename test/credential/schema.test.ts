import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  AGE_BAND_SCHEMA,
  BUILTIN_SCHEMAS,
  COVID_TEST_RESULT_SCHEMA,
  CredentialSchemaError,
  MAX_ATTRIBUTES,
  SchemaRegistry,
  VACCINATION_RECORD_SCHEMA,
  builtinSchemaRegistry,
  dayFromDate,
  dayFromEpochMs,
  dayFromIsoDate,
  dayFromIsoDateOrUndefined,
  formatSchemaRef,
  isoDateFromDay,
  MAX_DAY,
  parseSchemaDefinition,
  parseSchemaRef,
  parseSchemaRefOrUndefined,
  validateSchemaDefinition,
  type Issue,
} from '../../src/credential/index.js';
import { CredentialSchemaDefinition } from '../../src/credential/schema-definition-schema.js';

const valid = {
  id: 'lab.example:antibody-titer',
  version: 2,
  title: 'Antibody titer',
  description: 'Quantitative antibody test',
  attributes: [
    { name: 'titerBand', type: 'enum', values: ['low', 'medium', 'high'] },
    { name: 'units', type: 'integer', min: 0, max: 100_000 },
    { name: 'method', type: 'string', maxLength: 40, description: 'Assay name' },
    { name: 'reactive', type: 'boolean' },
    { name: 'sampleDay', type: 'date' },
  ],
};

function issuesOf(json: unknown, options = {}): readonly Issue[] {
  const result = validateSchemaDefinition(json, options);
  if (result.ok) throw new Error('expected the definition to be rejected');
  return result.issues;
}
const reasons = (json: unknown) => issuesOf(json).map((i) => `${i.path} ${i.reason}`);
const withAttributes = (attributes: unknown[]) => ({ ...valid, attributes });

describe('validateSchemaDefinition', () => {
  it('accepts a valid definition and returns a frozen normalized copy', () => {
    const result = validateSchemaDefinition(valid);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.schema).toEqual(valid);
    expect(result.schema).not.toBe(valid);
    expect(Object.isFrozen(result.schema)).toBe(true);
    expect(Object.isFrozen(result.schema.attributes[0])).toBe(true);
    // The TypeBox JSON Schema (for OpenAPI) accepts it too.
    expect(Value.Check(CredentialSchemaDefinition, valid)).toBe(true);
  });

  it('the built-ins are valid and match the specification', () => {
    for (const schema of BUILTIN_SCHEMAS) expect(Value.Check(CredentialSchemaDefinition, schema)).toBe(true);
    expect(COVID_TEST_RESULT_SCHEMA.attributes).toEqual([
      { name: 'testResult', type: 'enum', values: ['negative', 'positive', 'inconclusive'] },
      { name: 'testType', type: 'enum', values: ['pcr', 'antigen', 'lamp'] },
      { name: 'sampleDay', type: 'date', description: 'Day the sample was taken.' },
    ]);
    expect(VACCINATION_RECORD_SCHEMA.attributes.map((a) => [a.name, a.type])).toEqual([
      ['productClass', 'enum'],
      ['doseCount', 'integer'],
      ['lastDoseDay', 'date'],
    ]);
    expect(VACCINATION_RECORD_SCHEMA.attributes[1]).toMatchObject({ min: 0, max: 20 });
    expect(AGE_BAND_SCHEMA.attributes).toEqual([
      { name: 'band', type: 'enum', values: ['under-18', '18-64', '65+'] },
      { name: 'ageOver18', type: 'boolean' },
      { name: 'ageOver21', type: 'boolean' },
    ]);
    expect(BUILTIN_SCHEMAS.map(formatSchemaRef)).toEqual([
      'privid:covid-test-result@1',
      'privid:vaccination-record@1',
      'privid:age-band@1',
    ]);
  });

  it('rejects non-objects and missing fields', () => {
    expect(reasons(null)).toEqual([' NOT_AN_OBJECT']);
    expect(reasons([])).toEqual([' NOT_AN_OBJECT']);
    expect(reasons({})).toEqual([
      '/id MISSING_FIELD',
      '/version MISSING_FIELD',
      '/title MISSING_FIELD',
      '/attributes MISSING_FIELD',
    ]);
  });

  it('rejects unknown fields at every level', () => {
    expect(reasons({ ...valid, extra: 1 })).toEqual(['/extra UNKNOWN_FIELD']);
    expect(reasons(withAttributes([{ name: 'a', type: 'boolean', values: ['x'] }]))).toEqual([
      '/attributes/0/values UNKNOWN_FIELD',
    ]);
    expect(reasons(withAttributes([{ name: 'a', type: 'integer', min: 0, max: 1, maxLength: 3 }]))).toEqual([
      '/attributes/0/maxLength UNKNOWN_FIELD',
    ]);
  });

  it('rejects an unknown attribute type with the accepted list', () => {
    const issues = issuesOf(withAttributes([{ name: 'weight', type: 'float' }]));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: '/attributes/0/type', reason: 'UNKNOWN_ATTRIBUTE_TYPE' });
    expect(issues[0]!.message).toContain('"float"');
    expect(issues[0]!.message).toContain('enum, string, integer, boolean, date');
    expect(reasons(withAttributes([{ name: 'weight' }]))).toEqual(['/attributes/0/type MISSING_FIELD']);
  });

  it('rejects duplicate, reserved and malformed names', () => {
    expect(
      reasons(
        withAttributes([
          { name: 'flag', type: 'boolean' },
          { name: 'flag', type: 'date' },
        ]),
      ),
    ).toEqual(['/attributes/1/name DUPLICATE_NAME']);
    for (const name of [
      'schema',
      'issuerKeyId',
      'validFrom',
      'validUntil',
      'holderSecret',
      'constructor',
      'toString',
    ]) {
      expect(reasons(withAttributes([{ name, type: 'boolean' }]))).toEqual(['/attributes/0/name RESERVED_NAME']);
    }
    for (const name of ['', 'Flag', '1flag', 'has-dash', 'has space', '__proto__', 'a'.repeat(33), 'é']) {
      expect(reasons(withAttributes([{ name, type: 'boolean' }]))).toEqual(['/attributes/0/name INVALID_NAME']);
    }
    expect(reasons(withAttributes([{ name: 7, type: 'boolean' }]))).toEqual(['/attributes/0/name WRONG_TYPE']);
  });

  it('rejects bad bounds', () => {
    const int = (min: unknown, max: unknown) => withAttributes([{ name: 'n', type: 'integer', min, max }]);
    expect(reasons(int(5, 4))).toEqual(['/attributes/0/min INVALID_BOUNDS']);
    expect(reasons(int(-1, 4))).toEqual(['/attributes/0/min INVALID_BOUNDS']);
    expect(reasons(int(0, 2 ** 53))).toEqual(['/attributes/0/max INVALID_BOUNDS']);
    expect(reasons(int(0, 1.5))).toEqual(['/attributes/0/max INVALID_BOUNDS']);
    expect(reasons(int('0', 3))).toEqual(['/attributes/0/min INVALID_BOUNDS']);
    expect(reasons(withAttributes([{ name: 'n', type: 'integer', min: 0 }]))).toEqual([
      '/attributes/0/max MISSING_FIELD',
    ]);
    expect(validateSchemaDefinition(int(0, Number.MAX_SAFE_INTEGER)).ok).toBe(true);
    expect(validateSchemaDefinition(int(7, 7)).ok).toBe(true);
    const str = (maxLength: unknown) => withAttributes([{ name: 's', type: 'string', maxLength }]);
    expect(reasons(str(0))).toEqual(['/attributes/0/maxLength INVALID_BOUNDS']);
    expect(reasons(str(257))).toEqual(['/attributes/0/maxLength INVALID_BOUNDS']);
    expect(reasons(withAttributes([{ name: 's', type: 'string' }]))).toEqual(['/attributes/0/maxLength MISSING_FIELD']);
  });

  it('rejects bad enum value lists', () => {
    const en = (values: unknown) => withAttributes([{ name: 'e', type: 'enum', values }]);
    expect(reasons(en([]))).toEqual(['/attributes/0/values EMPTY']);
    expect(reasons(en(['a', 'b', 'a']))).toEqual(['/attributes/0/values/2 DUPLICATE_VALUE']);
    expect(reasons(en(['ok', 'not ok']))).toEqual(['/attributes/0/values/1 INVALID_VALUE']);
    expect(reasons(en(['ok', 3]))).toEqual(['/attributes/0/values/1 WRONG_TYPE']);
    expect(reasons(en('a,b'))).toEqual(['/attributes/0/values WRONG_TYPE']);
    expect(reasons(en(Array.from({ length: 65 }, (_, i) => `v${i}`)))).toEqual(['/attributes/0/values TOO_MANY']);
    expect(reasons(en(['x'.repeat(65)]))).toEqual(['/attributes/0/values/0 INVALID_VALUE']);
    expect(validateSchemaDefinition(en(['under-18', '18-64', '65+', 'a.b_c'])).ok).toBe(true);
  });

  it('limits counts and lengths', () => {
    const many = Array.from({ length: MAX_ATTRIBUTES + 1 }, (_, i) => ({ name: `a${i}`, type: 'boolean' }));
    expect(reasons(withAttributes(many))).toEqual(['/attributes TOO_MANY']);
    expect(validateSchemaDefinition(withAttributes(many.slice(0, MAX_ATTRIBUTES))).ok).toBe(true);
    expect(reasons(withAttributes([]))).toEqual(['/attributes EMPTY']);
    expect(reasons({ ...valid, title: 'x'.repeat(81) })).toEqual(['/title TOO_LONG']);
    expect(reasons({ ...valid, title: '' })).toEqual(['/title EMPTY']);
    expect(reasons({ ...valid, description: 'x'.repeat(501) })).toEqual(['/description TOO_LONG']);
    expect(reasons(withAttributes([{ name: 'a', type: 'date', description: 'x'.repeat(201) }]))).toEqual([
      '/attributes/0/description TOO_LONG',
    ]);
  });

  it('checks id, version and the reserved namespace', () => {
    for (const id of ['antibody', 'Lab:x', 'lab:', ':x', 'lab:x@1', 'lab:x y', `lab:${'x'.repeat(61)}`]) {
      expect(issuesOf({ ...valid, id })[0]!.path).toBe('/id');
    }
    for (const version of [0, -1, 1.5, '1', 65_536]) {
      expect(reasons({ ...valid, version })).toEqual(['/version INVALID_VERSION']);
    }
    expect(reasons({ ...valid, id: 'privid:antibody' })).toEqual(['/id RESERVED_NAMESPACE']);
    expect(validateSchemaDefinition({ ...valid, id: 'privid:antibody' }, { allowReservedNamespace: true }).ok).toBe(
      true,
    );
    expect(validateSchemaDefinition({ ...valid, id: 'privid.labs:antibody' }).ok).toBe(true);
  });

  it('reports every issue at once', () => {
    const issues = issuesOf({
      id: 'bad',
      version: 0,
      title: 'T',
      attributes: [
        { name: 'x', type: 'nope' },
        { name: 'validFrom', type: 'date' },
      ],
    });
    expect(issues.map((i) => i.reason)).toEqual([
      'INVALID_ID',
      'INVALID_VERSION',
      'UNKNOWN_ATTRIBUTE_TYPE',
      'RESERVED_NAME',
    ]);
  });

  it('parseSchemaDefinition throws a CredentialSchemaError carrying the issues', () => {
    expect(() => parseSchemaDefinition({ ...valid, version: 0 })).toThrow(CredentialSchemaError);
    try {
      parseSchemaDefinition({ ...valid, version: 0 });
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_SCHEMA', path: '/version' });
      expect((error as CredentialSchemaError).issues).toHaveLength(1);
    }
  });
});

describe('schema refs', () => {
  it('round-trips id@version', () => {
    expect(formatSchemaRef({ id: 'privid:age-band', version: 1 })).toBe('privid:age-band@1');
    expect(parseSchemaRef('lab.example:titer@65535')).toEqual({ id: 'lab.example:titer', version: 65535 });
    for (const bad of [
      'privid:age-band',
      'privid:age-band@0',
      'privid:age-band@01',
      'privid:age-band@65536',
      'x@1',
      7,
    ]) {
      expect(parseSchemaRefOrUndefined(bad)).toBeUndefined();
    }
    expect(() => formatSchemaRef({ id: 'nope', version: 1 })).toThrow(RangeError);
  });
});

describe('SchemaRegistry', () => {
  it('resolves built-ins by (id, version) and by ref', () => {
    const registry = builtinSchemaRegistry();
    expect(registry.resolve('privid:covid-test-result', 1)).toEqual(COVID_TEST_RESULT_SCHEMA);
    expect(registry.resolve('privid:age-band@1')).toEqual(AGE_BAND_SCHEMA);
    expect(registry.resolve('privid:age-band', 2)).toBeUndefined();
    expect(() => registry.require('privid:age-band', 2)).toThrow(/no schema "privid:age-band@2"/);
    expect(registry.list().map(formatSchemaRef)).toEqual([
      'privid:age-band@1',
      'privid:covid-test-result@1',
      'privid:vaccination-record@1',
    ]);
  });

  it('registers issuer schemas, idempotently, and refuses conflicting redefinitions', () => {
    const registry = builtinSchemaRegistry();
    const stored = registry.register(valid);
    expect(registry.register(clone(valid))).toBe(stored);
    expect(registry.resolve(valid.id, valid.version)).toBe(stored);
    const changed = { ...valid, attributes: valid.attributes.slice(1) };
    expect(() => registry.register(changed)).toThrow(expect.objectContaining({ code: 'SCHEMA_CONFLICT' }) as Error);
    registry.register({ ...changed, version: 3 });
    expect(registry.versionsOf(valid.id)).toEqual([2, 3]);
    expect(() => registry.register({ ...valid, id: 'privid:covid-test-result', version: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_SCHEMA' }) as Error,
    );
    expect(() => new SchemaRegistry().register({ ...valid, attributes: [] })).toThrow(CredentialSchemaError);
  });
});

describe('day numbers', () => {
  it('converts ISO dates, epoch ms and Dates', () => {
    expect(dayFromIsoDate('1970-01-01')).toBe(0);
    expect(dayFromIsoDate('2025-06-14')).toBe(20253);
    expect(isoDateFromDay(20253)).toBe('2025-06-14');
    expect(dayFromIsoDate('2024-02-29')).toBe(19782);
    expect(dayFromIsoDate('9999-12-31')).toBe(MAX_DAY);
    expect(isoDateFromDay(MAX_DAY)).toBe('9999-12-31');
    expect(dayFromEpochMs(Date.UTC(2025, 5, 14, 23, 59, 59, 999))).toBe(20253);
    expect(dayFromEpochMs(Date.UTC(2025, 5, 15))).toBe(20254);
    expect(dayFromDate(new Date('2025-06-14T10:00:00-05:00'))).toBe(20253);
    for (let day = 0; day < MAX_DAY; day += 9973) expect(dayFromIsoDate(isoDateFromDay(day))).toBe(day);
  });

  it('rejects what is not a calendar day in range', () => {
    for (const bad of [
      '2023-02-29',
      '2025-13-01',
      '2025-00-10',
      '2025-06-31',
      '1969-12-31',
      '25-06-14',
      '2025-6-14',
      '2025-06-14T00:00:00Z',
      '',
    ]) {
      expect(dayFromIsoDateOrUndefined(bad)).toBeUndefined();
      expect(() => dayFromIsoDate(bad)).toThrow(RangeError);
    }
    expect(() => isoDateFromDay(-1)).toThrow(RangeError);
    expect(() => isoDateFromDay(1.5)).toThrow(RangeError);
    expect(() => isoDateFromDay(MAX_DAY + 1)).toThrow(RangeError);
    expect(() => dayFromEpochMs(-1)).toThrow(RangeError);
    expect(() => dayFromEpochMs(Number.NaN)).toThrow(RangeError);
    expect(() => dayFromDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
