// The SDK built as a React Native app builds it (bench/hermes/build.ts: esbuild, classes lowered,
// Hermes bytecode) runs in the Hermes CLI (hermes-engine-cli, a devDependency), and what it makes
// verifies in Node and the other way round: a two-item presentation and a privid/bbs proof made in
// Hermes are checked here; Hermes verifies a Node presentation (the kiosk) and a Node proof.
// No timing is asserted: `npm run bench:hermes` measures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proofVerify } from '../../src/bbs/index.js';
import { fromBase64url, type Presentation } from '../../src/credential/index.js';
import { verifyPresentation } from '../../src/verifier/index.js';
import { buildBundles, hermesVersion, prepareRun, runFile } from '../../bench/hermes/build.js';
import { makeFixtures } from '../../bench/hermes/fixtures.js';
import type { BenchFixtures } from '../../bench/hermes/types.js';

interface InteropOutput {
  presentation: Presentation;
  proof: string;
  checkedProof: string;
  kiosk: { accepted: boolean };
  nodeProofVerified: boolean;
}

let workDir: string;
let fixtures: BenchFixtures;
let output: InteropOutput;

beforeAll(async () => {
  expect(hermesVersion()).toBe('0.12.0');
  workDir = mkdtempSync(join(tmpdir(), 'privid-hermes-'));
  const bundles = await buildBundles();
  fixtures = await makeFixtures();
  // -O0: the test checks behaviour, not speed, and compiles in a fraction of the time.
  const file = prepareRun('hermes', bundles, { scenario: 'interop', iterations: 1, fixtures }, workDir, false);
  output = runFile('hermes', file).result.output as InteropOutput;
}, 600_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('Hermes and Node interoperate', () => {
  it('a two-item presentation made in Hermes is accepted by verifyPresentation in Node', () => {
    const result = verifyPresentation(output.presentation, fixtures.twoItemRequest, fixtures.kiosk.trust, {
      today: fixtures.today,
      nowSeconds: Math.floor(fixtures.nowMs / 1000),
    });
    expect(result).toMatchObject({ accepted: true });
    expect(output.presentation.items).toHaveLength(2);
    // The same holder secret: equal pseudonyms on both items.
    expect(output.presentation.items[0]!.pseudonym).toBe(output.presentation.items[1]!.pseudonym);
  });

  it('the same presentation is rejected in Node for another request (bound to its nonce)', () => {
    const other = { ...fixtures.twoItemRequest, nonce: fixtures.stadiumRequest.nonce };
    expect(
      verifyPresentation(output.presentation, other, fixtures.kiosk.trust, {
        today: fixtures.today,
        nowSeconds: Math.floor(fixtures.nowMs / 1000),
      }).accepted,
    ).toBe(false);
  });

  it('privid/bbs proofs made in Hermes (with and without the signature re-check) verify in Node', () => {
    const b = fixtures.bbs;
    const messages = b.messages.map(fromBase64url);
    for (const proof of [output.proof, output.checkedProof]) {
      const params = {
        publicKey: fromBase64url(b.publicKey),
        proof: fromBase64url(proof),
        header: fromBase64url(b.header),
        presentationHeader: fromBase64url(b.presentationHeader),
        disclosedMessages: b.disclosedIndexes.map((i) => messages[i]!),
        disclosedIndexes: b.disclosedIndexes,
      };
      expect(proofVerify(params)).toBe(true);
      expect(proofVerify({ ...params, presentationHeader: new Uint8Array(32) })).toBe(false);
    }
  });

  it('Hermes accepts a presentation and verifies a proof made in Node', () => {
    expect(output.kiosk.accepted).toBe(true);
    expect(output.nodeProofVerified).toBe(true);
  });
});
