/**
 * The BBS+ 2020 suite (privid/bbs/legacy) over @mattrglobal/bbs-signatures: round trips, every
 * disclosure pattern for small message counts, tampering, malformed input (always a typed
 * BbsError, never an untyped exception or a WASM panic), and the rejected header.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import fc from 'fast-check';
import { blsCreateProof, blsSign, blsVerifyProof } from '@mattrglobal/bbs-signatures/lib/wasm_module.js';
import { describe, expect, it } from 'vitest';
import {
  BbsError,
  bytesToHex,
  hexToBytes,
  ietfSuite,
  r,
  type BbsErrorCode,
  type KeyPair,
} from '../../src/bbs/index.js';
import {
  BBS2020_PUBLIC_KEY_LENGTH,
  BBS2020_SIGNATURE_LENGTH,
  bbs2020ProofLength,
  legacySuite,
} from '../../src/bbs/legacy.js';

const suite = legacySuite;
const text = new TextEncoder();

/** A deterministic byte pattern, so failures reproduce. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function makeMessages(count: number, seed = 1): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => bytes(32, seed * 1000 + i));
}

function flipBit(data: Uint8Array, bit: number): Uint8Array {
  const out = data.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

function allSubsets(count: number): number[][] {
  const subsets: number[][] = [];
  for (let mask = 0; mask < 1 << count; mask++) {
    subsets.push(Array.from({ length: count }, (_, i) => i).filter((i) => mask & (1 << i)));
  }
  return subsets;
}

/** What a call did: returned a boolean, threw a BbsError (with its code), or threw anything else. */
type Outcome =
  { kind: 'value'; value: unknown } | { kind: 'bbs'; code: BbsErrorCode } | { kind: 'other'; error: unknown };

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { kind: 'value', value: await run() };
  } catch (error) {
    if (error instanceof BbsError) return { kind: 'bbs', code: error.code };
    return { kind: 'other', error };
  }
}

/** A rejected signature or proof: `false` or a typed BbsError, never `true`, never another throw. */
async function expectRejected(run: () => Promise<boolean>, context: string): Promise<void> {
  const result = await outcome(run);
  if (result.kind === 'other') throw new Error(`${context}: untyped exception ${String(result.error)}`);
  if (result.kind === 'value' && result.value !== false) throw new Error(`${context}: accepted`);
}

async function expectBbsError(run: () => Promise<unknown>, code: BbsErrorCode | BbsErrorCode[], field?: string) {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(BbsError);
  const error = caught as BbsError;
  expect(Array.isArray(code) ? code : [code]).toContain(error.code);
  if (field !== undefined) expect(error.field).toBe(field);
}

/** A compressed G2 encoding of a point on the curve but (overwhelmingly likely) outside G2. */
function offSubgroupG2(): Uint8Array {
  const { Fp, Fp2 } = bls12_381.fields;
  const b = Fp2.fromBigTuple([4n, 4n]);
  for (let c0 = 1n; ; c0++) {
    const x = Fp2.fromBigTuple([c0, 0n]);
    try {
      Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), b));
    } catch {
      continue;
    }
    const out = new Uint8Array(96);
    out.set(Fp.toBytes(x.c1), 0);
    out.set(Fp.toBytes(x.c0), 48);
    out[0]! |= 0x80;
    return out;
  }
}

/** A compressed G1 encoding of a point on the curve but outside the prime-order subgroup. */
function offSubgroupG1(): Uint8Array {
  const { Fp } = bls12_381.fields;
  for (let x = 1n; ; x++) {
    try {
      Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 4n));
    } catch {
      continue;
    }
    const out = Fp.toBytes(x);
    out[0]! |= 0x80;
    return out;
  }
}

describe('BBS+2020 suite: shape and keys', () => {
  it('is the BBS+2020 suite with 96-byte public keys', () => {
    expect(suite.id).toBe('BBS+2020');
    expect(suite.publicKeyLength).toBe(BBS2020_PUBLIC_KEY_LENGTH);
    expect(Object.isFrozen(suite)).toBe(true);
  });

  it('derives a key pair deterministically from key material (known answer)', async () => {
    const keyMaterial = Uint8Array.from({ length: 32 }, (_, i) => i);
    const pair = await suite.keyPair(keyMaterial);
    expect(bytesToHex(pair.secretKey)).toBe('4a18022aa9097511134fcf6c024da289058c76d14de712ba264e50e306b6d6e3');
    expect(bytesToHex(pair.publicKey)).toBe(
      'ae4440dbc34ab3d9bac0266e0c24c434b324181eb35867e3ec4f0914c5b50861dedb21f838ecd756d283f71d1feb4adc' +
        '08030bb295e6196ae0481f06eef08325f6a10a1c4be983bc19601b8d7060f52e7bd9a1eb8592f6e448b8a78cf930bf53',
    );
    const again = await suite.keyPair(keyMaterial.slice());
    expect(again.publicKey).toEqual(pair.publicKey);
    const other = await suite.keyPair(flipBit(keyMaterial, 255));
    expect(other.publicKey).not.toEqual(pair.publicKey);
    // Longer key material is used whole.
    const long = bytes(64, 9);
    expect((await suite.keyPair(long)).publicKey).not.toEqual((await suite.keyPair(flipBit(long, 511))).publicKey);
  });

  it('gives keys the same shape as, but not the same values as, the IETF suite', async () => {
    const keyMaterial = bytes(32, 5);
    const legacy = await suite.keyPair(keyMaterial);
    const ietf = await ietfSuite('BLS12-381-SHA-256').keyPair(keyMaterial);
    expect(legacy.secretKey.length).toBe(32);
    expect(legacy.publicKey.length).toBe(96);
    // The 2020 public key is SK * BP2, as in the IETF suites; only the derivation differs.
    const sk = BigInt('0x' + bytesToHex(legacy.secretKey));
    expect(bytesToHex(bls12_381.G2.Point.BASE.multiply(sk).toBytes(true))).toBe(bytesToHex(legacy.publicKey));
    expect(legacy.publicKey).not.toEqual(ietf.publicKey);
  });

  it('rejects short or mistyped key material', async () => {
    await expectBbsError(() => suite.keyPair(new Uint8Array(31)), 'INVALID_KEY_MATERIAL', 'keyMaterial');
    await expectBbsError(() => suite.keyPair(new Uint8Array(0)), 'INVALID_KEY_MATERIAL', 'keyMaterial');
    await expectBbsError(() => suite.keyPair('a'.repeat(32) as unknown as Uint8Array), 'INVALID_TYPE', 'keyMaterial');
  });
});

describe('BBS+2020 suite: round trips', () => {
  let pair: KeyPair | undefined;
  const getPair = async (): Promise<KeyPair> => (pair ??= await suite.keyPair(bytes(32, 42)));

  it('verifies a known signature (regression against the library)', async () => {
    const { publicKey } = await suite.keyPair(Uint8Array.from({ length: 32 }, (_, i) => i));
    const messages = ['privid', 'BbsBlsSignature2020', 'legacy'].map((s) => text.encode(s));
    const signature = hexToBytes(
      '89dbf4c81aa0f9632524ff73114ebe885aaa94a345dfd38b575683c5753c9d3a8a6d238eb8fd49591b97de38d7acdeb6' +
        '6141e529fcdc704e26ef0699ca82c49012c588ada0e784368be09db580600dd9140eca142d204c707d4cc061f07637d7a6' +
        '5745345ac7171fc802f2d59e2c9e31',
    );
    expect(await suite.verify({ publicKey, signature, messages })).toBe(true);
    expect(await suite.verify({ publicKey, signature, messages: messages.slice().reverse() })).toBe(false);
  });

  it.each([1, 2, 5, 10, 30])('signs and verifies %i messages', async (count) => {
    const { secretKey, publicKey } = await getPair();
    const messages = makeMessages(count, count);
    const signature = await suite.sign({ secretKey, publicKey, messages });
    expect(signature).toBeInstanceOf(Uint8Array);
    expect(signature.length).toBe(BBS2020_SIGNATURE_LENGTH);
    expect(await suite.verify({ publicKey, signature, messages })).toBe(true);
    // An empty header is no header.
    expect(await suite.verify({ publicKey, signature, messages, header: new Uint8Array(0) })).toBe(true);
    // Signing is randomized (s), as in the 2020 scheme.
    expect(await suite.sign({ secretKey, publicKey, messages })).not.toEqual(signature);
  });

  it('accepts empty messages', async () => {
    const { secretKey, publicKey } = await getPair();
    const messages = [new Uint8Array(0), bytes(3, 3), new Uint8Array(0)];
    const signature = await suite.sign({ secretKey, publicKey, messages });
    expect(await suite.verify({ publicKey, signature, messages })).toBe(true);
    const proof = await suite.proofGen({ publicKey, signature, messages, disclosedIndexes: [0] });
    expect(
      await suite.proofVerify({ publicKey, proof, disclosedMessages: [messages[0]!], disclosedIndexes: [0] }),
    ).toBe(true);
  });

  for (const count of [1, 2, 3, 4]) {
    it(`proves and verifies every disclosure pattern of ${count} messages`, async () => {
      const { secretKey, publicKey } = await getPair();
      const messages = makeMessages(count, 100 + count);
      const signature = await suite.sign({ secretKey, publicKey, messages });
      for (const disclosedIndexes of allSubsets(count)) {
        const presentationHeader = bytes(32, disclosedIndexes.length);
        const proof = await suite.proofGen({ publicKey, signature, messages, disclosedIndexes, presentationHeader });
        expect(proof.length).toBe(bbs2020ProofLength(count, disclosedIndexes.length));
        const disclosedMessages = disclosedIndexes.map((i) => messages[i]!);
        const params = { publicKey, proof, presentationHeader, disclosedMessages, disclosedIndexes };
        expect(await suite.proofVerify(params), `pattern [${disclosedIndexes}]`).toBe(true);
        // The same number of indexes, but other positions: the proof does not say that.
        if (disclosedIndexes.length > 0 && disclosedIndexes.length < count) {
          const shifted = disclosedIndexes.map((i) => (i + 1) % count).sort((a, b) => a - b);
          const moved = { ...params, disclosedIndexes: shifted, disclosedMessages: shifted.map((i) => messages[i]!) };
          expect(await suite.proofVerify(moved), `pattern [${disclosedIndexes}] as [${shifted}]`).toBe(false);
        }
      }
    });
  }

  it('handles revealed-index vectors across a byte boundary (9 messages)', async () => {
    const { secretKey, publicKey } = await getPair();
    const messages = makeMessages(9, 9);
    const signature = await suite.sign({ secretKey, publicKey, messages });
    for (const disclosedIndexes of [[], [8], [7], [7, 8], [0, 8], [0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 3, 5, 7]]) {
      const proof = await suite.proofGen({ publicKey, signature, messages, disclosedIndexes });
      expect(proof.length).toBe(bbs2020ProofLength(9, disclosedIndexes.length));
      const disclosedMessages = disclosedIndexes.map((i) => messages[i]!);
      expect(await suite.proofVerify({ publicKey, proof, disclosedMessages, disclosedIndexes })).toBe(true);
    }
  });

  it('interoperates with the 2020 library called directly', async () => {
    const { secretKey, publicKey } = await getPair();
    const messages = makeMessages(6, 6);
    const nonce = bytes(32, 6);
    const direct = await blsSign({ keyPair: { secretKey, publicKey }, messages });
    expect(await suite.verify({ publicKey, signature: direct, messages })).toBe(true);
    const directProof = await blsCreateProof({ signature: direct, publicKey, messages, nonce, revealed: [1, 4] });
    const disclosedMessages = [messages[1]!, messages[4]!];
    expect(
      await suite.proofVerify({
        publicKey,
        proof: directProof,
        presentationHeader: nonce,
        disclosedMessages,
        disclosedIndexes: [1, 4],
      }),
    ).toBe(true);
    const ours = await suite.sign({ secretKey, publicKey, messages });
    const ourProof = await suite.proofGen({
      publicKey,
      signature: ours,
      messages,
      presentationHeader: nonce,
      disclosedIndexes: [1, 4],
    });
    expect(await blsVerifyProof({ proof: ourProof, publicKey, messages: disclosedMessages, nonce })).toMatchObject({
      verified: true,
    });
  });
});

describe('BBS+2020 suite: tampering', () => {
  const setup = (async () => {
    const { secretKey, publicKey } = await suite.keyPair(bytes(32, 77));
    const messages = makeMessages(3, 77);
    const signature = await suite.sign({ secretKey, publicKey, messages });
    const presentationHeader = bytes(32, 78);
    const disclosedIndexes = [0, 2];
    const disclosedMessages = [messages[0]!, messages[2]!];
    const proof = await suite.proofGen({ publicKey, signature, messages, disclosedIndexes, presentationHeader });
    return { publicKey, messages, signature, proof, presentationHeader, disclosedIndexes, disclosedMessages };
  })();

  it('rejects a signature with any single bit flipped', async () => {
    const { publicKey, messages, signature } = await setup;
    for (let byte = 0; byte < signature.length; byte++) {
      const bit = byte * 8 + (byte % 8);
      await expectRejected(
        () => suite.verify({ publicKey, signature: flipBit(signature, bit), messages }),
        `signature bit ${bit}`,
      );
    }
  });

  it('rejects a proof with any single bit flipped (no WASM panic on length fields)', async () => {
    const { publicKey, proof, presentationHeader, disclosedIndexes, disclosedMessages } = await setup;
    for (let byte = 0; byte < proof.length; byte++) {
      const bit = byte * 8 + (byte % 8);
      await expectRejected(
        () =>
          suite.proofVerify({
            publicKey,
            proof: flipBit(proof, bit),
            presentationHeader,
            disclosedIndexes,
            disclosedMessages,
          }),
        `proof bit ${bit}`,
      );
    }
  });

  it('rejects tampered messages', async () => {
    const { publicKey, messages, signature, proof, presentationHeader, disclosedIndexes, disclosedMessages } =
      await setup;
    for (let i = 0; i < messages.length; i++) {
      const tampered = messages.map((m, j) => (j === i ? flipBit(m, 5) : m));
      expect(await suite.verify({ publicKey, signature, messages: tampered })).toBe(false);
    }
    for (let i = 0; i < disclosedMessages.length; i++) {
      const tampered = disclosedMessages.map((m, j) => (j === i ? flipBit(m, 100) : m));
      expect(
        await suite.proofVerify({
          publicKey,
          proof,
          presentationHeader,
          disclosedIndexes,
          disclosedMessages: tampered,
        }),
      ).toBe(false);
    }
    // Swapped disclosed messages, and a message appended or dropped when verifying the signature.
    expect(
      await suite.proofVerify({
        publicKey,
        proof,
        presentationHeader,
        disclosedIndexes,
        disclosedMessages: disclosedMessages.slice().reverse(),
      }),
    ).toBe(false);
    expect(await suite.verify({ publicKey, signature, messages: [...messages, new Uint8Array(1)] })).toBe(false);
    expect(await suite.verify({ publicKey, signature, messages: messages.slice(1) })).toBe(false);
  });

  it('rejects a tampered or missing presentation header (nonce)', async () => {
    const { publicKey, proof, presentationHeader, disclosedIndexes, disclosedMessages } = await setup;
    for (const bit of [0, 7, 128, 255]) {
      expect(
        await suite.proofVerify({
          publicKey,
          proof,
          presentationHeader: flipBit(presentationHeader, bit),
          disclosedIndexes,
          disclosedMessages,
        }),
      ).toBe(false);
    }
    expect(await suite.proofVerify({ publicKey, proof, disclosedIndexes, disclosedMessages })).toBe(false);
    expect(
      await suite.proofVerify({
        publicKey,
        proof,
        presentationHeader: presentationHeader.subarray(1),
        disclosedIndexes,
        disclosedMessages,
      }),
    ).toBe(false);
  });

  it('rejects under another public key', async () => {
    const { messages, signature, proof, presentationHeader, disclosedIndexes, disclosedMessages } = await setup;
    const { publicKey: other } = await suite.keyPair(bytes(32, 79));
    expect(await suite.verify({ publicKey: other, signature, messages })).toBe(false);
    expect(
      await suite.proofVerify({ publicKey: other, proof, presentationHeader, disclosedIndexes, disclosedMessages }),
    ).toBe(false);
  });

  it('refuses to derive a proof from a signature that does not verify', async () => {
    const { publicKey, messages, signature } = await setup;
    await expectBbsError(
      () => suite.proofGen({ publicKey, signature: flipBit(signature, 8 * 60), messages, disclosedIndexes: [0] }),
      'INVALID_SIGNATURE_FOR_PROOF',
      'signature',
    );
    await expectBbsError(
      () => suite.proofGen({ publicKey, signature, messages: makeMessages(3, 1), disclosedIndexes: [0] }),
      'INVALID_SIGNATURE_FOR_PROOF',
      'signature',
    );
    // An A that does not decode is a malformed signature, not merely an invalid one.
    const badPoint = signature.slice();
    badPoint.set(
      new Uint8Array(48).fill(0xff).map((v, i) => (i === 0 ? 0x9f : v)),
      0,
    );
    await expectBbsError(
      () => suite.proofGen({ publicKey, signature: badPoint, messages, disclosedIndexes: [0] }),
      'INVALID_POINT',
      'signature',
    );
  });
});

describe('BBS+2020 suite: malformed input', () => {
  const setup = (async () => {
    const { secretKey, publicKey } = await suite.keyPair(bytes(32, 55));
    const messages = makeMessages(4, 55);
    const signature = await suite.sign({ secretKey, publicKey, messages });
    const disclosedIndexes = [1, 3];
    const disclosedMessages = [messages[1]!, messages[3]!];
    const proof = await suite.proofGen({ publicKey, signature, messages, disclosedIndexes });
    return { secretKey, publicKey, messages, signature, proof, disclosedIndexes, disclosedMessages };
  })();

  it('rejects public keys of the wrong length, garbage, the identity, and points outside G2', async () => {
    const { secretKey, messages, signature, proof, disclosedIndexes, disclosedMessages } = await setup;
    const cases: [Uint8Array, BbsErrorCode[]][] = [
      [new Uint8Array(95), ['INVALID_LENGTH']],
      [new Uint8Array(97), ['INVALID_LENGTH']],
      [new Uint8Array(192), ['INVALID_LENGTH']],
      [new Uint8Array(48), ['INVALID_LENGTH']],
      [new Uint8Array(96), ['INVALID_POINT', 'IDENTITY_POINT']],
      [Uint8Array.from([0xc0, ...new Uint8Array(95)]), ['IDENTITY_POINT']],
      [new Uint8Array(96).fill(0xff), ['INVALID_POINT']],
      [Uint8Array.from([0x80 | 0x1f, ...bytes(95, 1)]), ['INVALID_POINT', 'POINT_NOT_IN_SUBGROUP']],
      [offSubgroupG2(), ['POINT_NOT_IN_SUBGROUP', 'INVALID_POINT']],
    ];
    for (const [publicKey, codes] of cases) {
      await expectBbsError(() => suite.sign({ secretKey, publicKey, messages }), codes, 'publicKey');
      await expectBbsError(() => suite.verify({ publicKey, signature, messages }), codes, 'publicKey');
      await expectBbsError(
        () => suite.proofGen({ publicKey, signature, messages, disclosedIndexes }),
        codes,
        'publicKey',
      );
      await expectBbsError(
        () => suite.proofVerify({ publicKey, proof, disclosedMessages, disclosedIndexes }),
        codes,
        'publicKey',
      );
    }
    await expectBbsError(
      () => suite.verify({ publicKey: 'key' as unknown as Uint8Array, signature, messages }),
      'INVALID_TYPE',
      'publicKey',
    );
  });

  it('rejects malformed secret keys', async () => {
    const { publicKey, messages } = await setup;
    const rBytes = hexToBytes(r.toString(16).padStart(64, '0'));
    for (const [secretKey, code] of [
      [new Uint8Array(31), 'INVALID_LENGTH'],
      [new Uint8Array(33), 'INVALID_LENGTH'],
      [new Uint8Array(32), 'SCALAR_OUT_OF_RANGE'],
      [rBytes, 'SCALAR_OUT_OF_RANGE'],
      [new Uint8Array(32).fill(0xff), 'SCALAR_OUT_OF_RANGE'],
    ] as const) {
      await expectBbsError(() => suite.sign({ secretKey, publicKey, messages }), code, 'secretKey');
    }
  });

  it('rejects malformed signatures', async () => {
    const { publicKey, messages, signature } = await setup;
    const withScalar = (offset: number, value: bigint) => {
      const out = signature.slice();
      out.set(hexToBytes(value.toString(16).padStart(64, '0')), offset);
      return out;
    };
    const identityA = signature.slice();
    identityA.set(Uint8Array.from([0xc0, ...new Uint8Array(47)]), 0);
    const garbageA = signature.slice();
    garbageA.set(new Uint8Array(48).fill(0xff), 0);
    const offSubgroupA = signature.slice();
    offSubgroupA.set(offSubgroupG1(), 0);
    const cases: [Uint8Array, BbsErrorCode][] = [
      [signature.subarray(0, 111), 'INVALID_LENGTH'],
      [Uint8Array.from([...signature, 0]), 'INVALID_LENGTH'],
      [new Uint8Array(80), 'INVALID_LENGTH'],
      [new Uint8Array(0), 'INVALID_LENGTH'],
      [withScalar(48, r), 'SCALAR_OUT_OF_RANGE'],
      [withScalar(80, r + 5n), 'SCALAR_OUT_OF_RANGE'],
      [identityA, 'IDENTITY_POINT'],
      [garbageA, 'INVALID_POINT'],
      [offSubgroupA, 'INVALID_POINT'],
    ];
    for (const [bad, code] of cases) {
      await expectBbsError(() => suite.verify({ publicKey, signature: bad, messages }), code, 'signature');
      await expectBbsError(
        () => suite.proofGen({ publicKey, signature: bad, messages, disclosedIndexes: [0] }),
        code,
        'signature',
      );
    }
  });

  it('does not accept an IETF signature or proof', async () => {
    const ietf = ietfSuite('BLS12-381-SHA-256');
    const { secretKey, publicKey } = await ietf.keyPair(bytes(32, 3));
    const messages = makeMessages(3, 3);
    const signature = await ietf.sign({ secretKey, publicKey, messages });
    await expectBbsError(() => suite.verify({ publicKey, signature, messages }), 'INVALID_LENGTH', 'signature');
    const proof = await ietf.proofGen({ publicKey, signature, messages, disclosedIndexes: [0] });
    await expectRejected(
      () => suite.proofVerify({ publicKey, proof, disclosedMessages: [messages[0]!], disclosedIndexes: [0] }),
      'IETF proof',
    );
  });

  it('rejects malformed message lists', async () => {
    const { secretKey, publicKey, signature } = await setup;
    await expectBbsError(() => suite.sign({ secretKey, publicKey, messages: [] }), 'INVALID_COUNT', 'messages');
    await expectBbsError(() => suite.verify({ publicKey, signature, messages: [] }), 'INVALID_COUNT', 'messages');
    await expectBbsError(
      () => suite.sign({ secretKey, publicKey, messages: ['a'] as unknown as Uint8Array[] }),
      'INVALID_TYPE',
      'messages[0]',
    );
    await expectBbsError(
      () => suite.sign({ secretKey, publicKey, messages: new Uint8Array(3) as unknown as Uint8Array[] }),
      'INVALID_TYPE',
      'messages',
    );
    await expectBbsError(
      () => suite.sign({ secretKey, publicKey, messages: Array.from({ length: 5000 }, () => new Uint8Array(1)) }),
      'INVALID_COUNT',
      'messages',
    );
    await expectBbsError(
      () => suite.verify(undefined as unknown as Parameters<typeof suite.verify>[0]),
      'INVALID_TYPE',
      'params',
    );
  });

  it('rejects disclosed indexes that are unsorted, repeated, out of range or not integers', async () => {
    const { publicKey, messages, signature, proof, disclosedMessages } = await setup;
    for (const disclosedIndexes of [[1, 0], [1, 1], [4], [-1], [0.5], ['0'], [Number.NaN]] as number[][]) {
      await expectBbsError(
        () => suite.proofGen({ publicKey, signature, messages, disclosedIndexes }),
        'INVALID_INDEXES',
      );
    }
    for (const disclosedIndexes of [
      [3, 1],
      [1, 1],
      [1, 4],
      [-1, 3],
      [1, 2.5],
    ]) {
      await expectBbsError(
        () => suite.proofVerify({ publicKey, proof, disclosedMessages, disclosedIndexes }),
        'INVALID_INDEXES',
      );
    }
    await expectBbsError(
      () => suite.proofGen({ publicKey, signature, messages, disclosedIndexes: 0 as unknown as number[] }),
      'INVALID_TYPE',
      'disclosedIndexes',
    );
    await expectBbsError(
      () =>
        suite.proofVerify({
          publicKey,
          proof,
          disclosedMessages: disclosedMessages.slice(1),
          disclosedIndexes: [1, 3],
        }),
      'INVALID_COUNT',
      'disclosedMessages',
    );
  });

  it('rejects proofs with bad lengths, counts, scalars or index vectors', async () => {
    const { publicKey, proof, disclosedIndexes, disclosedMessages } = await setup;
    const verify = (bad: Uint8Array) => () =>
      suite.proofVerify({ publicKey, proof: bad, disclosedMessages, disclosedIndexes });
    // 4 messages: a 1-byte index vector, so the body starts at byte 3.
    const body = 3;
    const patched = (offset: number, values: number[]) => {
      const out = proof.slice();
      out.set(values, offset);
      return out;
    };
    await expectBbsError(verify(new Uint8Array(0)), 'INVALID_LENGTH', 'proof');
    await expectBbsError(verify(proof.subarray(0, 1)), 'INVALID_LENGTH', 'proof');
    await expectBbsError(verify(proof.subarray(0, proof.length - 1)), 'INVALID_LENGTH', 'proof');
    await expectBbsError(verify(Uint8Array.from([...proof, 0])), 'INVALID_LENGTH', 'proof');
    await expectBbsError(verify(patched(0, [0, 0])), 'INVALID_COUNT', 'proof');
    await expectBbsError(verify(patched(0, [0xff, 0xff])), 'INVALID_COUNT', 'proof');
    // An index past the message count in the revealed vector.
    await expectBbsError(verify(patched(2, [proof[2]! | 0x10])), 'INVALID_INDEXES', 'proof');
    // The length of proof 1 (a WASM panic if it reached the library) and the two response counts.
    await expectBbsError(verify(patched(body + 144, [0, 0, 0, 117])), 'INVALID_LENGTH', 'proof');
    await expectBbsError(verify(patched(body + 144, [0xff, 0, 0, 116])), 'INVALID_LENGTH', 'proof');
    await expectBbsError(verify(patched(body + 196, [0, 0, 0, 3])), 'INVALID_LENGTH', 'proof');
    await expectBbsError(verify(patched(body + 312, [0, 0, 0, 3])), 'INVALID_LENGTH', 'proof');
    await expectBbsError(verify(patched(body + 312, [0, 0, 1, 4])), 'INVALID_LENGTH', 'proof');
    // A response that is not below r, and an identity point.
    await expectBbsError(verify(patched(body + 200, new Array<number>(32).fill(0xff))), 'SCALAR_OUT_OF_RANGE', 'proof');
    await expectBbsError(verify(patched(proof.length - 32, new Array<number>(32).fill(0xff))), 'SCALAR_OUT_OF_RANGE');
    await expectBbsError(
      verify(patched(body + 48, [0xc0, ...new Array<number>(47).fill(0)])),
      'IDENTITY_POINT',
      'proof',
    );
    await expectBbsError(verify(patched(body, new Array<number>(48).fill(0xff))), 'INVALID_POINT', 'proof');
    // Points on the curve but outside G1, in each of the five point positions.
    for (const offset of [body, body + 48, body + 96, body + 148, body + 264]) {
      await expectBbsError(verify(patched(offset, [...offSubgroupG1()])), 'INVALID_POINT', 'proof');
    }
    await expectBbsError(
      () =>
        suite.proofVerify({ publicKey, proof: [1, 2] as unknown as Uint8Array, disclosedMessages, disclosedIndexes }),
      'INVALID_TYPE',
      'proof',
    );
  });

  it('never lets an untyped exception out for random well-framed proofs', async () => {
    const { publicKey } = await setup;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }).chain((count) =>
          fc.record({
            count: fc.constant(count),
            revealedMask: fc.integer({ min: 0, max: (1 << count) - 1 }),
            seed: fc.integer({ min: 1, max: 0x7fffffff }),
          }),
        ),
        async ({ count, revealedMask, seed }) => {
          const revealed = Array.from({ length: count }, (_, i) => i).filter((i) => revealedMask & (1 << i));
          const undisclosed = count - revealed.length;
          const proof = bytes(bbs2020ProofLength(count, revealed.length), seed);
          // Frame it: message count, index vector, length and count fields, scalars below r,
          // so that the random points reach the library's decoder.
          const vector = Math.floor(count / 8) + 1;
          const body = 2 + vector;
          proof.set([count >> 8, count & 0xff], 0);
          proof.fill(0, 2, body);
          for (const i of revealed) proof[2 + vector - 1 - (i >> 3)]! |= 1 << (i & 7);
          proof.set([0, 0, 0, 116], body + 144);
          proof.set([0, 0, 0, 2], body + 196);
          proof.set([0, 0, 0, 2 + undisclosed], body + 312);
          for (const offset of [body + 200, body + 232]) proof[offset]! &= 0x3f;
          for (let i = 0; i < 2 + undisclosed; i++) proof[body + 316 + 32 * i]! &= 0x3f;
          const result = await outcome(() =>
            suite.proofVerify({
              publicKey,
              proof,
              disclosedIndexes: revealed,
              disclosedMessages: revealed.map((i) => bytes(8, i)),
            }),
          );
          expect(result.kind === 'other' ? result.error : undefined).toBeUndefined();
          if (result.kind === 'value') expect(result.value).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never accepts, nor throws untyped, for a genuine proof with a few bytes overwritten', async () => {
    const { publicKey, proof, disclosedIndexes, disclosedMessages } = await setup;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: proof.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        async (writes) => {
          const bad = proof.slice();
          for (const [offset, value] of writes) bad[offset] = value;
          const changed = bad.some((value, i) => value !== proof[i]);
          const result = await outcome(() =>
            suite.proofVerify({ publicKey, proof: bad, disclosedMessages, disclosedIndexes }),
          );
          expect(result.kind === 'other' ? result.error : undefined).toBeUndefined();
          if (result.kind === 'value') expect(result.value).toBe(!changed);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('BBS+2020 suite: header', () => {
  it('rejects a non-empty header in every operation instead of dropping it', async () => {
    const { secretKey, publicKey } = await suite.keyPair(bytes(32, 12));
    const messages = makeMessages(2, 12);
    const signature = await suite.sign({ secretKey, publicKey, messages });
    const proof = await suite.proofGen({ publicKey, signature, messages, disclosedIndexes: [0] });
    const header = bytes(16, 1);
    await expectBbsError(
      () => suite.sign({ secretKey, publicKey, messages, header }),
      'UNSUPPORTED_OPERATION',
      'header',
    );
    await expectBbsError(
      () => suite.verify({ publicKey, signature, messages, header }),
      'UNSUPPORTED_OPERATION',
      'header',
    );
    await expectBbsError(
      () => suite.proofGen({ publicKey, signature, messages, header, disclosedIndexes: [0] }),
      'UNSUPPORTED_OPERATION',
      'header',
    );
    await expectBbsError(
      () => suite.proofVerify({ publicKey, proof, header, disclosedMessages: [messages[0]!], disclosedIndexes: [0] }),
      'UNSUPPORTED_OPERATION',
      'header',
    );
    await expectBbsError(
      () => suite.verify({ publicKey, signature, messages, header: 'h' as unknown as Uint8Array }),
      'INVALID_TYPE',
      'header',
    );
    // An empty header is the absent header.
    const empty = new Uint8Array(0);
    expect(await suite.verify({ publicKey, signature, messages, header: empty })).toBe(true);
    expect(
      await suite.proofVerify({
        publicKey,
        proof,
        header: empty,
        disclosedMessages: [messages[0]!],
        disclosedIndexes: [0],
      }),
    ).toBe(true);
  });
});
