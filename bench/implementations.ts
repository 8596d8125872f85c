/**
 * The BBS implementations the benchmark compares, behind one shape: given a workload, `prepare`
 * makes a key pair, a signature and a proof, checks that they verify, and returns the five
 * operations as closures over them.
 */
import * as digitalbazaar from '@digitalbazaar/bbs-signatures';
import * as mattr2020 from '@mattrglobal/bbs-signatures/lib/wasm_module.js';
import { keyGen, proofGen, proofVerify, sign, skToPk, verify, type CiphersuiteName } from '../src/bbs/index.js';
import { legacySuite } from '../src/bbs/legacy.js';

export const OPERATIONS = ['keyGen', 'sign', 'verify', 'proofGen', 'proofVerify'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface Workload {
  readonly messages: readonly Uint8Array[];
  readonly disclosedIndexes: readonly number[];
  /** Used by the implementations that support a header. */
  readonly header: Uint8Array;
  readonly presentationHeader: Uint8Array;
  /** Key material for keyGen: one entry per call, cycled, so no implementation can cache a result. */
  readonly keyMaterials: readonly Uint8Array[];
}

export type Operations = Record<Operation, () => Promise<unknown>>;

export interface Implementation {
  readonly id: string;
  /** Column header. */
  readonly label: string;
  readonly description: string;
  readonly header: boolean;
  prepare(workload: Workload): Promise<Operations>;
}

function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

function expectTrue(value: boolean, what: string): void {
  if (value !== true) throw new Error(`benchmark setup: ${what} did not verify`);
}

function privid(ciphersuite: CiphersuiteName, label: string): Implementation {
  return {
    id: `privid-${ciphersuite}`,
    label,
    description: `privid/bbs (src/bbs/index.ts), ${ciphersuite}: pure JS on @noble/curves`,
    header: true,
    async prepare(w) {
      const secretKey = keyGen({ ciphersuite, keyMaterial: w.keyMaterials[0]! });
      const publicKey = skToPk({ ciphersuite, secretKey });
      const { header, presentationHeader, messages, disclosedIndexes } = w;
      const signature = sign({ ciphersuite, secretKey, publicKey, header, messages });
      const proofParams = { ciphersuite, publicKey, signature, header, presentationHeader, messages, disclosedIndexes };
      const proof = proofGen(proofParams);
      const disclosedMessages = disclosedIndexes.map((i) => messages[i]!);
      const verifyProofParams = {
        ciphersuite,
        publicKey,
        proof,
        header,
        presentationHeader,
        disclosedMessages,
        disclosedIndexes,
      };
      expectTrue(verify({ ciphersuite, publicKey, signature, header, messages }), `${label} signature`);
      expectTrue(proofVerify(verifyProofParams), `${label} proof`);
      const nextKeyMaterial = cycle(w.keyMaterials);
      return {
        keyGen: async () => skToPk({ ciphersuite, secretKey: keyGen({ ciphersuite, keyMaterial: nextKeyMaterial() }) }),
        sign: async () => sign({ ciphersuite, secretKey, publicKey, header, messages }),
        verify: async () => verify({ ciphersuite, publicKey, signature, header, messages }),
        proofGen: async () => proofGen(proofParams),
        proofVerify: async () => proofVerify(verifyProofParams),
      };
    },
  };
}

const prividLegacy: Implementation = {
  id: 'privid-BBS+2020',
  label: 'privid BBS+2020',
  description: 'privid/bbs/legacy (src/bbs/legacy.ts): input checks over @mattrglobal/bbs-signatures (WASM), no header',
  header: false,
  async prepare(w) {
    const { publicKey, secretKey } = await legacySuite.keyPair(w.keyMaterials[0]!);
    const { presentationHeader, messages, disclosedIndexes } = w;
    const signature = await legacySuite.sign({ secretKey, publicKey, messages });
    const proofParams = { publicKey, signature, presentationHeader, messages, disclosedIndexes };
    const proof = await legacySuite.proofGen(proofParams);
    const disclosedMessages = disclosedIndexes.map((i) => messages[i]!);
    const verifyProofParams = { publicKey, proof, presentationHeader, disclosedMessages, disclosedIndexes };
    expectTrue(await legacySuite.verify({ publicKey, signature, messages }), 'privid BBS+2020 signature');
    expectTrue(await legacySuite.proofVerify(verifyProofParams), 'privid BBS+2020 proof');
    const nextKeyMaterial = cycle(w.keyMaterials);
    return {
      keyGen: () => legacySuite.keyPair(nextKeyMaterial()),
      sign: () => legacySuite.sign({ secretKey, publicKey, messages }),
      verify: () => legacySuite.verify({ publicKey, signature, messages }),
      proofGen: () => legacySuite.proofGen(proofParams),
      proofVerify: () => legacySuite.proofVerify(verifyProofParams),
    };
  },
};

const digitalbazaarPeer: Implementation = {
  id: 'digitalbazaar',
  label: 'digitalbazaar',
  description: '@digitalbazaar/bbs-signatures 3.0.0, BLS12-381-SHA-256: pure JS on @noble/curves 1.x',
  header: true,
  async prepare(w) {
    const ciphersuite = 'BLS12-381-SHA-256';
    const { publicKey, secretKey } = await digitalbazaar.generateKeyPair({ seed: w.keyMaterials[0]!, ciphersuite });
    const { header, presentationHeader, messages, disclosedIndexes } = w;
    const signature = await digitalbazaar.sign({ secretKey, publicKey, header, messages, ciphersuite });
    const deriveParams = {
      publicKey,
      signature,
      header,
      messages,
      presentationHeader,
      disclosedMessageIndexes: disclosedIndexes,
      ciphersuite,
    } as const;
    const proof = await digitalbazaar.deriveProof(deriveParams);
    const verifyProofParams = {
      publicKey,
      proof,
      header,
      presentationHeader,
      disclosedMessages: disclosedIndexes.map((i) => messages[i]!),
      disclosedMessageIndexes: disclosedIndexes,
      ciphersuite,
    } as const;
    expectTrue(
      await digitalbazaar.verifySignature({ publicKey, signature, header, messages, ciphersuite }),
      'digitalbazaar signature',
    );
    expectTrue(await digitalbazaar.verifyProof(verifyProofParams), 'digitalbazaar proof');
    const nextKeyMaterial = cycle(w.keyMaterials);
    return {
      keyGen: () => digitalbazaar.generateKeyPair({ seed: nextKeyMaterial(), ciphersuite }),
      sign: () => digitalbazaar.sign({ secretKey, publicKey, header, messages, ciphersuite }),
      verify: () => digitalbazaar.verifySignature({ publicKey, signature, header, messages, ciphersuite }),
      proofGen: () => digitalbazaar.deriveProof(deriveParams),
      proofVerify: () => digitalbazaar.verifyProof(verifyProofParams),
    };
  },
};

const mattrDirect: Implementation = {
  id: 'mattr-bbs-signatures',
  label: 'mattr bbs-signatures',
  description: '@mattrglobal/bbs-signatures 2.0.0 called directly: BBS+ 2020, Rust compiled to WASM, no header',
  header: false,
  async prepare(w) {
    const keyPair = await mattr2020.generateBls12381G2KeyPair(w.keyMaterials[0]!);
    const { publicKey } = keyPair;
    const { presentationHeader: nonce, messages, disclosedIndexes: revealed } = w;
    const signature = await mattr2020.blsSign({ keyPair, messages });
    const proofParams = { signature, publicKey, messages, nonce, revealed };
    const proof = await mattr2020.blsCreateProof(proofParams);
    const verifyProofParams = { proof, publicKey, messages: revealed.map((i) => messages[i]!), nonce };
    expectTrue((await mattr2020.blsVerify({ publicKey, signature, messages })).verified, 'mattr signature');
    expectTrue((await mattr2020.blsVerifyProof(verifyProofParams)).verified, 'mattr proof');
    const nextKeyMaterial = cycle(w.keyMaterials);
    return {
      keyGen: () => mattr2020.generateBls12381G2KeyPair(nextKeyMaterial()),
      sign: () => mattr2020.blsSign({ keyPair, messages }),
      verify: () => mattr2020.blsVerify({ publicKey, signature, messages }),
      proofGen: () => mattr2020.blsCreateProof(proofParams),
      proofVerify: () => mattr2020.blsVerifyProof(verifyProofParams),
    };
  },
};

interface VerifyResult {
  readonly verified: boolean;
  readonly error?: string;
}

/** The part of @mattrglobal/pairing-crypto 0.4.2's `bbs.bls12381_sha256` used here. */
interface PairingCryptoBbs {
  generateKeyPair(request?: {
    ikm?: Uint8Array;
    keyInfo?: Uint8Array;
  }): Promise<{ secretKey: Uint8Array; publicKey: Uint8Array }>;
  sign(request: {
    secretKey: Uint8Array;
    publicKey: Uint8Array;
    header?: Uint8Array;
    messages?: readonly Uint8Array[];
  }): Promise<Uint8Array>;
  verify(request: {
    publicKey: Uint8Array;
    header?: Uint8Array;
    signature: Uint8Array;
    messages?: readonly Uint8Array[];
  }): Promise<VerifyResult>;
  deriveProof(request: {
    publicKey: Uint8Array;
    header?: Uint8Array;
    presentationHeader?: Uint8Array;
    signature: Uint8Array;
    verifySignature?: boolean;
    messages?: readonly { value: Uint8Array; reveal: boolean }[];
  }): Promise<Uint8Array>;
  verifyProof(request: {
    publicKey: Uint8Array;
    header?: Uint8Array;
    presentationHeader?: Uint8Array;
    proof: Uint8Array;
    messages?: Readonly<Record<number, Uint8Array>>;
  }): Promise<VerifyResult>;
}

interface PairingCryptoModule {
  readonly bbs?: { readonly bls12381_sha256: PairingCryptoBbs };
  readonly default?: { readonly bbs: { readonly bls12381_sha256: PairingCryptoBbs } };
}

async function loadPairingCrypto(): Promise<PairingCryptoBbs> {
  // A non-literal specifier keeps TypeScript from compiling the package's `.ts` typings.
  const specifier: string = '@mattrglobal/pairing-crypto';
  const module = (await import(specifier)) as PairingCryptoModule;
  const bbs = module.bbs ?? module.default?.bbs;
  if (!bbs) throw new Error('@mattrglobal/pairing-crypto: no bbs export');
  return bbs.bls12381_sha256;
}

const pairingCrypto: Implementation = {
  id: 'pairing-crypto',
  label: 'pairing-crypto',
  description:
    '@mattrglobal/pairing-crypto 0.4.2, bbs.bls12381_sha256: Rust compiled to WASM (an earlier IETF draft revision)',
  header: true,
  async prepare(w) {
    const pc = await loadPairingCrypto();
    const { publicKey, secretKey } = await pc.generateKeyPair({ ikm: w.keyMaterials[0]!, keyInfo: new Uint8Array(0) });
    const { header, presentationHeader, messages, disclosedIndexes } = w;
    const signature = await pc.sign({ secretKey, publicKey, header, messages });
    const revealed = new Set(disclosedIndexes);
    const deriveParams = {
      publicKey,
      header,
      presentationHeader,
      signature,
      // Its default, spelled out: like privid, it checks the signature before deriving a proof.
      verifySignature: true,
      messages: messages.map((value, i) => ({ value, reveal: revealed.has(i) })),
    };
    const proof = await pc.deriveProof(deriveParams);
    const disclosed: Record<number, Uint8Array> = {};
    for (const i of disclosedIndexes) disclosed[i] = messages[i]!;
    const verifyProofParams = { publicKey, header, presentationHeader, proof, messages: disclosed };
    expectTrue((await pc.verify({ publicKey, header, signature, messages })).verified, 'pairing-crypto signature');
    expectTrue((await pc.verifyProof(verifyProofParams)).verified, 'pairing-crypto proof');
    const nextKeyMaterial = cycle(w.keyMaterials);
    return {
      keyGen: () => pc.generateKeyPair({ ikm: nextKeyMaterial(), keyInfo: new Uint8Array(0) }),
      sign: () => pc.sign({ secretKey, publicKey, header, messages }),
      verify: () => pc.verify({ publicKey, header, signature, messages }),
      proofGen: () => pc.deriveProof(deriveParams),
      proofVerify: () => pc.verifyProof(verifyProofParams),
    };
  },
};

/** The baseline first: ratios are against it. */
export const IMPLEMENTATIONS: readonly Implementation[] = [
  privid('BLS12-381-SHA-256', 'privid SHA-256'),
  privid('BLS12-381-SHAKE-256', 'privid SHAKE-256'),
  prividLegacy,
  digitalbazaarPeer,
  mattrDirect,
  pairingCrypto,
];
