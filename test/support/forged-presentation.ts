/**
 * A forgery that only the final pairing check catches: a presentation item whose proof is a real
 * zero-knowledge proof (so its challenge verifies) over a "signature" (A, e) that no issuer made.
 * The disclosed values, presentation header and pseudonym context are those of a genuine item, so
 * every check before the pairing passes; batch verification must still reject exactly this item.
 */
import {
  blindLayoutContext,
  concatBytes,
  coreProofGenWithNym,
  getCiphersuite,
  i2osp,
  pointToOctetsG1,
  pseudonymApiId,
  randomScalars,
} from '../../src/bbs/index.js';
import { G1 } from '../../src/bbs/curve.js';
import {
  builtinSchemaRegistry,
  CREDENTIAL_HEADER,
  credentialEncodingContext,
  disclosedScalars,
  fromBase64url,
  messageCount,
  presentationContextId,
  presentationHeader,
  toBase64url,
  type Presentation,
  type PresentationRequest,
} from '../../src/credential/index.js';

/** A copy of `presentation` whose item `groupIndex` carries a forged proof and pseudonym. */
export function withForgedItem(
  presentation: Presentation,
  request: PresentationRequest,
  publicKey: Uint8Array,
  groupIndex = 0,
  origin?: string,
): Presentation {
  const item = presentation.items[groupIndex]!;
  if (item.suite !== 'BLS12-381-SHA-256' && item.suite !== 'BLS12-381-SHAKE-256') throw new Error('IETF suites only');
  const cs = getCiphersuite(item.suite);
  const schema = builtinSchemaRegistry().resolve(item.schemaRef);
  if (!schema) throw new Error(`unknown schema ${item.schemaRef}`);
  const { indexes, scalars } = disclosedScalars(
    schema,
    { schemaRef: item.schemaRef, issuerKeyId: item.keyId, disclosed: item.disclosed },
    credentialEncodingContext(item.suite),
  );
  const [random] = randomScalars(cs)(1) as [bigint];
  // Signer messages: the disclosed ones as they are, anything for the rest; then blind and nym.
  const L = messageCount(schema);
  const messages = Array.from({ length: L }, (_, i) => {
    const k = indexes.indexOf(i);
    return k >= 0 ? scalars[k]! : random + BigInt(i);
  });
  const [blind, nym, a, e] = randomScalars(cs)(4) as [bigint, bigint, bigint, bigint];
  const { proof, pseudonym } = coreProofGenWithNym(
    blindLayoutContext(cs, pseudonymApiId(cs), L, 2),
    publicKey,
    { A: G1.BASE.multiply(a), e },
    concatBytes(CREDENTIAL_HEADER, i2osp(1, 8)),
    presentationHeader({
      nonce: presentation.nonce,
      verifierId: presentation.verifierId,
      requestId: presentation.requestId,
      groupIndex,
    }),
    presentationContextId(request, { origin, salt: presentation.salt }),
    [...messages, blind, nym],
    1,
    indexes,
    randomScalars(cs),
  );
  // Sanity: a different proof of the same length as the genuine one.
  if (fromBase64url(item.proof).length !== proof.length) throw new Error('forged proof has another layout');
  const items = presentation.items.map((other, i) =>
    i === groupIndex
      ? { ...other, proof: toBase64url(proof), pseudonym: toBase64url(pointToOctetsG1(pseudonym)) }
      : other,
  );
  return { ...presentation, items };
}
