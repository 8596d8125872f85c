/**
 * One presentation item's cryptography: a BBS proof with a pseudonym (ProofGenWithNym /
 * ProofVerifyWithNym, scalar level) over one privid credential, with the schema's layout:
 *
 *   signer messages 0..L-1   credentialMessageScalars (L = messageCount(schema))
 *   L                        secret_prover_blind      never disclosed
 *   L + 1                    holder secret (nym)      never disclosed
 *
 * Disclosed: `schema` and `issuerKeyId` (always: the verifier needs them to pick the schema and
 * the key) and exactly the names the caller passes (`attributesToDisclose(clause)`).
 *
 * The presentation header is `presentationHeader({ nonce, verifierId, requestId, groupIndex })`
 * and every item of a presentation carries a pseudonym over one context
 * (`presentationContextId`): the requested scope's, or a one-time context derived from the
 * request nonce. Equal pseudonyms across items show they come from one holder secret.
 */
import {
  BbsError,
  proofGenWithNymScalars,
  proofVerifyWithNymScalars,
  provePredicates,
  verifyPredicates,
  type CiphersuiteName,
  type RandomScalars,
} from '../bbs/index.js';
// Not part of privid/bbs: skips the signature and subgroup checks, so only a matching tag calls it.
import { proofGenWithNymScalarsVouched } from '../bbs/pseudonym/interface.js';
import { fromBase64urlOrUndefined, hasOwn } from './bytes.js';
import { credentialMessageScalars, disclosedScalars, disclosureIndexes, messageCount } from './encoding.js';
import type { Credential, PresentationRequest } from './format-parsers.js';
import { bbsPredicates, type ProvenConstraint } from './predicates.js';
import { oneTimeContext, pseudonymContext } from './presentation-binding.js';
import {
  contentsOf,
  CREDENTIAL_HEADER,
  CREDENTIAL_NYM_COUNT,
  CredentialCryptoError,
  credentialEncodingContext,
  credentialSuite,
  secretScalar,
} from './issuance.js';
import { formatSchemaRef, type AttributeValue, type CredentialSchema } from './schema.js';
import { verificationTagMatches } from './verification-tag.js';

/**
 * The context_id of every pseudonym in a presentation answering `request`:
 * - the request asks for `{ scope, period?, timeZone? }`: `pseudonymContext({ origin, verifierId,
 *   scope, period, timeZone })`, where `origin` is the verifier origin the wallet authenticated
 *   (required: a scoped pseudonym is never given to an unauthenticated verifier);
 * - otherwise `oneTimeContext({ verifierId, salt })` with the holder's fresh `salt`, so nothing
 *   links two visits, not even a reused nonce.
 */
export function presentationContextId(
  request: Pick<PresentationRequest, 'verifierId' | 'pseudonym'>,
  binding: { readonly origin?: string | undefined; readonly salt?: Uint8Array | string | undefined },
): Uint8Array {
  if (request.pseudonym) {
    if (binding.origin === undefined) {
      throw new CredentialCryptoError(
        'INVALID_INPUT',
        '/origin',
        'a scoped pseudonym needs the authenticated verifier origin',
      );
    }
    return pseudonymContext({
      origin: binding.origin,
      verifierId: request.verifierId,
      scope: request.pseudonym.scope,
      period: request.pseudonym.period,
      timeZone: request.pseudonym.timeZone,
    });
  }
  if (binding.salt === undefined) {
    throw new CredentialCryptoError('INVALID_INPUT', '/salt', 'a one-time pseudonym needs the holder salt');
  }
  return oneTimeContext({ verifierId: request.verifierId, salt: binding.salt });
}

/** Byte length of a proof disclosing `disclosedCount` messages besides schema and issuerKeyId. */
export function expectedProofLength(schema: CredentialSchema, disclosedCount: number): number {
  // U = undisclosed signer messages + secret_prover_blind + the nym secret
  const U = messageCount(schema) - (2 + disclosedCount) + 1 + CREDENTIAL_NYM_COUNT;
  return 3 * 48 + (4 + U) * 32;
}

type ProvableCredential = Pick<
  Credential,
  'suite' | 'keyId' | 'schemaRef' | 'validFrom' | 'validUntil' | 'attributes' | 'signature'
>;

export interface ProveItemParams {
  readonly credential: ProvableCredential;
  readonly schema: CredentialSchema;
  /** The issuer public key of `credential.keyId`. */
  readonly publicKey: Uint8Array;
  /** The holder secret the credential is bound to (32 bytes). */
  readonly holderSecret: Uint8Array;
  /** secret_prover_blind from issuance (32 bytes). */
  readonly secretProverBlind: Uint8Array;
  /** Names to disclose besides schema and issuerKeyId: attributes, `validFrom`, `validUntil`. */
  readonly disclose: readonly string[];
  readonly presentationHeader: Uint8Array;
  readonly contextId: Uint8Array;
  /**
   * The tag `finalizeCredential` returned when this holder verified the credential (the Wallet
   * stores it with the credential). When it matches these contents, key, signature, blind and
   * holder secret, the proof skips re-verifying the signature (a pairing) and re-checking the issuer
   * key and the signature point: most of a first presentation's cost on a phone
   * (docs/holder-sdk.md, "React Native"). Absent or not matching: the signature is verified first.
   */
  readonly verificationTag?: Uint8Array;
  /** Constraints to prove over hidden values (resolved; `predicates.ts`). None by default. */
  readonly proven?: readonly ProvenConstraint[];
  /** For seeded tests only; a CSPRNG otherwise. */
  readonly randomScalars?: RandomScalars;
}

export interface ItemProof {
  /** Present when `proven` was non-empty: the predicate proof (docs/predicates.md). */
  readonly predicateProof?: Uint8Array;
  readonly proof: Uint8Array;
  /** 48 bytes: the holder secret's pseudonym for `contextId`. */
  readonly pseudonym: Uint8Array;
  /** Exactly the disclosed values, by name (`disclosed` of a presentation item). */
  readonly disclosed: Record<string, AttributeValue>;
}

/** ProofGenWithNym over one credential, disclosing exactly schema, issuerKeyId and `disclose`. */
export function proveItem(params: ProveItemParams): ItemProof {
  const { credential, schema } = params;
  const ciphersuite = credentialSuite(credential.suite, '/credential/suite');
  if (formatSchemaRef(schema) !== credential.schemaRef) {
    throw new CredentialCryptoError('CREDENTIAL_MISMATCH', '/schema', `the credential is a ${credential.schemaRef}`);
  }
  const names = [...params.disclose];
  for (const name of names) {
    if (name === 'schema' || name === 'issuerKeyId') {
      throw new CredentialCryptoError('INVALID_INPUT', '/disclose', `${name} is always disclosed, not listed`);
    }
  }
  if (new Set(names).size !== names.length) {
    throw new CredentialCryptoError('INVALID_INPUT', '/disclose', 'names must be unique');
  }
  const disclosedIndexes = disclosureIndexes(schema, names);
  const disclosed: Record<string, AttributeValue> = {};
  for (const name of names) {
    if (name === 'validFrom' || name === 'validUntil') disclosed[name] = credential[name];
    else if (hasOwn(credential.attributes, name)) disclosed[name] = credential.attributes[name]!;
  }
  const signature = fromBase64urlOrUndefined(credential.signature);
  if (!signature) throw new CredentialCryptoError('INVALID_INPUT', '/credential/signature', 'not base64url');
  const messageScalars = credentialMessageScalars(
    schema,
    contentsOf(credential),
    credentialEncodingContext(ciphersuite),
  );
  const holderSecret = secretScalar(params.holderSecret, '/holderSecret');
  const secretProverBlind = secretScalar(params.secretProverBlind, '/secretProverBlind');
  const signatureVerified = verificationTagMatches(params.verificationTag, {
    suite: ciphersuite,
    publicKey: params.publicKey,
    signature,
    secretProverBlind,
    messageScalars,
    holderSecret,
  });
  const generate = signatureVerified ? proofGenWithNymScalarsVouched : proofGenWithNymScalars;
  const bbsProve = (presentationHeader: Uint8Array, randomScalars?: RandomScalars) =>
    generate({
      ciphersuite,
      publicKey: params.publicKey,
      signature,
      header: CREDENTIAL_HEADER,
      presentationHeader,
      contextId: params.contextId,
      messageScalars,
      committedMessageScalars: [],
      nymSecrets: [holderSecret],
      secretProverBlind,
      disclosedIndexes,
      randomScalars,
    });
  const proven = params.proven ?? [];
  if (proven.length === 0) {
    const { proof, pseudonym } = bbsProve(params.presentationHeader, params.randomScalars);
    return { proof, pseudonym, disclosed };
  }
  const { bbs, predicateProof } = provePredicates({
    ciphersuite,
    predicates: bbsPredicates(schema, proven, credentialEncodingContext(ciphersuite)),
    messageScalars,
    disclosedIndexes,
    presentationHeader: params.presentationHeader,
    randomScalars: params.randomScalars,
    bbsProve,
  });
  return { proof: bbs.proof, pseudonym: bbs.pseudonym, disclosed, predicateProof };
}

export interface VerifyItemParams {
  readonly suite: CiphersuiteName | string;
  readonly publicKey: Uint8Array;
  readonly schema: CredentialSchema;
  /** The item's schemaRef and keyId: disclosed messages 0 and 1. */
  readonly schemaRef: string;
  readonly keyId: string;
  /** The item's disclosed values (attribute names, `validFrom`, `validUntil`). */
  readonly disclosed: Readonly<Record<string, AttributeValue>>;
  readonly proof: Uint8Array;
  readonly pseudonym: Uint8Array;
  readonly presentationHeader: Uint8Array;
  readonly contextId: Uint8Array;
  /** The item's proven constraints and their proof; absent or empty: none. */
  readonly proven?: readonly ProvenConstraint[];
  readonly predicateProof?: Uint8Array;
}

/**
 * ProofVerifyWithNym for one item: true when the proof shows a signature by `publicKey` over
 * these disclosed values, bound to this presentation header, with a hidden holder secret whose
 * pseudonym for `contextId` is `pseudonym`. A well-formed proof that does not verify, or has
 * the wrong length for this schema and disclosure, gives false. Malformed input throws
 * (`BbsError`, `CredentialEncodingError`, `CredentialCryptoError` `UNSUPPORTED_SUITE`).
 */
export function verifyItem(params: VerifyItemParams): boolean {
  return verifyItemDetailed(params) === 'valid';
}

/**
 * As `verifyItem`, telling a failed BBS proof (`proof`) from predicates that do not hold once
 * the BBS proof with their commitments verified (`predicate`).
 */
export function verifyItemDetailed(params: VerifyItemParams): 'valid' | 'proof' | 'predicate' {
  const ciphersuite = credentialSuite(params.suite);
  const { indexes, scalars } = disclosedScalars(
    params.schema,
    { schemaRef: params.schemaRef, issuerKeyId: params.keyId, disclosed: params.disclosed },
    credentialEncodingContext(ciphersuite),
  );
  if (!(params.proof instanceof Uint8Array)) throw new BbsError('INVALID_TYPE', 'proof', 'expected a Uint8Array');
  // The layout is fixed (M = 0, N = 1): a proof over any other shape is not a privid proof.
  if (params.proof.length !== expectedProofLength(params.schema, indexes.length - 2)) return 'proof';
  const bbsVerify = (presentationHeader: Uint8Array) =>
    proofVerifyWithNymScalars({
      ciphersuite,
      publicKey: params.publicKey,
      proof: params.proof,
      pseudonym: params.pseudonym,
      contextId: params.contextId,
      header: CREDENTIAL_HEADER,
      presentationHeader,
      signerMessageCount: messageCount(params.schema),
      nymCount: CREDENTIAL_NYM_COUNT,
      disclosedIndexes: indexes,
      disclosedMessageScalars: scalars,
    });
  const proven = params.proven ?? [];
  if (proven.length === 0) {
    if (params.predicateProof !== undefined) return 'proof';
    return bbsVerify(params.presentationHeader) ? 'valid' : 'proof';
  }
  if (!(params.predicateProof instanceof Uint8Array)) return 'predicate';
  let bbsValid = false;
  const valid = verifyPredicates({
    ciphersuite,
    predicates: bbsPredicates(params.schema, proven, credentialEncodingContext(ciphersuite)),
    signerMessageCount: messageCount(params.schema),
    disclosedIndexes: indexes,
    presentationHeader: params.presentationHeader,
    bbsProof: params.proof,
    predicateProof: params.predicateProof,
    bbsVerify: (ph) => (bbsValid = bbsVerify(ph)),
  });
  if (valid) return 'valid';
  return bbsValid ? 'predicate' : 'proof';
}
