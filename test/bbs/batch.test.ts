/**
 * Batch proof verification (src/bbs/batch.ts, src/bbs/pairing-claims.ts): a batch of proofs under
 * several keys, with and without pseudonyms, gives every item exactly its single-verification
 * verdict (true, false, or the same BbsError code). The invalid items cover both ways a proof
 * fails: at the challenge (tampered challenge, wrong key, wrong disclosed message, wrong
 * pseudonym, wrong presentation header) and only at the final pairing (a forged proof over a
 * signature that does not verify, which passes the challenge check: the case the combined
 * equation and its bisection must catch).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BbsError,
  batchProofVerify,
  blindLayoutContext,
  calculatePseudonym,
  checkPairingClaims,
  coreProofGen,
  coreProofGenWithNym,
  createGenerators,
  deferPairingChecks,
  findFailingClaims,
  getCiphersuite,
  i2osp,
  concatBytes,
  keyGen,
  messagesToScalars,
  pointToOctetsG1,
  proofGen,
  proofGenWithNym,
  proofVerify,
  proofVerifyWithNym,
  pseudonymApiId,
  pseudonymMessagesToScalars,
  randomScalars,
  sign,
  signaturesApiId,
  skToPk,
  blindSignWithNym,
  commitWithNym,
  verifyFinalizeWithNym,
  type BatchProofItem,
  type BatchVerdict,
  type CiphersuiteName,
  type PairingClaim,
} from '../../src/bbs/index.js';
import { G1, r } from '../../src/bbs/curve.js';
import { combinedCheck } from '../../src/bbs/pairing-claims.js';
import { testSeed } from '../support/bbs-fixtures.js';

const SEED = testSeed();
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const randomBytes = (length: number): Uint8Array => crypto.getRandomValues(new Uint8Array(length));
const randomScalar = (): bigint => (BigInt(`0x${Buffer.from(randomBytes(40)).toString('hex')}`) % (r - 1n)) + 1n;

function keyPair(ciphersuite: CiphersuiteName): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = keyGen({ ciphersuite, keyMaterial: randomBytes(32) });
  return { secretKey, publicKey: skToPk({ ciphersuite, secretKey }) };
}

function flipLastByte(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[out.length - 1]! ^= 0x01;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Fixtures: two SHA-256 keys and one SHAKE-256 key; plain proofs and pseudonym proofs
// ---------------------------------------------------------------------------------------------

const SHA = 'BLS12-381-SHA-256' as const;
const SHAKE = 'BLS12-381-SHAKE-256' as const;
const keys = { a: keyPair(SHA), b: keyPair(SHA), c: keyPair(SHAKE) };

const PLAIN_MESSAGES = 4;
const PLAIN_DISCLOSED = [0, 2];

function plainItem(ciphersuite: CiphersuiteName, key: { secretKey: Uint8Array; publicKey: Uint8Array }) {
  const header = text('batch-header');
  const presentationHeader = randomBytes(12);
  const messages = Array.from({ length: PLAIN_MESSAGES }, (_, i) => text(`m${i}-${Math.random()}`));
  const signature = sign({ ciphersuite, ...key, header, messages });
  const proof = proofGen({
    ciphersuite,
    publicKey: key.publicKey,
    signature,
    header,
    presentationHeader,
    messages,
    disclosedIndexes: PLAIN_DISCLOSED,
  });
  return {
    kind: 'proof',
    params: {
      ciphersuite,
      publicKey: key.publicKey,
      proof,
      header,
      presentationHeader,
      disclosedMessages: PLAIN_DISCLOSED.map((i) => messages[i]!),
      disclosedIndexes: PLAIN_DISCLOSED,
    },
  } satisfies BatchProofItem;
}

/** A proof that passes the challenge check but not the pairing: (A, e) is no signature. */
function forgedPlainItem(key: { publicKey: Uint8Array }) {
  const cs = getCiphersuite(SHA);
  const apiId = signaturesApiId(cs);
  const header = text('batch-header');
  const presentationHeader = randomBytes(12);
  const messages = Array.from({ length: PLAIN_MESSAGES }, (_, i) => text(`forged${i}`));
  const scalars = messagesToScalars(cs, messages, apiId);
  const ctx = { cs, apiId, generators: createGenerators(cs, PLAIN_MESSAGES + 1, apiId) };
  const fake = { A: G1.BASE.multiply(randomScalar()), e: randomScalar() };
  const proof = coreProofGen(
    ctx,
    key.publicKey,
    fake,
    header,
    presentationHeader,
    scalars,
    PLAIN_DISCLOSED,
    randomScalars(cs),
  );
  return {
    kind: 'proof',
    params: {
      ciphersuite: SHA,
      publicKey: key.publicKey,
      proof,
      header,
      presentationHeader,
      disclosedMessages: PLAIN_DISCLOSED.map((i) => messages[i]!),
      disclosedIndexes: PLAIN_DISCLOSED,
    },
  } satisfies BatchProofItem;
}

const NYM_MESSAGES = 3;
const NYM_DISCLOSED = [1];

function nymItem(key: { secretKey: Uint8Array; publicKey: Uint8Array }, contextId: Uint8Array) {
  const ciphersuite = SHA;
  const header = text('nym-header');
  const messages = Array.from({ length: NYM_MESSAGES }, (_, i) => text(`n${i}-${Math.random()}`));
  const committed = commitWithNym({ ciphersuite });
  const { signature, signerNymEntropy } = blindSignWithNym({
    ciphersuite,
    ...key,
    commitmentWithProof: committed.commitmentWithProof,
    nymCount: 1,
    header,
    messages,
  });
  const nymSecrets = verifyFinalizeWithNym({
    ciphersuite,
    publicKey: key.publicKey,
    signature,
    header,
    messages,
    proverNyms: committed.proverNyms,
    signerNymEntropy,
    secretProverBlind: committed.secretProverBlind,
  });
  if (nymSecrets === false) throw new Error('fixture: the nym signature does not verify');
  const presentationHeader = randomBytes(12);
  const { proof, pseudonym } = proofGenWithNym({
    ciphersuite,
    publicKey: key.publicKey,
    signature,
    header,
    presentationHeader,
    contextId,
    messages,
    nymSecrets,
    disclosedIndexes: NYM_DISCLOSED,
    secretProverBlind: committed.secretProverBlind,
  });
  return {
    kind: 'proofWithNym',
    params: {
      ciphersuite,
      publicKey: key.publicKey,
      proof,
      pseudonym,
      contextId,
      header,
      presentationHeader,
      signerMessageCount: NYM_MESSAGES,
      nymCount: 1,
      disclosedMessages: NYM_DISCLOSED.map((i) => messages[i]!),
      disclosedIndexes: NYM_DISCLOSED,
    },
    nymSecrets,
  } as const;
}

/** A pseudonym proof that passes the challenge check but not the pairing. */
function forgedNymItem(key: { publicKey: Uint8Array }, contextId: Uint8Array) {
  const cs = getCiphersuite(SHA);
  const apiId = pseudonymApiId(cs);
  const header = text('nym-header');
  const messages = Array.from({ length: NYM_MESSAGES }, (_, i) => text(`forged-nym${i}`));
  const scalars = [...pseudonymMessagesToScalars({ ciphersuite: SHA, messages }), randomScalar(), randomScalar()];
  const ctx = blindLayoutContext(cs, apiId, NYM_MESSAGES, 2);
  const fake = { A: G1.BASE.multiply(randomScalar()), e: randomScalar() };
  const presentationHeader = randomBytes(12);
  const { proof, pseudonym } = coreProofGenWithNym(
    ctx,
    key.publicKey,
    fake,
    concatBytes(header, i2osp(1, 8)),
    presentationHeader,
    contextId,
    scalars,
    1,
    NYM_DISCLOSED,
    randomScalars(cs),
  );
  return {
    kind: 'proofWithNym',
    params: {
      ciphersuite: SHA,
      publicKey: key.publicKey,
      proof,
      pseudonym: pointToOctetsG1(pseudonym),
      contextId,
      header,
      presentationHeader,
      signerMessageCount: NYM_MESSAGES,
      nymCount: 1,
      disclosedMessages: NYM_DISCLOSED.map((i) => messages[i]!),
      disclosedIndexes: NYM_DISCLOSED,
    },
  } satisfies BatchProofItem;
}

const CONTEXT = text('venue-42/day-20000');
const OTHER_CONTEXT = text('venue-43/day-20000');
const nymA = nymItem(keys.a, CONTEXT);
const nymB = nymItem(keys.b, CONTEXT);
/** Two keys of one suite, a key of the other, with and without a pseudonym. */
const validPool: BatchProofItem[] = [plainItem(SHA, keys.a), plainItem(SHA, keys.b), plainItem(SHAKE, keys.c), nymA];

/** Each way to make a valid item invalid, by name. */
const TAMPERINGS: Record<string, () => BatchProofItem> = {
  'tampered challenge': () => {
    const item = plainItem(SHA, keys.a);
    return { ...item, params: { ...item.params, proof: flipLastByte(item.params.proof) } };
  },
  'tampered challenge (pseudonym proof)': () => ({
    ...nymA,
    params: { ...nymA.params, proof: flipLastByte(nymA.params.proof) },
  }),
  'wrong key': () => {
    const item = plainItem(SHA, keys.a);
    return { ...item, params: { ...item.params, publicKey: keys.b.publicKey } };
  },
  'wrong key (pseudonym proof)': () => ({ ...nymA, params: { ...nymA.params, publicKey: keys.b.publicKey } }),
  'wrong disclosed message': () => {
    const item = plainItem(SHA, keys.b);
    return {
      ...item,
      params: { ...item.params, disclosedMessages: [text('forged'), item.params.disclosedMessages[1]!] },
    };
  },
  'wrong pseudonym': () => ({
    ...nymA,
    params: {
      ...nymA.params,
      pseudonym: calculatePseudonym({ ciphersuite: SHA, contextId: OTHER_CONTEXT, nymSecrets: nymA.nymSecrets }),
    },
  }),
  'pseudonym for another context': () => ({ ...nymA, params: { ...nymA.params, contextId: OTHER_CONTEXT } }),
  'wrong presentation header': () => {
    const item = plainItem(SHAKE, keys.c);
    return { ...item, params: { ...item.params, presentationHeader: randomBytes(12) } };
  },
  'wrong presentation header (pseudonym proof)': () => ({
    ...nymB,
    params: { ...nymB.params, presentationHeader: randomBytes(12) },
  }),
  'forged signature (passes the challenge, fails the pairing)': () => forgedPlainItem(keys.a),
  'forged signature, pseudonym proof': () => forgedNymItem(keys.b, CONTEXT),
  'malformed proof (typed error)': () => {
    const item = plainItem(SHA, keys.a);
    return { ...item, params: { ...item.params, proof: item.params.proof.subarray(1) } };
  },
};

type SingleOutcome = boolean | { code: string; field: string };

function singleOutcome(item: BatchProofItem): SingleOutcome {
  try {
    return item.kind === 'proof' ? proofVerify(item.params) : proofVerifyWithNym(item.params);
  } catch (error) {
    if (error instanceof BbsError) return { code: error.code, field: error.field };
    throw error;
  }
}

function verdictOutcome(verdict: BatchVerdict): SingleOutcome {
  if (verdict.error) return { code: verdict.error.code, field: verdict.error.field };
  return verdict.valid;
}

describe(`batch proof verification (seed ${SEED})`, () => {
  it('accepts a batch of valid proofs under several keys, with and without pseudonyms', () => {
    const verdicts = batchProofVerify(validPool);
    expect(verdicts.map(verdictOutcome)).toEqual(validPool.map(() => true));
  });

  for (const [name, make] of Object.entries(TAMPERINGS)) {
    it(`identifies exactly the one invalid proof at every position: ${name}`, () => {
      const bad = make();
      const single = singleOutcome(bad);
      expect(single === true).toBe(false);
      for (let position = 0; position <= validPool.length; position++) {
        const batch = [...validPool.slice(0, position), bad, ...validPool.slice(position)];
        const outcomes = batchProofVerify(batch).map(verdictOutcome);
        const expected: SingleOutcome[] = batch.map(() => true);
        expected[position] = single;
        expect(outcomes).toEqual(expected);
      }
    });
  }

  it('gives every item of a random batch its single-verification verdict (property)', () => {
    const candidates: BatchProofItem[] = [
      ...validPool,
      plainItem(SHA, keys.a),
      nymB,
      ...Object.values(TAMPERINGS).map((make) => make()),
      forgedPlainItem(keys.b),
      forgedNymItem(keys.a, OTHER_CONTEXT),
    ];
    const singles = candidates.map(singleOutcome);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: candidates.length - 1 }), { minLength: 0, maxLength: 8 }), (picks) => {
        const outcomes = batchProofVerify(picks.map((i) => candidates[i]!)).map(verdictOutcome);
        expect(outcomes).toEqual(picks.map((i) => singles[i]));
      }),
      { seed: SEED, numRuns: 8 },
    );
  });
});

describe('pairing claims: deferral and bisection', () => {
  const forged = [forgedPlainItem(keys.a), forgedPlainItem(keys.b), forgedNymItem(keys.a, CONTEXT)];
  const claimOf = (item: BatchProofItem): PairingClaim => {
    const { value, claims } = deferPairingChecks(() => singleOutcome(item));
    expect(value).toBe(true);
    expect(claims).toHaveLength(1);
    return claims[0]!;
  };
  const good = validPool.map(claimOf);
  const bad = forged.map(claimOf);

  it('records the final pairing check instead of running it, only inside the scope', () => {
    // Inside the scope the forged proofs pass provisionally; outside they fail.
    for (const item of forged) expect(singleOutcome(item)).toBe(false);
    const nested = deferPairingChecks(() => {
      const inner = deferPairingChecks(() => singleOutcome(validPool[0]!));
      expect(inner.claims).toHaveLength(1);
      return singleOutcome(validPool[1]!);
    });
    expect(nested.claims).toHaveLength(1);
    // A challenge failure records no claim: nothing to defer.
    const tampered = deferPairingChecks(() => singleOutcome(TAMPERINGS['tampered challenge']!()));
    expect(tampered).toEqual({ value: false, claims: [] });
  });

  it('finds every failing claim, wherever and however many, and only those', () => {
    for (let trial = 0; trial < 4; trial++) {
      const claims: PairingClaim[] = [];
      const expected: number[] = [];
      const size = 2 + trial * 4;
      for (let i = 0; i < size; i++) {
        const isBad = Math.random() < 0.25;
        if (isBad) expected.push(i);
        claims.push(isBad ? bad[i % bad.length]! : good[i % good.length]!);
      }
      let checks = 0;
      const failing = findFailingClaims(claims, (subset) => {
        checks++;
        return combinedCheck(subset);
      });
      expect(failing).toEqual(expected);
      if (expected.length === 0) expect(checks).toBe(1);
    }
  });

  it('costs one combined check when all hold, and a bisection when one fails', () => {
    let checks = 0;
    const counting = (subset: readonly PairingClaim[]) => {
      checks++;
      return subset.every((claim) => good.includes(claim));
    };
    const claims = Array.from({ length: 32 }, (_, i) => good[i % good.length]!);
    expect(findFailingClaims(claims, counting)).toEqual([]);
    expect(checks).toBe(1);
    checks = 0;
    claims[17] = bad[0]!;
    expect(findFailingClaims(claims, counting)).toEqual([17]);
    // 1 + log2(32) levels, two children checked per level at most.
    expect(checks).toBeLessThanOrEqual(1 + 2 * 5);
  });

  it('maps failing claims back to the verifications that recorded them', () => {
    expect(checkPairingClaims([[good[0]!, good[1]!], [], [good[2]!, bad[1]!], [bad[0]!], [good[3]!]])).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
  });
});
