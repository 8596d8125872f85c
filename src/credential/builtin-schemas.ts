/**
 * privid's built-in schemas. Their ids live in the reserved `privid:` namespace, so no issuer
 * can register a look-alike. A change to any attribute list is a new version, never an edit:
 * credentials already in wallets were signed over the old layout.
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
