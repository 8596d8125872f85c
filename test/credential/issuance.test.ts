// The credential crypto glue on the real BBS code: createIssuanceRequest → issueCredential →
// finalizeCredential → proveItem → verifyItem for every built-in schema, and what each step rejects.
import { describe, expect, it } from 'vitest';
import {
  BbsError,
  blindSignWithNymScalars,
  calculatePseudonym,
  commitScalars,
  commitWithNymScalars,
  r,
  os2ip,
} from '../../src/bbs/index.js';
import {
  BUILTIN_SCHEMAS,
  CredentialCryptoError,
  CredentialEncodingError,
  createIssuanceRequest,
  credentialMessageScalars,
  credentialEncodingContext,
  finalizeCredential,
  formatSchemaRef,
  fromBase64url,
  generateHolderSecret,
  issueCredential,
  presentationContextId,
  presentationHeader,
  proveItem,
  toBase64url,
  verifyItem,
  type CredentialSchema,
  type IssuedCredential,
} from '../../src/credential/index.js';
import { SAMPLE_ATTRIBUTES, TestIssuer, randomBytes, schemas, sharesWindow, TODAY } from '../holder/support.js';

const issuer = new TestIssuer('https://lab-one.example/v1/issuers/lab-one', [
  'BLS12-381-SHA-256',
  'BLS12-381-SHAKE-256',
]);

function issue(schemaRef: string, kid = 'key-1') {
  const key = issuer.key(kid);
  const schema = schemas.require(schemaRef);
  const offer = issuer.offer(schemaRef, { kid });
  const holderSecret = generateHolderSecret();
  const { request, pending } = createIssuanceRequest({ offer, holderSecret, ciphersuite: key.suite });
  const params = {
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
  };
  return { key, schema, offer, holderSecret, request, pending, params, issued: issueCredential(params) };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (
      error instanceof BbsError ||
      error instanceof CredentialCryptoError ||
      error instanceof CredentialEncodingError
    ) {
      return error.code;
    }
    throw error;
  }
  return undefined;
}

function proveAndVerify(
  credential: IssuedCredential & { secretId: string },
  schema: CredentialSchema,
  publicKey: Uint8Array,
  holderSecret: Uint8Array,
  secretProverBlind: Uint8Array,
  disclose: string[],
) {
  const nonce = randomBytes(32);
  const ph = presentationHeader({ nonce, verifierId: 'venue', requestId: 'request-0001', groupIndex: 0 });
  const contextId = presentationContextId({ verifierId: 'venue' }, { salt: randomBytes(32) });
  const item = proveItem({
    credential,
    schema,
    publicKey,
    holderSecret,
    secretProverBlind,
    disclose,
    presentationHeader: ph,
    contextId,
  });
  const verify = (overrides: Partial<Parameters<typeof verifyItem>[0]> = {}) =>
    verifyItem({
      suite: credential.suite,
      publicKey,
      schema,
      schemaRef: credential.schemaRef,
      keyId: credential.keyId,
      disclosed: item.disclosed,
      proof: item.proof,
      pseudonym: item.pseudonym,
      presentationHeader: ph,
      contextId,
      ...overrides,
    });
  return { item, verify, ph, contextId };
}

describe('issuance round trips', () => {
  const cases: [string, string][] = [
    ...BUILTIN_SCHEMAS.map((s): [string, string] => [formatSchemaRef(s), 'key-1']),
    ['privid:age-band@1', 'key-2'], // BLS12-381-SHAKE-256
  ];
  for (const [schemaRef, kid] of cases) {
    it(`${schemaRef} with ${issuer.key(kid).suite}: commit, blind-sign, finalize, prove, verify`, () => {
      const { key, schema, holderSecret, pending, issued } = issue(schemaRef, kid);
      expect(issued.secretId).toBeUndefined();
      expect(issued.attributes).toEqual(SAMPLE_ATTRIBUTES[schemaRef]);
      const { credential, secretProverBlind } = finalizeCredential({
        credential: issued,
        pending,
        holderSecret,
        publicKey: key.publicKey,
        schema,
        secretId: 'holder-secret-1',
      });
      expect(credential.secretId).toBe('holder-secret-1');
      const disclose = [schema.attributes[0]!.name, 'validUntil'];
      const { item, verify, contextId } = proveAndVerify(
        credential,
        schema,
        key.publicKey,
        holderSecret,
        secretProverBlind,
        disclose,
      );
      expect(Object.keys(item.disclosed)).toEqual(disclose);
      expect(verify()).toBe(true);
      // signer_nym_entropy = 0: the nym secret is the holder secret itself.
      expect(item.pseudonym).toEqual(
        calculatePseudonym({ ciphersuite: key.suite, contextId, nymSecrets: [holderSecret] }),
      );
      // The proof fails for anything else.
      const first = schema.attributes[0]!;
      const other = first.type === 'enum' ? first.values.find((v) => v !== item.disclosed[first.name])! : 999;
      expect(verify({ disclosed: { ...item.disclosed, [first.name]: other } })).toBe(false);
      expect(verify({ presentationHeader: randomBytes(40) })).toBe(false);
      expect(verify({ contextId: presentationContextId({ verifierId: 'venue' }, { salt: randomBytes(32) }) })).toBe(
        false,
      );
      expect(verify({ proof: item.proof.subarray(0, item.proof.length - 32) })).toBe(false);
    });
  }

  it('returns the Credential with secretId when the issuer knows it', () => {
    const { params } = issue('privid:age-band@1');
    const withId = issueCredential({ ...params, secretId: 'wallet-secret-7' });
    expect(withId.secretId).toBe('wallet-secret-7');
  });
});

describe('holder secrets', () => {
  it('are 32-byte scalars in 1..r-1 from the CSPRNG', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const secret = generateHolderSecret();
      expect(secret.length).toBe(32);
      const s = os2ip(secret);
      expect(s > 0n && s < r).toBe(true);
      seen.add(toBase64url(secret));
    }
    expect(seen.size).toBe(50);
  });

  it('never reach the issuer: no 32-byte window of the secret in the request, encoded or decoded', () => {
    const { holderSecret, request } = issue('privid:covid-test-result@1');
    const json = new TextEncoder().encode(JSON.stringify(request));
    const commitment = fromBase64url(request.commitmentWithProof);
    expect(sharesWindow(json, holderSecret)).toBe(false);
    expect(sharesWindow(commitment, holderSecret)).toBe(false);
    expect(JSON.stringify(request)).not.toContain(toBase64url(holderSecret));
    // And the scan can fail: a request that did carry the secret would be caught.
    expect(sharesWindow(new Uint8Array([1, 2, ...holderSecret, 3]), holderSecret)).toBe(true);
  });
});

describe('the issuer rejects', () => {
  it('a commitment whose proof of knowledge does not verify: BbsError INVALID_COMMITMENT_PROOF', () => {
    const { params, request } = issue('privid:covid-test-result@1');
    const bytes = fromBase64url(request.commitmentWithProof);
    bytes[bytes.length - 1]! ^= 1;
    const tampered = { ...request, commitmentWithProof: toBase64url(bytes) };
    expect(codeOf(() => issueCredential({ ...params, request: tampered }))).toBe('INVALID_COMMITMENT_PROOF');
  });

  it('a commitment made for the plain blind interface (another api_id): INVALID_COMMITMENT_PROOF', () => {
    const { params, request } = issue('privid:covid-test-result@1');
    const { commitmentWithProof } = commitScalars({ committedMessageScalars: [os2ip(generateHolderSecret())] });
    const other = { ...request, commitmentWithProof: toBase64url(commitmentWithProof) };
    expect(codeOf(() => issueCredential({ ...params, request: other }))).toBe('INVALID_COMMITMENT_PROOF');
  });

  it('a commitment to anything but exactly the holder secret: INVALID_LENGTH', () => {
    const { params, request } = issue('privid:covid-test-result@1');
    const { commitmentWithProof } = commitWithNymScalars({
      committedMessageScalars: [42n],
      proverNyms: [os2ip(generateHolderSecret())],
    });
    const other = { ...request, commitmentWithProof: toBase64url(commitmentWithProof) };
    expect(codeOf(() => issueCredential({ ...params, request: other }))).toBe('INVALID_LENGTH');
  });

  it('invalid attributes, before signing: CredentialEncodingError INVALID_ATTRIBUTES', () => {
    const { params } = issue('privid:covid-test-result@1');
    expect(
      codeOf(() => issueCredential({ ...params, attributes: { testResult: 'maybe', testType: 'pcr', sampleDay: 1 } })),
    ).toBe('INVALID_ATTRIBUTES');
    expect(codeOf(() => issueCredential({ ...params, validFrom: 10, validUntil: 5 }))).toBe(
      'INVALID_CREDENTIAL_FIELDS',
    );
  });

  it('the legacy BBS+2020 suite, everywhere: CredentialCryptoError UNSUPPORTED_SUITE', () => {
    const { params, pending, holderSecret, key, schema, issued, offer } = issue('privid:covid-test-result@1');
    expect(codeOf(() => issueCredential({ ...params, ciphersuite: 'BBS+2020' as never }))).toBe('UNSUPPORTED_SUITE');
    expect(codeOf(() => createIssuanceRequest({ offer: { ...offer, suite: 'BBS+2020' }, holderSecret }))).toBe(
      'UNSUPPORTED_SUITE',
    );
    expect(
      codeOf(() =>
        finalizeCredential({
          credential: { ...issued, suite: 'BBS+2020' },
          pending,
          holderSecret,
          publicKey: key.publicKey,
          schema,
          secretId: 'holder-secret-1',
        }),
      ),
    ).toBe('UNSUPPORTED_SUITE');
  });
});

describe('the holder rejects (finalizeCredential)', () => {
  const { key, schema, holderSecret, pending, issued, params } = issue('privid:vaccination-record@1');
  const finalize = (overrides: Partial<Parameters<typeof finalizeCredential>[0]> = {}) =>
    codeOf(() =>
      finalizeCredential({
        credential: issued,
        pending,
        holderSecret,
        publicKey: key.publicKey,
        schema,
        secretId: 'holder-secret-1',
        ...overrides,
      }),
    );

  it('accepts the genuine credential', () => {
    expect(finalize()).toBeUndefined();
  });

  it('another holder secret: INVALID_SIGNATURE', () => {
    expect(finalize({ holderSecret: generateHolderSecret() })).toBe('INVALID_SIGNATURE');
  });

  it('another issuer key: INVALID_SIGNATURE', () => {
    expect(finalize({ publicKey: new TestIssuer().key().publicKey })).toBe('INVALID_SIGNATURE');
  });

  it('changed attributes: INVALID_SIGNATURE', () => {
    expect(finalize({ credential: { ...issued, attributes: { ...issued.attributes, doseCount: 4 } } })).toBe(
      'INVALID_SIGNATURE',
    );
  });

  it('a credential signed with random signer_nym_entropy (not the privid profile): INVALID_SIGNATURE', () => {
    const { signature } = blindSignWithNymScalars({
      ciphersuite: key.suite,
      secretKey: key.secretKey,
      publicKey: key.publicKey,
      commitmentWithProof: fromBase64url(params.request.commitmentWithProof),
      header: new TextEncoder().encode('privid/credential/v1'),
      messageScalars: credentialMessageScalars(
        schema,
        {
          schemaRef: issued.schemaRef,
          issuerKeyId: issued.keyId,
          validFrom: issued.validFrom,
          validUntil: issued.validUntil,
          attributes: issued.attributes,
        },
        credentialEncodingContext(key.suite),
      ),
    });
    expect(finalize({ credential: { ...issued, signature: toBase64url(signature) } })).toBe('INVALID_SIGNATURE');
  });

  it('a credential that is not what the offer announced: CREDENTIAL_MISMATCH', () => {
    expect(finalize({ credential: { ...issued, keyId: 'key-2' } })).toBe('CREDENTIAL_MISMATCH');
    expect(finalize({ credential: { ...issued, issuerId: 'https://elsewhere.example' } })).toBe('CREDENTIAL_MISMATCH');
    expect(finalize({ schema: schemas.require('privid:age-band@1') })).toBe('CREDENTIAL_MISMATCH');
  });
});
