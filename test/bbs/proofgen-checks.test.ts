/**
 * ProofGen through privid/bbs always checks what it is given: the signature's A in the subgroup,
 * the public key and the signature itself. Skipping those checks (the wallet's own, verified
 * credentials) is reachable only through internal entry points that privid/bbs does not export,
 * and no parameter of the public functions turns the checks off.
 */
import { describe, expect, it } from 'vitest';
import * as bbs from '../../src/bbs/index.js';
import {
  BbsError,
  keyGen,
  proofGen,
  proofGenWithNymScalars,
  proofVerify,
  sign,
  skToPk,
  type ProofGenParams,
  type ProofGenWithNymScalarsParams,
} from '../../src/bbs/index.js';
import { proofGenVouched } from '../../src/bbs/interface.js';
import { proofGenWithNymScalarsVouched } from '../../src/bbs/pseudonym/interface.js';
import { compressedPointOutsideSubgroup } from './outside-subgroup.js';

const te = new TextEncoder();
const secretKey = keyGen({ keyMaterial: new Uint8Array(32).fill(7) });
const publicKey = skToPk({ secretKey });
const messages = ['a', 'b', 'c'].map((m) => te.encode(m));
const signature = sign({ secretKey, publicKey, messages });

/** A signature (A, e) whose A is on the curve but outside the prime-order subgroup. */
const signatureOutsideSubgroup = () => Uint8Array.of(...compressedPointOutsideSubgroup(), ...signature.subarray(48));

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof BbsError ? error.code : `not a BbsError: ${String(error)}`;
  }
  return undefined;
};

/** What an old caller (or a careless one) might pass: the flag that used to skip the checks. */
const claimVerified = <T extends object>(params: T): T => ({ ...params, signatureVerified: true });

describe('ProofGen checks through the public API', () => {
  it('exports no entry point that skips the checks', () => {
    expect(Object.keys(bbs).filter((name) => /vouch|verified/i.test(name))).toEqual([]);
    // A compile-time check too: the parameter no longer exists on the public types.
    // @ts-expect-error signatureVerified is not a ProofGen parameter
    const params: ProofGenParams = { publicKey, signature, messages, disclosedIndexes: [0], signatureVerified: true };
    expect(
      proofVerify({ publicKey, proof: proofGen(params), disclosedMessages: [messages[0]!], disclosedIndexes: [0] }),
    ).toBe(true);
  });

  it('refuses a signature point outside the subgroup, whatever flag is passed', () => {
    const params = { publicKey, signature: signatureOutsideSubgroup(), messages, disclosedIndexes: [0] };
    expect(codeOf(() => proofGen(claimVerified(params)))).toBe('POINT_NOT_IN_SUBGROUP');
    // The internal entry point is what would accept it: this is the check the public one keeps.
    expect(codeOf(() => proofGenVouched(params))).toBeUndefined();
  });

  it('refuses a signature over other messages, whatever flag is passed', () => {
    const params = {
      publicKey,
      signature,
      messages: [messages[0]!, messages[2]!, messages[1]!],
      disclosedIndexes: [0],
    };
    expect(codeOf(() => proofGen(claimVerified(params)))).toBe('INVALID_SIGNATURE_FOR_PROOF');
    const proof = proofGenVouched(params);
    expect(proofVerify({ publicKey, proof, disclosedMessages: [messages[0]!], disclosedIndexes: [0] })).toBe(false);
  });

  it('refuses the same in ProofGenWithNym over scalars', () => {
    const params: ProofGenWithNymScalarsParams = {
      publicKey,
      signature: signatureOutsideSubgroup(),
      contextId: te.encode('venue'),
      messageScalars: [1n, 2n],
      committedMessageScalars: [],
      nymSecrets: [3n],
      disclosedIndexes: [0],
    };
    expect(codeOf(() => proofGenWithNymScalars(claimVerified(params)))).toBe('POINT_NOT_IN_SUBGROUP');
    expect(codeOf(() => proofGenWithNymScalarsVouched(params))).toBeUndefined();
    // A signature in the subgroup that does not sign these scalars: the signature check.
    expect(codeOf(() => proofGenWithNymScalars(claimVerified({ ...params, signature })))).toBe(
      'INVALID_SIGNATURE_FOR_PROOF',
    );
  });
});
