/**
 * CoreProofGen and CoreProofVerify with their subroutines ProofInit, ProofFinalize,
 * ProofVerifyInit and ProofChallengeCalculate (draft sections "Core Operations" and
 * "Proof Protocol Subroutines"). The subroutines are exported because the blind-signature and
 * pseudonym drafts build their proofs from the same pieces.
 */
import { concatBytes, i2osp } from './bytes.js';
import { add, inv, msmVerify, mul, multiply, sub, sumOfProducts, type G1Point } from './curve.js';
import { type CoreContext, splitGenerators } from './core.js';
import { calculateDomain } from './domain.js';
import { int, proofToOctets, scalar, serialize, type Proof, type Serializable, type Signature } from './encoding.js';
import { BbsError } from './errors.js';
import { getP1 } from './generators.js';
import { hashToScalar, hashToScalarDst, type RandomScalars } from './hashing.js';
import { checkOrDeferPairingClaim } from './pairing-claims.js';

/** init_res: (Abar, Bbar, D, T1, T2, domain). */
export interface ProofInitResult {
  readonly Abar: G1Point;
  readonly Bbar: G1Point;
  readonly D: G1Point;
  readonly T1: G1Point;
  readonly T2: G1Point;
  readonly domain: bigint;
}

/** (r1, r2, e~, r1~, r3~, m~_j1, ..., m~_jU) */
export interface ProofRandomScalars {
  readonly r1: bigint;
  readonly r2: bigint;
  readonly eTilde: bigint;
  readonly r1Tilde: bigint;
  readonly r3Tilde: bigint;
  readonly mTilde: readonly bigint[];
}

export function splitRandomScalars(values: readonly bigint[], undisclosedCount: number): ProofRandomScalars {
  if (values.length !== undisclosedCount + 5) {
    throw new BbsError(
      'INVALID_COUNT',
      'randomScalars',
      `expected ${undisclosedCount + 5} scalars, got ${values.length}`,
    );
  }
  const [r1, r2, eTilde, r1Tilde, r3Tilde, ...mTilde] = values as [bigint, bigint, bigint, bigint, bigint, ...bigint[]];
  return { r1, r2, eTilde, r1Tilde, r3Tilde, mTilde };
}

/**
 * Checks disclosed indexes against L: integers, in range, strictly ascending (which also rules
 * out duplicates). Returns the complement, the undisclosed indexes, in ascending order.
 */
export function undisclosedIndexesOf(
  disclosedIndexes: readonly number[],
  L: number,
  field = 'disclosedIndexes',
): number[] {
  if (disclosedIndexes.length > L) throw new BbsError('INVALID_INDEXES', field, 'more disclosed indexes than messages');
  let previous = -1;
  // An indexed loop, not forEach: forEach would skip the holes of a sparse array unvalidated.
  for (let position = 0; position < disclosedIndexes.length; position++) {
    const i = disclosedIndexes[position];
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= L) {
      throw new BbsError('INVALID_INDEXES', `${field}[${position}]`, `index must be an integer in 0..${L - 1}`);
    }
    if (i <= previous)
      throw new BbsError('INVALID_INDEXES', `${field}[${position}]`, 'indexes must be strictly ascending');
    previous = i;
  }
  const disclosed = new Set(disclosedIndexes);
  const undisclosed: number[] = [];
  for (let i = 0; i < L; i++) if (!disclosed.has(i)) undisclosed.push(i);
  return undisclosed;
}

/** ProofInit(PK, signature, generators, random_scalars, header, messages, undisclosed_indexes, api_id). */
export function proofInit(
  ctx: CoreContext,
  publicKey: Uint8Array,
  { A, e }: Signature,
  random: ProofRandomScalars,
  header: Uint8Array,
  messages: readonly bigint[],
  undisclosedIndexes: readonly number[],
): ProofInitResult {
  const [Q1, H] = splitGenerators(ctx.generators, messages.length);
  if (random.mTilde.length !== undisclosedIndexes.length) {
    throw new BbsError('INVALID_COUNT', 'randomScalars', 'one m~ per undisclosed message is required');
  }
  // 1. domain = calculate_domain(PK, Q_1, (H_1, ..., H_L), header, api_id)
  const domain = calculateDomain(ctx.cs, publicKey, Q1, H, header, ctx.apiId);
  // 2. B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L  (secret messages: constant time)
  const B = getP1(ctx.cs).add(sumOfProducts([Q1, ...H], [domain, ...messages]));
  // 3. D = B * r2
  const D = multiply(B, random.r2);
  // 4. Abar = A * (r1 * r2)
  const Abar = multiply(A, mul(random.r1, random.r2));
  // 5. Bbar = D * r1 - Abar * e
  const Bbar = multiply(D, random.r1).subtract(multiply(Abar, e));
  // 6. T1 = Abar * e~ + D * r1~
  const T1 = multiply(Abar, random.eTilde).add(multiply(D, random.r1Tilde));
  // 7. T2 = D * r3~ + H_j1 * m~_j1 + ... + H_jU * m~_jU
  const T2 = multiply(D, random.r3Tilde).add(
    sumOfProducts(
      undisclosedIndexes.map((j) => H[j]!),
      random.mTilde,
    ),
  );
  return { Abar, Bbar, D, T1, T2, domain };
}

/** ProofChallengeCalculate(init_res, disclosed_messages, disclosed_indexes, ph, api_id). */
export function proofChallengeCalculate(
  ctx: Pick<CoreContext, 'cs' | 'apiId'>,
  init: ProofInitResult,
  disclosedMessages: readonly bigint[],
  disclosedIndexes: readonly number[],
  presentationHeader: Uint8Array,
): bigint {
  if (disclosedMessages.length !== disclosedIndexes.length) {
    throw new BbsError('INVALID_COUNT', 'disclosedMessages', 'one message per disclosed index is required');
  }
  // 1. c_arr = (R, i1, msg_i1, ..., iR, msg_iR, Abar, Bbar, D, T1, T2, domain)
  const cArr: Serializable[] = [int(disclosedIndexes.length)];
  disclosedIndexes.forEach((index, k) => cArr.push(int(index), scalar(disclosedMessages[k]!)));
  cArr.push(init.Abar, init.Bbar, init.D, init.T1, init.T2, scalar(init.domain));
  // 2. c_octs = serialize(c_arr) || I2OSP(length(ph), 8) || ph
  const cOcts = concatBytes(serialize(cArr), i2osp(presentationHeader.length, 8), presentationHeader);
  // 3. return hash_to_scalar(c_octs, hash_to_scalar_dst)
  return hashToScalar(ctx.cs, cOcts, hashToScalarDst(ctx.apiId));
}

/** ProofFinalize(init_res, challenge, e_value, random_scalars, undisclosed_messages). */
export function proofFinalize(
  init: ProofInitResult,
  challenge: bigint,
  e: bigint,
  random: ProofRandomScalars,
  undisclosedMessages: readonly bigint[],
): Proof {
  // 1. r3 = r2^-1 (mod r); r2 = 0 has no inverse and would make D the identity.
  if (random.r2 === 0n) throw new BbsError('RANDOMNESS_FAILURE', 'randomScalars', 'r2 must not be zero');
  const r3 = inv(random.r2);
  return {
    Abar: init.Abar,
    Bbar: init.Bbar,
    D: init.D,
    // 2. e^ = e~ + e_value * challenge
    eHat: add(random.eTilde, mul(e, challenge)),
    // 3. r1^ = r1~ - r1 * challenge
    r1Hat: sub(random.r1Tilde, mul(random.r1, challenge)),
    // 4. r3^ = r3~ - r3 * challenge
    r3Hat: sub(random.r3Tilde, mul(r3, challenge)),
    // 5. m^_j = m~_j + undisclosed_j * challenge (mod r)
    commitments: undisclosedMessages.map((m, j) => add(random.mTilde[j]!, mul(m, challenge))),
    challenge,
  };
}

/** CoreProofGen(PK, signature, generators, header, ph, messages, disclosed_indexes, api_id). */
export function coreProofGen(
  ctx: CoreContext,
  publicKey: Uint8Array,
  signature: Signature,
  header: Uint8Array,
  presentationHeader: Uint8Array,
  messages: readonly bigint[],
  disclosedIndexes: readonly number[],
  randomScalars: RandomScalars,
): Uint8Array {
  const undisclosedIndexes = undisclosedIndexesOf(disclosedIndexes, messages.length);
  // 1. random_scalars = calculate_random_scalars(5 + U)
  const random = splitRandomScalars(randomScalars(5 + undisclosedIndexes.length), undisclosedIndexes.length);
  // 2. init_res = ProofInit(...)
  const init = proofInit(ctx, publicKey, signature, random, header, messages, undisclosedIndexes);
  // 4. challenge = ProofChallengeCalculate(init_res, disclosed_messages, disclosed_indexes, ph, api_id)
  const disclosedMessages = disclosedIndexes.map((i) => messages[i]!);
  const challenge = proofChallengeCalculate(ctx, init, disclosedMessages, disclosedIndexes, presentationHeader);
  // 6. proof = ProofFinalize(init_res, challenge, e, random_scalars, undisclosed_messages)
  const undisclosedMessages = undisclosedIndexes.map((j) => messages[j]!);
  return proofToOctets(proofFinalize(init, challenge, signature.e, random, undisclosedMessages));
}

/**
 * ProofVerifyInit(PK, proof, generators, header, disclosed_messages, disclosed_indexes, api_id).
 * All inputs are public and every point is in the subgroup (decoded with the check, or a
 * generator), so the multi-scalar multiplications use curve.ts's variable-time msmVerify
 * (GLV + Straus), and T2 = Bv * c + D * r3^ + sum H_j * m^_j is one MSM with Bv expanded.
 */
export function proofVerifyInit(
  ctx: CoreContext,
  publicKey: Uint8Array,
  proof: Proof,
  header: Uint8Array,
  disclosedMessages: readonly bigint[],
  disclosedIndexes: readonly number[],
): ProofInitResult {
  const U = proof.commitments.length;
  const R = disclosedIndexes.length;
  const L = R + U;
  const undisclosedIndexes = undisclosedIndexesOf(disclosedIndexes, L);
  if (disclosedMessages.length !== R) {
    throw new BbsError(
      'INVALID_COUNT',
      'disclosedMessages',
      `expected ${R} disclosed messages, got ${disclosedMessages.length}`,
    );
  }
  const [Q1, H] = splitGenerators(ctx.generators, L);
  const { Abar, Bbar, D, eHat, r1Hat, r3Hat, commitments, challenge: c } = proof;
  // 1. domain = calculate_domain(PK, Q_1, (H_1, ..., H_L), header, api_id)
  const domain = calculateDomain(ctx.cs, publicKey, Q1, H, header, ctx.apiId);
  // 2. T1 = Bbar * c + Abar * e^ + D * r1^
  const T1 = msmVerify([Bbar, Abar, D], [c, eHat, r1Hat]);
  // 3.-4. T2 = (P1 + Q_1 * domain + sum H_i * msg_i) * c + D * r3^ + sum H_j * m^_j
  const points: G1Point[] = [getP1(ctx.cs), Q1, D];
  const scalars: bigint[] = [c, mul(domain, c), r3Hat];
  disclosedIndexes.forEach((i, k) => {
    points.push(H[i]!);
    scalars.push(mul(disclosedMessages[k]!, c));
  });
  undisclosedIndexes.forEach((j, k) => {
    points.push(H[j]!);
    scalars.push(commitments[k]!);
  });
  // Every point but D is a generator: their tables are kept.
  const T2 = msmVerify(
    points,
    scalars,
    points.map((_, i) => i !== 2),
  );
  return { Abar, Bbar, D, T1, T2, domain };
}

/** CoreProofVerify on a decoded proof: recompute the challenge, then one pairing check. */
export function coreProofVerifyDecoded(
  ctx: CoreContext,
  publicKey: Uint8Array,
  proof: Proof,
  header: Uint8Array,
  presentationHeader: Uint8Array,
  disclosedMessages: readonly bigint[],
  disclosedIndexes: readonly number[],
): boolean {
  const init = proofVerifyInit(ctx, publicKey, proof, header, disclosedMessages, disclosedIndexes);
  const challenge = proofChallengeCalculate(ctx, init, disclosedMessages, disclosedIndexes, presentationHeader);
  // 5. if cp != challenge, return INVALID (the challenge is public: no constant-time compare needed)
  if (challenge !== proof.challenge) return false;
  // 6. h(Abar, W) * h(Bbar, -BP2) == Identity_GT (deferred when batch-verifying: pairing-claims.ts)
  return checkOrDeferPairingClaim({ P: proof.Abar, Q: proof.Bbar, publicKey });
}
