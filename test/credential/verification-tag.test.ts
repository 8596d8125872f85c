// The tag that lets a wallet skip re-verifying its own credentials: it matches only the exact
// suite, key, signature, blind, messages and holder secret it was made for.
import { describe, expect, it } from 'vitest';
import { BbsError } from '../../src/bbs/index.js';
import * as credentialApi from '../../src/credential/index.js';
import {
  BUILTIN_SCHEMAS,
  createIssuanceRequest,
  finalizeCredential,
  formatSchemaRef,
  fromBase64url,
  generateHolderSecret,
  issueCredential,
  presentationContextId,
  proveItem,
  toBase64url,
} from '../../src/credential/index.js';
import {
  verificationTag,
  verificationTagMatches,
  type VerificationTagInput,
} from '../../src/credential/verification-tag.js';
import { compressedPointOutsideSubgroup } from '../bbs/outside-subgroup.js';
import { SAMPLE_ATTRIBUTES, TestIssuer, randomBytes, schemas, TODAY } from '../holder/support.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const base: VerificationTagInput = {
  suite: 'BLS12-381-SHA-256',
  publicKey: bytes(96, 1),
  signature: bytes(80, 2),
  secretProverBlind: 3n,
  messageScalars: [4n, 5n, 6n],
  holderSecret: 7n,
};

describe('verification tag', () => {
  const tag = verificationTag(base);

  it('is 32 bytes, deterministic, and matches its own input', () => {
    expect(tag).toHaveLength(32);
    expect(verificationTag(base)).toEqual(tag);
    expect(verificationTagMatches(tag, base)).toBe(true);
  });

  it('does not match when anything it covers changes', () => {
    const variants: Partial<VerificationTagInput>[] = [
      { suite: 'BLS12-381-SHAKE-256' },
      { publicKey: bytes(96, 9) },
      { signature: bytes(80, 9) },
      { secretProverBlind: 4n },
      { messageScalars: [4n, 5n, 7n] },
      { messageScalars: [4n, 5n] },
      { holderSecret: 8n },
    ];
    for (const variant of variants) expect(verificationTagMatches(tag, { ...base, ...variant })).toBe(false);
  });

  it('rejects absent, short and altered tags', () => {
    expect(verificationTagMatches(undefined, base)).toBe(false);
    expect(verificationTagMatches(tag.subarray(0, 31), base)).toBe(false);
    const altered = Uint8Array.from(tag);
    altered[31]! ^= 1;
    expect(verificationTagMatches(altered, base)).toBe(false);
  });
});

describe('proveItem skips the signature check only for the tag finalizeCredential minted', () => {
  const issuer = new TestIssuer('https://lab-one.example/v1/issuers/lab-one', ['BLS12-381-SHA-256']);
  const key = issuer.key('key-1');
  const schemaRef = formatSchemaRef(BUILTIN_SCHEMAS[0]!);
  const schema = schemas.require(schemaRef);
  const holderSecret = generateHolderSecret();
  const { request, pending } = createIssuanceRequest({
    offer: issuer.offer(schemaRef, { kid: key.kid }),
    holderSecret,
    ciphersuite: key.suite,
  });
  const issued = issueCredential({
    ciphersuite: key.suite,
    secretKey: key.secretKey,
    publicKey: key.publicKey,
    schema,
    issuerId: issuer.issuerId,
    keyId: key.kid,
    validFrom: TODAY - 1,
    validUntil: TODAY + 2,
    attributes: SAMPLE_ATTRIBUTES[schemaRef]!,
    request,
  });
  const finalized = finalizeCredential({
    credential: issued,
    pending,
    holderSecret,
    publicKey: key.publicKey,
    schema,
    secretId: 'holder-secret-1',
  });
  const prove = (credential = finalized.credential, tag: Uint8Array | undefined = finalized.verificationTag) => {
    try {
      proveItem({
        credential,
        schema,
        publicKey: key.publicKey,
        holderSecret,
        secretProverBlind: finalized.secretProverBlind,
        verificationTag: tag,
        disclose: [],
        presentationHeader: randomBytes(32),
        contextId: presentationContextId({ verifierId: 'venue' }, { salt: randomBytes(32) }),
      });
      return 'proved';
    } catch (error) {
      return error instanceof BbsError ? error.code : String(error);
    }
  };
  const signature = fromBase64url(finalized.credential.signature);
  const outside = {
    ...finalized.credential,
    signature: toBase64url(Uint8Array.of(...compressedPointOutsideSubgroup(), ...signature.subarray(48))),
  };

  it('is minted by no public function', () => {
    expect('verificationTag' in credentialApi).toBe(false);
    expect('verificationTagMatches' in credentialApi).toBe(false);
  });

  it('proves with the genuine tag, and without one (verifying the signature)', () => {
    expect(prove()).toBe('proved');
    expect(prove(finalized.credential, undefined)).toBe('proved');
  });

  it('checks the subgroup of a signature the tag was not minted for, with that tag or any other', () => {
    expect(prove(outside)).toBe('POINT_NOT_IN_SUBGROUP');
    expect(prove(outside, randomBytes(32))).toBe('POINT_NOT_IN_SUBGROUP');
  });

  it('checks the signature when the contents changed, with the genuine tag or any other', () => {
    const first = schema.attributes[0]!;
    const value = finalized.credential.attributes[first.name];
    const other = first.type === 'enum' ? first.values.find((v) => v !== value)! : 999;
    const edited = { ...finalized.credential, attributes: { ...finalized.credential.attributes, [first.name]: other } };
    expect(prove(edited)).toBe('INVALID_SIGNATURE_FOR_PROOF');
    expect(prove(edited, randomBytes(32))).toBe('INVALID_SIGNATURE_FOR_PROOF');
  });
});
