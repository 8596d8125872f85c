/**
 * Interoperability with an independent implementation of draft-irtf-cfrg-bbs-signatures:
 * `@digitalbazaar/bbs-signatures` (pure JS, its own code on an older @noble/curves).
 *
 * Both directions, both ciphersuites:
 *   privid signs -> the peer signs the same inputs (byte-identical: signing is deterministic),
 *                   verifies, and derives proofs -> privid verifies every proof;
 *   peer signs   -> privid signs the same inputs (byte-identical), verifies, and derives
 *                   proofs -> the peer verifies every proof.
 * Keys come from either side (alternating per case), so each library also signs with keys the
 * other generated. Inputs are random but seeded: 0, 1 and up to 30+ messages, empty and 10 KB messages,
 * empty / short / long headers and presentation headers, and every disclosure pattern for
 * L <= 4 (none to all), sampled patterns (always including none and all) above that.
 *
 * The seed is in the suite title; PRIVID_TEST_SEED=<seed> replays a run.
 */
import * as peer from '@digitalbazaar/bbs-signatures';
import { describe, expect, it } from 'vitest';
import {
  CIPHERSUITE_NAMES,
  getCiphersuite,
  keyGen,
  proofGen,
  proofVerify,
  sign,
  skToPk,
  verify,
  type CiphersuiteName,
} from '../../src/bbs/index.js';
import { allSubsets, ascii, concat, SeededRandom, testSeed } from '../support/bbs-fixtures.js';

const SEED = testSeed();
const LONG = 10 * 1024;

interface KeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

interface SignInput {
  readonly ciphersuite: CiphersuiteName;
  readonly keys: KeyPair;
  readonly header: Uint8Array;
  readonly messages: readonly Uint8Array[];
  /** When true, privid gets `undefined` for empty optional inputs (its documented default). */
  readonly omitEmpty: boolean;
}

interface ProofInput extends SignInput {
  readonly signature: Uint8Array;
  readonly presentationHeader: Uint8Array;
  readonly disclosedIndexes: readonly number[];
}

interface ProofCheckInput {
  readonly ciphersuite: CiphersuiteName;
  readonly publicKey: Uint8Array;
  readonly proof: Uint8Array;
  readonly header: Uint8Array;
  readonly presentationHeader: Uint8Array;
  readonly disclosedIndexes: readonly number[];
  readonly disclosedMessages: readonly Uint8Array[];
  readonly omitEmpty: boolean;
}

/** One BBS implementation behind a common async interface. */
interface Party {
  readonly name: 'privid' | 'peer';
  keyPair(ciphersuite: CiphersuiteName, keyMaterial: Uint8Array): Promise<KeyPair>;
  sign(input: SignInput): Promise<Uint8Array>;
  verify(input: SignInput & { readonly signature: Uint8Array }): Promise<boolean>;
  proofGen(input: ProofInput): Promise<Uint8Array>;
  proofVerify(input: ProofCheckInput): Promise<boolean>;
}

const optional = (bytes: Uint8Array, omitEmpty: boolean): Uint8Array | undefined =>
  omitEmpty && bytes.length === 0 ? undefined : bytes;

const privid: Party = {
  name: 'privid',
  keyPair: async (ciphersuite, keyMaterial) => {
    const secretKey = keyGen({ ciphersuite, keyMaterial });
    return { secretKey, publicKey: skToPk({ ciphersuite, secretKey }) };
  },
  sign: async ({ ciphersuite, keys, header, messages, omitEmpty }) =>
    sign({ ciphersuite, ...keys, header: optional(header, omitEmpty), messages }),
  verify: async ({ ciphersuite, keys, signature, header, messages, omitEmpty }) =>
    verify({ ciphersuite, publicKey: keys.publicKey, signature, header: optional(header, omitEmpty), messages }),
  proofGen: async (p) =>
    proofGen({
      ciphersuite: p.ciphersuite,
      publicKey: p.keys.publicKey,
      signature: p.signature,
      header: optional(p.header, p.omitEmpty),
      presentationHeader: optional(p.presentationHeader, p.omitEmpty),
      messages: p.messages,
      disclosedIndexes: p.disclosedIndexes,
    }),
  proofVerify: async (p) =>
    proofVerify({
      ciphersuite: p.ciphersuite,
      publicKey: p.publicKey,
      proof: p.proof,
      header: optional(p.header, p.omitEmpty),
      presentationHeader: optional(p.presentationHeader, p.omitEmpty),
      disclosedIndexes: p.disclosedIndexes,
      disclosedMessages: p.disclosedMessages,
    }),
};

const digitalbazaar: Party = {
  name: 'peer',
  keyPair: (ciphersuite, keyMaterial) => peer.generateKeyPair({ ciphersuite, seed: keyMaterial }),
  sign: ({ ciphersuite, keys, header, messages }) => peer.sign({ ciphersuite, ...keys, header, messages }),
  verify: ({ ciphersuite, keys, signature, header, messages }) =>
    peer.verifySignature({ ciphersuite, publicKey: keys.publicKey, signature, header, messages }),
  proofGen: (p) =>
    peer.deriveProof({
      ciphersuite: p.ciphersuite,
      publicKey: p.keys.publicKey,
      signature: p.signature,
      header: p.header,
      presentationHeader: p.presentationHeader,
      messages: p.messages,
      disclosedMessageIndexes: p.disclosedIndexes,
    }),
  proofVerify: (p) =>
    peer.verifyProof({
      ciphersuite: p.ciphersuite,
      publicKey: p.publicKey,
      proof: p.proof,
      header: p.header,
      presentationHeader: p.presentationHeader,
      disclosedMessages: p.disclosedMessages,
      disclosedMessageIndexes: p.disclosedIndexes,
    }),
};

// ---------------------------------------------------------------------------------------------
// Seeded inputs
// ---------------------------------------------------------------------------------------------

type BytesKind = 'empty' | 'short' | 'long';
type MessageProfile = 'mixed' | 'all empty' | 'all long';

function bytesOf(rng: SeededRandom, kind: BytesKind): Uint8Array {
  if (kind === 'empty') return new Uint8Array(0);
  if (kind === 'short') return rng.bytes(rng.int(1, 64));
  return rng.bytes(LONG + rng.int(0, 512));
}

/** Messages for a case; "mixed" always contains an empty and a 10 KB message once L >= 3. */
function messagesOf(rng: SeededRandom, L: number, profile: MessageProfile): Uint8Array[] {
  if (profile === 'all empty') return Array.from({ length: L }, () => new Uint8Array(0));
  if (profile === 'all long') return Array.from({ length: L }, () => bytesOf(rng, 'long'));
  const messages = Array.from({ length: L }, () => {
    const roll = rng.int(0, 9);
    return roll < 2 ? new Uint8Array(0) : roll < 3 ? bytesOf(rng, 'long') : rng.bytes(rng.int(1, 96));
  });
  if (L >= 3) {
    const emptyAt = rng.int(0, L - 1);
    const longAt = (emptyAt + rng.int(1, L - 1)) % L;
    messages[emptyAt] = new Uint8Array(0);
    messages[longAt] = bytesOf(rng, 'long');
  }
  return messages;
}

/** Disclosure patterns: all 2^L for small L; otherwise none, all and random ones, de-duplicated. */
function patternsOf(rng: SeededRandom, L: number, exhaustive: boolean, sampled: number): number[][] {
  if (exhaustive) return allSubsets(L);
  const all = Array.from({ length: L }, (_, i) => i);
  const candidates = [[], all, rng.subset(L, 0.5), rng.subset(L, 0.15), [rng.int(0, L - 1)], rng.subset(L, 0.85)];
  const seen = new Set<string>();
  return candidates
    .filter((p) => {
      const key = p.join(',');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, Math.max(2, sampled));
}

interface CaseSpec {
  readonly L: number;
  readonly profile: MessageProfile;
  readonly header: BytesKind;
  readonly presentationHeader: BytesKind;
  readonly exhaustive: boolean;
  readonly sampled: number;
  readonly omitEmpty: boolean;
}

/** The case list of one (ciphersuite, direction); L of the largest case is drawn from the seed. */
function caseSpecs(rng: SeededRandom): CaseSpec[] {
  const base = { exhaustive: false, sampled: 4, omitEmpty: false };
  return [
    // L = 0 is allowed by the draft (a signature over the header alone).
    { ...base, L: 0, profile: 'mixed', header: 'short', presentationHeader: 'short', exhaustive: true },
    {
      ...base,
      L: 1,
      profile: 'all empty',
      header: 'empty',
      presentationHeader: 'empty',
      exhaustive: true,
      omitEmpty: true,
    },
    { ...base, L: 1, profile: 'all long', header: 'long', presentationHeader: 'long', exhaustive: true },
    { ...base, L: 2, profile: 'mixed', header: 'short', presentationHeader: 'empty', exhaustive: true },
    { ...base, L: 3, profile: 'mixed', header: 'empty', presentationHeader: 'long', exhaustive: true, omitEmpty: true },
    { ...base, L: 4, profile: 'mixed', header: 'long', presentationHeader: 'short', exhaustive: true },
    { ...base, L: rng.int(5, 7), profile: 'mixed', header: 'short', presentationHeader: 'short' },
    { ...base, L: rng.int(9, 12), profile: 'mixed', header: 'long', presentationHeader: 'empty', omitEmpty: true },
    { ...base, L: rng.int(16, 20), profile: 'mixed', header: 'empty', presentationHeader: 'long', sampled: 3 },
    { ...base, L: rng.int(30, 40), profile: 'mixed', header: 'short', presentationHeader: 'long', sampled: 3 },
  ];
}

const title = (c: CaseSpec, patterns: number, keysFrom: string) =>
  `L=${c.L}, ${patterns} disclosure pattern(s)${c.exhaustive ? ' (all)' : ''}, messages ${c.profile}, ` +
  `header ${c.header}, presentation header ${c.presentationHeader}, keys from ${keysFrom}` +
  (c.omitEmpty ? ', privid gets undefined for empty headers' : '');

/** A one-byte change that keeps the input well formed, for negative controls. */
const altered = (bytes: Uint8Array) => concat(bytes, new Uint8Array([0x2a]));

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

const DIRECTIONS: readonly (readonly [Party, Party])[] = [
  [privid, digitalbazaar],
  [digitalbazaar, privid],
];

describe(`BBS interop with @digitalbazaar/bbs-signatures (seed ${SEED})`, () => {
  const root = new SeededRandom(SEED);

  for (const ciphersuite of CIPHERSUITE_NAMES) {
    const suiteRng = root.fork();

    describe(ciphersuite, () => {
      const keyRng = suiteRng.fork();

      it('keys: each side derives the same public key from either side’s secret key', async () => {
        for (let i = 0; i < 2; i++) {
          const fromPrivid = await privid.keyPair(ciphersuite, keyRng.bytes(keyRng.int(32, 64)));
          const fromPeer = await digitalbazaar.keyPair(ciphersuite, keyRng.bytes(32));
          for (const keys of [fromPrivid, fromPeer]) {
            expect(keys.secretKey).toHaveLength(32);
            expect(keys.publicKey).toHaveLength(96);
            expect(skToPk({ ciphersuite, secretKey: keys.secretKey })).toEqual(keys.publicKey);
            expect(await peer.secretKeyToPublicKey({ ciphersuite, secretKey: keys.secretKey })).toEqual(keys.publicKey);
          }
        }
      });

      it('keys: KeyGen agrees given the same key_material and key_dst', async () => {
        // The peer implements draft-05's KeyGen, whose default key_dst is ciphersuite_id ||
        // "KEYGEN_DST_"; privid follows the later drafts (api_id || "KEYGEN_DST_"). With that
        // key_dst passed explicitly, the procedure itself must agree.
        const keyDst = concat(getCiphersuite(ciphersuite).id, ascii('KEYGEN_DST_'));
        for (let i = 0; i < 3; i++) {
          const keyMaterial = keyRng.bytes(32 + 16 * i);
          const theirs = await peer.generateKeyPair({ ciphersuite, seed: keyMaterial });
          expect(keyGen({ ciphersuite, keyMaterial, keyDst })).toEqual(theirs.secretKey);
        }
      });

      for (const [signer, other] of DIRECTIONS) {
        const directionRng = suiteRng.fork();
        const arrow =
          signer === privid
            ? 'privid signs -> peer verifies + derives -> privid verifies'
            : 'peer signs -> privid verifies + derives -> peer verifies';

        describe(arrow, () => {
          caseSpecs(directionRng).forEach((spec, caseIndex) => {
            const caseRng = directionRng.fork();
            const patterns = patternsOf(caseRng.fork(), spec.L, spec.exhaustive, spec.sampled);
            // Alternate who generates the keys, so each library also signs with the other's keys.
            const keyParty = caseIndex % 2 === 0 ? signer : other;

            it(title(spec, patterns.length, keyParty.name), async () => {
              const rng = caseRng.fork();
              const keys = await keyParty.keyPair(ciphersuite, rng.bytes(32));
              const messages = messagesOf(rng, spec.L, spec.profile);
              const header = bytesOf(rng, spec.header);
              const presentationHeader = bytesOf(rng, spec.presentationHeader);
              const signInput: SignInput = { ciphersuite, keys, header, messages, omitEmpty: spec.omitEmpty };

              // Sign on one side; the other produces the identical signature and accepts it.
              const signature = await signer.sign(signInput);
              expect(signature).toHaveLength(80);
              expect(await other.sign(signInput), `${other.name} signature differs`).toEqual(signature);
              expect(await other.verify({ ...signInput, signature }), `${other.name} verify`).toBe(true);
              // Negative control: the other side does reject this signature under another header.
              expect(await other.verify({ ...signInput, signature, header: altered(header) })).toBe(false);

              // Derive on the other side, verify on the signer's side, for every pattern.
              let lastProof: ProofCheckInput | undefined;
              for (const disclosedIndexes of patterns) {
                const proof = await other.proofGen({ ...signInput, signature, presentationHeader, disclosedIndexes });
                const where = `${other.name} proof, disclosed [${disclosedIndexes.join(',')}] of ${spec.L}`;
                expect(proof, where).toHaveLength(3 * 48 + 32 * (4 + spec.L - disclosedIndexes.length));
                const check: ProofCheckInput = {
                  ciphersuite,
                  publicKey: keys.publicKey,
                  proof,
                  header,
                  presentationHeader,
                  disclosedIndexes,
                  disclosedMessages: disclosedIndexes.map((i) => messages[i]!),
                  omitEmpty: spec.omitEmpty,
                };
                expect(await signer.proofVerify(check), `${signer.name} rejected ${where}`).toBe(true);
                lastProof = check;
              }
              // Negative control: the signer's side rejects a proof under another presentation header.
              expect(lastProof).toBeDefined();
              expect(await signer.proofVerify({ ...lastProof!, presentationHeader: altered(presentationHeader) })).toBe(
                false,
              );
            });
          });
        });
      }
    });
  }
});
