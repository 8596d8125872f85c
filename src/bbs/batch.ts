/**
 * Batch proof verification: k ProofVerify / ProofVerifyWithNym calls (any keys, with and without
 * pseudonyms) whose final pairing checks are done as one combined equation (pairing-claims.ts).
 *
 * Each item is verified exactly as the single operation would (same input checks, same
 * BbsError for malformed input, same challenge check); only the last pairing equation is shared.
 * A failing combined check is bisected, so each item's verdict is its single verification's
 * verdict, except with probability at most 2^-64 per combined check that a false proof is
 * accepted (docs/performance.md).
 */
import { BbsError } from './errors.js';
import { proofVerify, type ProofVerifyParams } from './interface.js';
import { checkPairingClaims, deferPairingChecks, type PairingClaim } from './pairing-claims.js';
import { proofVerifyWithNym, type ProofVerifyWithNymParams } from './pseudonym/interface.js';

export type BatchProofItem =
  | { readonly kind: 'proof'; readonly params: ProofVerifyParams }
  | { readonly kind: 'proofWithNym'; readonly params: ProofVerifyWithNymParams };

/** What single verification would have said: true, false, or the BbsError it throws. */
export type BatchVerdict =
  | { readonly valid: true; readonly error?: undefined }
  | { readonly valid: false; readonly error?: undefined }
  | { readonly valid: false; readonly error: BbsError };

/** Verifies every item; verdicts in item order. Never throws for an item's bad input. */
export function batchProofVerify(items: readonly BatchProofItem[]): BatchVerdict[] {
  const provisional: (boolean | BbsError)[] = [];
  const claimsOf: PairingClaim[][] = [];
  for (const item of items) {
    try {
      const { value, claims } = deferPairingChecks(() => verifyOne(item));
      provisional.push(value);
      claimsOf.push(value ? claims : []);
    } catch (error) {
      if (!(error instanceof BbsError)) throw error;
      provisional.push(error);
      claimsOf.push([]);
    }
  }
  const holds = checkPairingClaims(claimsOf);
  return provisional.map((value, j): BatchVerdict => {
    if (value instanceof BbsError) return { valid: false, error: value };
    return value && holds[j] ? { valid: true } : { valid: false };
  });
}

function verifyOne(item: BatchProofItem): boolean {
  switch (item.kind) {
    case 'proof':
      return proofVerify(item.params);
    case 'proofWithNym':
      return proofVerifyWithNym(item.params);
    default:
      throw new BbsError('INVALID_TYPE', 'kind', 'expected "proof" or "proofWithNym"');
  }
}
