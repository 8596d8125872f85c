/** The data the Node harness hands to the Hermes (and Node) runner, all bytes as base64url. */
import type { CiphersuiteName } from '../../src/bbs/index.js';
import type { CredentialOffer, PresentationRequest, Presentation } from '../../src/credential/index.js';
import type { IssuedCredential } from '../../src/credential/issuance.js';
import type { StoredCredential } from '../../src/holder/index.js';
import type { TrustList } from '../../src/verifier/index.js';

export const SCENARIOS = [
  'issuance-request',
  'finalize-credential',
  'present-stadium',
  'present-two-items',
  'kiosk-verify',
  'bbs-proofGen',
  'bbs-proofGen-vouched',
  'bbs-proofVerify',
] as const;
/** `interop`: not timed; one run that does each cross-engine step once (test/holder/hermes-interop.test.ts). */
export type ScenarioName = (typeof SCENARIOS)[number] | 'baseline' | 'interop';

export interface BenchFixtures {
  /** 32 random bytes for the benchmark-only random source in Hermes (polyfills.ts). */
  readonly seed: string;
  readonly today: number;
  readonly nowMs: number;
  /** An offer the wallet has not accepted yet (issuance-request). */
  readonly offer: CredentialOffer;
  /** An issuance Node carried out with this holder secret (finalize-credential). */
  readonly issued: {
    readonly holderSecret: string;
    readonly secretId: string;
    readonly publicKey: string;
    readonly pending: {
      readonly offer: CredentialOffer;
      readonly ciphersuite: CiphersuiteName;
      readonly secretProverBlind: string;
    };
    readonly credential: IssuedCredential;
  };
  /** The wallet: its holder secret and two stored credentials (a negative test, an age band). */
  readonly wallet: { readonly holderSecret: string; readonly secretId: string; readonly records: StoredCredential[] };
  /** One group (negative test, valid today). */
  readonly stadiumRequest: PresentationRequest;
  /** Two groups: the negative test and ageOver18. */
  readonly twoItemRequest: PresentationRequest;
  /** A presentation made in Node for the stadium request, with the kiosk's trust list. */
  readonly kiosk: {
    readonly presentation: Presentation;
    readonly request: PresentationRequest;
    readonly trust: TrustList;
  };
  /** privid/bbs core: 10 messages, 3 disclosed, a signature and a proof made in Node. */
  readonly bbs: {
    readonly publicKey: string;
    readonly signature: string;
    readonly header: string;
    readonly presentationHeader: string;
    readonly messages: string[];
    readonly disclosedIndexes: number[];
    readonly proof: string;
  };
}

export interface RunParams {
  readonly scenario: ScenarioName;
  readonly iterations: number;
  readonly fixtures: BenchFixtures;
}

export interface RunResult {
  readonly scenario: ScenarioName;
  readonly wallMs: number[];
  readonly output: unknown;
}
