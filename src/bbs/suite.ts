/**
 * One small interface over every signature suite privid can issue with, so that credential,
 * issuer and verifier code never branch on the suite: an issuer key names its suite, and the
 * suite does the cryptography.
 *
 * - `BLS12-381-SHA-256` (default) and `BLS12-381-SHAKE-256`: the IETF draft, pure JS (this folder).
 * - `BBS+2020`: the legacy BbsBlsSignature2020 suite, over WASM; lives in `privid/bbs/legacy`
 *   so the browser-safe core never loads WASM.
 *
 * Methods are async because the legacy suite's WASM is; the IETF suites resolve immediately.
 */
import { CIPHERSUITE_NAMES, type CiphersuiteName } from './ciphersuites.js';
import { BbsError } from './errors.js';
import { keyGen, proofGen, proofVerify, sign, skToPk, verify } from './interface.js';

export type SuiteId = CiphersuiteName | 'BBS+2020';
export const DEFAULT_SUITE: SuiteId = 'BLS12-381-SHA-256';

export interface KeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface SuiteSignParams {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly header?: Uint8Array;
  readonly messages: readonly Uint8Array[];
}

export interface SuiteVerifyParams {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly header?: Uint8Array;
  readonly messages: readonly Uint8Array[];
}

export interface SuiteProofGenParams {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly header?: Uint8Array;
  readonly presentationHeader?: Uint8Array;
  readonly messages: readonly Uint8Array[];
  readonly disclosedIndexes: readonly number[];
}

export interface SuiteProofVerifyParams {
  readonly publicKey: Uint8Array;
  readonly proof: Uint8Array;
  readonly header?: Uint8Array;
  readonly presentationHeader?: Uint8Array;
  readonly disclosedMessages: readonly Uint8Array[];
  readonly disclosedIndexes: readonly number[];
}

export interface BbsSuite {
  readonly id: SuiteId;
  /** Length of a public key in bytes (a compressed G2 point for every suite here). */
  readonly publicKeyLength: number;
  /** Derives a key pair from at least 32 bytes of secret key material. */
  keyPair(keyMaterial: Uint8Array): Promise<KeyPair>;
  sign(params: SuiteSignParams): Promise<Uint8Array>;
  verify(params: SuiteVerifyParams): Promise<boolean>;
  proofGen(params: SuiteProofGenParams): Promise<Uint8Array>;
  proofVerify(params: SuiteProofVerifyParams): Promise<boolean>;
}

/** The IETF suites as `BbsSuite`s. */
export function ietfSuite(ciphersuite: CiphersuiteName): BbsSuite {
  if (!CIPHERSUITE_NAMES.includes(ciphersuite)) {
    throw new BbsError('UNSUPPORTED_CIPHERSUITE', 'suite', `unknown IETF ciphersuite ${String(ciphersuite)}`);
  }
  return Object.freeze({
    id: ciphersuite,
    publicKeyLength: 96,
    keyPair: async (keyMaterial: Uint8Array) => {
      const secretKey = keyGen({ ciphersuite, keyMaterial });
      return { secretKey, publicKey: skToPk({ ciphersuite, secretKey }) };
    },
    sign: async (params: SuiteSignParams) => sign({ ...params, ciphersuite }),
    verify: async (params: SuiteVerifyParams) => verify({ ...params, ciphersuite }),
    proofGen: async (params: SuiteProofGenParams) => proofGen({ ...params, ciphersuite }),
    proofVerify: async (params: SuiteProofVerifyParams) => proofVerify({ ...params, ciphersuite }),
  });
}
