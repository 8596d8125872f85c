/**
 * The batch column of `npm run bench`: privid SHA-256 proofVerify of k proofs at once with
 * batchProofVerify (one combined pairing check, src/bbs/batch.ts), reported as milliseconds per
 * proof. The k proofs are distinct (each its own presentation header and randomness) and under
 * one issuer key, as at a venue's gate.
 */
import { batchProofVerify, keyGen, proofGen, sign, skToPk, type BatchProofItem } from '../src/bbs/index.js';
import type { Workload } from './implementations.js';

export const BATCH_SIZES = [1, 8, 32] as const;

/** `count` valid proof items over the workload's messages, under one key. */
export function batchItems(w: Workload, count: number): BatchProofItem[] {
  const ciphersuite = 'BLS12-381-SHA-256' as const;
  const secretKey = keyGen({ ciphersuite, keyMaterial: w.keyMaterials[1]! });
  const publicKey = skToPk({ ciphersuite, secretKey });
  const { header, messages, disclosedIndexes } = w;
  const signature = sign({ ciphersuite, secretKey, publicKey, header, messages });
  const disclosedMessages = disclosedIndexes.map((i) => messages[i]!);
  return Array.from({ length: count }, (_, i) => {
    const presentationHeader = Uint8Array.from([...w.presentationHeader.subarray(0, 28), 0, 0, i >> 8, i & 0xff]);
    const proof = proofGen({
      ciphersuite,
      publicKey,
      signature,
      header,
      presentationHeader,
      messages,
      disclosedIndexes,
    });
    return {
      kind: 'proof',
      params: { ciphersuite, publicKey, proof, header, presentationHeader, disclosedMessages, disclosedIndexes },
    };
  });
}

/** A task verifying the first k items as one batch; throws if any verdict is not valid. */
export function batchTask(items: readonly BatchProofItem[], k: number): () => void {
  const batch = items.slice(0, k);
  return () => {
    const verdicts = batchProofVerify(batch);
    if (!verdicts.every((v) => v.valid)) throw new Error('benchmark setup: a batched proof did not verify');
  };
}
