// The wallet's side of issuance, for the API tests, with privid/credential's holder functions: a
// holder secret, the issuance request (a commitment to the secret with its proof of knowledge),
// the checks the wallet makes on the credential it gets, and a selective-disclosure proof.
import { randomBytes } from 'node:crypto';

import {
  builtinSchemaRegistry,
  createIssuanceRequest,
  finalizeCredential,
  fromBase64urlOrUndefined,
  generateHolderSecret,
  parseCredentialOffer,
  proveItem,
  pseudonymContext,
  verifyItem,
  type CredentialOffer,
  type CredentialSchema,
  type IssuanceRequest,
  type PendingIssuance,
} from '../../../src/credential/index.js';

export interface Holder {
  readonly secret: Uint8Array;
  readonly offer: CredentialOffer;
  readonly request: IssuanceRequest;
  readonly pending: PendingIssuance;
  readonly commitmentWithProof: Uint8Array;
}

/** A wallet answering an offer: a fresh holder secret (or the given one) and its issuance request. */
export function holderFor(offer: unknown, secret: Uint8Array = generateHolderSecret()): Holder {
  const parsed = parseCredentialOffer(offer);
  const { request, pending } = createIssuanceRequest({ offer: parsed, holderSecret: secret });
  return {
    secret,
    offer: parsed,
    request,
    pending,
    commitmentWithProof: fromBase64urlOrUndefined(request.commitmentWithProof)!,
  };
}

/** The request with another commitment in it (tampered or malformed). */
export function withCommitment(holder: Holder, commitmentWithProof: Uint8Array): IssuanceRequest {
  return { ...holder.request, commitmentWithProof: Buffer.from(commitmentWithProof).toString('base64url') };
}

/** The holder's commitment with one bit of its proof changed: well formed, but the proof fails. */
export function tamperedCommitment(holder: Holder): Uint8Array {
  const bytes = new Uint8Array(holder.commitmentWithProof);
  // The lowest bit of the proof's last scalar: still a scalar in range.
  bytes[bytes.length - 1]! ^= 1;
  return bytes;
}

export interface IssuedCredential {
  suite: 'BLS12-381-SHA-256' | 'BLS12-381-SHAKE-256';
  issuerId: string;
  keyId: string;
  schemaRef: string;
  validFrom: number;
  validUntil: number;
  attributes: Record<string, string | number | boolean>;
  signature: string;
}

const schemas = builtinSchemaRegistry();

export function schemaOf(credential: { schemaRef: string }): CredentialSchema {
  return schemas.require(credential.schemaRef);
}

/** What the wallet checks before storing the credential; throws CredentialCryptoError if it fails. */
export function finalize(holder: Holder, credential: unknown, publicKey: Uint8Array) {
  return finalizeCredential({
    credential,
    pending: holder.pending,
    holderSecret: holder.secret,
    publicKey,
    schema: schemaOf(credential as { schemaRef: string }),
    secretId: 'wallet-secret-1',
  });
}

/** Whether the wallet accepts the credential. */
export function verifyCredential(credential: unknown, publicKey: Uint8Array, holder: Holder): boolean {
  try {
    finalize(holder, credential, publicKey);
    return true;
  } catch {
    return false;
  }
}

/** A selective-disclosure proof of `disclose` (the holder secret stays hidden), checked as a venue would. */
export function proveAndVerify(
  credential: IssuedCredential,
  publicKey: Uint8Array,
  holder: Holder,
  disclose: string[],
): boolean {
  const schema = schemaOf(credential);
  const { secretProverBlind } = finalize(holder, credential, publicKey);
  const presentationHeader = randomBytes(64);
  const contextId = pseudonymContext({ origin: 'https://venue.test', verifierId: 'venue.test', scope: 'entry' });
  const item = proveItem({
    credential,
    schema,
    publicKey,
    holderSecret: holder.secret,
    secretProverBlind,
    disclose,
    presentationHeader,
    contextId,
  });
  return verifyItem({
    suite: credential.suite,
    publicKey,
    schema,
    schemaRef: credential.schemaRef,
    keyId: credential.keyId,
    disclosed: item.disclosed,
    proof: item.proof,
    pseudonym: item.pseudonym,
    presentationHeader,
    contextId,
  });
}
