/**
 * The predicate benchmark's privid side: one presentation item over a vaccination record issued
 * through the real flow (createIssuanceRequest, the test issuer's issueCredential,
 * finalizeCredential, so proofs take the wallet's verified-tag path), proven with proveItem and
 * checked with verifyItemDetailed, with 0, 1 or 2 proven constraints. productClass is disclosed;
 * doseCount, validUntil and the rest are hidden.
 */
import {
  createIssuanceRequest,
  finalizeCredential,
  generateHolderSecret,
  oneTimeContext,
  presentationHeader,
  proveItem,
  toBase64url,
  verifyItemDetailed,
  type ItemProof,
  type ProvenConstraint,
} from '../src/credential/index.js';
import { schemas, TestIssuer, TODAY } from '../test/holder/support.js';

export const VACCINATION = 'privid:vaccination-record@1';

/** The item's proven constraints by count: none, doseCount >= 2, and validUntil >= today too. */
export const PROVEN_SETS: readonly (readonly ProvenConstraint[])[] = [
  [],
  [{ attribute: 'doseCount', op: 'gte', value: 2 }],
  [
    { attribute: 'doseCount', op: 'gte', value: 2 },
    { attribute: 'validUntil', op: 'gte', value: TODAY },
  ],
];

export interface PrividItem {
  readonly prove: () => ItemProof;
  readonly verify: (item: ItemProof) => boolean;
  /** proof + predicate proof + pseudonym bytes. */
  readonly bytes: (item: ItemProof) => number;
}

/** Issues one credential (doseCount 3, valid until today + 200) and returns item operations per proven set. */
export async function prividItems(): Promise<PrividItem[]> {
  const lab = new TestIssuer();
  const holderSecret = generateHolderSecret();
  const offer = lab.offer(VACCINATION, {
    attributes: { productClass: 'mrna', doseCount: 3, lastDoseDay: TODAY - 90 },
    validFrom: TODAY - 90,
    validUntil: TODAY + 200,
  });
  const schema = schemas.require(VACCINATION);
  const { request, pending } = createIssuanceRequest({ offer, holderSecret });
  const issued = await lab.redeem(offer, request);
  const publicKey = lab.key().publicKey;
  const { credential, secretProverBlind, verificationTag } = finalizeCredential({
    credential: issued,
    pending,
    publicKey,
    schema,
    holderSecret,
    secretId: 'bench-secret',
  });
  const verifierId = 'https://stadium.example';
  const ph = presentationHeader({
    nonce: toBase64url(crypto.getRandomValues(new Uint8Array(32))),
    verifierId,
    requestId: 'bench-request',
    groupIndex: 0,
  });
  const contextId = oneTimeContext({ verifierId, salt: crypto.getRandomValues(new Uint8Array(32)) });
  return PROVEN_SETS.map((proven) => {
    const prove = () =>
      proveItem({
        credential,
        schema,
        publicKey,
        holderSecret,
        secretProverBlind,
        verificationTag,
        disclose: ['productClass'],
        presentationHeader: ph,
        contextId,
        proven,
      });
    const verify = (item: ItemProof) =>
      verifyItemDetailed({
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
        proven,
        predicateProof: item.predicateProof,
      }) === 'valid';
    const item = prove();
    if (!verify(item)) throw new Error('benchmark setup: privid item did not verify');
    const bytes = (i: ItemProof) => i.proof.length + (i.predicateProof?.length ?? 0) + i.pseudonym.length;
    return { prove, verify, bytes };
  });
}
