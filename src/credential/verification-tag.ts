/**
 * The wallet's proof to itself that it verified a credential: a tag stored with the credential so
 * that presenting can skip re-verifying the signature (a pairing: over a second on a phone's
 * JavaScript engine, docs/holder-sdk.md "React Native") without trusting whatever sits in the
 * credential store.
 *
 *   tag = HMAC-SHA-256(key = holder secret (32 bytes),
 *                      "privid/holder/verified-credential/v1" || suite || PK || signature ||
 *                      secret_prover_blind || the signed message scalars)
 *
 * It covers exactly what the signature check covered, keyed by the secret the credential is bound
 * to: a record copied into another wallet (another holder secret), edited contents, another key or
 * another blind all give another tag, and the wallet then verifies the signature as before. The
 * tag never leaves the wallet and says nothing about the secret (HMAC is a PRF).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, i2osp, type CiphersuiteName } from '../bbs/index.js';
import { utf8 } from './bytes.js';

const TAG_DOMAIN = utf8('privid/holder/verified-credential/v1');
export const VERIFICATION_TAG_BYTES = 32;

export interface VerificationTagInput {
  readonly suite: CiphersuiteName;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly secretProverBlind: bigint;
  readonly messageScalars: readonly bigint[];
  readonly holderSecret: bigint;
}

export function verificationTag(input: VerificationTagInput): Uint8Array {
  const key = i2osp(input.holderSecret, 32);
  try {
    return hmac(
      sha256,
      key,
      concatBytes(
        TAG_DOMAIN,
        i2osp(input.suite.length, 1),
        utf8(input.suite),
        input.publicKey,
        input.signature,
        i2osp(input.secretProverBlind, 32),
        i2osp(input.messageScalars.length, 2),
        ...input.messageScalars.map((m) => i2osp(m, 32)),
      ),
    );
  } finally {
    key.fill(0);
  }
}

/** Constant-time comparison of a stored tag with the recomputed one. */
export function verificationTagMatches(stored: Uint8Array | undefined, input: VerificationTagInput): boolean {
  if (!(stored instanceof Uint8Array) || stored.length !== VERIFICATION_TAG_BYTES) return false;
  const expected = verificationTag(input);
  let difference = 0;
  for (let i = 0; i < VERIFICATION_TAG_BYTES; i++) difference |= stored[i]! ^ expected[i]!;
  return difference === 0;
}
