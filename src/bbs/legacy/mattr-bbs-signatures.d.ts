/**
 * Types for the part of `@mattrglobal/bbs-signatures` (2.0.0) that `../legacy.ts` uses.
 *
 * The package's own `lib/index.d.ts` re-exports `.ts` sources from `lib/types/`, which TypeScript
 * then compiles as part of this project and rejects under `verbatimModuleSyntax`. So
 * `legacy.ts` imports the WASM build (`lib/wasm_module.js`, what `lib/index.js` loads when the
 * deprecated native Node module is absent) directly, typed here.
 */
declare module '@mattrglobal/bbs-signatures/lib/wasm_module.js' {
  export interface BlsKeyPair {
    readonly publicKey: Uint8Array;
    readonly secretKey?: Uint8Array;
  }
  export interface BbsVerifyResult {
    readonly verified: boolean;
    readonly error?: string;
  }
  export function generateBls12381G2KeyPair(seed?: Uint8Array): Promise<Required<BlsKeyPair>>;
  export function blsSign(request: {
    readonly keyPair: BlsKeyPair;
    readonly messages: readonly Uint8Array[];
  }): Promise<Uint8Array>;
  export function blsVerify(request: {
    readonly publicKey: Uint8Array;
    readonly signature: Uint8Array;
    readonly messages: readonly Uint8Array[];
  }): Promise<BbsVerifyResult>;
  export function blsCreateProof(request: {
    readonly signature: Uint8Array;
    readonly publicKey: Uint8Array;
    readonly messages: readonly Uint8Array[];
    readonly nonce: Uint8Array;
    readonly revealed: readonly number[];
  }): Promise<Uint8Array>;
  export function blsVerifyProof(request: {
    readonly proof: Uint8Array;
    readonly publicKey: Uint8Array;
    readonly messages: readonly Uint8Array[];
    readonly nonce: Uint8Array;
  }): Promise<BbsVerifyResult>;
}
