/** A signer and a core-BBS prover/verifier over integer message scalars, for predicate tests. */
import {
  coreProofGen,
  coreProofVerifyDecoded,
  coreSign,
  createGenerators,
  getCiphersuite,
  keyGen,
  octetsToProof,
  octetsToSignature,
  provePredicates,
  signaturesApiId,
  skToPk,
  verifyPredicates,
  type CiphersuiteName,
  type CoreContext,
  type Predicate,
  type RandomScalars,
} from '../../src/bbs/index.js';
import { os2ip } from '../../src/bbs/bytes.js';

export interface Signed {
  readonly ciphersuite: CiphersuiteName;
  readonly ctx: CoreContext;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly messages: bigint[];
}

const HEADER = new Uint8Array([1, 2, 3]);

export function signScalars(messages: readonly bigint[], ciphersuite: CiphersuiteName = 'BLS12-381-SHA-256'): Signed {
  const cs = getCiphersuite(ciphersuite);
  const secretKey = keyGen({ ciphersuite, keyMaterial: new Uint8Array(32).fill(9) });
  const publicKey = skToPk({ ciphersuite, secretKey });
  const apiId = signaturesApiId(cs);
  const ctx = { cs, apiId, generators: createGenerators(cs, messages.length + 1, apiId) };
  const signature = coreSign(ctx, os2ip(secretKey), publicKey, HEADER, messages);
  return { ciphersuite, ctx, publicKey, signature, messages: [...messages] };
}

export function prove(
  signed: Signed,
  predicates: readonly Predicate[],
  disclosedIndexes: readonly number[],
  presentationHeader: Uint8Array,
  options: { randomScalars?: RandomScalars; messagesForPredicates?: readonly bigint[] } = {},
): { proof: Uint8Array; predicateProof: Uint8Array } {
  const { bbs, predicateProof } = provePredicates({
    ciphersuite: signed.ciphersuite,
    predicates,
    messageScalars: options.messagesForPredicates ?? signed.messages,
    disclosedIndexes,
    presentationHeader,
    randomScalars: options.randomScalars,
    bbsProve: (ph, randomScalars) => ({
      proof: coreProofGen(
        signed.ctx,
        signed.publicKey,
        octetsToSignature(signed.signature),
        HEADER,
        ph,
        signed.messages,
        disclosedIndexes,
        randomScalars,
      ),
    }),
  });
  return { proof: bbs.proof, predicateProof };
}

export function verify(
  signed: Signed,
  predicates: readonly Predicate[],
  disclosedIndexes: readonly number[],
  presentationHeader: Uint8Array,
  proof: Uint8Array,
  predicateProof: Uint8Array,
): boolean {
  return verifyPredicates({
    ciphersuite: signed.ciphersuite,
    predicates,
    signerMessageCount: signed.messages.length,
    disclosedIndexes,
    presentationHeader,
    bbsProof: proof,
    predicateProof,
    bbsVerify: (ph) =>
      coreProofVerifyDecoded(
        signed.ctx,
        signed.publicKey,
        octetsToProof(proof),
        HEADER,
        ph,
        disclosedIndexes.map((i) => signed.messages[i]!),
        disclosedIndexes,
      ),
  });
}
