/**
 * Node's side of the Hermes benchmark: the issuer (the lab signs beforehand), the stored wallet,
 * the requests and a presentation for the kiosk, as JSON for the runner. Everything here is the
 * real code (issueCredential, Wallet.acceptOffer, Wallet.present), run in Node.
 */
import { keyGen, proofGen, sign, skToPk } from '../../src/bbs/index.js';
import { createIssuanceRequest, generateHolderSecret, toBase64url } from '../../src/credential/index.js';
import { MemoryCredentialStore, MemorySecretStore, Wallet } from '../../src/holder/index.js';
import { FAR_FUTURE, makeRequest, TestIssuer, TODAY, trustListOf, typicalClause } from '../../test/holder/support.js';
import type { BenchFixtures } from './types.js';

const TEST = 'privid:covid-test-result@1';
const AGE = 'privid:age-band@1';
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

export async function makeFixtures(): Promise<BenchFixtures> {
  const lab = new TestIssuer();
  const nowMs = Date.UTC(2025, 5, 14, 12);

  // The wallet: accepts a negative test and an age band through the real issuance flow.
  const secrets = new MemorySecretStore();
  const credentials = new MemoryCredentialStore();
  const wallet = new Wallet({ secrets, credentials, transport: lab, now: () => nowMs });
  await wallet.acceptOffer(lab.offer(TEST));
  await wallet.acceptOffer(lab.offer(AGE));
  const secretId = await wallet.ensureHolderSecret();
  const holderSecret = (await secrets.get(secretId))!;

  // Unsigned requests answer with a one-time pseudonym (a scoped one needs a signed request and its
  // authenticated origin); the proof has the same shape and cost either way.
  const stadiumRequest = makeRequest([typicalClause(TEST, [lab])], { verifierId: 'https://stadium.example' });
  const twoItemRequest = makeRequest([typicalClause(TEST, [lab]), typicalClause(AGE, [lab])], {
    verifierId: 'https://club42.example',
  });
  const kioskPresentation = await wallet.present(stadiumRequest, { today: TODAY });

  // One issuance carried out in Node with a known holder secret, for finalize-credential.
  const issuedSecret = generateHolderSecret();
  const offer = lab.offer(TEST);
  const { request, pending } = createIssuanceRequest({ offer, holderSecret: issuedSecret });
  const credential = await lab.redeem(offer, request);

  // privid/bbs core: 10 messages, 3 disclosed (the shape of the measurement).
  const ciphersuite = 'BLS12-381-SHA-256';
  const secretKey = keyGen({ ciphersuite, keyMaterial: random(32) });
  const publicKey = skToPk({ ciphersuite, secretKey });
  const messages = Array.from({ length: 10 }, () => random(32));
  const header = random(16);
  const presentationHeader = random(32);
  const disclosedIndexes = [0, 4, 7];
  const signature = sign({ secretKey, publicKey, header, messages });
  const proof = proofGen({ publicKey, signature, header, presentationHeader, messages, disclosedIndexes });

  return {
    seed: toBase64url(random(32)),
    today: TODAY,
    nowMs,
    offer: lab.offer(AGE, { expiresAt: FAR_FUTURE }),
    issued: {
      holderSecret: toBase64url(issuedSecret),
      secretId,
      publicKey: toBase64url(lab.key().publicKey),
      pending: {
        offer: pending.offer,
        ciphersuite: pending.ciphersuite,
        secretProverBlind: toBase64url(pending.secretProverBlind),
      },
      credential: credential as BenchFixtures['issued']['credential'],
    },
    wallet: { holderSecret: toBase64url(holderSecret), secretId, records: await credentials.list() },
    stadiumRequest,
    twoItemRequest,
    kiosk: { presentation: kioskPresentation, request: stadiumRequest, trust: trustListOf([lab]) },
    bbs: {
      publicKey: toBase64url(publicKey),
      signature: toBase64url(signature),
      header: toBase64url(header),
      presentationHeader: toBase64url(presentationHeader),
      messages: messages.map(toBase64url),
      disclosedIndexes,
      proof: toBase64url(proof),
    },
  };
}
