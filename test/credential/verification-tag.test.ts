// The tag that lets a wallet skip re-verifying its own credentials: it matches only the exact
// suite, key, signature, blind, messages and holder secret it was made for.
import { describe, expect, it } from 'vitest';
import { verificationTag, verificationTagMatches, type VerificationTagInput } from '../../src/credential/index.js';

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
const base: VerificationTagInput = {
  suite: 'BLS12-381-SHA-256',
  publicKey: bytes(96, 1),
  signature: bytes(80, 2),
  secretProverBlind: 3n,
  messageScalars: [4n, 5n, 6n],
  holderSecret: 7n,
};

describe('verification tag', () => {
  const tag = verificationTag(base);

  it('is 32 bytes, deterministic, and matches its own input', () => {
    expect(tag).toHaveLength(32);
    expect(verificationTag(base)).toEqual(tag);
    expect(verificationTagMatches(tag, base)).toBe(true);
  });

  it('does not match when anything it covers changes', () => {
    const variants: Partial<VerificationTagInput>[] = [
      { suite: 'BLS12-381-SHAKE-256' },
      { publicKey: bytes(96, 9) },
      { signature: bytes(80, 9) },
      { secretProverBlind: 4n },
      { messageScalars: [4n, 5n, 7n] },
      { messageScalars: [4n, 5n] },
      { holderSecret: 8n },
    ];
    for (const variant of variants) expect(verificationTagMatches(tag, { ...base, ...variant })).toBe(false);
  });

  it('rejects absent, short and altered tags', () => {
    expect(verificationTagMatches(undefined, base)).toBe(false);
    expect(verificationTagMatches(tag.subarray(0, 31), base)).toBe(false);
    const altered = Uint8Array.from(tag);
    altered[31]! ^= 1;
    expect(verificationTagMatches(altered, base)).toBe(false);
  });
});
