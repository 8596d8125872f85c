// Hostile venue input at the wallet: QR texts and signed request objects a venue (or whoever
// prints a QR code) controls. Every mutation of a genuine kiosk request, every random QR text and
// every request object a hostile service serves must end in a HolderError with a code, before any
// proof is made; nothing else may escape (no TypeError, no CredentialFormatError, no hang).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HOLDER_ERROR_CODES, HolderError, Wallet } from '../../src/holder/index.js';
import { kioskSigned, makeRequest, TestIssuer, TODAY, typicalClause } from './support.js';

const SEED = 20261130;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** What a refusal must be: a HolderError with one of the documented codes. */
function expectRefusal(error: unknown, what: string): void {
  if (!(error instanceof HolderError)) throw new Error(`${what}: not a HolderError: ${String(error)}`);
  expect(HOLDER_ERROR_CODES).toContain(error.code);
}

describe('a wallet fed hostile requests', () => {
  const lab = new TestIssuer();
  let wallet: Wallet;
  let genuine: string;
  beforeAll(async () => {
    wallet = new Wallet({ transport: lab });
    await wallet.acceptOffer(lab.offer('privid:covid-test-result@1'));
    genuine = await kioskSigned(makeRequest([typicalClause('privid:covid-test-result@1', [lab])]), [wallet]);
  });

  it('answers the genuine kiosk request (the control)', async () => {
    const presentation = await wallet.present(genuine, { today: TODAY });
    expect(presentation.items).toHaveLength(1);
  });

  it('refuses every single-character change of a signed kiosk request with a HolderError', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...B64URL), async (at, replacement) => {
        const position = at % genuine.length;
        if (genuine[position] === '.' || genuine[position] === replacement) return;
        const mutated = genuine.slice(0, position) + replacement + genuine.slice(position + 1);
        try {
          await wallet.present(mutated, { today: TODAY });
          accepted++;
        } catch (error) {
          expectRefusal(error, `change at ${position}`);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
    // Base64url is decoded strictly (no unused bits set), so no change is the same request.
    expect(accepted).toBe(0);
  });

  it('refuses payloads and headers a hostile signer chose (random JSON in each part)', async () => {
    const [header, payload, signature] = genuine.split('.') as [string, string, string];
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.boolean(), async (value, inHeader) => {
        const mutated = inHeader ? `${part(value)}.${payload}.${signature}` : `${header}.${part(value)}.${signature}`;
        await wallet.present(mutated, { today: TODAY }).then(
          () => {
            throw new Error('a forged part was accepted');
          },
          (error: unknown) => expectRefusal(error, 'random part'),
        );
      }),
      { numRuns: 200, seed: SEED },
    );
  });

  it('refuses random QR texts and references, and whatever a hostile service answers, before any proof', async () => {
    const served = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.constant(genuine),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,40}$/),
    );
    const qr = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.webUrl(),
      fc.tuple(fc.string(), fc.webUrl()).map(([id, uri]) => `openid4vp://?client_id=${id}&request_uri=${uri}`),
      fc.webUrl().map((uri) => `openid4vp://?request_uri=${encodeURIComponent(uri)}&request_uri=x`),
    );
    let proofs = 0;
    await fc.assert(
      fc.asyncProperty(qr, served, fc.integer({ min: 100, max: 599 }), async (text, body, status) => {
        const hostile = (async () => new Response(body, { status })) as typeof fetch;
        await wallet
          .respond(text, {
            today: TODAY,
            fetch: hostile,
            consent: () => {
              proofs++;
              return false;
            },
          })
          .then(
            () => {
              throw new Error('a hostile request was answered');
            },
            (error: unknown) => expectRefusal(error, `qr ${JSON.stringify(text).slice(0, 80)}`),
          );
      }),
      { numRuns: 300, seed: SEED },
    );
    // The genuine kiosk request served online is refused too (it is answered by QR, not posted).
    expect(proofs).toBe(0);
  });
});
