/**
 * Bearer secrets (admin token, API keys, offer codes): generated with the CSPRNG, shown once,
 * stored only as SHA-256 hashes, compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new secret: a readable prefix naming its kind, then 32 random bytes in base64url. */
export function generateSecret(kind: 'adm' | 'lab' | 'ven' | 'ofr'): string {
  return `${kind}_${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 hex of a secret: secrets are high-entropy, so a plain hash is enough (no KDF needed). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The non-secret lookup prefix stored beside the hash (kind + first characters). */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 12);
}

/** Constant-time equality of two hex digests (or any equal-length strings). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Still spend the comparison so timing does not reveal the length mismatch early.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
