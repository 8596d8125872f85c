/**
 * privid's built-in schemas. Their ids live in the reserved `privid:` namespace, so no issuer
 * can register a look-alike. A change to any attribute list is a new version, never an edit:
 * credentials already in wallets were signed over the old layout. Invariants constrain what may be
 * issued, not the layout, so they may be added to a version (the server updates the stored copy).
 */
import { parseSchemaDefinition, SchemaRegistry, type CredentialSchema } from './schema.js';

const builtin = (definition: unknown): CredentialSchema =>
  parseSchemaDefinition(definition, { allowReservedNamespace: true });

export const COVID_TEST_RESULT_SCHEMA: CredentialSchema = builtin({
  id: 'privid:covid-test-result',
  version: 1,
  title: 'COVID-19 test result',
  description: 'The outcome of one SARS-CoV-2 test, dated to the day the sample was taken.',
  attributes: [
    { name: 'testResult', type: 'enum', values: ['negative', 'positive', 'inconclusive'] },
    { name: 'testType', type: 'enum', values: ['pcr', 'antigen', 'lamp'] },
    { name: 'sampleDay', type: 'date', description: 'Day the sample was taken.' },
  ],
  // A result cannot be valid before its sample was taken.
  invariants: [{ then: [{ attribute: 'sampleDay', notAfter: 'validFrom' }] }],
});

export const VACCINATION_RECORD_SCHEMA: CredentialSchema = builtin({
  id: 'privid:vaccination-record',
  version: 1,
  title: 'COVID-19 vaccination record',
  description: 'Vaccine class and number of doses received, with the day of the last dose.',
  attributes: [
    { name: 'productClass', type: 'enum', values: ['mrna', 'viral-vector', 'protein-subunit', 'inactivated'] },
    { name: 'doseCount', type: 'integer', min: 0, max: 20 },
    { name: 'lastDoseDay', type: 'date', description: 'Day of the most recent dose.' },
  ],
  // A record certifies doses already given: the last one cannot come after the record is valid.
  invariants: [{ if: { attribute: 'doseCount', min: 1 }, then: [{ attribute: 'lastDoseDay', notAfter: 'validFrom' }] }],
});

export const AGE_BAND_SCHEMA: CredentialSchema = builtin({
  id: 'privid:age-band',
  version: 1,
  title: 'Age band',
  description: 'A coarse age band and age thresholds, never a birth date.',
  attributes: [
    { name: 'band', type: 'enum', values: ['under-18', '18-64', '65+'] },
    { name: 'ageOver18', type: 'boolean' },
    { name: 'ageOver21', type: 'boolean' },
  ],
  // The thresholds follow from the band, and 21 implies 18: a venue that asks for either one must
  // never see a claim the band contradicts.
  invariants: [
    {
      if: { attribute: 'band', in: ['under-18'] },
      then: [
        { attribute: 'ageOver18', in: [false] },
        { attribute: 'ageOver21', in: [false] },
      ],
    },
    { if: { attribute: 'band', in: ['18-64'] }, then: [{ attribute: 'ageOver18', in: [true] }] },
    {
      if: { attribute: 'band', in: ['65+'] },
      then: [
        { attribute: 'ageOver18', in: [true] },
        { attribute: 'ageOver21', in: [true] },
      ],
    },
    { if: { attribute: 'ageOver21', in: [true] }, then: [{ attribute: 'ageOver18', in: [true] }] },
  ],
});

export const BUILTIN_SCHEMAS: readonly CredentialSchema[] = Object.freeze([
  COVID_TEST_RESULT_SCHEMA,
  VACCINATION_RECORD_SCHEMA,
  AGE_BAND_SCHEMA,
]);

/** A new registry holding the built-in schemas; register issuers' schemas on top. */
export function builtinSchemaRegistry(): SchemaRegistry {
  return new SchemaRegistry(BUILTIN_SCHEMAS, { allowReservedNamespace: true });
}
