/**
 * Conformance with draft-irtf-cfrg-bbs-blind-signatures: every fixture in bbs-blind, both
 * ciphersuites. Commitments (with the draft's mocked scalars), signatures and proofs are
 * reproduced byte for byte; each is then verified, and a tampered copy must be rejected.
 */
import { describe, expect, it } from 'vitest';
import {
  ascii,
  BbsError,
  blindApiId,
  blindProofGen,
  blindProofVerify,
  blindSign,
  commit,
  committedCountOf,
  getCiphersuite,
  seededRandomScalars,
  verifyBlindSign,
  verifyCommitment,
} from '../../src/bbs/index.js';
import { expectGeneratorFixture, type MockRng } from '../support/blind-fixtures.js';
import { hex, listVectors, readVector, SUITE_FOLDERS, toHex, vectorsPresent } from '../support/vectors.js';

const PRESENT = vectorsPresent('bbs-blind');

interface CommitVector {
  caseName: string;
  mockRngParameters: MockRng;
  committedMessages: string[];
  proverBlind: string;
  commitmentWithProof: string;
  result: { valid: boolean };
}

interface SignatureVector {
  caseName: string;
  signerKeyPair: { secretKey: string; publicKey: string };
  commitmentWithProof: string | null;
  header: string;
  messages: string[];
  committedMessages: string[] | null;
  proverBlind: string | null;
  signature: string;
  result: { valid: boolean };
}

interface ProofVector {
  caseName: string;
  mockRngParameters: MockRng;
  signerPublicKey: string;
  signature: string;
  commitmentWithProof: string | null;
  proverBlind: string | null;
  header: string;
  presentationHeader: string;
  revealedMessages: Record<string, string>;
  revealedCommittedMessages: Record<string, string> | null;
  L: number;
  proof: string;
  result: { valid: boolean };
}

/** A rejected input is either `false` or a typed BbsError, never an untyped exception. */
function rejects(run: () => unknown): boolean {
  try {
    return run() === false;
  } catch (error) {
    if (error instanceof BbsError) return true;
    throw error;
  }
}

/** Flips one bit in the middle of the last scalar (the challenge): still well formed, now wrong. */
function tamper(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[out.length - 16]! ^= 0x01;
  return out;
}

const indexesOf = (map: Record<string, string> | null): number[] =>
  Object.keys(map ?? {})
    .map(Number)
    .sort((a, b) => a - b);

for (const [ciphersuite, folder] of Object.entries(SUITE_FOLDERS) as [keyof typeof SUITE_FOLDERS, string][]) {
  describe.skipIf(!PRESENT)(`bbs-blind ${ciphersuite}`, () => {
    const cs = getCiphersuite(ciphersuite);
    const apiId = blindApiId(cs);
    const shared = PRESENT
      ? readVector<{ messages: string[]; committedMessages: string[] }>('bbs-blind', 'messages.json')
      : { messages: [], committedMessages: [] };

    it('generators and blind generators reproduce the fixture', () => {
      expectGeneratorFixture('bbs-blind', folder, cs, apiId);
    });

    for (const file of listVectors('bbs-blind', folder, 'commit')) {
      const v = readVector<CommitVector>('bbs-blind', folder, 'commit', file);
      it(`commit/${file}: ${v.caseName}`, () => {
        expect(v.result.valid).toBe(true);
        const result = commit({
          ciphersuite,
          committedMessages: v.committedMessages.map(hex),
          randomScalars: seededRandomScalars(
            cs,
            ascii(v.mockRngParameters.SEED),
            ascii(v.mockRngParameters.commit!.DST),
          ),
        });
        expect(toHex(result.commitmentWithProof)).toBe(v.commitmentWithProof);
        expect(toHex(result.secretProverBlind)).toBe(v.proverBlind);
        expect(verifyCommitment({ ciphersuite, commitmentWithProof: result.commitmentWithProof })).toBe(true);
        expect(
          rejects(() => verifyCommitment({ ciphersuite, commitmentWithProof: tamper(result.commitmentWithProof) })),
        ).toBe(true);
      });
    }

    for (const file of listVectors('bbs-blind', folder, 'signature')) {
      const v = readVector<SignatureVector>('bbs-blind', folder, 'signature', file);
      it(`signature/${file}: ${v.caseName}`, () => {
        expect(v.result.valid).toBe(true);
        const publicKey = hex(v.signerKeyPair.publicKey);
        const signature = blindSign({
          ciphersuite,
          secretKey: hex(v.signerKeyPair.secretKey),
          publicKey,
          commitmentWithProof: v.commitmentWithProof === null ? undefined : hex(v.commitmentWithProof),
          header: hex(v.header),
          messages: v.messages.map(hex),
        });
        expect(toHex(signature)).toBe(v.signature);
        const verifyParams = {
          ciphersuite,
          publicKey,
          signature,
          header: hex(v.header),
          messages: v.messages.map(hex),
          committedMessages: (v.committedMessages ?? []).map(hex),
          secretProverBlind: v.proverBlind === null ? undefined : hex(v.proverBlind),
        };
        expect(verifyBlindSign(verifyParams)).toBe(true);
        expect(rejects(() => verifyBlindSign({ ...verifyParams, signature: tamper(signature) }))).toBe(true);
        expect(rejects(() => verifyBlindSign({ ...verifyParams, header: ascii('another header') }))).toBe(true);
        if (v.proverBlind !== null) {
          // Without the prover's blinding factor the signature does not verify.
          expect(verifyBlindSign({ ...verifyParams, secretProverBlind: undefined })).toBe(false);
        }
      });
    }

    for (const file of listVectors('bbs-blind', folder, 'proof')) {
      const v = readVector<ProofVector>('bbs-blind', folder, 'proof', file);
      it(`proof/${file}: ${v.caseName}`, () => {
        expect(v.result.valid).toBe(true);
        const messages = shared.messages.map(hex);
        expect(messages.length).toBe(v.L);
        // The commitment only tells how many committed messages were signed. (proof005's copy of it
        // carries a stray trailing "s", a typo in the fixture file, hence the strip.)
        const commitmentHex = v.commitmentWithProof?.replace(/s$/, '');
        const M = commitmentHex === undefined ? 0 : committedCountOf(hex(commitmentHex).length);
        const committedMessages = shared.committedMessages.slice(0, M).map(hex);
        const disclosedIndexes = indexesOf(v.revealedMessages);
        const disclosedCommittedIndexes = indexesOf(v.revealedCommittedMessages);
        const proof = blindProofGen({
          ciphersuite,
          publicKey: hex(v.signerPublicKey),
          signature: hex(v.signature),
          header: hex(v.header),
          presentationHeader: hex(v.presentationHeader),
          messages,
          committedMessages,
          disclosedIndexes,
          disclosedCommittedIndexes,
          secretProverBlind: v.proverBlind === null ? undefined : hex(v.proverBlind),
          randomScalars: seededRandomScalars(
            cs,
            ascii(v.mockRngParameters.SEED),
            ascii(v.mockRngParameters.proof!.DST),
          ),
        });
        expect(toHex(proof)).toBe(v.proof);
        const verifyParams = {
          ciphersuite,
          publicKey: hex(v.signerPublicKey),
          proof,
          header: hex(v.header),
          presentationHeader: hex(v.presentationHeader),
          signerMessageCount: v.L,
          disclosedMessages: disclosedIndexes.map((i) => hex(v.revealedMessages[i]!)),
          disclosedCommittedMessages: disclosedCommittedIndexes.map((j) => hex(v.revealedCommittedMessages![j]!)),
          disclosedIndexes,
          disclosedCommittedIndexes,
        };
        expect(blindProofVerify(verifyParams)).toBe(true);
        expect(rejects(() => blindProofVerify({ ...verifyParams, proof: tamper(proof) }))).toBe(true);
        expect(rejects(() => blindProofVerify({ ...verifyParams, presentationHeader: ascii('other') }))).toBe(true);
      });
    }
  });
}
