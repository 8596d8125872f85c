/**
 * The BBS Pseudonym Interface of draft-irtf-cfrg-bbs-per-verifier-linkability (the nym-vector
 * version the fixtures were generated from), api_id = ciphersuite_id || "H2G_HM2S_PSEUDONYM_".
 *
 * Operation names follow the draft, in the core's object-parameter style:
 *
 *   CommitWithNym          -> commitWithNym / commitWithNymScalars
 *   BlindSignWithNym       -> blindSignWithNym / blindSignWithNymScalars (verifies the commitment)
 *   VerifyFinalizeWithNym  -> verifyFinalizeWithNym / verifyFinalizeWithNymScalars
 *                             (verifies the signature and returns the nym_secrets, or false)
 *   CalculatePseudonym     -> calculatePseudonym / calculatePseudonymScalars
 *   ProofGenWithNym        -> proofGenWithNym / proofGenWithNymScalars ({ proof, pseudonym })
 *   ProofVerifyWithNym     -> proofVerifyWithNym / proofVerifyWithNymScalars
 *
 * Layout (blind layout plus the nym secrets last): generators create_generators(L + 1, api_id) ++
 * create_generators(M + N + 1, "BLIND_" || api_id); scalars (msg_1..msg_L, secret_prover_blind,
 * cmsg_1..cmsg_M, nym_secret_1..nym_secret_N). The prover commits to (cmsg..., prover_nym...);
 * the signer adds signer_nym_entropy to the last nym (B += J_{M+N} * signer_nym_entropy), so
 * nym_secrets = prover_nyms with the last one plus signer_nym_entropy. Signature, verification and
 * proofs use header || I2OSP(N, 8) in place of the header, binding N to the signature.
 */
import { ascii, assertBytes, concatBytes, i2osp } from '../bytes.js';
import { add, multiply, octetsToPointG1, octetsToPublicKey, pointToOctetsG1, scalarToOctets } from '../curve.js';
import { getCiphersuite, type Ciphersuite } from '../ciphersuites.js';
import { assertSignatureVerifies, coreVerifyDecoded } from '../core.js';
import { octetsToProof, proofUndisclosedCount } from '../encoding.js';
import { BbsError } from '../errors.js';
import { MAX_GENERATORS } from '../generators.js';
import { messagesToScalars, randomScalars as csprngScalars, type RandomScalars } from '../hashing.js';
import { octetsToSecretKey } from '../keys.js';
import { undisclosedIndexesOf } from '../proof.js';
import {
  committedCountOf,
  coreCommit,
  coreCommitVerify,
  createBlindGenerators,
  deserializeAndValidateCommit,
  octetsToCommitmentWithProof,
} from '../blind/commitment.js';
import { blindLayoutContext, blindLayoutScalars, finalizeBlindSign, layoutIndexes } from '../blind/core.js';
import { randomSource, type BlindSuiteParams } from '../blind/interface.js';
import {
  assertParams,
  bytesList,
  countValue,
  indexList,
  octetsScalarList,
  octetsToScalar,
  optionalBytes,
  optionalOctetsScalar,
  optionalScalar,
  scalarList,
  scalarValue,
  publicKeyAndSignature,
  vouchedPublicKeyAndSignature,
} from '../validate.js';
import { calculatePseudonymPoint, coreProofGenWithNym, coreProofVerifyWithNym } from './core.js';

export interface CommitWithNymParams extends BlindSuiteParams {
  readonly committedMessages?: readonly Uint8Array[];
  /** The prover's nym secrets (32-octet scalars). Absent: one fresh random prover nym. */
  readonly proverNyms?: readonly Uint8Array[];
  /** Only for known-answer tests: the draft's mocked random scalars. Production omits it. */
  readonly randomScalars?: RandomScalars;
}

export interface CommitWithNymScalarsParams extends BlindSuiteParams {
  readonly committedMessageScalars?: readonly bigint[];
  readonly proverNyms?: readonly bigint[];
  readonly randomScalars?: RandomScalars;
}

export interface CommitWithNymResult {
  /** Sent to the signer, together with N = proverNyms.length. */
  readonly commitmentWithProof: Uint8Array;
  readonly secretProverBlind: Uint8Array;
  /** Kept secret by the prover. */
  readonly proverNyms: readonly Uint8Array[];
}

export interface CommitWithNymScalarsResult {
  readonly commitmentWithProof: Uint8Array;
  readonly secretProverBlind: bigint;
  readonly proverNyms: readonly bigint[];
}

interface BlindSignWithNymBase extends BlindSuiteParams {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** Required here: the nym secrets live in the commitment. */
  readonly commitmentWithProof: Uint8Array;
  /** N, the prover's declared number of nym secrets (the draft's length_nym_vector). Default 1. */
  readonly nymCount?: number;
  readonly header?: Uint8Array;
}

export interface BlindSignWithNymParams extends BlindSignWithNymBase {
  readonly messages?: readonly Uint8Array[];
  /** Absent: a fresh random scalar (the normal case); supply the old one to re-issue the same nym. */
  readonly signerNymEntropy?: Uint8Array;
}

export interface BlindSignWithNymScalarsParams extends BlindSignWithNymBase {
  readonly messageScalars?: readonly bigint[];
  readonly signerNymEntropy?: bigint;
}

export interface BlindSignWithNymResult {
  readonly signature: Uint8Array;
  /** Sent to the prover with the signature. */
  readonly signerNymEntropy: Uint8Array;
}

export interface BlindSignWithNymScalarsResult {
  readonly signature: Uint8Array;
  readonly signerNymEntropy: bigint;
}

interface VerifyFinalizeWithNymBase extends BlindSuiteParams {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly header?: Uint8Array;
}

export interface VerifyFinalizeWithNymParams extends VerifyFinalizeWithNymBase {
  readonly messages?: readonly Uint8Array[];
  readonly committedMessages?: readonly Uint8Array[];
  readonly proverNyms: readonly Uint8Array[];
  readonly signerNymEntropy: Uint8Array;
  readonly secretProverBlind?: Uint8Array;
}

export interface VerifyFinalizeWithNymScalarsParams extends VerifyFinalizeWithNymBase {
  readonly messageScalars?: readonly bigint[];
  readonly committedMessageScalars?: readonly bigint[];
  readonly proverNyms: readonly bigint[];
  readonly signerNymEntropy: bigint;
  readonly secretProverBlind?: bigint;
}

interface ProofGenWithNymBase extends BlindSuiteParams {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly header?: Uint8Array;
  readonly presentationHeader?: Uint8Array;
  /** The verifier scope: the same context_id always gives the same pseudonym. */
  readonly contextId: Uint8Array;
  readonly disclosedIndexes?: readonly number[];
  readonly disclosedCommittedIndexes?: readonly number[];
  readonly randomScalars?: RandomScalars;
}

export interface ProofGenWithNymParams extends ProofGenWithNymBase {
  readonly messages?: readonly Uint8Array[];
  readonly committedMessages?: readonly Uint8Array[];
  /** As returned by verifyFinalizeWithNym. */
  readonly nymSecrets: readonly Uint8Array[];
  readonly secretProverBlind?: Uint8Array;
}

export interface ProofGenWithNymScalarsParams extends ProofGenWithNymBase {
  readonly messageScalars?: readonly bigint[];
  readonly committedMessageScalars?: readonly bigint[];
  readonly nymSecrets: readonly bigint[];
  readonly secretProverBlind?: bigint;
}

export interface ProofWithNym {
  readonly proof: Uint8Array;
  /** A compressed G1 point, sent to the verifier with the proof. */
  readonly pseudonym: Uint8Array;
}

interface ProofVerifyWithNymBase extends BlindSuiteParams {
  readonly publicKey: Uint8Array;
  readonly proof: Uint8Array;
  readonly pseudonym: Uint8Array;
  readonly contextId: Uint8Array;
  readonly header?: Uint8Array;
  readonly presentationHeader?: Uint8Array;
  /** L, the number of messages the signer signed. */
  readonly signerMessageCount: number;
  /** N, the number of nym secrets the signature binds. Default 1. */
  readonly nymCount?: number;
  readonly disclosedIndexes?: readonly number[];
  readonly disclosedCommittedIndexes?: readonly number[];
}

export interface ProofVerifyWithNymParams extends ProofVerifyWithNymBase {
  readonly disclosedMessages?: readonly Uint8Array[];
  readonly disclosedCommittedMessages?: readonly Uint8Array[];
}

export interface ProofVerifyWithNymScalarsParams extends ProofVerifyWithNymBase {
  readonly disclosedMessageScalars?: readonly bigint[];
  readonly disclosedCommittedMessageScalars?: readonly bigint[];
}

/** api_id of this interface: ciphersuite_id || "H2G_HM2S_PSEUDONYM_". */
export function pseudonymApiId(cs: Ciphersuite): Uint8Array {
  return concatBytes(cs.id, ascii('H2G_HM2S_PSEUDONYM_'));
}

/** messages_to_scalars under the pseudonym interface's api_id. */
export function pseudonymMessagesToScalars(
  params: BlindSuiteParams & { readonly messages: readonly Uint8Array[] },
): bigint[] {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  return messagesToScalars(cs, bytesList(params.messages, 'messages'), pseudonymApiId(cs));
}

/** The header every nym operation signs and verifies under: header || I2OSP(N, 8). */
function nymHeader(header: Uint8Array, nymCount: number): Uint8Array {
  return concatBytes(header, i2osp(nymCount, 8));
}

function nymCountValue(value: number | undefined): number {
  return value === undefined ? 1 : countValue(value, 'nymCount', 1);
}

function octetsList(values: readonly bigint[]): Uint8Array[] {
  return values.map(scalarToOctets);
}

// ---------------------------------------------------------------------------------------------
// CommitWithNym
// ---------------------------------------------------------------------------------------------

/** CommitWithNym(committed_messages, prover_nyms, api_id). */
export function commitWithNym(params: CommitWithNymParams): CommitWithNymResult {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const committed = bytesList(params.committedMessages, 'committedMessages');
  const result = commitWithNymScalars({
    ciphersuite: params.ciphersuite,
    committedMessageScalars: messagesToScalars(cs, committed, pseudonymApiId(cs)),
    proverNyms: params.proverNyms === undefined ? undefined : octetsScalarList(params.proverNyms, 'proverNyms'),
    randomScalars: params.randomScalars,
  });
  return {
    commitmentWithProof: result.commitmentWithProof,
    secretProverBlind: scalarToOctets(result.secretProverBlind),
    proverNyms: octetsList(result.proverNyms),
  };
}

export function commitWithNymScalars(params: CommitWithNymScalarsParams): CommitWithNymScalarsResult {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const committed = scalarList(params.committedMessageScalars, 'committedMessageScalars');
  const proverNyms =
    params.proverNyms === undefined ? csprngScalars(cs)(1) : scalarList(params.proverNyms, 'proverNyms');
  if (proverNyms.length === 0) throw new BbsError('INVALID_COUNT', 'proverNyms', 'at least one prover nym is required');
  const scalars = [...committed, ...proverNyms];
  if (scalars.length + 1 > MAX_GENERATORS) throw new BbsError('INVALID_COUNT', 'proverNyms', 'too many scalars');
  const apiId = pseudonymApiId(cs);
  const result = coreCommit(
    cs,
    createBlindGenerators(cs, scalars.length + 1, apiId),
    scalars,
    apiId,
    randomSource(cs, params.randomScalars),
  );
  return { ...result, proverNyms };
}

/** CoreCommitVerify under the pseudonym api_id (blindSignWithNym performs it itself). */
export function verifyCommitmentWithNym(
  params: BlindSuiteParams & { readonly commitmentWithProof: Uint8Array },
): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.commitmentWithProof, 'commitmentWithProof');
  const decoded = octetsToCommitmentWithProof(params.commitmentWithProof);
  const apiId = pseudonymApiId(cs);
  return coreCommitVerify(cs, decoded, createBlindGenerators(cs, decoded.proof.mHats.length + 1, apiId), apiId);
}

// ---------------------------------------------------------------------------------------------
// BlindSignWithNym
// ---------------------------------------------------------------------------------------------

/** BlindSignWithNym(SK, PK, commitment_with_proof, length_nym_vector, signer_nym_entropy, header, messages). */
export function blindSignWithNym(params: BlindSignWithNymParams): BlindSignWithNymResult {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const messages = bytesList(params.messages, 'messages');
  const result = blindSignWithNymScalars({
    ciphersuite: params.ciphersuite,
    secretKey: params.secretKey,
    publicKey: params.publicKey,
    commitmentWithProof: params.commitmentWithProof,
    nymCount: params.nymCount,
    header: params.header,
    messageScalars: messagesToScalars(cs, messages, pseudonymApiId(cs)),
    signerNymEntropy:
      params.signerNymEntropy === undefined ? undefined : octetsToScalar(params.signerNymEntropy, 'signerNymEntropy'),
  });
  return { signature: result.signature, signerNymEntropy: scalarToOctets(result.signerNymEntropy) };
}

export function blindSignWithNymScalars(params: BlindSignWithNymScalarsParams): BlindSignWithNymScalarsResult {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const apiId = pseudonymApiId(cs);
  assertBytes(params.secretKey, 'secretKey');
  assertBytes(params.publicKey, 'publicKey');
  const sk = octetsToSecretKey(params.secretKey);
  octetsToPublicKey(params.publicKey);
  const header = optionalBytes(params.header, 'header');
  const messageScalars = scalarList(params.messageScalars, 'messageScalars');
  assertBytes(params.commitmentWithProof, 'commitmentWithProof');
  const nymCount = nymCountValue(params.nymCount);
  const signerNymEntropy =
    params.signerNymEntropy === undefined
      ? csprngScalars(cs)(1)[0]!
      : scalarValue(params.signerNymEntropy, 'signerNymEntropy');
  // M + N committed scalars from the commitment's length; the nyms are the last N of them.
  const committedCount = committedCountOf(params.commitmentWithProof.length);
  if (nymCount > committedCount) {
    throw new BbsError('INVALID_COUNT', 'nymCount', `the commitment holds only ${committedCount} scalars`);
  }
  const L = messageScalars.length;
  const ctx = blindLayoutContext(cs, apiId, L, committedCount + 1);
  const blindGenerators = ctx.generators.slice(L + 1);
  // The commitment's proof of knowledge MUST verify before anything is signed.
  const commitment = deserializeAndValidateCommit(cs, params.commitmentWithProof, blindGenerators, apiId);
  // B_calculate_with_nym: B += nym_generator * signer_nym_entropy, nym_generator = blind_generators[-1]
  const nymGenerator = blindGenerators[committedCount]!;
  const signature = finalizeBlindSign(
    ctx,
    sk,
    params.publicKey,
    nymHeader(header, nymCount),
    messageScalars,
    commitment,
    multiply(nymGenerator, signerNymEntropy),
  );
  return { signature, signerNymEntropy };
}

// ---------------------------------------------------------------------------------------------
// VerifyFinalizeWithNym
// ---------------------------------------------------------------------------------------------

/**
 * VerifyFinalizeWithNym(PK, signature, header, messages, committed_messages, prover_nyms,
 * signer_nym_entropy, secret_prover_blind): the nym_secrets when the signature verifies, else false.
 */
export function verifyFinalizeWithNym(params: VerifyFinalizeWithNymParams): Uint8Array[] | false {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const apiId = pseudonymApiId(cs);
  const result = verifyFinalizeWithNymScalars({
    ciphersuite: params.ciphersuite,
    publicKey: params.publicKey,
    signature: params.signature,
    header: params.header,
    messageScalars: messagesToScalars(cs, bytesList(params.messages, 'messages'), apiId),
    committedMessageScalars: messagesToScalars(cs, bytesList(params.committedMessages, 'committedMessages'), apiId),
    proverNyms: octetsScalarList(params.proverNyms, 'proverNyms'),
    signerNymEntropy: octetsToScalar(params.signerNymEntropy, 'signerNymEntropy'),
    secretProverBlind: optionalOctetsScalar(params.secretProverBlind, 'secretProverBlind'),
  });
  return result === false ? false : octetsList(result);
}

export function verifyFinalizeWithNymScalars(params: VerifyFinalizeWithNymScalarsParams): bigint[] | false {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const signature = publicKeyAndSignature(params);
  const header = optionalBytes(params.header, 'header');
  const messageScalars = scalarList(params.messageScalars, 'messageScalars');
  const committed = scalarList(params.committedMessageScalars, 'committedMessageScalars');
  if (params.proverNyms === undefined) throw new BbsError('INVALID_TYPE', 'proverNyms', 'required');
  const proverNyms = scalarList(params.proverNyms, 'proverNyms');
  if (proverNyms.length === 0) throw new BbsError('INVALID_COUNT', 'proverNyms', 'at least one prover nym is required');
  const signerNymEntropy = scalarValue(params.signerNymEntropy, 'signerNymEntropy');
  const secretProverBlind = optionalScalar(params.secretProverBlind, 'secretProverBlind');
  const N = proverNyms.length;
  if (committed.length + N + 1 > MAX_GENERATORS) throw new BbsError('INVALID_COUNT', 'proverNyms', 'too many scalars');
  // nym_secrets = prover_nyms, the last one plus signer_nym_entropy
  const nymSecrets = [...proverNyms];
  nymSecrets[N - 1] = add(nymSecrets[N - 1]!, signerNymEntropy);
  const ctx = blindLayoutContext(cs, pseudonymApiId(cs), messageScalars.length, committed.length + N + 1);
  const scalars = [...blindLayoutScalars(messageScalars, secretProverBlind, committed), ...nymSecrets];
  return coreVerifyDecoded(ctx, params.publicKey, signature, nymHeader(header, N), scalars) ? nymSecrets : false;
}

// ---------------------------------------------------------------------------------------------
// CalculatePseudonym
// ---------------------------------------------------------------------------------------------

/** The pseudonym for nym_secrets in a context (what proofGenWithNym returns), compressed. */
export function calculatePseudonym(
  params: BlindSuiteParams & { readonly contextId: Uint8Array; readonly nymSecrets: readonly Uint8Array[] },
): Uint8Array {
  assertParams(params);
  return calculatePseudonymScalars({
    ciphersuite: params.ciphersuite,
    contextId: params.contextId,
    nymSecrets: octetsScalarList(params.nymSecrets, 'nymSecrets'),
  });
}

export function calculatePseudonymScalars(
  params: BlindSuiteParams & { readonly contextId: Uint8Array; readonly nymSecrets: readonly bigint[] },
): Uint8Array {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.contextId, 'contextId');
  if (params.nymSecrets === undefined) throw new BbsError('INVALID_TYPE', 'nymSecrets', 'required');
  const nymSecrets = scalarList(params.nymSecrets, 'nymSecrets');
  return pointToOctetsG1(calculatePseudonymPoint(cs, pseudonymApiId(cs), params.contextId, nymSecrets));
}

// ---------------------------------------------------------------------------------------------
// ProofGenWithNym
// ---------------------------------------------------------------------------------------------

/**
 * ProofGenWithNym(PK, signature, header, ph, nym_secrets, context_id, messages,
 * committed_messages, disclosed_indexes, disclosed_commitment_indexes, secret_prover_blind).
 */
export function proofGenWithNym(params: ProofGenWithNymParams): ProofWithNym {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const apiId = pseudonymApiId(cs);
  return proofGenWithNymScalars({
    ciphersuite: params.ciphersuite,
    publicKey: params.publicKey,
    signature: params.signature,
    header: params.header,
    presentationHeader: params.presentationHeader,
    contextId: params.contextId,
    messageScalars: messagesToScalars(cs, bytesList(params.messages, 'messages'), apiId),
    committedMessageScalars: messagesToScalars(cs, bytesList(params.committedMessages, 'committedMessages'), apiId),
    nymSecrets: octetsScalarList(params.nymSecrets, 'nymSecrets'),
    disclosedIndexes: params.disclosedIndexes,
    disclosedCommittedIndexes: params.disclosedCommittedIndexes,
    secretProverBlind: optionalOctetsScalar(params.secretProverBlind, 'secretProverBlind'),
    randomScalars: params.randomScalars,
  });
}

/**
 * ProofGenWithNym over scalars. Always checks the public key, the signature's A (subgroup) and
 * the signature itself, whatever else `params` carries.
 */
export function proofGenWithNymScalars(params: ProofGenWithNymScalarsParams): ProofWithNym {
  return generateProofWithNym(params, false);
}

/**
 * ProofGenWithNym over scalars for a signature this holder verified itself (VerifyFinalizeWithNym)
 * with this public key, header and messages when it accepted the credential: skips the repeated
 * signature check (a pairing), the public key's decoding and the subgroup check of the
 * signature's A. Internal, like `proofGenVouched` (src/bbs/interface.ts): not exported from
 * privid/bbs; src/credential/presentation-proof.ts calls it only when the wallet's verification
 * tag matches.
 */
export function proofGenWithNymScalarsVouched(params: ProofGenWithNymScalarsParams): ProofWithNym {
  return generateProofWithNym(params, true);
}

function generateProofWithNym(params: ProofGenWithNymScalarsParams, vouched: boolean): ProofWithNym {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.contextId, 'contextId');
  const signature = vouched ? vouchedPublicKeyAndSignature(params) : publicKeyAndSignature(params);
  const header = optionalBytes(params.header, 'header');
  const presentationHeader = optionalBytes(params.presentationHeader, 'presentationHeader');
  const messageScalars = scalarList(params.messageScalars, 'messageScalars');
  const committed = scalarList(params.committedMessageScalars, 'committedMessageScalars');
  if (params.nymSecrets === undefined) throw new BbsError('INVALID_TYPE', 'nymSecrets', 'required');
  const nymSecrets = scalarList(params.nymSecrets, 'nymSecrets');
  if (nymSecrets.length === 0) throw new BbsError('INVALID_COUNT', 'nymSecrets', 'at least one nym secret is required');
  const secretProverBlind = optionalScalar(params.secretProverBlind, 'secretProverBlind');
  const L = messageScalars.length;
  const N = nymSecrets.length;
  if (committed.length + N + 1 > MAX_GENERATORS) throw new BbsError('INVALID_COUNT', 'nymSecrets', 'too many scalars');
  const disclosedIndexes = indexList(params.disclosedIndexes, 'disclosedIndexes');
  const disclosedCommittedIndexes = indexList(params.disclosedCommittedIndexes, 'disclosedCommittedIndexes');
  undisclosedIndexesOf(disclosedIndexes, L, 'disclosedIndexes');
  undisclosedIndexesOf(disclosedCommittedIndexes, committed.length, 'disclosedCommittedIndexes');
  const random = randomSource(cs, params.randomScalars);
  const apiId = pseudonymApiId(cs);
  const ctx = blindLayoutContext(cs, apiId, L, committed.length + N + 1);
  const scalars = [...blindLayoutScalars(messageScalars, secretProverBlind, committed), ...nymSecrets];
  const signedHeader = nymHeader(header, N);
  if (!vouched) assertSignatureVerifies(ctx, params.publicKey, signature, signedHeader, scalars);
  const { proof, pseudonym } = coreProofGenWithNym(
    ctx,
    params.publicKey,
    signature,
    signedHeader,
    presentationHeader,
    params.contextId,
    scalars,
    N,
    layoutIndexes(disclosedIndexes, disclosedCommittedIndexes, L),
    random,
  );
  return { proof, pseudonym: pointToOctetsG1(pseudonym) };
}

// ---------------------------------------------------------------------------------------------
// ProofVerifyWithNym
// ---------------------------------------------------------------------------------------------

/**
 * ProofVerifyWithNym(PK, proof, header, ph, pseudonym, context_id, L, disclosed_messages,
 * disclosed_committed_messages, disclosed_indexes, disclosed_committed_indexes), with N.
 */
export function proofVerifyWithNym(params: ProofVerifyWithNymParams): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const apiId = pseudonymApiId(cs);
  return proofVerifyWithNymScalars({
    ciphersuite: params.ciphersuite,
    publicKey: params.publicKey,
    proof: params.proof,
    pseudonym: params.pseudonym,
    contextId: params.contextId,
    header: params.header,
    presentationHeader: params.presentationHeader,
    signerMessageCount: params.signerMessageCount,
    nymCount: params.nymCount,
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

export function proofVerifyWithNymScalars(params: ProofVerifyWithNymScalarsParams): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.publicKey, 'publicKey');
  assertBytes(params.proof, 'proof');
  assertBytes(params.pseudonym, 'pseudonym');
  assertBytes(params.contextId, 'contextId');
  octetsToPublicKey(params.publicKey);
  const pseudonym = octetsToPointG1(params.pseudonym, 'pseudonym');
  const header = optionalBytes(params.header, 'header');
  const presentationHeader = optionalBytes(params.presentationHeader, 'presentationHeader');
  const L = countValue(params.signerMessageCount, 'signerMessageCount', 0);
  const N = nymCountValue(params.nymCount);
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
  // total = R + U messages = L + 1 (secret_prover_blind) + M + N
  const U = proofUndisclosedCount(params.proof.length);
  const blindCount = disclosedIndexes.length + disclosedCommittedIndexes.length + U - L;
  const M = blindCount - 1 - N;
  if (M < 0) throw new BbsError('INVALID_COUNT', 'proof', 'proof too short for these message and nym counts');
  if (L + 1 > MAX_GENERATORS || blindCount > MAX_GENERATORS) {
    throw new BbsError('INVALID_LENGTH', 'proof', 'too many messages');
  }
  undisclosedIndexesOf(disclosedIndexes, L, 'disclosedIndexes');
  undisclosedIndexesOf(disclosedCommittedIndexes, M, 'disclosedCommittedIndexes');
  const proof = octetsToProof(params.proof);
  const ctx = blindLayoutContext(cs, pseudonymApiId(cs), L, blindCount);
  return coreProofVerifyWithNym(
    ctx,
    params.publicKey,
    proof,
    pseudonym,
    params.contextId,
    N,
    nymHeader(header, N),
    presentationHeader,
    [...disclosed, ...disclosedCommitted],
    layoutIndexes(disclosedIndexes, disclosedCommittedIndexes, L),
  );
}
