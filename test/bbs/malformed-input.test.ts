/**
 * The error contract of the BBS interface, one table row per malformed input: every row names
 * the operation, the defect, and the BbsError `code` and `field` it must produce. A row fails
 * if the call returns, throws a BbsError with another code or field, or throws anything that is
 * not a BbsError (an untyped exception from the curve library or from privid itself).
 *
 * Rows marked "well formed" are the counterpart: inputs that decode fine but are wrong must make
 * verify/proofVerify return `false`, not throw. Controls check the unmodified fixture works, so a
 * broken fixture cannot make the whole table pass.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CIPHERSUITE_NAMES,
  keyGen,
  proofGen,
  proofVerify,
  sign,
  skToPk,
  verify,
  type BbsErrorCode,
  type CiphersuiteName,
  type KeyGenParams,
  type ProofGenParams,
  type ProofVerifyParams,
  type SignParams,
  type VerifyParams,
} from '../../src/bbs/index.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import {
  ascii,
  compressedG1,
  concat,
  flipBit,
  g1NotInSubgroup,
  g1NotOnCurve,
  g2NotInSubgroup,
  g2NotOnCurve,
  identityEncoding,
  nonCanonicalG1,
  nonCanonicalG2,
  g1IsOnCurve,
  g2IsOnCurve,
  outcomeOf,
  P_MODULUS,
  R_ORDER,
  scalarBytes,
  SeededRandom,
  splice,
  withHole,
  type Outcome,
} from '../support/bbs-fixtures.js';

// ---------------------------------------------------------------------------------------------
// Fixture: one valid key pair, signature and proof per ciphersuite
// ---------------------------------------------------------------------------------------------

const L = 4;
const DISCLOSED = [0, 2] as const;
const U = L - DISCLOSED.length;
const SIGNATURE_LENGTH = 80;
const PROOF_LENGTH = 3 * 48 + (4 + U) * 32;
const MAX_MESSAGES = 4095;

interface Fixture {
  readonly ciphersuite: CiphersuiteName;
  readonly keyMaterial: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly header: Uint8Array;
  readonly presentationHeader: Uint8Array;
  readonly messages: readonly Uint8Array[];
  readonly signature: Uint8Array;
  readonly proof: Uint8Array;
  readonly disclosedMessages: readonly Uint8Array[];
}

const fixtures = new Map<CiphersuiteName, Fixture>();

function buildFixture(ciphersuite: CiphersuiteName): Fixture {
  const rng = new SeededRandom(ciphersuite.length * 7919);
  const keyMaterial = rng.bytes(32);
  const secretKey = keyGen({ ciphersuite, keyMaterial });
  const publicKey = skToPk({ ciphersuite, secretKey });
  const header = ascii('malformed-input header');
  const presentationHeader = ascii('malformed-input presentation header');
  const messages = [ascii('name: Ada'), new Uint8Array(0), rng.bytes(40), ascii('over 18')];
  const signature = sign({ ciphersuite, secretKey, publicKey, header, messages });
  const disclosedIndexes = [...DISCLOSED];
  const proof = proofGen({ ciphersuite, publicKey, signature, header, presentationHeader, messages, disclosedIndexes });
  return {
    ciphersuite,
    keyMaterial,
    secretKey,
    publicKey,
    header,
    presentationHeader,
    messages,
    signature,
    proof,
    disclosedMessages: disclosedIndexes.map((i) => messages[i]!),
  };
}

function fixture(ciphersuite: CiphersuiteName): Fixture {
  let f = fixtures.get(ciphersuite);
  if (!f) {
    f = buildFixture(ciphersuite);
    fixtures.set(ciphersuite, f);
  }
  return f;
}

// ---------------------------------------------------------------------------------------------
// The six operations, each called with the fixture's valid inputs plus overrides
// ---------------------------------------------------------------------------------------------

type Overrides = Record<string, unknown>;
type OpName = 'keyGen' | 'skToPk' | 'sign' | 'verify' | 'proofGen' | 'proofVerify';

const OPS: Record<OpName, (f: Fixture, over: Overrides) => unknown> = {
  keyGen: (f, over) => keyGen({ ciphersuite: f.ciphersuite, keyMaterial: f.keyMaterial, ...over } as KeyGenParams),
  skToPk: (f, over) => skToPk({ ciphersuite: f.ciphersuite, secretKey: f.secretKey, ...over } as never),
  sign: (f, over) =>
    sign({
      ciphersuite: f.ciphersuite,
      secretKey: f.secretKey,
      publicKey: f.publicKey,
      header: f.header,
      messages: f.messages,
      ...over,
    } as SignParams),
  verify: (f, over) =>
    verify({
      ciphersuite: f.ciphersuite,
      publicKey: f.publicKey,
      signature: f.signature,
      header: f.header,
      messages: f.messages,
      ...over,
    } as VerifyParams),
  proofGen: (f, over) =>
    proofGen({
      ciphersuite: f.ciphersuite,
      publicKey: f.publicKey,
      signature: f.signature,
      header: f.header,
      presentationHeader: f.presentationHeader,
      messages: f.messages,
      disclosedIndexes: [...DISCLOSED],
      ...over,
    } as ProofGenParams),
  proofVerify: (f, over) =>
    proofVerify({
      ciphersuite: f.ciphersuite,
      publicKey: f.publicKey,
      proof: f.proof,
      header: f.header,
      presentationHeader: f.presentationHeader,
      disclosedMessages: f.disclosedMessages,
      disclosedIndexes: [...DISCLOSED],
      ...over,
    } as ProofVerifyParams),
};

type Expected = { readonly code: BbsErrorCode; readonly field: string } | { readonly returns: unknown };

interface Case {
  readonly op: OpName;
  readonly name: string;
  readonly over: (f: Fixture) => Overrides;
  readonly expected: Expected;
}

const err = (code: BbsErrorCode, field: string): Expected => ({ code, field });

function expectOutcome(outcome: Outcome, expected: Expected): void {
  // First and separately: nothing untyped may escape, whatever the input.
  expect(outcome.kind, outcome.kind === 'untyped' ? `untyped exception escaped: ${outcome.error}` : '').not.toBe(
    'untyped',
  );
  if ('returns' in expected) {
    expect(outcome).toEqual({ kind: 'returned', value: expected.returns });
  } else {
    expect(outcome).toEqual({ kind: 'BbsError', code: expected.code, field: expected.field });
  }
}

// ---------------------------------------------------------------------------------------------
// Shared malformed values
// ---------------------------------------------------------------------------------------------

/** Values that are not a Uint8Array, for required byte-string inputs. */
const NOT_BYTES: readonly (readonly [string, unknown])[] = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'abc'],
  ['a number', 7],
  ['a number[]', [1, 2, 3]],
  ['an ArrayBuffer', new ArrayBuffer(8)],
  ['a Uint16Array', new Uint16Array(4)],
  ['a DataView', new DataView(new ArrayBuffer(8))],
  ['an array-like object', { length: 1, 0: 1 }],
];
/** For optional byte-string inputs `undefined` means "empty", so it is not malformed. */
const NOT_BYTES_OPTIONAL = NOT_BYTES.filter(([name]) => name !== 'undefined');

const TWO_256_MINUS_1 = (1n << 256n) - 1n;

/** Malformed 32-byte secret keys and wrong lengths. */
const BAD_SECRET_KEYS: readonly (readonly [string, Uint8Array, BbsErrorCode])[] = [
  ['0', scalarBytes(0n), 'SCALAR_OUT_OF_RANGE'],
  ['r', scalarBytes(R_ORDER), 'SCALAR_OUT_OF_RANGE'],
  ['r + 1', scalarBytes(R_ORDER + 1n), 'SCALAR_OUT_OF_RANGE'],
  ['2^256 - 1', scalarBytes(TWO_256_MINUS_1), 'SCALAR_OUT_OF_RANGE'],
  ['0 bytes long', new Uint8Array(0), 'INVALID_LENGTH'],
  ['31 bytes long', new Uint8Array(31).fill(1), 'INVALID_LENGTH'],
  ['33 bytes long', new Uint8Array(33).fill(1), 'INVALID_LENGTH'],
  ['64 bytes long', new Uint8Array(64).fill(1), 'INVALID_LENGTH'],
];

const G1_BAD = g1NotInSubgroup();
const G2_BAD = g2NotInSubgroup();
const G1_OFF_CURVE = g1NotOnCurve();
const G2_OFF_CURVE = g2NotOnCurve();
const G1_NON_CANONICAL = nonCanonicalG1();

/** Malformed compressed G1 points (48 bytes each) and the code each must produce. */
const BAD_G1: readonly (readonly [string, (valid: Uint8Array) => Uint8Array, BbsErrorCode])[] = [
  ['the identity (0xc0 || 0...)', () => identityEncoding(48), 'IDENTITY_POINT'],
  // The infinity flag with a non-zero payload is not the identity: it is no valid encoding at all.
  [
    'the infinity flag with a non-zero payload (0xc0 || 0... || 0x01)',
    () => splice(identityEncoding(48), 47, new Uint8Array([1])),
    'INVALID_POINT',
  ],
  ['not on the curve', () => G1_OFF_CURVE, 'INVALID_POINT'],
  ['on the curve but not in the subgroup', () => G1_BAD.bytes, 'POINT_NOT_IN_SUBGROUP'],
  ['a non-canonical x (x + p)', () => G1_NON_CANONICAL.nonCanonical, 'INVALID_POINT'],
  ['x = p exactly', () => compressedG1(P_MODULUS), 'INVALID_POINT'],
  ['the compression flag cleared', (valid) => flipBit(valid, 0), 'INVALID_POINT'],
  [
    'the flags 0xe0 (infinity and sort)',
    () => splice(identityEncoding(48), 0, new Uint8Array([0xe0])),
    'INVALID_POINT',
  ],
  ['all 0xff', () => new Uint8Array(48).fill(0xff), 'INVALID_POINT'],
  ['all zeros', () => new Uint8Array(48), 'INVALID_POINT'],
];

/** Malformed public keys (compressed G2, 96 bytes) and the code each must produce. */
const BAD_PUBLIC_KEYS: readonly (readonly [string, (valid: Uint8Array) => Uint8Array, BbsErrorCode])[] = [
  ['0 bytes long', () => new Uint8Array(0), 'INVALID_LENGTH'],
  ['48 bytes long (a G1 point)', () => identityEncoding(48), 'INVALID_LENGTH'],
  ['truncated to 95 bytes', (valid) => valid.subarray(0, 95), 'INVALID_LENGTH'],
  ['extended to 97 bytes', (valid) => concat(valid, new Uint8Array([0])), 'INVALID_LENGTH'],
  ['192 bytes long (uncompressed size)', (valid) => concat(valid, valid), 'INVALID_LENGTH'],
  ['the identity (0xc0 || 0...)', () => identityEncoding(96), 'IDENTITY_POINT'],
  [
    'the infinity flag with a non-zero payload (0xc0 || 0... || 0x01)',
    () => splice(identityEncoding(96), 95, new Uint8Array([1])),
    'INVALID_POINT',
  ],
  ['not on the curve', () => G2_OFF_CURVE, 'INVALID_POINT'],
  ['on the curve but not in the subgroup', () => G2_BAD.bytes, 'POINT_NOT_IN_SUBGROUP'],
  ['a non-canonical x.c0 (c0 + p)', (valid) => nonCanonicalG2(valid), 'INVALID_POINT'],
  ['the compression flag cleared', (valid) => flipBit(valid, 0), 'INVALID_POINT'],
  [
    'the flags 0xe0 (infinity and sort)',
    () => splice(identityEncoding(96), 0, new Uint8Array([0xe0])),
    'INVALID_POINT',
  ],
  ['all 0xff', () => new Uint8Array(96).fill(0xff), 'INVALID_POINT'],
];

const BAD_SCALARS: readonly (readonly [string, bigint])[] = [
  ['0', 0n],
  ['r', R_ORDER],
  ['r + 1', R_ORDER + 1n],
  ['2^256 - 1', TWO_256_MINUS_1],
];

const UNKNOWN_CIPHERSUITES: readonly (readonly [string, unknown])[] = [
  ['"BLS12-381-SHA-512"', 'BLS12-381-SHA-512'],
  ['"" (empty)', ''],
  ['"bls12-381-sha-256" (wrong case)', 'bls12-381-sha-256'],
  ['"BLS12-381-SHA-256 " (trailing space)', 'BLS12-381-SHA-256 '],
  ['the ciphersuite_id "BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_"', 'BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_'],
  ['"BBS+2020" (a legacy suite, not this interface)', 'BBS+2020'],
  ['"toString" (an Object.prototype key)', 'toString'],
  ['"__proto__"', '__proto__'],
  ['"constructor"', 'constructor'],
  ['"hasOwnProperty"', 'hasOwnProperty'],
  ['a number', 256],
  ['null', null],
  ['an object', { name: 'BLS12-381-SHA-256' }],
  ['an array', ['BLS12-381-SHA-256']],
];

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

function messageListCases(op: OpName, field: 'messages' | 'disclosedMessages'): Case[] {
  const valid = (f: Fixture) => (field === 'messages' ? f.messages : f.disclosedMessages);
  const cases: Case[] = [
    ...(
      [
        ['undefined', undefined],
        ['null', null],
        ['a single Uint8Array', new Uint8Array(3)],
        ['a string', 'abc'],
        ['an array-like object', { length: 1, 0: new Uint8Array(1) }],
        ['a Set', new Set([new Uint8Array(1)])],
      ] as const
    ).map(([name, value]): Case => ({
      op,
      name: `${field} is ${name}`,
      over: () => ({ [field]: value }),
      expected: err('INVALID_TYPE', field),
    })),
    ...NOT_BYTES.map(([name, value]): Case => ({
      op,
      name: `${field}[1] is ${name}`,
      over: (f) => ({ [field]: valid(f).map((m, i) => (i === 1 ? value : m)) }),
      expected: err('INVALID_TYPE', `${field}[1]`),
    })),
    {
      op,
      name: `${field} is a sparse array with a hole at [1]`,
      over: (f) => ({ [field]: withHole(valid(f), 1) }),
      expected: err('INVALID_TYPE', `${field}[1]`),
    },
    {
      op,
      name: `${field} has ${MAX_MESSAGES + 1} entries (more than the generator limit)`,
      over: () => ({ [field]: new Array<Uint8Array>(MAX_MESSAGES + 1).fill(new Uint8Array(0)) }),
      expected: err('INVALID_COUNT', field),
    },
  ];
  return cases;
}

function optionalBytesCases(op: OpName, field: string): Case[] {
  return NOT_BYTES_OPTIONAL.map(([name, value]): Case => ({
    op,
    name: `${field} is ${name}`,
    over: () => ({ [field]: value }),
    expected: err('INVALID_TYPE', field),
  }));
}

function requiredBytesCases(op: OpName, field: string): Case[] {
  return NOT_BYTES.map(([name, value]): Case => ({
    op,
    name: `${field} is ${name}`,
    over: () => ({ [field]: value }),
    expected: err('INVALID_TYPE', field),
  }));
}

function publicKeyCases(op: Exclude<OpName, 'keyGen' | 'skToPk'>): Case[] {
  return [
    ...requiredBytesCases(op, 'publicKey'),
    ...BAD_PUBLIC_KEYS.map(([name, make, code]): Case => ({
      op,
      name: `publicKey ${name}`,
      over: (f) => ({ publicKey: make(f.publicKey) }),
      expected: err(code, 'publicKey'),
    })),
  ];
}

function secretKeyCases(op: 'skToPk' | 'sign'): Case[] {
  return [
    ...requiredBytesCases(op, 'secretKey'),
    ...BAD_SECRET_KEYS.map(([name, value, code]): Case => ({
      op,
      name: `secretKey ${name}`,
      over: () => ({ secretKey: value }),
      expected: err(code, 'secretKey'),
    })),
  ];
}

function signatureCases(op: 'verify' | 'proofGen'): Case[] {
  const lengths: readonly (readonly [string, (s: Uint8Array) => Uint8Array])[] = [
    ['empty', () => new Uint8Array(0)],
    ['truncated by 1 byte', (s) => s.subarray(0, SIGNATURE_LENGTH - 1)],
    ['truncated to A only (48 bytes)', (s) => s.subarray(0, 48)],
    ['extended by 1 byte', (s) => concat(s, new Uint8Array([1]))],
    ['extended by 32 bytes', (s) => concat(s, scalarBytes(1n))],
    ['doubled (160 bytes)', (s) => concat(s, s)],
  ];
  return [
    ...requiredBytesCases(op, 'signature'),
    ...lengths.map(([name, make]): Case => ({
      op,
      name: `signature ${name}`,
      over: (f) => ({ signature: make(f.signature) }),
      expected: err('INVALID_LENGTH', 'signature'),
    })),
    ...BAD_G1.map(([name, make, code]): Case => ({
      op,
      name: `signature A is ${name}`,
      over: (f) => ({ signature: splice(f.signature, 0, make(f.signature.subarray(0, 48))) }),
      expected: err(code, 'signature.A'),
    })),
    ...BAD_SCALARS.map(([name, value]): Case => ({
      op,
      name: `signature e = ${name}`,
      over: (f) => ({ signature: splice(f.signature, 48, scalarBytes(value)) }),
      expected: err('SCALAR_OUT_OF_RANGE', 'signature.e'),
    })),
  ];
}

/** Disclosed-index defects, with as many disclosed messages as indexes so only the indexes are wrong. */
function indexCases(op: 'proofGen' | 'proofVerify'): Case[] {
  const withIndexes = (f: Fixture, indexes: unknown[]): Overrides =>
    op === 'proofGen'
      ? { disclosedIndexes: indexes }
      : {
          disclosedIndexes: indexes,
          // Array.from, not map: map would copy a hole in `indexes` into the messages too.
          disclosedMessages: Array.from({ length: indexes.length }, (_, k) => f.messages[k] ?? new Uint8Array(0)),
        };
  const rows: readonly (readonly [string, unknown[], string])[] = [
    [`out of range (${L})`, [0, L], 'disclosedIndexes[1]'],
    ['far out of range (2^32)', [0, 2 ** 32], 'disclosedIndexes[1]'],
    ['out of range (MAX_SAFE_INTEGER)', [Number.MAX_SAFE_INTEGER], 'disclosedIndexes[0]'],
    ['negative (-1)', [-1, 2], 'disclosedIndexes[0]'],
    ['non-integer (0.5)', [0.5, 2], 'disclosedIndexes[0]'],
    ['NaN', [0, Number.NaN], 'disclosedIndexes[1]'],
    ['Infinity', [0, Number.POSITIVE_INFINITY], 'disclosedIndexes[1]'],
    ['a numeric string ("2")', [0, '2'], 'disclosedIndexes[1]'],
    ['a bigint (2n)', [0, 2n], 'disclosedIndexes[1]'],
    ['null', [null, 2], 'disclosedIndexes[0]'],
    ['unsorted ([2, 0])', [2, 0], 'disclosedIndexes[1]'],
    ['unsorted ([0, 3, 1])', [0, 3, 1], 'disclosedIndexes[2]'],
    ['a duplicate ([2, 2])', [2, 2], 'disclosedIndexes[1]'],
    ['a duplicate ([0, 0, 1])', [0, 0, 1], 'disclosedIndexes[1]'],
    ['a sparse array with a hole at [1] ([0, <hole>, 2])', withHole([0, 1, 2], 1), 'disclosedIndexes[1]'],
  ];
  const cases: Case[] = rows.map(([name, indexes, field]): Case => ({
    op,
    name: `disclosedIndexes ${name}`,
    over: (f) => withIndexes(f, indexes),
    expected: err('INVALID_INDEXES', field),
  }));
  for (const [name, value] of [
    ['undefined', undefined],
    ['null', null],
    ['a number', 0],
    ['a string', '0,2'],
    ['a Set', new Set([0, 2])],
    ['a Uint8Array', new Uint8Array([0, 2])],
  ] as const) {
    cases.push({
      op,
      name: `disclosedIndexes is ${name}`,
      over: () => ({ disclosedIndexes: value }),
      expected: err('INVALID_TYPE', 'disclosedIndexes'),
    });
  }
  if (op === 'proofGen') {
    cases.push({
      op,
      name: `disclosedIndexes has more entries than messages (${L + 1})`,
      over: () => ({ disclosedIndexes: [0, 1, 2, 3, 4] }),
      expected: err('INVALID_INDEXES', 'disclosedIndexes'),
    });
  }
  return cases;
}

function proofCases(): Case[] {
  const op = 'proofVerify';
  const points = ['Abar', 'Bbar', 'D'] as const;
  const lengths: readonly (readonly [string, (p: Uint8Array) => Uint8Array])[] = [
    ['empty', () => new Uint8Array(0)],
    ['truncated by 1 byte', (p) => p.subarray(0, PROOF_LENGTH - 1)],
    ['truncated to the three points (144 bytes)', (p) => p.subarray(0, 144)],
    ['one byte short of the minimum (271 bytes)', (p) => p.subarray(0, 271)],
    ['extended by 1 byte', (p) => concat(p, new Uint8Array([1]))],
    ['extended by 31 bytes', (p) => concat(p, new Uint8Array(31).fill(1))],
    [
      `implying ${MAX_MESSAGES + 1} messages (L above the generator limit)`,
      () => new Uint8Array(272 + 32 * (MAX_MESSAGES + 1 - DISCLOSED.length)),
    ],
  ];
  return [
    ...requiredBytesCases(op, 'proof'),
    ...lengths.map(([name, make]): Case => ({
      op,
      name: `proof ${name}`,
      over: (f) => ({ proof: make(f.proof) }),
      expected: err('INVALID_LENGTH', 'proof'),
    })),
    ...points.flatMap((point, i) =>
      BAD_G1.map(([name, make, code]): Case => ({
        op,
        name: `proof ${point} is ${name}`,
        over: (f) => ({ proof: splice(f.proof, 48 * i, make(f.proof.subarray(48 * i, 48 * (i + 1)))) }),
        expected: err(code, `proof.${point}`),
      })),
    ),
    ...(
      [
        ['e^', 0],
        ['r1^', 1],
        ['r3^', 2],
        ['the first m^', 3],
        ['the last m^', 3 + U - 1],
        ['the challenge', 3 + U],
      ] as const
    ).flatMap(([scalarName, k]) =>
      BAD_SCALARS.map(([name, value]): Case => ({
        op,
        name: `proof ${scalarName} = ${name}`,
        over: (f) => ({ proof: splice(f.proof, 144 + 32 * k, scalarBytes(value)) }),
        expected: err('SCALAR_OUT_OF_RANGE', `proof.scalar[${k}]`),
      })),
    ),
  ];
}

function keyGenCases(): Case[] {
  const op = 'keyGen';
  return [
    ...requiredBytesCases(op, 'keyMaterial'),
    {
      op,
      name: 'keyMaterial empty',
      over: () => ({ keyMaterial: new Uint8Array(0) }),
      expected: err('INVALID_KEY_MATERIAL', 'keyMaterial'),
    },
    {
      op,
      name: 'keyMaterial 31 bytes',
      over: () => ({ keyMaterial: new Uint8Array(31).fill(7) }),
      expected: err('INVALID_KEY_MATERIAL', 'keyMaterial'),
    },
    ...optionalBytesCases(op, 'keyInfo'),
    {
      op,
      name: 'keyInfo 65536 bytes',
      over: () => ({ keyInfo: new Uint8Array(65536) }),
      expected: err('INVALID_LENGTH', 'keyInfo'),
    },
    ...optionalBytesCases(op, 'keyDst'),
    {
      op,
      name: 'keyDst 256 bytes',
      over: () => ({ keyDst: new Uint8Array(256).fill(0x41) }),
      expected: err('INVALID_LENGTH', 'keyDst'),
    },
    // RFC 9380 (section 3.1): a DST must be non-empty; expand_message refuses an empty one.
    {
      op,
      name: 'keyDst empty',
      over: () => ({ keyDst: new Uint8Array(0) }),
      expected: err('INVALID_LENGTH', 'keyDst'),
    },
  ];
}

/** Inputs that decode fine but do not verify: `false` from the verifiers, a typed error from proofGen. */
function wellFormedButWrongCases(): Case[] {
  const negatedA = (s: Uint8Array) => flipBit(s, 2); // the sort bit: -A, a valid G1 point
  return [
    {
      op: 'verify',
      name: 'well formed: e = 1',
      over: (f) => ({ signature: splice(f.signature, 48, scalarBytes(1n)) }),
      expected: { returns: false },
    },
    {
      op: 'verify',
      name: 'well formed: e = r - 1',
      over: (f) => ({ signature: splice(f.signature, 48, scalarBytes(R_ORDER - 1n)) }),
      expected: { returns: false },
    },
    {
      op: 'verify',
      name: 'well formed: A negated (sort bit flipped)',
      over: (f) => ({ signature: negatedA(f.signature) }),
      expected: { returns: false },
    },
    {
      op: 'verify',
      name: 'well formed: one message fewer',
      over: (f) => ({ messages: f.messages.slice(0, L - 1) }),
      expected: { returns: false },
    },
    { op: 'verify', name: 'well formed: no messages', over: () => ({ messages: [] }), expected: { returns: false } },
    {
      op: 'verify',
      name: 'well formed: another header',
      over: () => ({ header: ascii('other') }),
      expected: { returns: false },
    },
    {
      op: 'verify',
      name: 'well formed: another valid public key',
      over: (f) => ({ publicKey: skToPk({ ciphersuite: f.ciphersuite, secretKey: scalarBytes(2n) }) }),
      expected: { returns: false },
    },
    {
      op: 'proofGen',
      name: 'well formed but not verifying: A negated',
      over: (f) => ({ signature: negatedA(f.signature) }),
      expected: err('INVALID_SIGNATURE_FOR_PROOF', 'signature'),
    },
    {
      op: 'proofGen',
      name: 'well formed but not verifying: another header',
      over: () => ({ header: ascii('other') }),
      expected: err('INVALID_SIGNATURE_FOR_PROOF', 'signature'),
    },
    {
      op: 'proofVerify',
      name: 'well formed: proof truncated by 32 bytes',
      over: (f) => ({ proof: f.proof.subarray(0, PROOF_LENGTH - 32) }),
      expected: { returns: false },
    },
    {
      op: 'proofVerify',
      name: 'well formed: proof extended by a 32-byte scalar',
      over: (f) => ({ proof: concat(f.proof, scalarBytes(1n)) }),
      expected: { returns: false },
    },
    {
      op: 'proofVerify',
      name: 'well formed: Abar negated (sort bit flipped)',
      over: (f) => ({ proof: flipBit(f.proof, 2) }),
      expected: { returns: false },
    },
    {
      op: 'proofVerify',
      name: 'well formed: challenge = r - 1',
      over: (f) => ({ proof: splice(f.proof, PROOF_LENGTH - 32, scalarBytes(R_ORDER - 1n)) }),
      expected: { returns: false },
    },
    {
      op: 'proofVerify',
      name: 'well formed: another presentation header',
      over: () => ({ presentationHeader: ascii('other') }),
      expected: { returns: false },
    },
  ];
}

const CASES: readonly Case[] = [
  ...keyGenCases(),
  ...secretKeyCases('skToPk'),
  ...secretKeyCases('sign'),
  ...publicKeyCases('sign'),
  ...messageListCases('sign', 'messages'),
  ...optionalBytesCases('sign', 'header'),
  ...publicKeyCases('verify'),
  ...signatureCases('verify'),
  ...messageListCases('verify', 'messages'),
  ...optionalBytesCases('verify', 'header'),
  ...publicKeyCases('proofGen'),
  ...signatureCases('proofGen'),
  ...messageListCases('proofGen', 'messages'),
  ...optionalBytesCases('proofGen', 'header'),
  ...optionalBytesCases('proofGen', 'presentationHeader'),
  ...indexCases('proofGen'),
  ...publicKeyCases('proofVerify'),
  ...proofCases(),
  ...messageListCases('proofVerify', 'disclosedMessages'),
  ...optionalBytesCases('proofVerify', 'header'),
  ...optionalBytesCases('proofVerify', 'presentationHeader'),
  ...indexCases('proofVerify'),
  ...(
    [
      ['no disclosed message for two indexes', 0],
      ['one disclosed message for two indexes', 1],
      ['three disclosed messages for two indexes', 3],
    ] as const
  ).map(([name, count]): Case => ({
    op: 'proofVerify',
    name: `disclosedMessages count mismatch: ${name}`,
    over: (f) => ({ disclosedMessages: f.messages.slice(0, count) }),
    expected: err('INVALID_COUNT', 'disclosedMessages'),
  })),
  ...wellFormedButWrongCases(),
];

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('malformed-input fixtures are what they claim', () => {
  it('the off-curve and out-of-subgroup encodings really are', () => {
    // On E1 / E2 (the curve equation holds) but not in the prime-order subgroup.
    expect(g1IsOnCurve(G1_BAD.x, G1_BAD.y)).toBe(true);
    expect(g2IsOnCurve(G2_BAD.x, G2_BAD.y)).toBe(true);
    const p1 = bls12_381.G1.Point.fromAffine({ x: G1_BAD.x, y: G1_BAD.y });
    expect(() => p1.assertValidity()).toThrow(/subgroup/);
    const p2 = bls12_381.G2.Point.fromAffine({ x: G2_BAD.x, y: G2_BAD.y });
    expect(() => p2.assertValidity()).toThrow(/subgroup/);
    // Decoding refuses them for the stated reason; the canonical twin of the non-canonical point decodes.
    expect(() => bls12_381.G1.Point.fromBytes(G1_OFF_CURVE)).toThrow();
    expect(() => bls12_381.G2.Point.fromBytes(G2_OFF_CURVE)).toThrow();
    expect(bls12_381.G1.Point.fromBytes(G1_NON_CANONICAL.canonical).is0()).toBe(false);
    expect(bls12_381.G1.Point.fromBytes(identityEncoding(48)).is0()).toBe(true);
    expect(bls12_381.G2.Point.fromBytes(identityEncoding(96)).is0()).toBe(true);
  });
});

for (const ciphersuite of CIPHERSUITE_NAMES) {
  describe(`malformed input, ${ciphersuite}`, () => {
    let f: Fixture;
    beforeAll(() => {
      f = fixture(ciphersuite);
    });

    it('controls: the unmodified fixture works for every operation', () => {
      expect(OPS.keyGen(f, {})).toEqual(f.secretKey);
      expect(OPS.skToPk(f, {})).toEqual(f.publicKey);
      expect(OPS.sign(f, {})).toEqual(f.signature);
      expect(OPS.verify(f, {})).toBe(true);
      expect((OPS.proofGen(f, {}) as Uint8Array).length).toBe(PROOF_LENGTH);
      expect(OPS.proofVerify(f, {})).toBe(true);
      // Boundary values just inside the valid ranges are accepted.
      expect(OPS.skToPk(f, { secretKey: scalarBytes(1n) })).toHaveLength(96);
      expect(OPS.skToPk(f, { secretKey: scalarBytes(R_ORDER - 1n) })).toHaveLength(96);
      expect(OPS.keyGen(f, { keyMaterial: new Uint8Array(32) })).toHaveLength(32);
      expect(OPS.keyGen(f, { keyInfo: new Uint8Array(65535) })).toHaveLength(32);
      expect(OPS.keyGen(f, { keyDst: new Uint8Array(255).fill(0x41) })).toHaveLength(32);
    });

    for (const c of CASES) {
      it(`${c.op}: ${c.name}`, () => {
        expectOutcome(
          outcomeOf(() => OPS[c.op](f, c.over(f))),
          c.expected,
        );
      });
    }
  });
}

describe('unknown ciphersuite', () => {
  const ops = Object.keys(OPS) as OpName[];
  let f: Fixture;
  beforeAll(() => {
    f = fixture('BLS12-381-SHA-256');
  });
  for (const op of ops) {
    for (const [name, value] of UNKNOWN_CIPHERSUITES) {
      it(`${op}: ciphersuite ${name}`, () => {
        expectOutcome(
          outcomeOf(() => OPS[op](f, { ciphersuite: value })),
          err('UNSUPPORTED_CIPHERSUITE', 'ciphersuite'),
        );
      });
    }
  }
});

describe('the params object itself is missing', () => {
  // Plain-JavaScript callers can pass anything; the contract is still "BbsError, never untyped".
  // No field name is prescribed for the params object itself, so only the code is pinned here.
  const calls: Record<OpName, (params: unknown) => unknown> = {
    keyGen: (p) => keyGen(p as KeyGenParams),
    skToPk: (p) => skToPk(p as never),
    sign: (p) => sign(p as SignParams),
    verify: (p) => verify(p as VerifyParams),
    proofGen: (p) => proofGen(p as ProofGenParams),
    proofVerify: (p) => proofVerify(p as ProofVerifyParams),
  };
  for (const [op, call] of Object.entries(calls)) {
    for (const [name, value] of [
      ['undefined', undefined],
      ['null', null],
    ] as const) {
      it(`${op}(${name})`, () => {
        const outcome = outcomeOf(() => call(value));
        expect(outcome.kind, outcome.kind === 'untyped' ? `untyped exception escaped: ${outcome.error}` : '').toBe(
          'BbsError',
        );
        expect(outcome).toMatchObject({ kind: 'BbsError', code: 'INVALID_TYPE' });
      });
    }
  }
});
