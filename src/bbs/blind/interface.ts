/**
 * The Blind BBS Signatures Interface of draft-irtf-cfrg-bbs-blind-signatures (-01/-02, the
 * version the fixtures were generated from), api_id = ciphersuite_id || "BLIND_H2G_HM2S_".
 *
 * Operation names follow the draft, in the core's object-parameter style:
 *
 *   Commit            -> commit / commitScalars
 *   BlindSign         -> blindSign / blindSignScalars (verifies the commitment proof first)
 *   VerifyBlindSign   -> verifyBlindSign / verifyBlindSignScalars (alias blindVerify)
 *   BlindProofGen     -> blindProofGen / blindProofGenScalars
 *   BlindProofVerify  -> blindProofVerify / blindProofVerifyScalars
 *   CoreCommitVerify  -> verifyCommitment (for a signer that wants to check a request early)
 *
 * The octet functions map messages with messages_to_scalars under this interface's api_id and call
 * the `...Scalars` functions, which take message scalars the caller mapped itself (e.g. integer
 * attributes mapped directly, for range proofs). Secret scalars (secret_prover_blind) travel as
 * 32-octet big-endian strings in the octet API and as bigint in the scalar API.
 *
 * Malformed input throws a typed `BbsError`; a well-formed signature or proof that does not verify
 * yields `false`. A commitment whose proof does not verify makes blindSign throw
 * `CommitmentProofError`.
 */
import { ascii, assertBytes, concatBytes } from '../bytes.js';
import { octetsToPublicKey, scalarToOctets } from '../curve.js';
import { getCiphersuite, type Ciphersuite, type CiphersuiteName } from '../ciphersuites.js';
import { assertSignatureVerifies, coreVerifyDecoded } from '../core.js';
import { octetsToProof, proofUndisclosedCount } from '../encoding.js';
import { BbsError } from '../errors.js';
import { MAX_GENERATORS } from '../generators.js';
import { messagesToScalars, randomScalars as csprngScalars, type RandomScalars } from '../hashing.js';
import { octetsToSecretKey } from '../keys.js';
import { coreProofGen, coreProofVerifyDecoded, undisclosedIndexesOf } from '../proof.js';
import {
  committedCountOf,
  coreCommit,
  coreCommitVerify,
  createBlindGenerators,
  deserializeAndValidateCommit,
  octetsToCommitmentWithProof,
} from './commitment.js';
import { blindLayoutContext, blindLayoutScalars, finalizeBlindSign, layoutIndexes } from './core.js';
import {
  assertParams,
  bytesList,
  countValue,
  indexList,
  optionalBytes,
  optionalOctetsScalar,
  optionalScalar,
  scalarList,
  publicKeyAndSignature,
} from '../validate.js';

export interface BlindSuiteParams {
  /** Defaults to BLS12-381-SHA-256. */
  readonly ciphersuite?: CiphersuiteName;
}

export interface CommitParams extends BlindSuiteParams {
  readonly committedMessages?: readonly Uint8Array[];
  /** Only for known-answer tests: the draft's mocked random scalars. Production omits it. */
  readonly randomScalars?: RandomScalars;
}

export interface CommitScalarsParams extends BlindSuiteParams {
  readonly committedMessageScalars?: readonly bigint[];
  readonly randomScalars?: RandomScalars;
}

export interface CommitResult {
  /** Sent to the signer. */
  readonly commitmentWithProof: Uint8Array;
  /** Kept secret by the prover; needed to verify the signature and to generate proofs. */
  readonly secretProverBlind: Uint8Array;
}

export interface CommitScalarsResult {
  readonly commitmentWithProof: Uint8Array;
  readonly secretProverBlind: bigint;
}

interface BlindSignBase extends BlindSuiteParams {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** Absent or empty: no committed messages (the signature is then over the signer's messages only). */
  readonly commitmentWithProof?: Uint8Array;
  readonly header?: Uint8Array;
}

export interface BlindSignParams extends BlindSignBase {
  /** The signer's own messages. */
  readonly messages?: readonly Uint8Array[];
}

export interface BlindSignScalarsParams extends BlindSignBase {
  readonly messageScalars?: readonly bigint[];
}

interface VerifyBlindSignBase extends BlindSuiteParams {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly header?: Uint8Array;
}

export interface VerifyBlindSignParams extends VerifyBlindSignBase {
  readonly messages?: readonly Uint8Array[];
  readonly committedMessages?: readonly Uint8Array[];
  /** Defaults to zero, the value for a signature made without a commitment. */
  readonly secretProverBlind?: Uint8Array;
}

export interface VerifyBlindSignScalarsParams extends VerifyBlindSignBase {
  readonly messageScalars?: readonly bigint[];
  readonly committedMessageScalars?: readonly bigint[];
  readonly secretProverBlind?: bigint;
}

interface BlindProofGenBase extends BlindSuiteParams {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly header?: Uint8Array;
  readonly presentationHeader?: Uint8Array;
  /** Ascending indexes into the signer's messages. */
  readonly disclosedIndexes?: readonly number[];
  /** Ascending indexes into the committed messages (the draft's disclosed_commitment_indexes). */
  readonly disclosedCommittedIndexes?: readonly number[];
  readonly randomScalars?: RandomScalars;
}

export interface BlindProofGenParams extends BlindProofGenBase {
  readonly messages?: readonly Uint8Array[];
  readonly committedMessages?: readonly Uint8Array[];
  readonly secretProverBlind?: Uint8Array;
}

export interface BlindProofGenScalarsParams extends BlindProofGenBase {
  readonly messageScalars?: readonly bigint[];
  readonly committedMessageScalars?: readonly bigint[];
  readonly secretProverBlind?: bigint;
}

interface BlindProofVerifyBase extends BlindSuiteParams {
  readonly publicKey: Uint8Array;
  readonly proof: Uint8Array;
  readonly header?: Uint8Array;
  readonly presentationHeader?: Uint8Array;
  /** L, the number of messages the signer signed (the committed count follows from the proof). */
  readonly signerMessageCount: number;
  readonly disclosedIndexes?: readonly number[];
  readonly disclosedCommittedIndexes?: readonly number[];
}

export interface BlindProofVerifyParams extends BlindProofVerifyBase {
  readonly disclosedMessages?: readonly Uint8Array[];
  readonly disclosedCommittedMessages?: readonly Uint8Array[];
}

export interface BlindProofVerifyScalarsParams extends BlindProofVerifyBase {
  readonly disclosedMessageScalars?: readonly bigint[];
  readonly disclosedCommittedMessageScalars?: readonly bigint[];
}

/** api_id of this interface: ciphersuite_id || "BLIND_H2G_HM2S_". */
export function blindApiId(cs: Ciphersuite): Uint8Array {
  return concatBytes(cs.id, ascii('BLIND_H2G_HM2S_'));
}

/** messages_to_scalars under the blind interface's api_id (for callers mixing octet and scalar messages). */
export function blindMessagesToScalars(
  params: BlindSuiteParams & { readonly messages: readonly Uint8Array[] },
): bigint[] {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  return messagesToScalars(cs, bytesList(params.messages, 'messages'), blindApiId(cs));
}

// ---------------------------------------------------------------------------------------------
// Commit
// ---------------------------------------------------------------------------------------------

/** Commit(committed_messages, api_id). */
export function commit(params: CommitParams): CommitResult {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const committed = bytesList(params.committedMessages, 'committedMessages');
  const result = commitScalars({
    ciphersuite: params.ciphersuite,
    committedMessageScalars: messagesToScalars(cs, committed, blindApiId(cs)),
    randomScalars: params.randomScalars,
  });
  return {
    commitmentWithProof: result.commitmentWithProof,
    secretProverBlind: scalarToOctets(result.secretProverBlind),
  };
}

/** Commit over committed message scalars the caller mapped itself. */
export function commitScalars(params: CommitScalarsParams): CommitScalarsResult {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const committed = scalarList(params.committedMessageScalars, 'committedMessageScalars');
  const apiId = blindApiId(cs);
  const blindGenerators = createBlindGenerators(cs, committed.length + 1, apiId);
  return coreCommit(cs, blindGenerators, committed, apiId, randomSource(cs, params.randomScalars));
}

/**
 * CoreCommitVerify on a received commitment_with_proof: true when its proof of knowledge verifies.
 * blindSign performs this check itself; this is for rejecting a bad request early.
 */
export function verifyCommitment(params: BlindSuiteParams & { readonly commitmentWithProof: Uint8Array }): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.commitmentWithProof, 'commitmentWithProof');
  const decoded = octetsToCommitmentWithProof(params.commitmentWithProof);
  const apiId = blindApiId(cs);
  return coreCommitVerify(cs, decoded, createBlindGenerators(cs, decoded.proof.mHats.length + 1, apiId), apiId);
}

// ---------------------------------------------------------------------------------------------
// BlindSign
// ---------------------------------------------------------------------------------------------

/** BlindSign(SK, PK, commitment_with_proof, header, messages). */
export function blindSign(params: BlindSignParams): Uint8Array {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const messages = bytesList(params.messages, 'messages');
  return blindSignScalars({ ...params, messageScalars: messagesToScalars(cs, messages, blindApiId(cs)) });
}

/** BlindSign over signer message scalars the caller mapped itself. */
export function blindSignScalars(params: BlindSignScalarsParams): Uint8Array {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const apiId = blindApiId(cs);
  assertBytes(params.secretKey, 'secretKey');
  assertBytes(params.publicKey, 'publicKey');
  const sk = octetsToSecretKey(params.secretKey);
  octetsToPublicKey(params.publicKey);
  const header = optionalBytes(params.header, 'header');
  const messageScalars = scalarList(params.messageScalars, 'messageScalars');
  const commitmentWithProof = optionalBytes(params.commitmentWithProof, 'commitmentWithProof');
  // Deserialization 2.-5.: M from the commitment's length (0 without one).
  const M = commitmentWithProof.length === 0 ? 0 : committedCountOf(commitmentWithProof.length);
  const ctx = blindLayoutContext(cs, apiId, messageScalars.length, M + 1);
  // 3.-4. The commitment's proof of knowledge MUST verify before anything is signed.
  const commitment = deserializeAndValidateCommit(
    cs,
    commitmentWithProof,
    ctx.generators.slice(messageScalars.length + 1),
    apiId,
  );
  return finalizeBlindSign(ctx, sk, params.publicKey, header, messageScalars, commitment);
}

// ---------------------------------------------------------------------------------------------
// VerifyBlindSign
// ---------------------------------------------------------------------------------------------

/** VerifyBlindSign(PK, signature, header, messages, committed_messages, secret_prover_blind). */
export function verifyBlindSign(params: VerifyBlindSignParams): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const apiId = blindApiId(cs);
  return verifyBlindSignScalars({
    ciphersuite: params.ciphersuite,
    publicKey: params.publicKey,
    signature: params.signature,
    header: params.header,
    messageScalars: messagesToScalars(cs, bytesList(params.messages, 'messages'), apiId),
    committedMessageScalars: messagesToScalars(cs, bytesList(params.committedMessages, 'committedMessages'), apiId),
    secretProverBlind: optionalOctetsScalar(params.secretProverBlind, 'secretProverBlind'),
  });
}

/** An alias of verifyBlindSign. */
export const blindVerify = verifyBlindSign;

export function verifyBlindSignScalars(params: VerifyBlindSignScalarsParams): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const signature = publicKeyAndSignature(params);
  const header = optionalBytes(params.header, 'header');
  const messageScalars = scalarList(params.messageScalars, 'messageScalars');
  const committed = scalarList(params.committedMessageScalars, 'committedMessageScalars');
  const secretProverBlind = optionalScalar(params.secretProverBlind, 'secretProverBlind');
  const ctx = blindLayoutContext(cs, blindApiId(cs), messageScalars.length, committed.length + 1);
  return coreVerifyDecoded(
    ctx,
    params.publicKey,
    signature,
    header,
    blindLayoutScalars(messageScalars, secretProverBlind, committed),
  );
}

// ---------------------------------------------------------------------------------------------
// BlindProofGen
// ---------------------------------------------------------------------------------------------

/**
 * BlindProofGen(PK, signature, header, ph, messages, committed_messages, disclosed_indexes,
 * disclosed_commitment_indexes, secret_prover_blind).
 */
export function blindProofGen(params: BlindProofGenParams): Uint8Array {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const apiId = blindApiId(cs);
  return blindProofGenScalars({
    ciphersuite: params.ciphersuite,
    publicKey: params.publicKey,
    signature: params.signature,
    header: params.header,
    presentationHeader: params.presentationHeader,
    messageScalars: messagesToScalars(cs, bytesList(params.messages, 'messages'), apiId),
    committedMessageScalars: messagesToScalars(cs, bytesList(params.committedMessages, 'committedMessages'), apiId),
    disclosedIndexes: params.disclosedIndexes,
    disclosedCommittedIndexes: params.disclosedCommittedIndexes,
    secretProverBlind: optionalOctetsScalar(params.secretProverBlind, 'secretProverBlind'),
    randomScalars: params.randomScalars,
  });
}

export function blindProofGenScalars(params: BlindProofGenScalarsParams): Uint8Array {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const signature = publicKeyAndSignature(params);
  const header = optionalBytes(params.header, 'header');
  const presentationHeader = optionalBytes(params.presentationHeader, 'presentationHeader');
  const messageScalars = scalarList(params.messageScalars, 'messageScalars');
  const committed = scalarList(params.committedMessageScalars, 'committedMessageScalars');
  const secretProverBlind = optionalScalar(params.secretProverBlind, 'secretProverBlind');
  const L = messageScalars.length;
  const disclosedIndexes = indexList(params.disclosedIndexes, 'disclosedIndexes');
  const disclosedCommittedIndexes = indexList(params.disclosedCommittedIndexes, 'disclosedCommittedIndexes');
  undisclosedIndexesOf(disclosedIndexes, L, 'disclosedIndexes');
  undisclosedIndexesOf(disclosedCommittedIndexes, committed.length, 'disclosedCommittedIndexes');
  const random = randomSource(cs, params.randomScalars);
  const ctx = blindLayoutContext(cs, blindApiId(cs), L, committed.length + 1);
  const scalars = blindLayoutScalars(messageScalars, secretProverBlind, committed);
  assertSignatureVerifies(ctx, params.publicKey, signature, header, scalars);
  return coreProofGen(
    ctx,
    params.publicKey,
    signature,
    header,
    presentationHeader,
    scalars,
    layoutIndexes(disclosedIndexes, disclosedCommittedIndexes, L),
    random,
  );
}

// ---------------------------------------------------------------------------------------------
// BlindProofVerify
// ---------------------------------------------------------------------------------------------

/**
 * BlindProofVerify(PK, proof, header, ph, L, disclosed_messages, disclosed_committed_messages,
 * disclosed_indexes, disclosed_committed_indexes).
 */
export function blindProofVerify(params: BlindProofVerifyParams): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const apiId = blindApiId(cs);
  return blindProofVerifyScalars({
    ciphersuite: params.ciphersuite,
    publicKey: params.publicKey,
    proof: params.proof,
    header: params.header,
    presentationHeader: params.presentationHeader,
    signerMessageCount: params.signerMessageCount,
    disclosedIndexes: params.disclosedIndexes,
    disclosedCommittedIndexes: params.disclosedCommittedIndexes,
    disclosedMessageScalars: messagesToScalars(cs, bytesList(params.disclosedMessages, 'disclosedMessages'), apiId),
    disclosedCommittedMessageScalars: messagesToScalars(
      cs,
      bytesList(params.disclosedCommittedMessages, 'disclosedCommittedMessages'),
      apiId,
    ),
  });
}

export function blindProofVerifyScalars(params: BlindProofVerifyScalarsParams): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.publicKey, 'publicKey');
  assertBytes(params.proof, 'proof');
  octetsToPublicKey(params.publicKey);
  const header = optionalBytes(params.header, 'header');
  const presentationHeader = optionalBytes(params.presentationHeader, 'presentationHeader');
  const L = countValue(params.signerMessageCount, 'signerMessageCount', 0);
  const disclosed = scalarList(params.disclosedMessageScalars, 'disclosedMessageScalars');
  const disclosedCommitted = scalarList(params.disclosedCommittedMessageScalars, 'disclosedCommittedMessageScalars');
  const disclosedIndexes = indexList(params.disclosedIndexes, 'disclosedIndexes');
  const disclosedCommittedIndexes = indexList(params.disclosedCommittedIndexes, 'disclosedCommittedIndexes');
  if (disclosed.length !== disclosedIndexes.length) {
    throw new BbsError('INVALID_COUNT', 'disclosedMessageScalars', 'one disclosed message per disclosed index');
  }
  if (disclosedCommitted.length !== disclosedCommittedIndexes.length) {
    throw new BbsError(
      'INVALID_COUNT',
      'disclosedCommittedMessageScalars',
      'one disclosed committed message per disclosed committed index',
    );
  }
  // Deserialization: U from the proof length; M + 1 = total - L blind slots (Q_2 always among them).
  const U = proofUndisclosedCount(params.proof.length);
  const blindCount = disclosedIndexes.length + disclosedCommittedIndexes.length + U - L;
  if (blindCount < 1) throw new BbsError('INVALID_COUNT', 'proof', 'proof too short for signerMessageCount messages');
  if (L + 1 > MAX_GENERATORS || blindCount > MAX_GENERATORS) {
    throw new BbsError('INVALID_LENGTH', 'proof', 'too many messages');
  }
  undisclosedIndexesOf(disclosedIndexes, L, 'disclosedIndexes');
  undisclosedIndexesOf(disclosedCommittedIndexes, blindCount - 1, 'disclosedCommittedIndexes');
  const proof = octetsToProof(params.proof);
  const ctx = blindLayoutContext(cs, blindApiId(cs), L, blindCount);
  return coreProofVerifyDecoded(
    ctx,
    params.publicKey,
    proof,
    header,
    presentationHeader,
    [...disclosed, ...disclosedCommitted],
    layoutIndexes(disclosedIndexes, disclosedCommittedIndexes, L),
  );
}

/** The caller's mocked scalars (known-answer tests) or the platform CSPRNG. */
export function randomSource(cs: Ciphersuite, value: RandomScalars | undefined): RandomScalars {
  if (value === undefined) return csprngScalars(cs);
  if (typeof value !== 'function') throw new BbsError('INVALID_TYPE', 'randomScalars', 'expected a function');
  return value;
}
