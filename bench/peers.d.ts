/**
 * Types for the benchmark's pure-JS peer, which ships none: only what bench/implementations.ts
 * calls. (@mattrglobal/pairing-crypto is typed in implementations.ts and loaded with a dynamic
 * import, because its own typings re-export `.ts` sources that do not compile in this project.)
 */
declare module '@digitalbazaar/bbs-signatures' {
  export type Ciphersuite = 'BLS12-381-SHA-256' | 'BLS12-381-SHAKE-256';
  export function generateKeyPair(options: {
    seed?: Uint8Array;
    ciphersuite: Ciphersuite;
  }): Promise<{ secretKey: Uint8Array; publicKey: Uint8Array }>;
  export function sign(options: {
    secretKey: Uint8Array;
    publicKey?: Uint8Array;
    header: Uint8Array;
    messages: readonly Uint8Array[];
    ciphersuite: Ciphersuite;
  }): Promise<Uint8Array>;
  export function verifySignature(options: {
    publicKey: Uint8Array;
    signature: Uint8Array;
    header: Uint8Array;
    messages: readonly Uint8Array[];
    ciphersuite: Ciphersuite;
  }): Promise<boolean>;
  export function deriveProof(options: {
    publicKey: Uint8Array;
    signature: Uint8Array;
    header: Uint8Array;
    messages: readonly Uint8Array[];
    presentationHeader: Uint8Array;
    disclosedMessageIndexes: readonly number[];
    ciphersuite: Ciphersuite;
  }): Promise<Uint8Array>;
  export function verifyProof(options: {
    publicKey: Uint8Array;
    proof: Uint8Array;
    header: Uint8Array;
    presentationHeader: Uint8Array;
    disclosedMessages: readonly Uint8Array[];
    disclosedMessageIndexes: readonly number[];
    ciphersuite: Ciphersuite;
  }): Promise<boolean>;
}
