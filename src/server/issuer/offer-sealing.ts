/**
 * Crypto-shredding of offer attribute values: an offer's values are stored only encrypted, under a
 * key that only the offer's code can re-derive. The server keeps the code only as its SHA-256
 * (`Offer.codeHash`), so once the offer is redeemed, cancelled or expired and the ciphertext column
 * is set to NULL, what is left on disk of it (PostgreSQL's dead tuples, WAL segments, PGlite's files,
 * backups) is ciphertext whose key nobody holds.
 *
 * - key = HKDF-SHA256(ikm = the code (UTF-8), salt = empty, info = label): HKDF-Extract is
 *   HMAC-SHA256 keyed by the salt over the code, which needs the code itself; SHA-256(code), the
 *   stored hash, does not give it (nor does it give the code: 32 random bytes).
 * - sealed = version (1) || nonce (12 random bytes) || AES-256-GCM(key, nonce, canonical JSON of the
 *   values, aad = "privid offer attributes v1" || offer id) || tag (16): the offer id as associated
 *   data binds the ciphertext to its row.
 * - The Idempotency-Key body hash (Offer.requestHash, compared on replays) is an HMAC under another
 *   key derived from the code, for the same reason: a keyed hash of the body under a server key
 *   would let whoever holds that key and a backup test guesses of the values.
 *
 * An offer created with an Idempotency-Key has a code that the server can recompute from the KEK,
 * the lab id and the Idempotency-Key (to answer replays); the Idempotency-Key itself is stored only
 * as a keyed hash. Shredding then rests on that key being unguessable (a UUID, as the API asks).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ATTRIBUTES_LABEL = 'privid offer attributes v1';
const REQUEST_HASH_LABEL = 'privid offer request hash v1';

export class SealedAttributesError extends Error {
  override readonly name = 'SealedAttributesError';
}

function keyFromCode(code: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(code, 'utf8'), Buffer.alloc(0), label, 32));
}

function aad(offerId: string): Buffer {
  return Buffer.from(`${ATTRIBUTES_LABEL}\u0000${offerId}`, 'utf8');
}

/** Encrypts an offer's attribute values (JSON text) under the key its code derives. */
export function sealAttributes(code: string, offerId: string, valuesJson: string): Uint8Array<ArrayBuffer> {
  const key = keyFromCode(code, ATTRIBUTES_LABEL);
  const nonce = randomBytes(NONCE_BYTES);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad(offerId));
    const body = Buffer.concat([cipher.update(valuesJson, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]);
    return new Uint8Array(sealed);
  } finally {
    key.fill(0);
  }
}

/** Decrypts what sealAttributes made; throws SealedAttributesError for a wrong code or altered bytes. */
export function openAttributes(code: string, offerId: string, sealed: Uint8Array): string {
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
    throw new SealedAttributesError('the sealed attribute values are malformed');
  }
  const bytes = Buffer.from(sealed);
  const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const body = bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES);
  const key = keyFromCode(code, ATTRIBUTES_LABEL);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad(offerId));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedAttributesError('the sealed attribute values do not open with this code');
  } finally {
    key.fill(0);
  }
}

/** The hash of a creating request's body kept for Idempotency-Key replays: an HMAC under a key of the code. */
export function requestHashOf(code: string, canonicalBody: string): string {
  const key = keyFromCode(code, REQUEST_HASH_LABEL);
  try {
    return createHmac('sha256', key).update(canonicalBody, 'utf8').digest('hex');
  } finally {
    key.fill(0);
  }
}
