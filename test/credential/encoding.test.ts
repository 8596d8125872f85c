import { describe, expect, it } from 'vitest';
import {
  coreProofGen,
  coreProofVerifyDecoded,
  coreSign,
  createGenerators,
  getCiphersuite,
  hashToScalar,
  keyGen,
  octetsToProof,
  octetsToSignature,
  os2ip,
  randomScalars,
  signaturesApiId,
  skToPk,
  type CiphersuiteName,
} from '../../src/bbs/index.js';
import {
  AGE_BAND_SCHEMA,
  COVID_TEST_RESULT_SCHEMA,
  CredentialEncodingError,
  MAX_DAY,
  VACCINATION_RECORD_SCHEMA,
  attributeDst,
  canonicalAttributeBytes,
  credentialMessageScalars,
  disclosedScalars,
  disclosureIndexes,
  messageCount,
  messageIndexOf,
  messageLayout,
  parseSchemaDefinition,
  presentationHeader,
  validateAttributes,
  type AttributeValues,
  type CredentialContents,
  type CredentialSchema,
  type Issue,
} from '../../src/credential/index.js';
import { fakeBytes, proofLength } from './fixtures.js';

const cs = getCiphersuite('BLS12-381-SHA-256');
const ctx = { cs, apiId: signaturesApiId(cs) };
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (n: bigint) => n.toString(16).padStart(64, '0');

const covid: CredentialContents = {
  schemaRef: 'privid:covid-test-result@1',
  issuerKeyId: 'lab-2025-06',
  validFrom: 20253,
  validUntil: 20255,
  attributes: { testResult: 'negative', testType: 'pcr', sampleDay: 20253 },
};

/** A schema with one attribute of every type, for the type-by-type checks. */
const everyType = parseSchemaDefinition({
  id: 'test.example:every-type',
  version: 1,
  title: 'Every type',
  attributes: [
    { name: 'kind', type: 'enum', values: ['a', 'b', '1', 'true'] },
    { name: 'label', type: 'string', maxLength: 5 },
    { name: 'count', type: 'integer', min: 1, max: 10 },
    { name: 'flag', type: 'boolean' },
    { name: 'day', type: 'date' },
  ],
});
const everyValues: AttributeValues = { kind: 'a', label: 'hi', count: 3, flag: true, day: 20000 };
const everyContents = (attributes: Record<string, unknown>): CredentialContents => ({
  schemaRef: 'test.example:every-type@1',
  issuerKeyId: 'k1',
  validFrom: 0,
  validUntil: MAX_DAY,
  attributes: attributes as AttributeValues,
});

function single(schemaJson: { name: string; type: string; [k: string]: unknown }, value: unknown): bigint {
  const schema = parseSchemaDefinition({ id: 'test.example:single', version: 1, title: 'x', attributes: [schemaJson] });
  return credentialMessageScalars(
    schema,
    { ...everyContents({ [schemaJson.name]: value }), schemaRef: 'test.example:single@1' },
    ctx,
  )[4]!;
}

describe('message layout', () => {
  it('is fixed: schema, key id, validity, then attributes in schema order', () => {
    expect(messageLayout(COVID_TEST_RESULT_SCHEMA)).toEqual([
      { index: 0, name: 'schema', type: 'schema-ref' },
      { index: 1, name: 'issuerKeyId', type: 'key-id' },
      { index: 2, name: 'validFrom', type: 'date' },
      { index: 3, name: 'validUntil', type: 'date' },
      { index: 4, name: 'testResult', type: 'enum' },
      { index: 5, name: 'testType', type: 'enum' },
      { index: 6, name: 'sampleDay', type: 'date' },
    ]);
    expect(messageCount(VACCINATION_RECORD_SCHEMA)).toBe(7);
    expect(messageIndexOf(VACCINATION_RECORD_SCHEMA, 'doseCount')).toBe(5);
    expect(messageIndexOf(AGE_BAND_SCHEMA, 'ageOver21')).toBe(6);
    expect(messageIndexOf(AGE_BAND_SCHEMA, 'validUntil')).toBe(3);
    expect(() => messageIndexOf(AGE_BAND_SCHEMA, 'doseCount')).toThrow(CredentialEncodingError);
    expect(() => messageIndexOf(AGE_BAND_SCHEMA, 'holderSecret')).toThrow(/no message named/);
  });

  it('disclosure indexes always include schema and key id, ascending, without duplicates', () => {
    expect(disclosureIndexes(COVID_TEST_RESULT_SCHEMA, [])).toEqual([0, 1]);
    expect(disclosureIndexes(COVID_TEST_RESULT_SCHEMA, ['sampleDay', 'validUntil', 'testResult', 'sampleDay'])).toEqual(
      [0, 1, 3, 4, 6],
    );
  });

  it('gives every holder of a schema the same number of messages', () => {
    const a = credentialMessageScalars(COVID_TEST_RESULT_SCHEMA, covid, ctx);
    const b = credentialMessageScalars(
      COVID_TEST_RESULT_SCHEMA,
      {
        ...covid,
        issuerKeyId: 'lab-2025-07',
        validFrom: 0,
        validUntil: MAX_DAY,
        attributes: { testResult: 'inconclusive', testType: 'lamp', sampleDay: 0 },
      },
      ctx,
    );
    expect(a).toHaveLength(7);
    expect(b).toHaveLength(7);
  });
});

describe('credentialMessageScalars', () => {
  it('matches the pinned vector (BLS12-381-SHA-256) and the documented byte layout', () => {
    const scalars = credentialMessageScalars(COVID_TEST_RESULT_SCHEMA, covid, ctx);
    expect(scalars.map(toHex)).toEqual([
      '51d73f2ade43fdb9ea9a1223ed255cced326fb06ae46cfe5582c7f4e1aee4e6b',
      '6c95299fdc08b361e35e5ec302995de852e9f2452384aba2b46e76a966146433',
      '0000000000000000000000000000000000000000000000000000000000004f1d',
      '0000000000000000000000000000000000000000000000000000000000004f1f',
      '2fe96d208f3a0157f4af51cd32f782233659a0f031c3019507248b244536fb29',
      '54872b834b43bf028bd84be69f67ffd05337ddcc1dac5aaeeca7745e7f62167b',
      '0000000000000000000000000000000000000000000000000000000000004f1d',
    ]);
    // "privid.attr.v1" || I2OSP(10,4) "testResult" || I2OSP(4,4) "enum" || I2OSP(8,4) "negative", written out by hand.
    const bytes = hex(
      '7072697669642e617474722e7631' +
        '0000000a' +
        '74657374526573756c74' +
        '00000004' +
        '656e756d' +
        '00000008' +
        '6e65676174697665',
    );
    expect(canonicalAttributeBytes('testResult', 'enum', 'negative')).toEqual(bytes);
    const dst = new TextEncoder().encode('BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_H2G_HM2S_PRIVID_ATTR_V1_');
    expect(attributeDst(ctx.apiId)).toEqual(dst);
    expect(hashToScalar(cs, bytes, dst)).toBe(scalars[4]);
  });

  it('is deterministic and independent of the attribute object key order', () => {
    const a = credentialMessageScalars(COVID_TEST_RESULT_SCHEMA, covid, ctx);
    const b = credentialMessageScalars(
      COVID_TEST_RESULT_SCHEMA,
      { ...covid, attributes: { sampleDay: 20253, testType: 'pcr', testResult: 'negative' } },
      ctx,
    );
    expect(b).toEqual(a);
  });

  it('maps integers and dates to themselves', () => {
    const scalars = credentialMessageScalars(everyType, everyContents(everyValues), ctx);
    expect(scalars[2]).toBe(0n);
    expect(scalars[3]).toBe(BigInt(MAX_DAY));
    expect(scalars[6]).toBe(3n);
    expect(scalars[8]).toBe(20000n);
    expect(
      single({ name: 'big', type: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER }, Number.MAX_SAFE_INTEGER),
    ).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('never collides across types: "1" vs 1, "true" vs true, enum vs string', () => {
    const asString = single({ name: 'val', type: 'string', maxLength: 10 }, '1');
    const asInteger = single({ name: 'val', type: 'integer', min: 0, max: 10 }, 1);
    const asEnum = single({ name: 'val', type: 'enum', values: ['1', 'true'] }, '1');
    expect(asInteger).toBe(1n);
    expect(asString).not.toBe(1n);
    expect(asString).not.toBe(asEnum);
    const trueBoolean = single({ name: 'val', type: 'boolean' }, true);
    const trueString = single({ name: 'val', type: 'string', maxLength: 10 }, 'true');
    const trueEnum = single({ name: 'val', type: 'enum', values: ['1', 'true'] }, 'true');
    expect(new Set([trueBoolean, trueString, trueEnum]).size).toBe(3);
    expect(single({ name: 'val', type: 'boolean' }, false)).not.toBe(trueBoolean);
  });

  it('binds the attribute name and frames every field', () => {
    const a = single({ name: 'first', type: 'string', maxLength: 10 }, 'x');
    const b = single({ name: 'second', type: 'string', maxLength: 10 }, 'x');
    expect(a).not.toBe(b);
    // Without length prefixes ("ab","c") and ("a","bc") would concatenate to the same bytes.
    expect(canonicalAttributeBytes('ab', 'string', 'c')).not.toEqual(canonicalAttributeBytes('a', 'string', 'bc'));
    expect(single({ name: 'ab', type: 'string', maxLength: 10 }, 'c')).not.toBe(
      single({ name: 'a', type: 'string', maxLength: 10 }, 'bc'),
    );
  });

  it('depends on the ciphersuite api_id', () => {
    const shake = getCiphersuite('BLS12-381-SHAKE-256');
    const a = credentialMessageScalars(COVID_TEST_RESULT_SCHEMA, covid, ctx);
    const b = credentialMessageScalars(COVID_TEST_RESULT_SCHEMA, covid, { cs: shake, apiId: signaturesApiId(shake) });
    expect(b[0]).not.toBe(a[0]);
    expect(b[2]).toBe(a[2]);
    expect(toHex(b[4]!)).toBe('3337804898a2dc6bc386291156e05c1be429dbb0b8a669dfdfdf374ca7ceabd4');
  });

  const rejects = (contents: CredentialContents, schema: CredentialSchema = everyType): Issue[] => {
    try {
      credentialMessageScalars(schema, contents, ctx);
    } catch (error) {
      expect(error).toBeInstanceOf(CredentialEncodingError);
      return [...(error as CredentialEncodingError).issues];
    }
    throw new Error('expected a CredentialEncodingError');
  };
  const reasonOf = (attributes: Record<string, unknown>) =>
    rejects(everyContents(attributes)).map((i) => `${i.path} ${i.reason}`);

  it('checks every type and bound', () => {
    expect(reasonOf({ ...everyValues, kind: 'c' })).toEqual(['/attributes/kind NOT_IN_ENUM']);
    expect(reasonOf({ ...everyValues, kind: 1 })).toEqual(['/attributes/kind WRONG_TYPE']);
    expect(reasonOf({ ...everyValues, label: 'toolong' })).toEqual(['/attributes/label TOO_LONG']);
    expect(validateAttributes(everyType, { ...everyValues, label: '😀😀😀😀😀' }).ok).toBe(true);
    expect(reasonOf({ ...everyValues, label: 'e\u0301' })).toEqual(['/attributes/label INVALID_STRING']);
    expect(reasonOf({ ...everyValues, label: 'a\nb' })).toEqual(['/attributes/label INVALID_STRING']);
    expect(reasonOf({ ...everyValues, label: '\ud800' })).toEqual(['/attributes/label INVALID_STRING']);
    expect(reasonOf({ ...everyValues, label: 5 })).toEqual(['/attributes/label WRONG_TYPE']);
    expect(reasonOf({ ...everyValues, count: 0 })).toEqual(['/attributes/count OUT_OF_RANGE']);
    expect(reasonOf({ ...everyValues, count: 11 })).toEqual(['/attributes/count OUT_OF_RANGE']);
    expect(reasonOf({ ...everyValues, count: 2.5 })).toEqual(['/attributes/count WRONG_TYPE']);
    expect(reasonOf({ ...everyValues, count: '3' })).toEqual(['/attributes/count WRONG_TYPE']);
    expect(reasonOf({ ...everyValues, count: 3n })).toEqual(['/attributes/count WRONG_TYPE']);
    expect(reasonOf({ ...everyValues, flag: 'true' })).toEqual(['/attributes/flag WRONG_TYPE']);
    expect(reasonOf({ ...everyValues, flag: 1 })).toEqual(['/attributes/flag WRONG_TYPE']);
    expect(reasonOf({ ...everyValues, day: -1 })).toEqual(['/attributes/day OUT_OF_RANGE']);
    expect(reasonOf({ ...everyValues, day: MAX_DAY + 1 })).toEqual(['/attributes/day OUT_OF_RANGE']);
    expect(reasonOf({ ...everyValues, day: '2025-06-14' })).toEqual(['/attributes/day WRONG_TYPE']);
    expect(validateAttributes(everyType, { ...everyValues, count: 1, day: 0 }).ok).toBe(true);
    expect(validateAttributes(everyType, { ...everyValues, count: 10, day: MAX_DAY }).ok).toBe(true);
  });

  it('requires exactly the schema attributes', () => {
    const { flag: _flag, ...missing } = everyValues;
    expect(reasonOf(missing)).toEqual(['/attributes/flag MISSING_ATTRIBUTE']);
    expect(reasonOf({ ...everyValues, flag: undefined })).toEqual(['/attributes/flag MISSING_ATTRIBUTE']);
    expect(reasonOf({ ...everyValues, extra: 1 })).toEqual(['/attributes/extra UNKNOWN_ATTRIBUTE']);
    expect(reasonOf({ ...everyValues, toString: 'x' })).toEqual(['/attributes/toString UNKNOWN_ATTRIBUTE']);
    const result = validateAttributes(everyType, null);
    expect(result.ok ? [] : result.issues.map((i) => i.reason)).toEqual(['NOT_AN_OBJECT']);
    const all = validateAttributes(everyType, { kind: 'z', count: 99 });
    expect(all.ok ? [] : all.issues.map((i) => `${i.path} ${i.reason}`)).toEqual([
      '/kind NOT_IN_ENUM',
      '/label MISSING_ATTRIBUTE',
      '/count OUT_OF_RANGE',
      '/flag MISSING_ATTRIBUTE',
      '/day MISSING_ATTRIBUTE',
    ]);
  });

  it('checks the fixed fields', () => {
    const base = everyContents(everyValues);
    const reasons = (c: CredentialContents) => rejects(c).map((i) => `${i.path} ${i.reason}`);
    expect(reasons({ ...base, schemaRef: 'test.example:every-type@2' })).toEqual(['/schemaRef SCHEMA_MISMATCH']);
    expect(reasons({ ...base, issuerKeyId: '' })).toEqual(['/issuerKeyId INVALID_KEY_ID']);
    expect(reasons({ ...base, issuerKeyId: 'has space' })).toEqual(['/issuerKeyId INVALID_KEY_ID']);
    expect(reasons({ ...base, validFrom: 10, validUntil: 9 })).toEqual(['/validUntil INVALID_VALIDITY']);
    expect(reasons({ ...base, validFrom: -1 })).toEqual(['/validFrom OUT_OF_RANGE']);
    expect(reasons({ ...base, validUntil: 1.5 })).toEqual(['/validUntil OUT_OF_RANGE']);
  });
});

describe('disclosedScalars', () => {
  const all = credentialMessageScalars(COVID_TEST_RESULT_SCHEMA, covid, ctx);

  it('gives the verifier the same scalars the holder signed, at ascending indexes', () => {
    const out = disclosedScalars(
      COVID_TEST_RESULT_SCHEMA,
      {
        schemaRef: covid.schemaRef,
        issuerKeyId: covid.issuerKeyId,
        disclosed: { validUntil: 20255, testResult: 'negative' },
      },
      ctx,
    );
    expect(out.indexes).toEqual([0, 1, 3, 4]);
    expect(out.scalars).toEqual([all[0], all[1], all[3], all[4]]);
    const none = disclosedScalars(
      COVID_TEST_RESULT_SCHEMA,
      { schemaRef: covid.schemaRef, issuerKeyId: covid.issuerKeyId, disclosed: {} },
      ctx,
    );
    expect(none).toEqual({ indexes: [0, 1], scalars: [all[0], all[1]] });
  });

  it('rejects unknown names, the fixed messages and invalid values', () => {
    const reasons = (disclosed: Record<string, unknown>, issuerKeyId = covid.issuerKeyId) => {
      try {
        disclosedScalars(
          COVID_TEST_RESULT_SCHEMA,
          { schemaRef: covid.schemaRef, issuerKeyId, disclosed: disclosed as AttributeValues },
          ctx,
        );
      } catch (error) {
        return (error as CredentialEncodingError).issues.map((i) => `${i.path} ${i.reason}`);
      }
      return [];
    };
    expect(reasons({ doseCount: 2 })).toEqual(['/disclosed/doseCount UNKNOWN_ATTRIBUTE']);
    expect(reasons({ schema: 'x' })).toEqual(['/disclosed/schema UNKNOWN_ATTRIBUTE']);
    expect(reasons({ testResult: 'maybe' })).toEqual(['/disclosed/testResult NOT_IN_ENUM']);
    expect(reasons({ validUntil: 'today' })).toEqual(['/disclosed/validUntil OUT_OF_RANGE']);
    expect(reasons({}, 'bad key')).toEqual(['/issuerKeyId INVALID_KEY_ID']);
  });
});

describe('with the BBS core', () => {
  for (const suite of ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256'] as CiphersuiteName[]) {
    it(`signs the layout, proves a disclosure and verifies it from disclosed values (${suite})`, () => {
      const suiteCs = getCiphersuite(suite);
      const apiId = signaturesApiId(suiteCs);
      const encoding = { cs: suiteCs, apiId };
      const sk = keyGen({ ciphersuite: suite, keyMaterial: fakeBytes(32, 11) });
      const pk = skToPk({ ciphersuite: suite, secretKey: sk });
      // The crypto layer appends the holder secret as the last message; emulate it with a scalar.
      const holderSecret = os2ip(fakeBytes(31, 12));
      const messages = [...credentialMessageScalars(COVID_TEST_RESULT_SCHEMA, covid, encoding), holderSecret];
      const core = { cs: suiteCs, apiId, generators: createGenerators(suiteCs, messages.length + 1, apiId) };
      const signature = coreSign(core, os2ip(sk), pk, new Uint8Array(0), messages);

      const disclose = { testResult: 'negative', validUntil: 20255 };
      const indexes = disclosureIndexes(COVID_TEST_RESULT_SCHEMA, Object.keys(disclose));
      const ph = presentationHeader({
        nonce: fakeBytes(32, 13),
        verifierId: 'https://club42.example',
        requestId: 'r7HkqL2mN0pXv9sT4wYzAb',
        groupIndex: 0,
      });
      const proof = coreProofGen(
        core,
        pk,
        octetsToSignature(signature),
        new Uint8Array(0),
        ph,
        messages,
        indexes,
        randomScalars(suiteCs),
      );
      // U = 7 - 4 disclosed + 1 secret: the size formula the QR size table uses.
      expect(proof.length).toBe(proofLength(4));

      const verifyWith = (disclosed: AttributeValues, header = ph) => {
        const d = disclosedScalars(
          COVID_TEST_RESULT_SCHEMA,
          { schemaRef: covid.schemaRef, issuerKeyId: covid.issuerKeyId, disclosed },
          encoding,
        );
        const L = d.indexes.length + (proof.length - 3 * 48 - 4 * 32) / 32;
        const verifyCore = { cs: suiteCs, apiId, generators: createGenerators(suiteCs, L + 1, apiId) };
        return coreProofVerifyDecoded(
          verifyCore,
          pk,
          octetsToProof(proof),
          new Uint8Array(0),
          header,
          d.scalars,
          d.indexes,
        );
      };
      expect(verifyWith(disclose)).toBe(true);
      expect(verifyWith({ ...disclose, testResult: 'positive' })).toBe(false);
      const otherVerifier = presentationHeader({
        nonce: fakeBytes(32, 13),
        verifierId: 'https://other.example',
        requestId: 'r7HkqL2mN0pXv9sT4wYzAb',
        groupIndex: 0,
      });
      expect(verifyWith(disclose, otherVerifier)).toBe(false);
    });
  }
});
