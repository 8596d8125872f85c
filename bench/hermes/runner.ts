/**
 * The wallet's and the kiosk's work, as one script that runs unchanged in Hermes (bundled, classes
 * lowered, compiled to bytecode: bench/hermes/build.ts) and in Node (the same bundle). It reads
 * its parameters from `globalThis.__PRIVID_BENCH` (prepended by the harness: Hermes' CLI has no
 * argv), runs one scenario `iterations` times and prints one JSON line: the wall-clock time of each
 * call (Date.now in Hermes, performance.now in Node) and what the first call produced, so that the
 * other engine can check it (test/holder/hermes-interop.test.ts).
 *
 * Issuance needs an issuer: Node signs beforehand (bench/hermes/fixtures.ts), so what runs here
 * is the wallet's own work only.
 */
// First, as a React Native app imports its polyfills before anything else.
import './polyfills.js';
import { installGeneratorConstants } from '../../src/bbs/install-generator-constants.js';
import { proofGen, proofVerify } from '../../src/bbs/index.js';
// The wallet's shape, which privid/bbs does not export (the credential layer reaches it through a tag).
import { proofGenVouched } from '../../src/bbs/interface.js';
import {
  createIssuanceRequest,
  finalizeCredential,
  fromBase64url,
  builtinSchemaRegistry,
  toBase64url,
} from '../../src/credential/index.js';
import { MemoryCredentialStore, MemorySecretStore, Wallet } from '../../src/holder/index.js';
import { verifyPresentation } from '../../src/verifier/index.js';
import type { BenchFixtures, RunParams, RunResult, ScenarioName } from './types.js';

declare const print: ((line: string) => void) | undefined;

// As a React Native app does at start-up (docs/holder-sdk.md): the generators as constants.
installGeneratorConstants();

const params = (globalThis as { __PRIVID_BENCH?: RunParams }).__PRIVID_BENCH;
if (!params) throw new Error('__PRIVID_BENCH is not set');

const clock: () => number =
  typeof performance === 'object' && typeof performance.now === 'function' ? () => performance.now() : () => Date.now();

type Scenario = () => Promise<unknown>;

function scenario(name: ScenarioName, f: BenchFixtures): Scenario {
  const schemas = builtinSchemaRegistry();
  const wallet = () =>
    new Wallet({
      secrets: new MemorySecretStore(),
      credentials: new MemoryCredentialStore(f.wallet.records),
      now: () => f.nowMs,
      transport: {
        issuerMetadata: () => Promise.reject(new Error('no network in the benchmark')),
        redeem: () => Promise.reject(new Error('no network in the benchmark')),
      },
    });
  switch (name) {
    case 'baseline':
      return () => Promise.resolve(null);
    case 'interop':
      // One of each cross-engine step: what this engine proves, the other verifies, and back.
      return async () => ({
        presentation: await scenario('present-two-items', f)(),
        proof: await scenario('bbs-proofGen-vouched', f)(),
        checkedProof: await scenario('bbs-proofGen', f)(),
        kiosk: await scenario('kiosk-verify', f)(),
        nodeProofVerified: await scenario('bbs-proofVerify', f)(),
      });
    case 'issuance-request':
      // A wallet's first offer: create the holder secret, then CommitWithNym over it.
      return async () => {
        const w = wallet();
        const secretId = await w.ensureHolderSecret();
        const holderSecret = (await w.secrets.get(secretId))!;
        const { request } = createIssuanceRequest({ offer: f.offer, holderSecret });
        return request;
      };
    case 'finalize-credential':
      // What the wallet does with the issuer's answer: check it is what was offered and verify
      // the blind signature over the contents and its holder secret.
      return () => {
        const i = f.issued;
        const { credential } = finalizeCredential({
          credential: i.credential,
          pending: { ...i.pending, secretProverBlind: fromBase64url(i.pending.secretProverBlind) },
          holderSecret: fromBase64url(i.holderSecret),
          publicKey: fromBase64url(i.publicKey),
          schema: schemas.require(i.credential.schemaRef),
          secretId: i.secretId,
        });
        return Promise.resolve(credential.signature);
      };
    case 'present-stadium':
    case 'present-two-items': {
      const request = name === 'present-stadium' ? f.stadiumRequest : f.twoItemRequest;
      return async () => {
        const w = wallet();
        await w.secrets.set(f.wallet.secretId, fromBase64url(f.wallet.holderSecret));
        return w.present(request, { today: f.today });
      };
    }
    case 'kiosk-verify':
      return () => {
        const result = verifyPresentation(f.kiosk.presentation, f.kiosk.request, f.kiosk.trust, {
          today: f.today,
          nowSeconds: Math.floor(f.nowMs / 1000),
        });
        if (!result.accepted) throw new Error(`kiosk rejected: ${JSON.stringify(result.reasons)}`);
        return Promise.resolve(result);
      };
    case 'bbs-proofGen':
    case 'bbs-proofGen-vouched':
    case 'bbs-proofVerify': {
      const b = f.bbs;
      const publicKey = fromBase64url(b.publicKey);
      const header = fromBase64url(b.header);
      const presentationHeader = fromBase64url(b.presentationHeader);
      const messages = b.messages.map(fromBase64url);
      if (name !== 'bbs-proofVerify') {
        return () =>
          Promise.resolve(
            toBase64url(
              // The wallet's shape: the holder verified this signature when it stored it.
              (name === 'bbs-proofGen-vouched' ? proofGenVouched : proofGen)({
                publicKey,
                signature: fromBase64url(b.signature),
                header,
                presentationHeader,
                messages,
                disclosedIndexes: b.disclosedIndexes,
              }),
            ),
          );
      }
      return () => {
        const ok = proofVerify({
          publicKey,
          proof: fromBase64url(b.proof),
          header,
          presentationHeader,
          disclosedMessages: b.disclosedIndexes.map((i) => messages[i]!),
          disclosedIndexes: b.disclosedIndexes,
        });
        if (!ok) throw new Error('the Node proof does not verify');
        return Promise.resolve(ok);
      };
    }
  }
}

async function main(p: RunParams): Promise<RunResult> {
  const run = scenario(p.scenario, p.fixtures);
  const wallMs: number[] = [];
  let output: unknown;
  for (let i = 0; i < p.iterations; i++) {
    const start = clock();
    const value = await run();
    wallMs.push(clock() - start);
    if (i === 0) output = value;
  }
  return { scenario: p.scenario, wallMs, output };
}

const emit = (line: string) => (typeof print === 'function' ? print(line) : console.log(line));
main(params).then(
  (result) => emit(JSON.stringify(result)),
  (error: unknown) =>
    emit(JSON.stringify({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })),
);
