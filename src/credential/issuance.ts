/**
 * The cryptography of privid credential issuance, on the BBS pseudonym interface
 * (draft-irtf-cfrg-bbs-per-verifier-linkability, api_id = ciphersuite_id || "H2G_HM2S_PSEUDONYM_").
 *
 * The privid issuance profile (docs/holder-sdk.md):
 *
 * - Signer messages: `credentialMessageScalars(schema, contents, { cs, apiId: pseudonymApiId(cs) })`
 *   (L = messageCount(schema)). No committed messages (M = 0). One nym secret (N = 1): the
 *   wallet's **holder secret**, committed with a proof of knowledge, never revealed to anyone.
 * - BBS header: the constant `CREDENTIAL_HEADER` ("privid/credential/v1"), the same for every
 *   credential, so it identifies nothing (the nym interface signs header || I2OSP(N, 8)).
 * - signer_nym_entropy = 0: nym_secret = holder secret. One wallet secret gives the same nym
 *   secret in all of that wallet's credentials, across issuers, which is what lets a venue check
 *   that the items of a presentation come from one wallet (equal pseudonyms). The draft makes
 *   the entropy REQUIRED "a scalar value" (0..r-1) and "typically" random; 0 is a valid scalar
 *   and the implementation accepts it. The holder verifies the signature with entropy 0, so an
 *   issuer that added other entropy produces a credential the wallet rejects.
 * - Only the IETF suites: the legacy BBS+2020 suite has no blind issuance, so every operation
 *   here rejects it with `CredentialCryptoError` `UNSUPPORTED_SUITE`.
 *
 * Holder: `createIssuanceRequest` → send `request`, keep `pending` → `finalizeCredential`.
 * Issuer: `issueCredential` (pure: validates, verifies the commitment proof, blind-signs).
 */
import {
  blindSignWithNymScalars,
  BbsError,
  commitWithNymScalars,
  committedCountOf,
  getCiphersuite,
  i2osp,
  os2ip,
  pseudonymApiId,
  r,
  verifyFinalizeWithNymScalars,
  type CiphersuiteName,
} from '../bbs/index.js';
import { fromBase64urlOrUndefined, toBase64url, utf8 } from './bytes.js';
import { credentialMessageScalars, type EncodingContext } from './encoding.js';
import { CredentialError } from './errors.js';
import { FORMAT_TYPES, FORMAT_VERSION } from './format-constants.js';
import {
  parseCredential,
  parseCredentialOffer,
  parseIssuanceRequest,
  type Credential,
  type CredentialOffer,
  type IssuanceRequest,
} from './format-parsers.js';
import { formatSchemaRef, type AttributeValues, type CredentialSchema } from './schema.js';
import { verificationTag } from './verification-tag.js';

/** The constant BBS header of every privid credential (signed as header || I2OSP(1, 8)). */
export const CREDENTIAL_HEADER_TEXT = 'privid/credential/v1';
export const CREDENTIAL_HEADER: Uint8Array = utf8(CREDENTIAL_HEADER_TEXT);
/** N: one nym secret, the holder secret. */
export const CREDENTIAL_NYM_COUNT = 1;
/** The privid profile's signer_nym_entropy: nym_secret = holder secret. */
export const SIGNER_NYM_ENTROPY = 0n;
/** Holder secrets and secret_prover_blind travel as 32-byte big-endian scalars. */
export const SCALAR_BYTES = 32;
/** The suites privid credentials can be issued with (blind issuance needs the IETF suites). */
export const CREDENTIAL_SUITES: readonly CiphersuiteName[] = ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256'];

export type CredentialCryptoErrorCode =
  /** The suite cannot issue blindly (BBS+2020) or is unknown. */
  | 'UNSUPPORTED_SUITE'
  /** A holder secret or secret_prover_blind that is not a 32-byte scalar in 1..r-1. */
  | 'INVALID_SECRET'
  /** The issuer's signature does not verify for these contents, this holder secret and key. */
  | 'INVALID_SIGNATURE'
  /** The credential (or the schema passed in) is not what the offer announced. */
  | 'CREDENTIAL_MISMATCH'
  /** Malformed parameters (wrong types, missing fields). */
  | 'INVALID_INPUT';

/** A typed error of the issuance and presentation cryptography. `path` names the input. */
export class CredentialCryptoError extends CredentialError {
  override readonly name = 'CredentialCryptoError';
  readonly code: CredentialCryptoErrorCode;

  constructor(code: CredentialCryptoErrorCode, path: string, message: string) {
    super(path, message);
    this.code = code;
  }
}

/** The suite as a credential suite, or `UNSUPPORTED_SUITE` (BBS+2020 cannot issue blindly). */
export function credentialSuite(suite: unknown, path = '/suite'): CiphersuiteName {
  if (suite === 'BLS12-381-SHA-256' || suite === 'BLS12-381-SHAKE-256') return suite;
  if (suite === 'BBS+2020') {
    throw new CredentialCryptoError(
      'UNSUPPORTED_SUITE',
      path,
      'BBS+2020 has no blind issuance or pseudonyms: privid credentials need BLS12-381-SHA-256 or BLS12-381-SHAKE-256',
    );
  }
  throw new CredentialCryptoError('UNSUPPORTED_SUITE', path, `unknown suite ${JSON.stringify(suite)}`);
}

/** The encoding context of privid credentials: the suite and the pseudonym interface's api_id. */
export function credentialEncodingContext(suite: CiphersuiteName): EncodingContext {
  const cs = getCiphersuite(credentialSuite(suite));
  return { cs, apiId: pseudonymApiId(cs) };
}

/**
 * A fresh holder secret from the platform CSPRNG (`crypto.getRandomValues`): 32 bytes, a scalar
 * in 1..r-1 (48 random bytes reduced mod r-1, plus 1: bias below 2^-128).
 */
export function generateHolderSecret(): Uint8Array {
  const random = new Uint8Array(48);
  globalThis.crypto.getRandomValues(random);
  const scalar = (os2ip(random) % (r - 1n)) + 1n;
  random.fill(0);
  return i2osp(scalar, SCALAR_BYTES);
}

/** A 32-byte secret scalar in 1..r-1, as a bigint; `INVALID_SECRET` otherwise. */
export function secretScalar(value: unknown, path: string): bigint {
  if (!(value instanceof Uint8Array) || value.length !== SCALAR_BYTES) {
    throw new CredentialCryptoError('INVALID_SECRET', path, `expected ${SCALAR_BYTES} bytes`);
  }
  const s = os2ip(value);
  if (s === 0n || s >= r) throw new CredentialCryptoError('INVALID_SECRET', path, 'not a scalar in 1..r-1');
  return s;
}

// ---------------------------------------------------------------------------------------------
// Holder: the issuance request
// ---------------------------------------------------------------------------------------------

export interface CreateIssuanceRequestParams {
  /** The lab's offer (a parsed `CredentialOffer` or its JSON). */
  readonly offer: CredentialOffer | unknown;
  /** The wallet's holder secret, 32 bytes (`generateHolderSecret`). Never sent. */
  readonly holderSecret: Uint8Array;
  /** Must equal the offer's suite when given. */
  readonly ciphersuite?: CiphersuiteName;
}

/** What the wallet keeps between sending the request and receiving the credential. */
export interface PendingIssuance {
  readonly offer: CredentialOffer;
  readonly ciphersuite: CiphersuiteName;
  /**
   * secret_prover_blind, 32 bytes. Signed into the credential: every proof needs it, so the
   * wallet stores it with the credential (it is not part of the Credential format).
   */
  readonly secretProverBlind: Uint8Array;
}

export interface IssuanceRequestResult {
  /** Send to the issuer (POST `${offer.issuerUrl}/v1/offers/${offer.offerId}/redeem`). */
  readonly request: IssuanceRequest;
  readonly pending: PendingIssuance;
}

/** CommitWithNym over the holder secret (no other committed messages). */
export function createIssuanceRequest(params: CreateIssuanceRequestParams): IssuanceRequestResult {
  if (typeof params !== 'object' || params === null) {
    throw new CredentialCryptoError('INVALID_INPUT', '', 'expected a parameter object');
  }
  const offer = parseCredentialOffer(params.offer);
  const ciphersuite = credentialSuite(offer.suite, '/offer/suite');
  if (params.ciphersuite !== undefined && params.ciphersuite !== ciphersuite) {
    throw new CredentialCryptoError('CREDENTIAL_MISMATCH', '/ciphersuite', `the offer is for ${ciphersuite}`);
  }
  const holderSecret = secretScalar(params.holderSecret, '/holderSecret');
  const { commitmentWithProof, secretProverBlind } = commitWithNymScalars({
    ciphersuite,
    committedMessageScalars: [],
    proverNyms: [holderSecret],
  });
  const request = parseIssuanceRequest({
    type: FORMAT_TYPES.issuanceRequest,
    v: FORMAT_VERSION,
    offerId: offer.offerId,
    code: offer.code,
    commitmentWithProof: toBase64url(commitmentWithProof),
  });
  return { request, pending: { offer, ciphersuite, secretProverBlind: i2osp(secretProverBlind, SCALAR_BYTES) } };
}

// ---------------------------------------------------------------------------------------------
// Issuer: blind signing
// ---------------------------------------------------------------------------------------------

export interface IssueCredentialParams {
  readonly ciphersuite: CiphersuiteName;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly schema: CredentialSchema;
  readonly issuerId: string;
  /** The signing key's id: signed as message 1 (`issuerKeyId`). */
  readonly keyId: string;
  /** Day numbers, inclusive. */
  readonly validFrom: number;
  readonly validUntil: number;
  readonly attributes: AttributeValues;
  /** The holder's request (parsed or JSON); only `commitmentWithProof` is used here. */
  readonly request: IssuanceRequest | unknown;
  /** The wallet's secret id, if the caller knows it; the HTTP issuer leaves it out. */
  readonly secretId?: string;
}

/** A credential as the issuer returns it: the Credential format, `secretId` optional. */
export type IssuedCredential = Omit<Credential, 'secretId'> & { secretId?: string };

/**
 * Issues a credential: validates the contents against the schema (`CredentialEncodingError`),
 * checks the commitment holds exactly the holder secret (`BbsError` `INVALID_LENGTH`), verifies
 * its proof of knowledge (`BbsError` `INVALID_COMMITMENT_PROOF`), then blind-signs with the
 * privid profile (constant header, N = 1, signer_nym_entropy = 0). Pure: no I/O, no clock.
 */
export function issueCredential(params: IssueCredentialParams & { readonly secretId: string }): Credential;
export function issueCredential(params: IssueCredentialParams): IssuedCredential;
export function issueCredential(params: IssueCredentialParams): IssuedCredential {
  if (typeof params !== 'object' || params === null) {
    throw new CredentialCryptoError('INVALID_INPUT', '', 'expected a parameter object');
  }
  const ciphersuite = credentialSuite(params.ciphersuite, '/ciphersuite');
  const request = parseIssuanceRequest(params.request);
  const schemaRef = formatSchemaRef(params.schema);
  // Validates every field and attribute (CredentialEncodingError with all issues).
  const messageScalars = credentialMessageScalars(
    params.schema,
    {
      schemaRef,
      issuerKeyId: params.keyId,
      validFrom: params.validFrom,
      validUntil: params.validUntil,
      attributes: params.attributes,
    },
    credentialEncodingContext(ciphersuite),
  );
  const commitmentWithProof = fromBase64urlOrUndefined(request.commitmentWithProof)!;
  let committed: number;
  try {
    committed = committedCountOf(commitmentWithProof.length);
  } catch {
    committed = -1;
  }
  if (committed !== CREDENTIAL_NYM_COUNT) {
    throw new BbsError(
      'INVALID_LENGTH',
      'commitmentWithProof',
      'a privid commitment holds exactly one scalar (the holder secret)',
    );
  }
  const { signature } = blindSignWithNymScalars({
    ciphersuite,
    secretKey: params.secretKey,
    publicKey: params.publicKey,
    commitmentWithProof,
    nymCount: CREDENTIAL_NYM_COUNT,
    header: CREDENTIAL_HEADER,
    messageScalars,
    signerNymEntropy: SIGNER_NYM_ENTROPY,
  });
  const issued = {
    type: FORMAT_TYPES.credential,
    v: FORMAT_VERSION,
    suite: ciphersuite,
    issuerId: params.issuerId,
    keyId: params.keyId,
    schemaRef,
    validFrom: params.validFrom,
    validUntil: params.validUntil,
    attributes: { ...params.attributes },
    signature: toBase64url(signature),
  };
  // The result must be a valid Credential (issuer id syntax, limits); secretId is checked too if given.
  const { secretId: _placeholder, ...checked } = parseCredential({
    ...issued,
    secretId: params.secretId ?? 'issuer-side',
  });
  return params.secretId === undefined ? checked : { ...checked, secretId: params.secretId };
}

// ---------------------------------------------------------------------------------------------
// Holder: verify and finalize
// ---------------------------------------------------------------------------------------------

export interface FinalizeCredentialParams {
  /** What the issuer returned (`IssuedCredential` or Credential JSON; `secretId` may be absent). */
  readonly credential: IssuedCredential | unknown;
  readonly pending: PendingIssuance;
  readonly holderSecret: Uint8Array;
  /** The issuer public key named by the offer's `keyId`. */
  readonly publicKey: Uint8Array;
  readonly schema: CredentialSchema;
  /** Id of the holder secret in the wallet's store; required unless the credential carries one. */
  readonly secretId?: string;
}

export interface FinalizedCredential {
  /** The credential to store, with `secretId`. */
  readonly credential: Credential;
  /** = pending.secretProverBlind: store it with the credential, every proof needs it. */
  readonly secretProverBlind: Uint8Array;
  /**
   * Store it with the credential and pass it to `proveItem`: it shows the holder verified this
   * credential with this secret, so presenting need not verify it again (verification-tag.ts).
   */
  readonly verificationTag: Uint8Array;
}

/**
 * Checks what the issuer returned: the Credential format, that it is what the offer announced
 * (issuer, key, schema, suite: `CREDENTIAL_MISMATCH`), and the blind signature over the contents
 * and the holder secret with signer_nym_entropy 0 (`INVALID_SIGNATURE`).
 */
export function finalizeCredential(params: FinalizeCredentialParams): FinalizedCredential {
  if (typeof params !== 'object' || params === null) {
    throw new CredentialCryptoError('INVALID_INPUT', '', 'expected a parameter object');
  }
  const raw = params.credential;
  const rawSecretId = typeof raw === 'object' && raw !== null ? (raw as { secretId?: unknown }).secretId : undefined;
  const secretId = params.secretId ?? rawSecretId;
  if (typeof secretId !== 'string') {
    throw new CredentialCryptoError('INVALID_INPUT', '/secretId', 'the id of the holder secret is required');
  }
  const credential = parseCredential({ ...(raw as object), secretId });
  const { pending, schema } = params;
  if (typeof pending !== 'object' || pending === null || typeof pending.offer !== 'object') {
    throw new CredentialCryptoError('INVALID_INPUT', '/pending', 'expected the pending issuance');
  }
  credentialSuite(credential.suite);
  const offer = pending.offer;
  const expected: [keyof Credential & keyof CredentialOffer, string][] = [
    ['issuerId', offer.issuerId],
    ['keyId', offer.keyId],
    ['schemaRef', offer.schemaRef],
    ['suite', pending.ciphersuite],
  ];
  for (const [field, value] of expected) {
    if (credential[field] !== value) {
      throw new CredentialCryptoError(
        'CREDENTIAL_MISMATCH',
        `/${field}`,
        `the offer announced ${field} ${JSON.stringify(value)}, the issuer returned ${JSON.stringify(credential[field])}`,
      );
    }
  }
  if (formatSchemaRef(schema) !== credential.schemaRef) {
    throw new CredentialCryptoError(
      'CREDENTIAL_MISMATCH',
      '/schemaRef',
      `the schema passed is not ${credential.schemaRef}`,
    );
  }
  const holderSecret = secretScalar(params.holderSecret, '/holderSecret');
  const secretProverBlind = secretScalar(pending.secretProverBlind, '/pending/secretProverBlind');
  if (
    !verifyCredentialSignature({ credential, schema, publicKey: params.publicKey, holderSecret, secretProverBlind })
  ) {
    throw new CredentialCryptoError(
      'INVALID_SIGNATURE',
      '/signature',
      'the signature does not verify for this credential, holder secret and issuer key',
    );
  }
  const tag = verificationTag({
    suite: credentialSuite(credential.suite),
    publicKey: params.publicKey,
    signature: fromBase64urlOrUndefined(credential.signature)!,
    secretProverBlind,
    messageScalars: credentialMessageScalars(
      schema,
      contentsOf(credential),
      credentialEncodingContext(credentialSuite(credential.suite)),
    ),
    holderSecret,
  });
  return { credential, secretProverBlind: Uint8Array.from(pending.secretProverBlind), verificationTag: tag };
}

/**
 * VerifyFinalizeWithNym for a stored credential: true when the signature binds these contents,
 * this holder secret (as the nym secret, entropy 0) and this blind. Malformed keys or signatures
 * count as not verifying.
 */
export function verifyCredentialSignature(input: {
  readonly credential: Omit<Credential, 'secretId'>;
  readonly schema: CredentialSchema;
  readonly publicKey: Uint8Array;
  readonly holderSecret: bigint;
  readonly secretProverBlind: bigint;
}): boolean {
  const { credential, schema } = input;
  const ciphersuite = credentialSuite(credential.suite);
  const signature = fromBase64urlOrUndefined(credential.signature);
  if (!signature) return false;
  const messageScalars = credentialMessageScalars(
    schema,
    contentsOf(credential),
    credentialEncodingContext(ciphersuite),
  );
  try {
    const nymSecrets = verifyFinalizeWithNymScalars({
      ciphersuite,
      publicKey: input.publicKey,
      signature,
      header: CREDENTIAL_HEADER,
      messageScalars,
      committedMessageScalars: [],
      proverNyms: [input.holderSecret],
      signerNymEntropy: SIGNER_NYM_ENTROPY,
      secretProverBlind: input.secretProverBlind,
    });
    return nymSecrets !== false && nymSecrets[0] === input.holderSecret;
  } catch (error) {
    if (error instanceof BbsError) return false;
    throw error;
  }
}

/** The encoding input of a credential. */
export function contentsOf(
  credential: Pick<Credential, 'schemaRef' | 'keyId' | 'validFrom' | 'validUntil' | 'attributes'>,
) {
  return {
    schemaRef: credential.schemaRef,
    issuerKeyId: credential.keyId,
    validFrom: credential.validFrom,
    validUntil: credential.validUntil,
    attributes: credential.attributes,
  };
}
