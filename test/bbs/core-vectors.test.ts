/**
 * Conformance with draft-irtf-cfrg-bbs-signatures: every fixture in bbs-core, both ciphersuites.
 * Valid signatures and proofs are reproduced byte for byte (proofs with the draft's mocked
 * random scalars); invalid ones must be rejected.
 */
import { describe, expect, it } from 'vitest';
import {
  BbsError,
  createGenerators,
  getCiphersuite,
  getP1,
  hashToScalar,
  keyGen,
  messagesToScalars,
  pointToOctetsG1,
  proofGen,
  proofVerify,
  seededRandomScalars,
  sign,
  signaturesApiId,
  skToPk,
  verify,
} from '../../src/bbs/index.js';
import { hex, listVectors, readVector, SUITE_FOLDERS, toHex, VECTORS_PRESENT } from '../support/vectors.js';

interface SignatureVector {
  caseName: string;
  signerKeyPair: { secretKey: string; publicKey: string };
  header: string;
  messages: string[];
  signature: string;
  result: { valid: boolean; reason?: string };
}

interface ProofVector {
  caseName: string;
  signerPublicKey: string;
  signature: string;
  header: string;
  presentationHeader: string;
  messages: string[];
  disclosedIndexes: number[];
  proof: string;
  result: { valid: boolean; reason?: string };
}

/** A rejected input is either `false` or a typed BbsError, never an untyped exception. */
function rejects(run: () => boolean): boolean {
  try {
    return run() === false;
  } catch (error) {
    if (error instanceof BbsError) return true;
    throw error;
  }
}

for (const [ciphersuite, folder] of Object.entries(SUITE_FOLDERS) as [keyof typeof SUITE_FOLDERS, string][]) {
  describe.skipIf(!VECTORS_PRESENT)(`bbs-core ${ciphersuite}`, () => {
    const cs = getCiphersuite(ciphersuite);
    const apiId = signaturesApiId(cs);

    it('KeyGen and SkToPk reproduce the key pair fixture', () => {
      const v = readVector<{
        keyMaterial: string;
        keyInfo: string;
        keyDst: string;
        keyPair: { secretKey: string; publicKey: string };
      }>('bbs-core', folder, 'keypair.json');
      const secretKey = keyGen({
        ciphersuite,
        keyMaterial: hex(v.keyMaterial),
        keyInfo: hex(v.keyInfo),
        keyDst: hex(v.keyDst),
      });
      expect(toHex(secretKey)).toBe(v.keyPair.secretKey);
      // The default key_dst is api_id || "KEYGEN_DST_", the fixture's value.
      expect(toHex(keyGen({ ciphersuite, keyMaterial: hex(v.keyMaterial), keyInfo: hex(v.keyInfo) }))).toBe(
        v.keyPair.secretKey,
      );
      expect(toHex(skToPk({ ciphersuite, secretKey }))).toBe(v.keyPair.publicKey);
    });

    it('create_generators reproduces P1, Q1 and the message generators', () => {
      const v = readVector<{ P1: string; Q1: string; MsgGenerators: string[] }>('bbs-core', folder, 'generators.json');
      expect(toHex(pointToOctetsG1(getP1(cs)))).toBe(v.P1);
      const generators = createGenerators(cs, v.MsgGenerators.length + 1, apiId);
      expect(generators.map((g) => toHex(pointToOctetsG1(g)))).toEqual([v.Q1, ...v.MsgGenerators]);
    });

    it('hash_to_scalar reproduces the fixture', () => {
      const v = readVector<{ message: string; dst: string; scalar: string }>('bbs-core', folder, 'h2s.json');
      expect(hashToScalar(cs, hex(v.message), hex(v.dst)).toString(16).padStart(64, '0')).toBe(v.scalar);
    });

    it('messages_to_scalars reproduces every MapMessageToScalarAsHash case', () => {
      const v = readVector<{ dst: string; cases: { message: string; scalar: string }[] }>(
        'bbs-core',
        folder,
        'MapMessageToScalarAsHash.json',
      );
      expect(toHex(apiId) + toHex(new TextEncoder().encode('MAP_MSG_TO_SCALAR_AS_HASH_'))).toBe(v.dst);
      const scalars = messagesToScalars(
        cs,
        v.cases.map((c) => hex(c.message)),
        apiId,
      );
      expect(scalars.map((s) => s.toString(16).padStart(64, '0'))).toEqual(v.cases.map((c) => c.scalar));
    });

    it('the mocked random scalars reproduce the fixture', () => {
      const v = readVector<{ seed: string; dst: string; count: number; mockedScalars: string[] }>(
        'bbs-core',
        folder,
        'mockedRng.json',
      );
      const scalars = seededRandomScalars(cs, hex(v.seed), hex(v.dst))(v.count);
      expect(scalars.map((s) => s.toString(16).padStart(64, '0'))).toEqual(v.mockedScalars);
    });

    for (const file of listVectors('bbs-core', folder, 'signature')) {
      const v = readVector<SignatureVector>('bbs-core', folder, 'signature', file);
      it(`signature/${file}: ${v.caseName}`, () => {
        const params = {
          ciphersuite,
          publicKey: hex(v.signerKeyPair.publicKey),
          signature: hex(v.signature),
          header: hex(v.header),
          messages: v.messages.map(hex),
        };
        if (v.result.valid) {
          const signature = sign({ ...params, secretKey: hex(v.signerKeyPair.secretKey) });
          expect(toHex(signature)).toBe(v.signature);
          expect(verify(params)).toBe(true);
        } else {
          expect(rejects(() => verify(params))).toBe(true);
        }
      });
    }

    const rng = readVector<{ seed: string; dst: string }>('bbs-core', folder, 'mockedRng.json');
    for (const file of listVectors('bbs-core', folder, 'proof')) {
      const v = readVector<ProofVector>('bbs-core', folder, 'proof', file);
      it(`proof/${file}: ${v.caseName}`, () => {
        const disclosedMessages = v.disclosedIndexes.map((i) => hex(v.messages[i]!));
        const verifyParams = {
          ciphersuite,
          publicKey: hex(v.signerPublicKey),
          proof: hex(v.proof),
          header: hex(v.header),
          presentationHeader: hex(v.presentationHeader),
          disclosedMessages,
          disclosedIndexes: v.disclosedIndexes,
        };
        if (v.result.valid) {
          const proof = proofGen({
            ciphersuite,
            publicKey: hex(v.signerPublicKey),
            signature: hex(v.signature),
            header: hex(v.header),
            presentationHeader: hex(v.presentationHeader),
            messages: v.messages.map(hex),
            disclosedIndexes: v.disclosedIndexes,
            randomScalars: seededRandomScalars(cs, hex(rng.seed), hex(rng.dst)),
          });
          expect(toHex(proof)).toBe(v.proof);
          expect(proofVerify(verifyParams)).toBe(true);
        } else {
          expect(rejects(() => proofVerify(verifyParams))).toBe(true);
        }
      });
    }
  });
}
