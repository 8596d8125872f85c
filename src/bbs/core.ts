/** CoreSign and CoreVerify (draft section "Core Operations"), over messages already mapped to scalars. */
import {
  add,
  inv,
  msmPublic,
  multiply,
  multiplyPublic,
  pairingCheckWithBase,
  r,
  sumOfProducts,
  type G1Point,
} from './curve.js';
import type { Ciphersuite } from './ciphersuites.js';
import { calculateDomain } from './domain.js';
import { scalar, serialize, signatureToOctets, type Signature } from './encoding.js';
import { BbsError } from './errors.js';
import { getP1 } from './generators.js';
import { hashToScalar, hashToScalarDst } from './hashing.js';

/** The inputs every core operation shares: the suite, the interface's api_id and generators. */
export interface CoreContext {
  readonly cs: Ciphersuite;
  readonly apiId: Uint8Array;
  /** (Q_1, H_1, ..., H_L) */
  readonly generators: readonly G1Point[];
}

export function splitGenerators(generators: readonly G1Point[], messageCount: number): [G1Point, readonly G1Point[]] {
  if (generators.length !== messageCount + 1) {
    throw new BbsError(
      'INVALID_COUNT',
      'generators',
      `expected ${messageCount + 1} generators, got ${generators.length}`,
    );
  }
  return [generators[0]!, generators.slice(1)];
}

/** CoreSign(SK, PK, generators, header, messages, api_id). */
export function coreSign(
  ctx: CoreContext,
  sk: bigint,
  publicKey: Uint8Array,
  header: Uint8Array,
  messages: readonly bigint[],
): Uint8Array {
  const [Q1, H] = splitGenerators(ctx.generators, messages.length);
  // 1. domain = calculate_domain(PK, Q_1, (H_1, ..., H_L), header, api_id)
  const domain = calculateDomain(ctx.cs, publicKey, Q1, H, header, ctx.apiId);
  // 2. e = hash_to_scalar(serialize((SK, msg_1, ..., msg_L, domain)), hash_to_scalar_dst)
  const eInput = [sk, ...messages, domain].map(scalar);
  const e = hashToScalar(ctx.cs, serialize(eInput), hashToScalarDst(ctx.apiId));
  // 3. B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L
  const B = getP1(ctx.cs).add(sumOfProducts([Q1, ...H], [domain, ...messages]));
  // 4. A = B * (1 / (SK + e)); SK + e = 0 would give the identity, an invalid signature.
  const skPlusE = add(sk, e);
  if (skPlusE === 0n) throw new BbsError('INVALID_KEY_MATERIAL', 'secretKey', 'SK + e = 0 mod r');
  const A = multiply(B, inv(skPlusE));
  return signatureToOctets({ A, e });
}

/**
 * CoreVerify's procedure on a decoded signature: the pairing equation
 * h(A, W) * h(A * e - B, BP2) == Identity_GT, evaluated as h(A, W) * h(B - A * e, -BP2).
 */
export function coreVerifyDecoded(
  ctx: CoreContext,
  publicKey: Uint8Array,
  signature: Signature,
  header: Uint8Array,
  messages: readonly bigint[],
): boolean {
  const [Q1, H] = splitGenerators(ctx.generators, messages.length);
  const domain = calculateDomain(ctx.cs, publicKey, Q1, H, header, ctx.apiId);
  const B = getP1(ctx.cs).add(msmPublic([Q1, ...H], [domain, ...messages]));
  const { A, e } = signature;
  if (e <= 0n || e >= r) return false;
  return pairingCheckWithBase(A, publicKey, B.subtract(multiplyPublic(A, e)));
}

/**
 * The check CoreProofGen RECOMMENDS before proving: a proof from a signature that does not
 * verify would be rejected anyway, and failing here tells the holder their credential (or blind
 * factor, or nym secret) is wrong instead of handing the verifier garbage.
 */
export function assertSignatureVerifies(
  ctx: CoreContext,
  publicKey: Uint8Array,
  signature: Signature,
  header: Uint8Array,
  messages: readonly bigint[],
): void {
  if (!coreVerifyDecoded(ctx, publicKey, signature, header, messages)) {
    throw new BbsError('INVALID_SIGNATURE_FOR_PROOF', 'signature', 'the signature does not verify for these messages');
  }
}
