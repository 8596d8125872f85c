/**
 * privid/bbs/legacy: the BBS+ 2020 suite (`'BBS+2020'`), as used by BbsBlsSignature2020 /
 * BbsBlsSignatureProof2020 wallets, over `@mattrglobal/bbs-signatures` (Rust compiled to WASM).
 * A separate entry point, so that the browser-safe core (`privid/bbs`) never loads WASM.
 *
 * Which suite to choose:
 *
 * - `BLS12-381-SHA-256` (the default, `privid/bbs`): the IETF draft (draft-irtf-cfrg-bbs-signatures),
 *   on the standards track, pure JavaScript (browsers, React Native), with a signed `header`,
 *   blind issuance and pseudonyms. Choose it unless one of the reasons below applies.
 * - `BLS12-381-SHAKE-256` (`privid/bbs`): the same, with SHAKE-256 instead of SHA-256 in
 *   hash-to-curve and hash-to-scalar, for deployments that standardise on SHA-3.
 * - `BBS+2020` (this module): only to interoperate with existing BbsBlsSignature2020 wallets and
 *   credentials. It is not the IETF algorithm and its signatures and proofs are not
 *   interchangeable with the IETF suites'. It has no `header` (a non-empty one is rejected, not
 *   dropped), no blind issuance and no pseudonyms, needs WASM, and signs at least one message.
 *
 * Mapping onto `BbsSuite`:
 *
 * - `keyPair(keyMaterial)`: mattr's `generateBls12381G2KeyPair(seed)` with the key material as the
 *   seed (at least 32 bytes). Secret keys are 32-byte big-endian scalars, public keys compressed
 *   G2 points (96 bytes), as in the IETF suites, but the key derivation differs: the same key
 *   material gives different keys in the two families.
 * - `sign` / `verify`: `blsSign` / `blsVerify`. A signature is A (compressed G1, 48 bytes) || e || s
 *   (32-byte big-endian scalars): 112 bytes.
 * - `proofGen` / `proofVerify`: `blsCreateProof` / `blsVerifyProof`, with `nonce` =
 *   `presentationHeader` and `revealed` = `disclosedIndexes`. The proof carries the message count
 *   and a bit vector of the revealed indexes; `proofVerify` checks that they say exactly what the
 *   verifier's `disclosedIndexes` say (the 2020 library itself only pairs the disclosed messages
 *   with the bit vector, in order).
 *
 * Errors follow the IETF interface: malformed input throws a `BbsError`; a well-formed signature
 * or proof that does not verify gives `false`. The WASM library panics (an uncaught exception
 * outside the returned promise, which then never settles) on some malformed proofs, so proofs
 * are parsed and checked here, field by field, before they reach it; points are left to the
 * library's own decoding (with its subgroup checks), public keys are checked here.
 *
 * The library is imported as `@mattrglobal/bbs-signatures/lib/wasm_module.js`, the WASM build its
 * `lib/index.js` loads when the deprecated native module is absent (always, here), typed by
 * `legacy/mattr-bbs-signatures.d.ts`: the package's own typings do not compile in this project.
 */
import {
  blsCreateProof,
  blsSign,
  blsVerify,
  blsVerifyProof,
  generateBls12381G2KeyPair,
} from '@mattrglobal/bbs-signatures/lib/wasm_module.js';
import {
  BbsError,
  bytesToHex,
  MAX_GENERATORS,
  octetsToPointG2,
  os2ip,
  r,
  type BbsSuite,
  type KeyPair,
  type SuiteProofGenParams,
  type SuiteProofVerifyParams,
  type SuiteSignParams,
  type SuiteVerifyParams,
} from './index.js';

export const BBS2020_SUITE_ID = 'BBS+2020';
export const BBS2020_SECRET_KEY_LENGTH = 32;
export const BBS2020_PUBLIC_KEY_LENGTH = 96;
/** A (48) || e (32) || s (32). */
export const BBS2020_SIGNATURE_LENGTH = 112;
/** Same bound as the IETF core, so that one suite is not a cheaper way to make a verifier work hard. */
export const BBS2020_MAX_MESSAGES = MAX_GENERATORS - 1;

const G1_LENGTH = 48;
const SCALAR_LENGTH = 32;
const MIN_KEY_MATERIAL_LENGTH = 32;
/**
 * The proof body, after the header (u16 message count || revealed bit vector):
 * A' || A-bar || d (3 x G1) || u32 length of proof 1 (= 116) ||
 * proof 1: commitment (G1) || u32 count (= 2) || 2 scalars ||
 * proof 2: commitment (G1) || u32 count (= 2 + U) || (2 + U) scalars, U = undisclosed messages.
 */
const PROOF1_LENGTH = G1_LENGTH + 4 + 2 * SCALAR_LENGTH;
const PROOF_FIXED_BODY_LENGTH = 3 * G1_LENGTH + 4 + PROOF1_LENGTH + G1_LENGTH + 4 + 2 * SCALAR_LENGTH;

const EMPTY = new Uint8Array(0);

/** Length of the revealed-index bit vector for `messageCount` messages (floor(L / 8) + 1 bytes). */
function bitVectorLength(messageCount: number): number {
  return Math.floor(messageCount / 8) + 1;
}

/** Length of a BBS+2020 proof over `messageCount` messages with `disclosedCount` of them disclosed. */
export function bbs2020ProofLength(messageCount: number, disclosedCount: number): number {
  return 2 + bitVectorLength(messageCount) + PROOF_FIXED_BODY_LENGTH + SCALAR_LENGTH * (messageCount - disclosedCount);
}

export const legacySuite: BbsSuite = Object.freeze({
  id: BBS2020_SUITE_ID,
  publicKeyLength: BBS2020_PUBLIC_KEY_LENGTH,
  keyPair,
  sign,
  verify,
  proofGen,
  proofVerify,
});

async function keyPair(keyMaterial: Uint8Array): Promise<KeyPair> {
  assertBytes(keyMaterial, 'keyMaterial');
  if (keyMaterial.length < MIN_KEY_MATERIAL_LENGTH) {
    throw new BbsError('INVALID_KEY_MATERIAL', 'keyMaterial', `at least ${MIN_KEY_MATERIAL_LENGTH} bytes are required`);
  }
  let pair: { secretKey: Uint8Array; publicKey: Uint8Array };
  try {
    // A copy: the library must not see later changes to the caller's buffer, nor keep it.
    pair = await generateBls12381G2KeyPair(keyMaterial.slice());
  } catch {
    throw new BbsError('INVALID_KEY_MATERIAL', 'keyMaterial', 'the BBS+2020 library could not derive a key pair');
  }
  const secretKey = Uint8Array.from(pair.secretKey);
  const publicKey = Uint8Array.from(pair.publicKey);
  // The derived scalar is 0 only with negligible probability; check rather than assume.
  checkSecretKey(secretKey);
  return { secretKey, publicKey };
}

async function sign(params: SuiteSignParams): Promise<Uint8Array> {
  assertParams(params);
  rejectHeader(params.header);
  const secretKey = copyOf(params.secretKey, 'secretKey');
  checkSecretKey(secretKey);
  const publicKey = copyOf(params.publicKey, 'publicKey');
  checkPublicKey(publicKey);
  const messages = messageList(params.messages, 'messages', 1);
  let signature: Uint8Array;
  try {
    signature = await blsSign({ keyPair: { secretKey, publicKey }, messages });
  } catch {
    // Every input was checked above, so this is the library refusing the key.
    throw new BbsError('INVALID_KEY_MATERIAL', 'secretKey', 'the BBS+2020 library refused to sign with this key');
  }
  if (!(signature instanceof Uint8Array) || signature.length !== BBS2020_SIGNATURE_LENGTH) {
    throw new BbsError('INVALID_LENGTH', 'signature', 'the BBS+2020 library returned a malformed signature');
  }
  return Uint8Array.from(signature);
}

async function verify(params: SuiteVerifyParams): Promise<boolean> {
  assertParams(params);
  rejectHeader(params.header);
  const { publicKey, signature } = checkedKeyAndSignature(params);
  const messages = messageList(params.messages, 'messages', 1);
  return verifyChecked(publicKey, signature, messages);
}

/** blsVerify on inputs that passed every check here; a decoding error left can only be A's. */
async function verifyChecked(
  publicKey: Uint8Array,
  signature: Uint8Array,
  messages: readonly Uint8Array[],
): Promise<boolean> {
  let result: { verified: boolean; error?: string };
  try {
    result = await blsVerify({ publicKey, signature, messages });
  } catch {
    throw undecodable('signature');
  }
  if (result.error !== undefined) throw undecodable('signature');
  return result.verified === true;
}

async function proofGen(params: SuiteProofGenParams): Promise<Uint8Array> {
  assertParams(params);
  rejectHeader(params.header);
  const { publicKey, signature } = checkedKeyAndSignature(params);
  const messages = messageList(params.messages, 'messages', 1);
  const nonce = optionalBytes(params.presentationHeader, 'presentationHeader');
  const revealed = indexList(params.disclosedIndexes, messages.length);
  let proof: Uint8Array;
  try {
    proof = await blsCreateProof({ signature, publicKey, messages, nonce, revealed });
  } catch {
    // The library answers "Failed to create proof" for every cause. The inputs passed every
    // check here, so it is the signature: tell an undecodable one from one that does not verify.
    if (await verifyChecked(publicKey, signature, messages)) {
      throw new BbsError('INVALID_SIGNATURE_FOR_PROOF', 'signature', 'the BBS+2020 library could not derive a proof');
    }
    throw new BbsError('INVALID_SIGNATURE_FOR_PROOF', 'signature', 'the signature does not verify for these messages');
  }
  if (!(proof instanceof Uint8Array) || proof.length !== bbs2020ProofLength(messages.length, revealed.length)) {
    throw new BbsError('INVALID_LENGTH', 'proof', 'the BBS+2020 library returned a malformed proof');
  }
  return Uint8Array.from(proof);
}

async function proofVerify(params: SuiteProofVerifyParams): Promise<boolean> {
  assertParams(params);
  rejectHeader(params.header);
  const publicKey = copyOf(params.publicKey, 'publicKey');
  checkPublicKey(publicKey);
  // Checked and handed to the library as one private copy: a caller changing its buffer in
  // between (the library call starts after an await) cannot smuggle in an unchecked proof.
  const proof = copyOf(params.proof, 'proof');
  const nonce = optionalBytes(params.presentationHeader, 'presentationHeader');
  const disclosedMessages = messageList(params.disclosedMessages, 'disclosedMessages', 0);
  const { messageCount, revealed } = parseProof(proof);
  const disclosedIndexes = indexList(params.disclosedIndexes, messageCount);
  if (disclosedMessages.length !== disclosedIndexes.length) {
    throw new BbsError('INVALID_COUNT', 'disclosedMessages', 'one disclosed message per disclosed index is required');
  }
  // The library pairs the disclosed messages with the proof's own bit vector, in order. A proof
  // that discloses other positions than the verifier asks about proves something else: false.
  if (revealed.length !== disclosedIndexes.length || revealed.some((index, i) => index !== disclosedIndexes[i])) {
    return false;
  }
  let result: { verified: boolean; error?: string };
  try {
    result = await blsVerifyProof({ proof, publicKey, messages: disclosedMessages, nonce });
  } catch {
    throw undecodable('proof');
  }
  // Lengths, counts and scalars were checked by parseProof: what the library can still reject
  // while decoding is a point.
  if (result.error !== undefined) throw undecodable('proof');
  return result.verified === true;
}

/**
 * Checks the structure of a proof (every length and count field, scalars canonical, no identity
 * points) without decoding points, and returns its message count and revealed indexes.
 */
function parseProof(proof: Uint8Array): { messageCount: number; revealed: number[] } {
  if (proof.length < 2) throw new BbsError('INVALID_LENGTH', 'proof', 'too short for a BBS+2020 proof');
  const messageCount = (proof[0]! << 8) | proof[1]!;
  if (messageCount === 0) throw new BbsError('INVALID_COUNT', 'proof', 'a BBS+2020 proof covers at least one message');
  if (messageCount > BBS2020_MAX_MESSAGES) {
    throw new BbsError('INVALID_COUNT', 'proof', `at most ${BBS2020_MAX_MESSAGES} messages are supported`);
  }
  const vectorLength = bitVectorLength(messageCount);
  if (proof.length < 2 + vectorLength) throw new BbsError('INVALID_LENGTH', 'proof', 'truncated revealed-index vector');
  // The bit vector is little-endian by bit within a byte and big-endian by byte: index i is bit
  // (i mod 8) of byte (vectorLength - 1 - floor(i / 8)).
  const revealed: number[] = [];
  for (let index = 0; index < vectorLength * 8; index++) {
    const byte = proof[2 + vectorLength - 1 - Math.floor(index / 8)]!;
    if (((byte >> (index % 8)) & 1) === 0) continue;
    if (index >= messageCount) {
      throw new BbsError('INVALID_INDEXES', 'proof', 'the revealed-index vector names an index past the message count');
    }
    revealed.push(index);
  }
  const expected = bbs2020ProofLength(messageCount, revealed.length);
  if (proof.length !== expected) {
    throw new BbsError('INVALID_LENGTH', 'proof', `expected ${expected} bytes, got ${proof.length}`);
  }
  const undisclosed = messageCount - revealed.length;
  let offset = 2 + vectorLength;
  for (let i = 0; i < 3; i++, offset += G1_LENGTH) checkNotIdentity(proof, offset, 'proof');
  expectU32(proof, offset, PROOF1_LENGTH);
  offset += 4;
  checkNotIdentity(proof, offset, 'proof');
  offset += G1_LENGTH;
  expectU32(proof, offset, 2);
  offset += 4;
  for (let i = 0; i < 2; i++, offset += SCALAR_LENGTH) checkScalar(proof, offset, 'proof');
  checkNotIdentity(proof, offset, 'proof');
  offset += G1_LENGTH;
  expectU32(proof, offset, 2 + undisclosed);
  offset += 4;
  for (let i = 0; i < 2 + undisclosed; i++, offset += SCALAR_LENGTH) checkScalar(proof, offset, 'proof');
  return { messageCount, revealed };
}

function expectU32(bytes: Uint8Array, offset: number, expected: number): void {
  const value =
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  if (value !== expected) {
    throw new BbsError('INVALID_LENGTH', 'proof', `length field at byte ${offset} is ${value}, expected ${expected}`);
  }
}

/** Length, A not the identity, e and s canonical (< r); A's decoding is left to the library. */
function checkSignature(signature: unknown): asserts signature is Uint8Array {
  assertBytes(signature, 'signature');
  if (signature.length !== BBS2020_SIGNATURE_LENGTH) {
    throw new BbsError(
      'INVALID_LENGTH',
      'signature',
      `expected ${BBS2020_SIGNATURE_LENGTH} bytes, got ${signature.length}`,
    );
  }
  checkNotIdentity(signature, 0, 'signature');
  checkScalar(signature, G1_LENGTH, 'signature');
  checkScalar(signature, G1_LENGTH + SCALAR_LENGTH, 'signature');
}

/** The compressed identity is 0xc0 followed by zeros; the 2020 library would accept it as a point. */
function checkNotIdentity(bytes: Uint8Array, offset: number, field: string): void {
  if (bytes[offset] !== 0xc0) return;
  for (let i = 1; i < G1_LENGTH; i++) if (bytes[offset + i] !== 0) return;
  throw new BbsError('IDENTITY_POINT', field, `the identity point at byte ${offset} is not allowed`);
}

function checkScalar(bytes: Uint8Array, offset: number, field: string): void {
  if (os2ip(bytes.subarray(offset, offset + SCALAR_LENGTH)) >= r) {
    throw new BbsError('SCALAR_OUT_OF_RANGE', field, `the scalar at byte ${offset} is not below r`);
  }
}

function checkSecretKey(secretKey: unknown): asserts secretKey is Uint8Array {
  assertBytes(secretKey, 'secretKey');
  if (secretKey.length !== BBS2020_SECRET_KEY_LENGTH) {
    throw new BbsError(
      'INVALID_LENGTH',
      'secretKey',
      `expected ${BBS2020_SECRET_KEY_LENGTH} bytes, got ${secretKey.length}`,
    );
  }
  const sk = os2ip(secretKey);
  if (sk === 0n || sk >= r) throw new BbsError('SCALAR_OUT_OF_RANGE', 'secretKey', 'secret key must be in 1..r-1');
}

/**
 * Private, checked copies of the public key and signature, the common start of verify and
 * proofGen: the library only ever sees bytes that passed every check here.
 */
function checkedKeyAndSignature(params: { readonly publicKey: unknown; readonly signature: unknown }) {
  const publicKey = copyOf(params.publicKey, 'publicKey');
  checkPublicKey(publicKey);
  const signature = copyOf(params.signature, 'signature');
  checkSignature(signature);
  return { publicKey, signature };
}

/**
 * Public keys that passed the check (on the curve, in G2's subgroup, not the identity). Decoding
 * a G2 point in JS costs a few milliseconds, so known keys (issuers) are remembered.
 */
const PUBLIC_KEY_CACHE_LIMIT = 256;
const validPublicKeys = new Set<string>();

function checkPublicKey(publicKey: unknown): asserts publicKey is Uint8Array {
  assertBytes(publicKey, 'publicKey');
  if (publicKey.length !== BBS2020_PUBLIC_KEY_LENGTH) {
    throw new BbsError(
      'INVALID_LENGTH',
      'publicKey',
      `expected ${BBS2020_PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`,
    );
  }
  const key = bytesToHex(publicKey);
  if (validPublicKeys.has(key)) return;
  octetsToPointG2(publicKey, 'publicKey');
  if (validPublicKeys.size >= PUBLIC_KEY_CACHE_LIMIT) {
    const oldest = validPublicKeys.values().next().value;
    if (oldest !== undefined) validPublicKeys.delete(oldest);
  }
  validPublicKeys.add(key);
}

function rejectHeader(header: unknown): void {
  if (header === undefined) return;
  assertBytes(header, 'header');
  if (header.length > 0) {
    throw new BbsError(
      'UNSUPPORTED_OPERATION',
      'header',
      'the BBS+2020 suite has no header; use an IETF suite to bind a header',
    );
  }
}

function assertParams(params: unknown): void {
  if (typeof params !== 'object' || params === null) {
    throw new BbsError('INVALID_TYPE', 'params', 'expected a parameter object');
  }
}

function assertBytes(value: unknown, field: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new BbsError('INVALID_TYPE', field, 'expected a Uint8Array');
}

/** A private copy of a byte input, so that what is checked is what the library gets. */
function copyOf(value: unknown, field: string): Uint8Array {
  assertBytes(value, field);
  return value.slice();
}

function optionalBytes(value: unknown, field: string): Uint8Array {
  if (value === undefined) return EMPTY;
  assertBytes(value, field);
  return value;
}

function messageList(value: unknown, field: string, minimum: number): Uint8Array[] {
  if (!Array.isArray(value)) throw new BbsError('INVALID_TYPE', field, 'expected an array of Uint8Array');
  if (value.length < minimum) {
    throw new BbsError('INVALID_COUNT', field, `the BBS+2020 suite needs at least ${minimum} message`);
  }
  if (value.length > BBS2020_MAX_MESSAGES) {
    throw new BbsError('INVALID_COUNT', field, `at most ${BBS2020_MAX_MESSAGES} messages are supported`);
  }
  value.forEach((message: unknown, i) => assertBytes(message, `${field}[${i}]`));
  return value.slice() as Uint8Array[];
}

/** Integers in 0..messageCount-1, strictly ascending (so no duplicates), as in the IETF suites. */
function indexList(value: unknown, messageCount: number): number[] {
  if (!Array.isArray(value)) throw new BbsError('INVALID_TYPE', 'disclosedIndexes', 'expected an array of integers');
  let previous = -1;
  value.forEach((index: unknown, position) => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= messageCount) {
      throw new BbsError(
        'INVALID_INDEXES',
        `disclosedIndexes[${position}]`,
        `index must be an integer in 0..${messageCount - 1}`,
      );
    }
    if (index <= previous) {
      throw new BbsError('INVALID_INDEXES', `disclosedIndexes[${position}]`, 'indexes must be strictly ascending');
    }
    previous = index;
  });
  return value.slice() as number[];
}

function undecodable(field: 'signature' | 'proof'): BbsError {
  return new BbsError('INVALID_POINT', field, `the BBS+2020 library could not decode a point in the ${field}`);
}
