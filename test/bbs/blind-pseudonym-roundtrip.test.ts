/**
 * Random round trips through the blind-signature and pseudonym interfaces (commit -> blind sign ->
 * verify -> proof -> verify), the signer's commitment check, pseudonym linkability per context_id,
 * tampering, the scalar-level API, and the typed-error contract on malformed input.
 */
import { describe, expect, it } from 'vitest';
import {
  BbsError,
  blindApiId,
  blindMessagesToScalars,
  blindProofGen,
  blindProofGenScalars,
  blindProofVerify,
  blindProofVerifyScalars,
  blindSign,
  blindSignScalars,
  blindSignWithNym,
  calculatePseudonym,
  commit,
  commitScalars,
  commitWithNym,
  CommitmentProofError,
  getCiphersuite,
  keyGen,
  messagesToScalars,
  proofGenWithNym,
  proofGenWithNymScalars,
  proofVerifyWithNym,
  proofVerifyWithNymScalars,
  r,
  skToPk,
  verifyBlindSign,
  verifyBlindSignScalars,
  verifyFinalizeWithNym,
  verifyFinalizeWithNymScalars,
  blindSignWithNymScalars,
  commitWithNymScalars,
  type BbsErrorCode,
  type CiphersuiteName,
} from '../../src/bbs/index.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const randomBytes = (length: number): Uint8Array => crypto.getRandomValues(new Uint8Array(length));
const randomMessages = (count: number, tag: string): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => text(`${tag}-${i}-${Math.random().toString(36).slice(2)}`));

function keyPair(ciphersuite: CiphersuiteName): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = keyGen({ ciphersuite, keyMaterial: randomBytes(32) });
  return { secretKey, publicKey: skToPk({ ciphersuite, secretKey }) };
}

/** A random subset of 0..n-1, ascending. */
function someIndexes(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i).filter(() => Math.random() < 0.5);
}

function flip(bytes: Uint8Array, offset: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[offset]! ^= 0x01;
  return out;
}

function rejects(run: () => unknown): boolean {
  try {
    return run() === false;
  } catch (error) {
    if (error instanceof BbsError) return true;
    throw error;
  }
}

function bbsErrorOf(run: () => unknown): { code: BbsErrorCode; field: string } | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof BbsError) return { code: error.code, field: error.field };
    throw error;
  }
  return undefined;
}

const SUITES: CiphersuiteName[] = ['BLS12-381-SHA-256', 'BLS12-381-SHAKE-256'];

describe('blind BBS round trips', () => {
  // (signer messages L, committed messages M) per case; the SHAKE suite gets fewer cases.
  const shapes: [number, number][] = [
    [0, 0],
    [0, 1],
    [1, 0],
    [3, 2],
    [6, 5],
  ];
  for (const ciphersuite of SUITES) {
    const keys = keyPair(ciphersuite);
    const cases = ciphersuite === 'BLS12-381-SHA-256' ? shapes : shapes.slice(2, 4);
    for (const [L, M] of cases) {
      it(`${ciphersuite}: L=${L} signer, M=${M} committed messages`, () => {
        const messages = randomMessages(L, 'signer');
        const committedMessages = randomMessages(M, 'prover');
        const header = randomBytes(12);
        const { commitmentWithProof, secretProverBlind } = commit({ ciphersuite, committedMessages });
        const signature = blindSign({ ciphersuite, ...keys, commitmentWithProof, header, messages });
        const verifyParams = {
          ciphersuite,
          publicKey: keys.publicKey,
          signature,
          header,
          messages,
          committedMessages,
          secretProverBlind,
        };
        expect(verifyBlindSign(verifyParams)).toBe(true);
        expect(verifyBlindSign({ ...verifyParams, secretProverBlind: randomBlind() })).toBe(false);
        if (M > 0)
          expect(verifyBlindSign({ ...verifyParams, committedMessages: committedMessages.slice(1) })).toBe(false);

        const disclosedIndexes = someIndexes(L);
        const disclosedCommittedIndexes = someIndexes(M);
        const presentationHeader = randomBytes(8);
        const proof = blindProofGen({
          ciphersuite,
          publicKey: keys.publicKey,
          signature,
          header,
          presentationHeader,
          messages,
          committedMessages,
          disclosedIndexes,
          disclosedCommittedIndexes,
          secretProverBlind,
        });
        const proofParams = {
          ciphersuite,
          publicKey: keys.publicKey,
          proof,
          header,
          presentationHeader,
          signerMessageCount: L,
          disclosedMessages: disclosedIndexes.map((i) => messages[i]!),
          disclosedCommittedMessages: disclosedCommittedIndexes.map((j) => committedMessages[j]!),
          disclosedIndexes,
          disclosedCommittedIndexes,
        };
        expect(blindProofVerify(proofParams)).toBe(true);
        expect(rejects(() => blindProofVerify({ ...proofParams, proof: flip(proof, proof.length - 5) }))).toBe(true);
        expect(rejects(() => blindProofVerify({ ...proofParams, header: text('other') }))).toBe(true);
        if (disclosedCommittedIndexes.length > 0) {
          const wrong = [...proofParams.disclosedCommittedMessages];
          wrong[0] = text('not the committed message');
          expect(blindProofVerify({ ...proofParams, disclosedCommittedMessages: wrong })).toBe(false);
        }
      });
    }
  }

  it('signs without a commitment, and the prover blind is then zero', () => {
    const ciphersuite: CiphersuiteName = 'BLS12-381-SHA-256';
    const keys = keyPair(ciphersuite);
    const messages = randomMessages(3, 'plain');
    const signature = blindSign({ ciphersuite, ...keys, messages });
    expect(verifyBlindSign({ ciphersuite, publicKey: keys.publicKey, signature, messages })).toBe(true);
    const proof = blindProofGen({ ciphersuite, publicKey: keys.publicKey, signature, messages, disclosedIndexes: [1] });
    expect(
      blindProofVerify({
        ciphersuite,
        publicKey: keys.publicKey,
        proof,
        signerMessageCount: 3,
        disclosedMessages: [messages[1]!],
        disclosedIndexes: [1],
      }),
    ).toBe(true);
  });

  it('scalar-level API: integer attributes mapped directly, mixed with hashed messages', () => {
    const ciphersuite: CiphersuiteName = 'BLS12-381-SHA-256';
    const keys = keyPair(ciphersuite);
    // The credential layer maps integers to scalars itself (for range proofs later) and hashes the rest.
    const [name] = blindMessagesToScalars({ ciphersuite, messages: [text('Alice')] });
    const messageScalars = [name!, 19_900_101n, 0n, r - 1n];
    const committedMessageScalars = [42n, 7n];
    const { commitmentWithProof, secretProverBlind } = commitScalars({ ciphersuite, committedMessageScalars });
    expect(typeof secretProverBlind).toBe('bigint');
    const signature = blindSignScalars({ ciphersuite, ...keys, commitmentWithProof, messageScalars });
    const base = { ciphersuite, publicKey: keys.publicKey, signature };
    expect(verifyBlindSignScalars({ ...base, messageScalars, committedMessageScalars, secretProverBlind })).toBe(true);
    expect(
      verifyBlindSignScalars({
        ...base,
        messageScalars: [name!, 19_900_102n, 0n, r - 1n],
        committedMessageScalars,
        secretProverBlind,
      }),
    ).toBe(false);
    const proof = blindProofGenScalars({
      ...base,
      messageScalars,
      committedMessageScalars,
      secretProverBlind,
      disclosedIndexes: [0, 1],
      disclosedCommittedIndexes: [1],
    });
    const verifyParams = {
      ciphersuite,
      publicKey: keys.publicKey,
      proof,
      signerMessageCount: 4,
      disclosedIndexes: [0, 1],
      disclosedMessageScalars: [name!, 19_900_101n],
      disclosedCommittedIndexes: [1],
      disclosedCommittedMessageScalars: [7n],
    };
    expect(blindProofVerifyScalars(verifyParams)).toBe(true);
    expect(blindProofVerifyScalars({ ...verifyParams, disclosedMessageScalars: [name!, 19_900_100n] })).toBe(false);
    // The octet API is the same operation over messages_to_scalars under the blind api_id.
    const cs = getCiphersuite(ciphersuite);
    expect(messagesToScalars(cs, [text('Alice')], blindApiId(cs))).toEqual([name]);
  });

  it('blindSign rejects a commitment whose proof does not verify', () => {
    const ciphersuite: CiphersuiteName = 'BLS12-381-SHA-256';
    const keys = keyPair(ciphersuite);
    const { commitmentWithProof } = commit({ ciphersuite, committedMessages: randomMessages(2, 'c') });
    const sign = (cwp: Uint8Array) => () => blindSign({ ciphersuite, ...keys, commitmentWithProof: cwp });
    // A tampered response scalar (s^, m^_1, challenge) is well formed but no longer a valid proof.
    for (const offset of [48 + 31, 48 + 32 + 31, commitmentWithProof.length - 1]) {
      expect(sign(flip(commitmentWithProof, offset))).toThrow(CommitmentProofError);
      expect(bbsErrorOf(sign(flip(commitmentWithProof, offset)))?.field).toBe('commitmentWithProof');
    }
    // A proof under another interface's api_id (the pseudonym one) does not verify here either.
    const nymCommitment = commitWithNym({ ciphersuite, committedMessages: randomMessages(1, 'n') });
    expect(sign(nymCommitment.commitmentWithProof)).toThrow(CommitmentProofError);
    // Malformed commitments are typed errors too.
    expect(bbsErrorOf(sign(commitmentWithProof.subarray(0, 100)))?.code).toBe('INVALID_LENGTH');
    expect(bbsErrorOf(sign(flip(commitmentWithProof, 3)))?.field).toMatch(/^commitmentWithProof/);
    // The untampered one signs.
    expect(sign(commitmentWithProof)()).toHaveLength(80);
  });
});

describe('pseudonym round trips', () => {
  for (const ciphersuite of SUITES) {
    const keys = keyPair(ciphersuite);
    const shapes: [number, number, number][] =
      ciphersuite === 'BLS12-381-SHA-256'
        ? [
            [0, 0, 1],
            [4, 2, 1],
            [2, 3, 3],
          ]
        : [[3, 1, 2]];
    for (const [L, M, N] of shapes) {
      it(`${ciphersuite}: L=${L}, M=${M}, N=${N} nym secrets`, () => {
        const messages = randomMessages(L, 'signer');
        const committedMessages = randomMessages(M, 'prover');
        const header = randomBytes(10);
        const proverNyms = Array.from({ length: N }, () => scalarOctets());
        const committed = commitWithNym({ ciphersuite, committedMessages, proverNyms });
        expect(committed.proverNyms).toEqual(proverNyms);
        const { signature, signerNymEntropy } = blindSignWithNym({
          ciphersuite,
          ...keys,
          commitmentWithProof: committed.commitmentWithProof,
          nymCount: N,
          header,
          messages,
        });
        const finalizeParams = {
          ciphersuite,
          publicKey: keys.publicKey,
          signature,
          header,
          messages,
          committedMessages,
          proverNyms,
          signerNymEntropy,
          secretProverBlind: committed.secretProverBlind,
        };
        const nymSecrets = verifyFinalizeWithNym(finalizeParams);
        if (nymSecrets === false) throw new Error('the nym signature does not verify');
        expect(nymSecrets.slice(0, N - 1)).toEqual(proverNyms.slice(0, N - 1));
        expect(nymSecrets[N - 1]).not.toEqual(proverNyms[N - 1]);
        const otherNyms = [...proverNyms];
        otherNyms[0] = scalarOctets();
        expect(verifyFinalizeWithNym({ ...finalizeParams, proverNyms: otherNyms })).toBe(false);
        expect(rejects(() => verifyFinalizeWithNym({ ...finalizeParams, proverNyms: proverNyms.slice(1) }))).toBe(true);

        const proveFor = (contextId: Uint8Array, disclosedIndexes: number[], disclosedCommittedIndexes: number[]) => {
          const presentationHeader = randomBytes(6);
          const { proof, pseudonym } = proofGenWithNym({
            ciphersuite,
            publicKey: keys.publicKey,
            signature,
            header,
            presentationHeader,
            contextId,
            messages,
            committedMessages,
            nymSecrets,
            disclosedIndexes,
            disclosedCommittedIndexes,
            secretProverBlind: committed.secretProverBlind,
          });
          const verifyParams = {
            ciphersuite,
            publicKey: keys.publicKey,
            proof,
            pseudonym,
            contextId,
            header,
            presentationHeader,
            signerMessageCount: L,
            nymCount: N,
            disclosedMessages: disclosedIndexes.map((i) => messages[i]!),
            disclosedCommittedMessages: disclosedCommittedIndexes.map((j) => committedMessages[j]!),
            disclosedIndexes,
            disclosedCommittedIndexes,
          };
          return { proof, pseudonym, verifyParams };
        };

        const venue = text('https://venue.example/entry');
        const first = proveFor(venue, someIndexes(L), someIndexes(M));
        const second = proveFor(venue, someIndexes(L), someIndexes(M));
        const elsewhere = proveFor(text('https://other.example'), [], []);
        for (const p of [first, second, elsewhere]) expect(proofVerifyWithNym(p.verifyParams)).toBe(true);
        // Same context: same pseudonym, unlinkable proofs. Different context: different pseudonym.
        expect(second.pseudonym).toEqual(first.pseudonym);
        expect(second.proof).not.toEqual(first.proof);
        expect(elsewhere.pseudonym).not.toEqual(first.pseudonym);
        expect(calculatePseudonym({ ciphersuite, contextId: venue, nymSecrets })).toEqual(first.pseudonym);

        const v = first.verifyParams;
        // A pseudonym that is not this proof's: another context's, or a tampered encoding.
        expect(rejects(() => proofVerifyWithNym({ ...v, pseudonym: elsewhere.pseudonym }))).toBe(true);
        expect(rejects(() => proofVerifyWithNym({ ...v, pseudonym: flip(first.pseudonym, 20) }))).toBe(true);
        expect(rejects(() => proofVerifyWithNym({ ...v, contextId: text('https://venue.example/exit') }))).toBe(true);
        expect(rejects(() => proofVerifyWithNym({ ...v, proof: flip(first.proof, first.proof.length - 40) }))).toBe(
          true,
        );
        expect(rejects(() => proofVerifyWithNym({ ...v, proof: flip(first.proof, 10) }))).toBe(true);
        // The pseudonym proof of one context cannot be replayed under another pseudonym/context pair.
        expect(rejects(() => proofVerifyWithNym({ ...elsewhere.verifyParams, proof: first.proof }))).toBe(true);
        // N is bound to the signature (header || N): claiming another N fails.
        expect(rejects(() => proofVerifyWithNym({ ...v, nymCount: N + 1 }))).toBe(true);
      });
    }
  }

  it('scalar-level API with signer-provided entropy (re-issue keeps the pseudonym)', () => {
    const ciphersuite: CiphersuiteName = 'BLS12-381-SHA-256';
    const keys = keyPair(ciphersuite);
    const messageScalars = [30n, 1_700_000_000n];
    const proverNyms = [123_456_789n];
    const committed = commitWithNymScalars({ ciphersuite, proverNyms });
    const signerNymEntropy = 987_654_321n;
    const issued = blindSignWithNymScalars({
      ciphersuite,
      ...keys,
      commitmentWithProof: committed.commitmentWithProof,
      messageScalars,
      signerNymEntropy,
    });
    expect(issued.signerNymEntropy).toBe(signerNymEntropy);
    const nymSecrets = verifyFinalizeWithNymScalars({
      ciphersuite,
      publicKey: keys.publicKey,
      signature: issued.signature,
      messageScalars,
      proverNyms,
      signerNymEntropy,
      secretProverBlind: committed.secretProverBlind,
    });
    expect(nymSecrets).toEqual([123_456_789n + 987_654_321n]);
    const contextId = text('scope');
    const { proof, pseudonym } = proofGenWithNymScalars({
      ciphersuite,
      publicKey: keys.publicKey,
      signature: issued.signature,
      contextId,
      messageScalars,
      nymSecrets: nymSecrets as bigint[],
      secretProverBlind: committed.secretProverBlind,
      disclosedIndexes: [0],
    });
    const params = {
      ciphersuite,
      publicKey: keys.publicKey,
      proof,
      pseudonym,
      contextId,
      signerMessageCount: 2,
      disclosedIndexes: [0],
      disclosedMessageScalars: [30n],
    };
    expect(proofVerifyWithNymScalars(params)).toBe(true);
    expect(proofVerifyWithNymScalars({ ...params, disclosedMessageScalars: [31n] })).toBe(false);

    // A second credential from a fresh commitment to the same prover nym and the same signer
    // entropy has the same nym secret, hence the same pseudonym in the same context.
    const again = commitWithNymScalars({ ciphersuite, proverNyms });
    const reissued = blindSignWithNymScalars({
      ciphersuite,
      ...keys,
      commitmentWithProof: again.commitmentWithProof,
      messageScalars,
      signerNymEntropy,
    });
    const second = proofGenWithNymScalars({
      ciphersuite,
      publicKey: keys.publicKey,
      signature: reissued.signature,
      contextId,
      messageScalars,
      nymSecrets: nymSecrets as bigint[],
      secretProverBlind: again.secretProverBlind,
    });
    expect(second.pseudonym).toEqual(pseudonym);
  });

  it('blindSignWithNym rejects a bad commitment proof and an impossible nym count', () => {
    const ciphersuite: CiphersuiteName = 'BLS12-381-SHA-256';
    const keys = keyPair(ciphersuite);
    const { commitmentWithProof } = commitWithNym({ ciphersuite, committedMessages: randomMessages(1, 'c') });
    const sign = (cwp: Uint8Array, nymCount?: number) => () =>
      blindSignWithNym({ ciphersuite, ...keys, commitmentWithProof: cwp, nymCount });
    expect(sign(flip(commitmentWithProof, commitmentWithProof.length - 1))).toThrow(CommitmentProofError);
    // A blind-interface commitment is not a pseudonym-interface one.
    expect(sign(commit({ ciphersuite, committedMessages: randomMessages(1, 'b') }).commitmentWithProof)).toThrow(
      CommitmentProofError,
    );
    expect(bbsErrorOf(sign(commitmentWithProof, 3))).toEqual({ code: 'INVALID_COUNT', field: 'nymCount' });
    expect(bbsErrorOf(sign(commitmentWithProof, 0))).toEqual({ code: 'INVALID_COUNT', field: 'nymCount' });
    expect(sign(commitmentWithProof, 2)().signature).toHaveLength(80);
  });
});

describe('malformed input is a typed BbsError', () => {
  const ciphersuite: CiphersuiteName = 'BLS12-381-SHA-256';
  const keys = keyPair(ciphersuite);
  const committedMessages = randomMessages(2, 'c');
  const messages = randomMessages(2, 'm');
  const { commitmentWithProof, secretProverBlind } = commit({ ciphersuite, committedMessages });
  const signature = blindSign({ ciphersuite, ...keys, commitmentWithProof, messages });
  const proofBase = {
    ciphersuite,
    publicKey: keys.publicKey,
    signature,
    messages,
    committedMessages,
    secretProverBlind,
  };
  const proof = blindProofGen({ ...proofBase, disclosedIndexes: [0], disclosedCommittedIndexes: [1] });
  const verifyBase = {
    ciphersuite,
    publicKey: keys.publicKey,
    proof,
    signerMessageCount: 2,
    disclosedIndexes: [0],
    disclosedMessages: [messages[0]!],
    disclosedCommittedIndexes: [1],
    disclosedCommittedMessages: [committedMessages[1]!],
  };

  const rows: [string, () => unknown, BbsErrorCode, string | RegExp][] = [
    ['params not an object', () => commit(null as never), 'INVALID_TYPE', 'params'],
    [
      'unknown ciphersuite',
      () => commit({ ciphersuite: 'toString' as never }),
      'UNSUPPORTED_CIPHERSUITE',
      'ciphersuite',
    ],
    [
      'committed message not bytes',
      () => commit({ committedMessages: ['x' as never] }),
      'INVALID_TYPE',
      'committedMessages[0]',
    ],
    [
      'sparse committed messages',
      // eslint-disable-next-line no-sparse-arrays
      () => commit({ committedMessages: [text('a'), , text('b')] as never }),
      'INVALID_TYPE',
      'committedMessages[1]',
    ],
    [
      'scalar not a bigint',
      () => commitScalars({ committedMessageScalars: [1 as never] }),
      'INVALID_TYPE',
      'committedMessageScalars[0]',
    ],
    [
      'scalar >= r',
      () => commitScalars({ committedMessageScalars: [r] }),
      'SCALAR_OUT_OF_RANGE',
      'committedMessageScalars[0]',
    ],
    [
      'negative scalar',
      () => commitScalars({ committedMessageScalars: [-1n] }),
      'SCALAR_OUT_OF_RANGE',
      'committedMessageScalars[0]',
    ],
    ['randomScalars not a function', () => commit({ randomScalars: 5 as never }), 'INVALID_TYPE', 'randomScalars'],
    [
      'secret prover blind of 31 bytes',
      () => verifyBlindSign({ ...proofBase, secretProverBlind: new Uint8Array(31) }),
      'INVALID_LENGTH',
      'secretProverBlind',
    ],
    [
      'secret prover blind >= r',
      () => verifyBlindSign({ ...proofBase, secretProverBlind: new Uint8Array(32).fill(0xff) }),
      'SCALAR_OUT_OF_RANGE',
      'secretProverBlind',
    ],
    [
      'signature of 79 bytes',
      () => verifyBlindSign({ ...proofBase, signature: signature.subarray(1) }),
      'INVALID_LENGTH',
      'signature',
    ],
    [
      'committed index out of range',
      () => blindProofGen({ ...proofBase, disclosedCommittedIndexes: [2] }),
      'INVALID_INDEXES',
      /^disclosedCommittedIndexes/,
    ],
    [
      'indexes not ascending',
      () => blindProofGen({ ...proofBase, disclosedIndexes: [1, 0] }),
      'INVALID_INDEXES',
      /^disclosedIndexes/,
    ],
    [
      'index not a number',
      () => blindProofGen({ ...proofBase, disclosedIndexes: ['0' as never] }),
      'INVALID_INDEXES',
      /^disclosedIndexes/,
    ],
    [
      'wrong prover blind at proof generation',
      () => blindProofGen({ ...proofBase, secretProverBlind: new Uint8Array(32) }),
      'INVALID_SIGNATURE_FOR_PROOF',
      'signature',
    ],
    [
      'signerMessageCount negative',
      () => blindProofVerify({ ...verifyBase, signerMessageCount: -1 }),
      'INVALID_COUNT',
      'signerMessageCount',
    ],
    [
      'signerMessageCount not an integer',
      () => blindProofVerify({ ...verifyBase, signerMessageCount: 1.5 }),
      'INVALID_COUNT',
      'signerMessageCount',
    ],
    [
      'signerMessageCount too large for the proof',
      () => blindProofVerify({ ...verifyBase, signerMessageCount: 9 }),
      'INVALID_COUNT',
      'proof',
    ],
    [
      'disclosed message count mismatch',
      () => blindProofVerify({ ...verifyBase, disclosedMessages: [] }),
      'INVALID_COUNT',
      'disclosedMessageScalars',
    ],
    [
      'proof of bad length',
      () => blindProofVerify({ ...verifyBase, proof: proof.subarray(1) }),
      'INVALID_LENGTH',
      'proof',
    ],
    [
      'commitment not bytes',
      () => blindSign({ ...keys, commitmentWithProof: 'x' as never }),
      'INVALID_TYPE',
      'commitmentWithProof',
    ],
    ['nym commit with no nyms', () => commitWithNym({ proverNyms: [] }), 'INVALID_COUNT', 'proverNyms'],
    ['nym of 33 bytes', () => commitWithNym({ proverNyms: [new Uint8Array(33)] }), 'INVALID_LENGTH', 'proverNyms[0]'],
    [
      'pseudonym not a point',
      () => proofVerifyWithNym({ ...verifyBase, pseudonym: new Uint8Array(48).fill(1), contextId: text('x') }),
      'INVALID_POINT',
      'pseudonym',
    ],
    [
      'contextId missing',
      () => calculatePseudonym({ contextId: undefined as never, nymSecrets: [scalarOctets()] }),
      'INVALID_TYPE',
      'contextId',
    ],
    [
      'zero nym secret',
      () => calculatePseudonym({ contextId: text('x'), nymSecrets: [new Uint8Array(32)] }),
      'INVALID_KEY_MATERIAL',
      'nymSecrets',
    ],
  ];
  for (const [name, run, code, field] of rows) {
    it(name, () => {
      const error = bbsErrorOf(run);
      expect(error?.code).toBe(code);
      if (typeof field === 'string') expect(error?.field).toBe(field);
      else expect(error?.field).toMatch(field);
    });
  }
  it('control: the unmodified fixture verifies', () => {
    expect(blindProofVerify(verifyBase)).toBe(true);
  });
});

describe('interop with @digitalbazaar/bbs-signatures', () => {
  it('the peer exposes no blind or pseudonym operations in its public API (so no interop round trips)', async () => {
    const peer = (await import('@digitalbazaar/bbs-signatures')) as Record<string, unknown>;
    const names = Object.keys(peer);
    expect(names).toEqual(expect.arrayContaining(['sign', 'verifySignature', 'deriveProof', 'verifyProof']));
    // Its package "exports" map publishes lib/index.js only; blind/pseudonym code under lib/bbs is internal.
    expect(names.filter((n) => /blind|commit|nym|pseudonym/i.test(n))).toEqual([]);
  });
});

function scalarOctets(): Uint8Array {
  // A uniformly random scalar (64 random bytes reduced mod r), as 32 big-endian octets.
  let v = 0n;
  for (const b of randomBytes(64)) v = (v << 8n) | BigInt(b);
  v %= r;
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function randomBlind(): Uint8Array {
  return scalarOctets();
}
