/**
 * Batch verification of BBS proofs: the final pairing check of many proof verifications done as
 * one combined equation, with a bisection that finds exactly the failing ones.
 *
 * A proof verification (CoreProofVerify, CoreProofVerifyWithNym) ends with the one pairing
 * equation h(Abar, W) * h(Bbar, -BP2) == Identity_GT, after everything else (decoding, the
 * challenge) has passed. `deferPairingChecks(run)` runs ordinary single verifications in a scope
 * where that last step does not run but is recorded as a claim and provisionally taken as true;
 * `checkPairingClaims` then checks all recorded claims at once with random coefficients
 * (`pairingCheckCombined` in curve.ts) and, if the combined check fails, bisects to find the
 * failing claims. Each caller decides what a failing claim means for its result; a single
 * verification re-run outside the scope gives the exact single-verification result.
 *
 * The scope is dynamic (a module variable set for the duration of a synchronous call), so the
 * verification code paths and their public parameters stay exactly those of single verification.
 *
 * Soundness (docs/performance.md has the argument): coefficients are 64-bit, nonzero, drawn from
 * the platform CSPRNG after the claims are fixed, so a prover cannot choose proofs as a function
 * of them; a set containing a false claim passes one combined check with probability <= 2^-64.
 */
import { bytesToHex } from './bytes.js';
import { pairingCheckCombined, pairingCheckWithBase, type PairingClaim } from './curve.js';
import { randomBytes } from './hashing.js';

export type { PairingClaim } from './curve.js';

/** Bits of each random coefficient: the per-check soundness error is 2^-COEFFICIENT_BITS. */
export const COEFFICIENT_BITS = 64;

let collector: PairingClaim[] | undefined;

/**
 * The last step of a proof verification: checks the claim now, or, inside deferPairingChecks,
 * records it and answers true for the time being.
 */
export function checkOrDeferPairingClaim(claim: PairingClaim): boolean {
  if (collector) {
    collector.push(claim);
    return true;
  }
  return pairingCheckWithBase(claim.P, claim.publicKey, claim.Q);
}

/**
 * Runs `run` (synchronous single verifications) with their final pairing checks recorded instead
 * of performed. The value is provisional: it holds only if every returned claim holds.
 * A `run` that throws records nothing (its claims are dropped with the exception).
 */
export function deferPairingChecks<T>(run: () => T): { readonly value: T; readonly claims: PairingClaim[] } {
  const outer = collector;
  const claims: PairingClaim[] = [];
  collector = claims;
  try {
    const value = run();
    return { value, claims };
  } finally {
    collector = outer;
  }
}

/** Nonzero coefficients below 2^COEFFICIENT_BITS from the platform CSPRNG. */
export function randomCoefficients(count: number): bigint[] {
  const bytesPer = COEFFICIENT_BITS / 8;
  const out: bigint[] = [];
  while (out.length < count) {
    const bytes = randomBytes(bytesPer * (count - out.length));
    for (let i = 0; i < bytes.length; i += bytesPer) {
      const d = BigInt(`0x${bytesToHex(bytes.subarray(i, i + bytesPer))}`);
      // Zero would drop a claim from the check; redraw it (probability 2^-64).
      if (d !== 0n) out.push(d);
    }
  }
  return out;
}

/**
 * One combined check over `claims` with fresh random coefficients. Empty: true. A single claim
 * needs no randomness: it is checked exactly, as single verification does.
 */
export function combinedCheck(claims: readonly PairingClaim[]): boolean {
  if (claims.length === 1) return pairingCheckWithBase(claims[0]!.P, claims[0]!.publicKey, claims[0]!.Q);
  return pairingCheckCombined(claims, randomCoefficients(claims.length));
}

/**
 * Indexes (ascending) of the claims that fail: one combined check when all hold; otherwise a
 * bisection with fresh coefficients at every check. A range is split only after its combined check
 * failed, and a single claim is always decided by its own exact check (one claim with a nonzero
 * coefficient is equivalent to the single pairing check), so a claim is reported failing only if
 * it really fails; b failing claims among k cost at most about 2b*log2(k) + 1 combined checks.
 */
export function findFailingClaims(
  claims: readonly PairingClaim[],
  check: (claims: readonly PairingClaim[]) => boolean = combinedCheck,
): number[] {
  const failing: number[] = [];
  // knownToFail: the parent failed and the left sibling passed, so this range holds a failing
  // claim unless the sibling's pass was the 2^-64 accident; skipping its check saves one.
  const visit = (lo: number, hi: number, knownToFail: boolean): void => {
    if (hi - lo === 1) {
      if (!check(claims.slice(lo, hi))) failing.push(lo);
      return;
    }
    if (!knownToFail && check(claims.slice(lo, hi))) return;
    const mid = lo + Math.ceil((hi - lo) / 2);
    const before = failing.length;
    visit(lo, mid, false);
    visit(mid, hi, failing.length === before);
  };
  if (claims.length > 0) visit(0, claims.length, false);
  return failing;
}

/**
 * For verifications run under deferPairingChecks: which of them hold once their claims are
 * checked. `claimsOf[j]` are verification j's claims; the answer says, per verification, whether
 * all of its claims hold (a verification without claims trivially does).
 */
export function checkPairingClaims(claimsOf: readonly (readonly PairingClaim[])[]): boolean[] {
  const all: PairingClaim[] = [];
  const owner: number[] = [];
  claimsOf.forEach((claims, j) => {
    for (const claim of claims) {
      all.push(claim);
      owner.push(j);
    }
  });
  const holds = claimsOf.map(() => true);
  for (const index of findFailingClaims(all)) holds[owner[index]!] = false;
  return holds;
}
