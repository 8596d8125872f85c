/**
 * The BBS Signatures Interface (draft section "BBS Signatures Interface"): octet-string
 * messages mapped with messages_to_scalars, generators from create_generators, and
 * api_id = ciphersuite_id || "H2G_HM2S_".
 *
 * Every function takes one object parameter, validates every input and throws a typed
 * `BbsError` for malformed input. A well-formed signature or proof that does not verify
 * yields `false`.
 */
import { ascii, assertBytes, concatBytes } from './bytes.js';
import {
  assertParams,
  checkedDst,
  optionalBytes,
  publicKeyAndSignature,
  requiredBytesList,
  requiredIndexList,
  vouchedPublicKeyAndSignature,
} from './validate.js';
import { octetsToPublicKey } from './curve.js';
import { getCiphersuite, type Ciphersuite, type CiphersuiteName } from './ciphersuites.js';
import { assertSignatureVerifies, coreSign, coreVerifyDecoded, type CoreContext } from './core.js';
import { octetsToProof, proofUndisclosedCount } from './encoding.js';
import { BbsError } from './errors.js';
import { createGenerators, MAX_GENERATORS } from './generators.js';
import { messagesToScalars, randomScalars, type RandomScalars } from './hashing.js';
import { defaultKeyDst, keyGenScalar, octetsToSecretKey, secretKeyToOctets, skToPkOctets } from './keys.js';
import { coreProofGen, coreProofVerifyDecoded } from './proof.js';

export interface SuiteParams {
  /** Defaults to BLS12-381-SHA-256. */
  readonly ciphersuite?: CiphersuiteName;
}

export interface KeyGenParams extends SuiteParams {
  readonly keyMaterial: Uint8Array;
  readonly keyInfo?: Uint8Array;
  readonly keyDst?: Uint8Array;
}

export interface SignParams extends SuiteParams {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly header?: Uint8Array;
  readonly messages: readonly Uint8Array[];
}

export interface VerifyParams extends SuiteParams {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly header?: Uint8Array;
  readonly messages: readonly Uint8Array[];
}

export interface ProofGenParams extends SuiteParams {
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly header?: Uint8Array;
  readonly presentationHeader?: Uint8Array;
  readonly messages: readonly Uint8Array[];
  readonly disclosedIndexes: readonly number[];
  /** Only for known-answer tests: the draft's mocked random scalars. Production omits it. */
  readonly randomScalars?: RandomScalars;
}

export interface ProofVerifyParams extends SuiteParams {
  readonly publicKey: Uint8Array;
  readonly proof: Uint8Array;
  readonly header?: Uint8Array;
  readonly presentationHeader?: Uint8Array;
  readonly disclosedMessages: readonly Uint8Array[];
  readonly disclosedIndexes: readonly number[];
}

/** api_id of this interface: ciphersuite_id || "H2G_HM2S_". */
export function signaturesApiId(cs: Ciphersuite): Uint8Array {
  return concatBytes(cs.id, ascii('H2G_HM2S_'));
}

export function keyGen(params: KeyGenParams): Uint8Array {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.keyMaterial, 'keyMaterial');
  const keyInfo = optionalBytes(params.keyInfo, 'keyInfo');
  const keyDst = params.keyDst === undefined ? defaultKeyDst(cs) : checkedDst(params.keyDst, 'keyDst');
  return secretKeyToOctets(keyGenScalar(cs, params.keyMaterial, keyInfo, keyDst));
}

export function skToPk(params: SuiteParams & { readonly secretKey: Uint8Array }): Uint8Array {
  assertParams(params);
  getCiphersuite(params.ciphersuite);
  assertBytes(params.secretKey, 'secretKey');
  return skToPkOctets(octetsToSecretKey(params.secretKey));
}

export function sign(params: SignParams): Uint8Array {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.secretKey, 'secretKey');
  assertBytes(params.publicKey, 'publicKey');
  const sk = octetsToSecretKey(params.secretKey);
  // The draft recommends validating PK even where only its octets are used (Security Considerations).
  octetsToPublicKey(params.publicKey);
  const messages = requiredBytesList(params.messages, 'messages');
  const header = optionalBytes(params.header, 'header');
  const ctx = context(cs, messages.length);
  return coreSign(ctx, sk, params.publicKey, header, messagesToScalars(cs, messages, ctx.apiId));
}

export function verify(params: VerifyParams): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const signature = publicKeyAndSignature(params);
  const messages = requiredBytesList(params.messages, 'messages');
  const header = optionalBytes(params.header, 'header');
  const ctx = context(cs, messages.length);
  return coreVerifyDecoded(ctx, params.publicKey, signature, header, messagesToScalars(cs, messages, ctx.apiId));
}

/**
 * ProofGen. Always checks the public key, the signature's A (subgroup) and the signature itself
 * (the check the draft RECOMMENDS), whatever else `params` carries.
 */
export function proofGen(params: ProofGenParams): Uint8Array {
  return generateProof(params, false);
}

/**
 * ProofGen for a signature this holder verified itself, with this public key, header and
 * messages, when it accepted the credential, and kept in its own storage: skips what it would
 * only repeat, the signature check (a pairing), the public key's decoding and subgroup check (its
 * octets are only hashed) and the subgroup check of the signature's A. Internal: not exported
 * from privid/bbs, because with it a point outside the subgroup is accepted. The credential layer
 * calls its pseudonym twin only after a verification tag it minted at issuance matches
 * (src/credential/verification-tag.ts). The Hermes benchmark uses it to measure the wallet shape.
 */
export function proofGenVouched(params: ProofGenParams): Uint8Array {
  return generateProof(params, true);
}

function generateProof(params: ProofGenParams, vouched: boolean): Uint8Array {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  const signature = vouched ? vouchedPublicKeyAndSignature(params) : publicKeyAndSignature(params);
  const messages = requiredBytesList(params.messages, 'messages');
  const header = optionalBytes(params.header, 'header');
  const presentationHeader = optionalBytes(params.presentationHeader, 'presentationHeader');
  const disclosedIndexes = requiredIndexList(params.disclosedIndexes, 'disclosedIndexes');
  const ctx = context(cs, messages.length);
  const scalars = messagesToScalars(cs, messages, ctx.apiId);
  if (!vouched) assertSignatureVerifies(ctx, params.publicKey, signature, header, scalars);
  return coreProofGen(
    ctx,
    params.publicKey,
    signature,
    header,
    presentationHeader,
    scalars,
    disclosedIndexes,
    params.randomScalars ?? randomScalars(cs),
  );
}

export function proofVerify(params: ProofVerifyParams): boolean {
  assertParams(params);
  const cs = getCiphersuite(params.ciphersuite);
  assertBytes(params.publicKey, 'publicKey');
  assertBytes(params.proof, 'proof');
  octetsToPublicKey(params.publicKey);
  const disclosedMessages = requiredBytesList(params.disclosedMessages, 'disclosedMessages');
  const disclosedIndexes = requiredIndexList(params.disclosedIndexes, 'disclosedIndexes');
  const header = optionalBytes(params.header, 'header');
  const presentationHeader = optionalBytes(params.presentationHeader, 'presentationHeader');
  if (disclosedMessages.length !== disclosedIndexes.length) {
    throw new BbsError('INVALID_COUNT', 'disclosedMessages', 'one disclosed message per disclosed index is required');
  }
  // L is implied by the proof length; bound it before decoding so a huge proof costs nothing.
  const L = disclosedIndexes.length + proofUndisclosedCount(params.proof.length);
  if (L > MAX_GENERATORS - 1) throw new BbsError('INVALID_LENGTH', 'proof', 'too many messages');
  const proof = octetsToProof(params.proof);
  const ctx = context(cs, L);
  return coreProofVerifyDecoded(
    ctx,
    params.publicKey,
    proof,
    header,
    presentationHeader,
    messagesToScalars(cs, disclosedMessages, ctx.apiId),
    disclosedIndexes,
  );
}

function context(cs: Ciphersuite, messageCount: number): CoreContext {
  const apiId = signaturesApiId(cs);
  return { cs, apiId, generators: createGenerators(cs, messageCount + 1, apiId) };
}
