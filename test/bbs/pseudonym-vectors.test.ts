/**
 * Conformance with draft-irtf-cfrg-bbs-per-verifier-linkability: every fixture in bbs-pseudonyms,
 * both ciphersuites. Commitments, signatures, nym secrets, pseudonyms and proofs are reproduced
 * byte for byte (with the draft's mocked scalars); each is then verified, and a tampered copy must
 * be rejected.
 */
import { describe, expect, it } from 'vitest';
import {
  ascii,
  BbsError,
  blindSignWithNym,
  calculatePseudonym,
  commitWithNym,
  getCiphersuite,
  proofGenWithNym,
  proofVerifyWithNym,
  pseudonymApiId,
  seededRandomScalars,
  verifyCommitmentWithNym,
  verifyFinalizeWithNym,
} from '../../src/bbs/index.js';
import { expectGeneratorFixture, type MockRng } from '../support/blind-fixtures.js';
import { hex, listVectors, readVector, SUITE_FOLDERS, toHex, vectorsPresent } from '../support/vectors.js';

const PRESENT = vectorsPresent('bbs-pseudonyms');

interface NymCommitVector {
  caseName: string;
  mockRngParameters: MockRng;
  committedMessages: string[];
  proverNyms: string[];
  proverBlind: string;
  commitmentWithProof: string;
  result: { valid: boolean };
}

interface NymSignatureVector {
  caseName: string;
  signerKeyPair: { secretKey: string; publicKey: string };
  signer_nym_entropy: string;
  proverNyms: string[];
  proverBlind: string;
  nym_secrets: string[];
  commitmentWithProof: string;
  header: string;
  messages: string[];
  committedMessages: string[];
  signature: string;
  result: { valid: boolean };
}

interface NymProofVector {
  caseName: string;
  mockRngParameters: MockRng;
  signerPublicKey: string;
  signature: string;
  nym_secrets: string[];
  pseudonym: string;
  proverBlind: string;
  context_id: string;
  header: string;
  presentationHeader: string;
  revealedMessages: Record<string, string>;
  revealedCommittedMessages: Record<string, string>;
  messages: string[];
  committedMessages: string[];
  L: number;
  proof: string;
  result: { valid: boolean };
}

function rejects(run: () => unknown): boolean {
  try {
    return run() === false;
  } catch (error) {
    if (error instanceof BbsError) return true;
    throw error;
  }
}

function tamper(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[out.length - 16]! ^= 0x01;
  return out;
}

const indexesOf = (map: Record<string, string>): number[] =>
  Object.keys(map)
    .map(Number)
    .sort((a, b) => a - b);

for (const [ciphersuite, folder] of Object.entries(SUITE_FOLDERS) as [keyof typeof SUITE_FOLDERS, string][]) {
  describe.skipIf(!PRESENT)(`bbs-pseudonyms ${ciphersuite}`, () => {
    const cs = getCiphersuite(ciphersuite);
    const apiId = pseudonymApiId(cs);

    it('generators and blind generators reproduce the fixture', () => {
      expectGeneratorFixture('bbs-pseudonyms', folder, cs, apiId);
    });

    for (const file of listVectors('bbs-pseudonyms', folder, 'nymCommit')) {
      const v = readVector<NymCommitVector>('bbs-pseudonyms', folder, 'nymCommit', file);
      it(`nymCommit/${file}: ${v.caseName}`, () => {
        expect(v.result.valid).toBe(true);
        const result = commitWithNym({
          ciphersuite,
          committedMessages: v.committedMessages.map(hex),
          proverNyms: v.proverNyms.map(hex32),
          randomScalars: seededRandomScalars(
            cs,
            ascii(v.mockRngParameters.SEED),
            ascii(v.mockRngParameters.commit!.DST),
          ),
        });
        expect(toHex(result.commitmentWithProof)).toBe(v.commitmentWithProof);
        expect(toHex(result.secretProverBlind)).toBe(v.proverBlind);
        expect(result.proverNyms.map(toHex)).toEqual(v.proverNyms.map((n) => toHex(hex32(n))));
        expect(verifyCommitmentWithNym({ ciphersuite, commitmentWithProof: result.commitmentWithProof })).toBe(true);
        expect(
          rejects(() =>
            verifyCommitmentWithNym({ ciphersuite, commitmentWithProof: tamper(result.commitmentWithProof) }),
          ),
        ).toBe(true);
      });
    }

    for (const file of listVectors('bbs-pseudonyms', folder, 'nymSignature')) {
      const v = readVector<NymSignatureVector>('bbs-pseudonyms', folder, 'nymSignature', file);
      it(`nymSignature/${file}: ${v.caseName}`, () => {
        expect(v.result.valid).toBe(true);
        const publicKey = hex(v.signerKeyPair.publicKey);
        const { signature, signerNymEntropy } = blindSignWithNym({
          ciphersuite,
          secretKey: hex(v.signerKeyPair.secretKey),
          publicKey,
          commitmentWithProof: hex(v.commitmentWithProof),
          nymCount: v.proverNyms.length,
          signerNymEntropy: hex32(v.signer_nym_entropy),
          header: hex(v.header),
          messages: v.messages.map(hex),
        });
        expect(toHex(signature)).toBe(v.signature);
        expect(toHex(signerNymEntropy)).toBe(toHex(hex32(v.signer_nym_entropy)));
        const finalizeParams = {
          ciphersuite,
          publicKey,
          signature,
          header: hex(v.header),
          messages: v.messages.map(hex),
          committedMessages: v.committedMessages.map(hex),
          proverNyms: v.proverNyms.map(hex32),
          signerNymEntropy,
          secretProverBlind: hex(v.proverBlind),
        };
        const nymSecrets = verifyFinalizeWithNym(finalizeParams);
        expect(nymSecrets).not.toBe(false);
        expect((nymSecrets as Uint8Array[]).map(toHex)).toEqual(v.nym_secrets.map((n) => toHex(hex32(n))));
        expect(rejects(() => verifyFinalizeWithNym({ ...finalizeParams, signature: tamper(signature) }))).toBe(true);
        // The signer's entropy is bound into the signature: another value does not verify.
        expect(verifyFinalizeWithNym({ ...finalizeParams, signerNymEntropy: hex32('01') })).toBe(false);
      });
    }

    for (const file of listVectors('bbs-pseudonyms', folder, 'nymProof')) {
      const v = readVector<NymProofVector>('bbs-pseudonyms', folder, 'nymProof', file);
      it(`nymProof/${file}: ${v.caseName}`, () => {
        expect(v.result.valid).toBe(true);
        expect(v.messages.length).toBe(v.L);
        const nymSecrets = v.nym_secrets.map(hex32);
        const disclosedIndexes = indexesOf(v.revealedMessages);
        const disclosedCommittedIndexes = indexesOf(v.revealedCommittedMessages);
        const { proof, pseudonym } = proofGenWithNym({
          ciphersuite,
          publicKey: hex(v.signerPublicKey),
          signature: hex(v.signature),
          header: hex(v.header),
          presentationHeader: hex(v.presentationHeader),
          contextId: hex(v.context_id),
          messages: v.messages.map(hex),
          committedMessages: v.committedMessages.map(hex),
          nymSecrets,
          disclosedIndexes,
          disclosedCommittedIndexes,
          secretProverBlind: hex(v.proverBlind),
          randomScalars: seededRandomScalars(
            cs,
            ascii(v.mockRngParameters.SEED),
            ascii(v.mockRngParameters.proof!.DST),
          ),
        });
        expect(toHex(pseudonym)).toBe(v.pseudonym);
        expect(toHex(proof)).toBe(v.proof);
        expect(toHex(calculatePseudonym({ ciphersuite, contextId: hex(v.context_id), nymSecrets }))).toBe(v.pseudonym);
        const verifyParams = {
          ciphersuite,
          publicKey: hex(v.signerPublicKey),
          proof,
          pseudonym,
          contextId: hex(v.context_id),
          header: hex(v.header),
          presentationHeader: hex(v.presentationHeader),
          signerMessageCount: v.L,
          nymCount: nymSecrets.length,
          disclosedMessages: disclosedIndexes.map((i) => hex(v.revealedMessages[i]!)),
          disclosedCommittedMessages: disclosedCommittedIndexes.map((j) => hex(v.revealedCommittedMessages[j]!)),
          disclosedIndexes,
          disclosedCommittedIndexes,
        };
        expect(proofVerifyWithNym(verifyParams)).toBe(true);
        expect(rejects(() => proofVerifyWithNym({ ...verifyParams, proof: tamper(proof) }))).toBe(true);
        expect(rejects(() => proofVerifyWithNym({ ...verifyParams, contextId: ascii('another verifier') }))).toBe(true);
        const otherPseudonym = calculatePseudonym({ ciphersuite, contextId: ascii('another verifier'), nymSecrets });
        expect(rejects(() => proofVerifyWithNym({ ...verifyParams, pseudonym: otherPseudonym }))).toBe(true);
      });
    }
  });
}

/** Fixture scalars are hex without leading zeros (e.g. 63 digits); octet scalars are 32 bytes. */
function hex32(value: string): Uint8Array {
  return hex(value.padStart(64, '0'));
}
