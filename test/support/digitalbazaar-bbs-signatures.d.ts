/**
 * Types for the public API of `@digitalbazaar/bbs-signatures` (3.0.0, pure JS, no typings of its
 * own), the independent implementation the interop suite checks privid against. Taken from its
 * `lib/index.js`: every byte string is a Uint8Array, `header` and `presentationHeader` are
 * required (pass an empty array for "none"), and the ciphersuite is named as in privid.
 */
declare module '@digitalbazaar/bbs-signatures' {
  export type PeerCiphersuite = 'BLS12-381-SHA-256' | 'BLS12-381-SHAKE-256';

  export const CIPHERSUITES: {
    readonly BLS12381_SHAKE256: 'BLS12-381-SHAKE-256';
    readonly BLS12381_SHA256: 'BLS12-381-SHA-256';
  };

  /** KeyGen with key_dst = ciphersuite_id || "KEYGEN_DST_" (draft-05); `seed` is key_material. */
  export function generateKeyPair(params: {
    readonly seed?: Uint8Array;
    readonly ciphersuite: PeerCiphersuite;
  }): Promise<{ secretKey: Uint8Array; publicKey: Uint8Array }>;

  export function secretKeyToPublicKey(params: {
    readonly secretKey: Uint8Array;
    readonly ciphersuite: PeerCiphersuite;
  }): Promise<Uint8Array>;

  export function sign(params: {
    readonly secretKey: Uint8Array;
    readonly publicKey?: Uint8Array;
    readonly header: Uint8Array;
    readonly messages: readonly Uint8Array[];
    readonly ciphersuite: PeerCiphersuite;
  }): Promise<Uint8Array>;

  export function verifySignature(params: {
    readonly publicKey: Uint8Array;
    readonly signature: Uint8Array;
    readonly header: Uint8Array;
    readonly messages: readonly Uint8Array[];
    readonly ciphersuite: PeerCiphersuite;
  }): Promise<boolean>;

  export function deriveProof(params: {
    readonly publicKey: Uint8Array;
    readonly signature: Uint8Array;
    readonly header: Uint8Array;
    readonly messages: readonly Uint8Array[];
    readonly presentationHeader: Uint8Array;
    readonly disclosedMessageIndexes: readonly number[];
    readonly ciphersuite: PeerCiphersuite;
  }): Promise<Uint8Array>;

  export function verifyProof(params: {
    readonly publicKey: Uint8Array;
    readonly proof: Uint8Array;
    readonly header: Uint8Array;
    readonly presentationHeader: Uint8Array;
    readonly disclosedMessages: readonly Uint8Array[];
    readonly disclosedMessageIndexes: readonly number[];
    readonly ciphersuite: PeerCiphersuite;
  }): Promise<boolean>;
}
