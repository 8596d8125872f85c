// Presentation-level privacy of proven predicates (issue #11): two holders whose hidden values
// differ but both satisfy a venue's clause give the venue views of one shape, and neither the
// presentation JSON nor its QR text carries a hidden value in any encoding.
import { beforeAll, describe, expect, it } from 'vitest';
import { i2osp } from '../../src/bbs/index.js';
import { base45Decode } from '../../src/credential/base45.js';
import {
  decodeQr,
  encodeQr,
  fromBase64url,
  isoDateFromDay,
  minQrVersionM,
  QR_PREFIXES,
  toBase64url,
  type Presentation,
  type PresentationRequest,
} from '../../src/credential/index.js';
import { Wallet } from '../../src/holder/index.js';
import { verifyPresentation } from '../../src/verifier/index.js';
import {
  KIOSK_ORIGIN,
  TODAY,
  TestIssuer,
  kioskSigned,
  makeRequest,
  sharesWindow,
  trustListOf,
  typicalClause,
  verifyOptions,
} from '../holder/support.js';

const VACCINATION = 'privid:vaccination-record@1';

/** Both satisfy doseCount >= 2, validFrom <= today <= validUntil; nothing else is equal. */
const HOLDERS = [
  { doseCount: 2, lastDoseDay: TODAY - 100, validFrom: TODAY - 3, validUntil: TODAY + 30 },
  { doseCount: 5, lastDoseDay: TODAY - 50, validFrom: TODAY - 40, validUntil: TODAY + 200 },
] as const;
type Holder = (typeof HOLDERS)[number];

const lab = new TestIssuer();
const trust = trustListOf([lab]);
let wallets: Wallet[];

beforeAll(async () => {
  wallets = await Promise.all(
    HOLDERS.map(async (h) => {
      const wallet = new Wallet({ transport: lab });
      const offer = lab.offer(VACCINATION, {
        attributes: { productClass: 'mrna', doseCount: h.doseCount, lastDoseDay: h.lastDoseDay },
        validFrom: h.validFrom,
        validUntil: h.validUntil,
      });
      await wallet.acceptOffer(offer);
      return wallet;
    }),
  );
});

/** The venue's clause: productClass shown; doseCount >= 2 and valid today proven. */
function doorRequest(options: Parameters<typeof makeRequest>[1] = {}): PresentationRequest {
  return makeRequest([typicalClause(VACCINATION, [lab])], options);
}

/**
 * The presentation with every fresh-randomness field (proof bytes, pseudonym, salt) replaced by
 * its decoded byte length: what must be equal between holders who satisfy the same request.
 */
function shape(presentation: Presentation): unknown {
  const bytes = (b64: unknown) => (typeof b64 === 'string' ? `${fromBase64url(b64).length} bytes` : b64);
  return {
    ...presentation,
    salt: bytes((presentation as { salt?: unknown }).salt),
    items: presentation.items.map((item) => ({
      ...item,
      proof: bytes(item.proof),
      predicateProof: bytes(item.predicateProof),
      pseudonym: bytes(item.pseudonym),
    })),
  };
}

/** Every way a hidden value of `h` could be written into text: decimal, ISO date, scalar bytes. */
function hiddenTexts(h: Holder): string[] {
  const days = [h.lastDoseDay, h.validFrom, h.validUntil];
  return [
    ...days.flatMap((d) => [String(d), isoDateFromDay(d)]),
    ...[h.doseCount, ...days].map((v) => toBase64url(i2osp(v, 32))),
  ];
}

/** The signed message scalars of the hidden values (integers and day numbers are signed as themselves). */
function hiddenScalars(h: Holder): Uint8Array[] {
  return [h.doseCount, h.lastDoseDay, h.validFrom, h.validUntil].map((v) => i2osp(v, 32));
}

/** Every JSON number and string in `value`, recursively. */
function leaves(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(leaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(leaves);
  return [value];
}

describe('two holders, different hidden values, one request', () => {
  it('the verifier accepts both and learns the same: productClass and the proven statements', async () => {
    const request = doorRequest();
    const results = await Promise.all(
      wallets.map(async (w) =>
        verifyPresentation(await w.present(request, { today: TODAY }), request, trust, verifyOptions(TODAY)),
      ),
    );
    for (const result of results) expect(result.accepted).toBe(true);
    const [a, b] = results.map((r) => (r.accepted ? r.disclosed : undefined));
    expect(a).toEqual(b);
    expect(a?.[0]?.values).toEqual({ productClass: 'mrna' });
    expect(a?.[0]?.proven).toEqual([
      { attribute: 'doseCount', op: 'gte', value: 2 },
      { attribute: 'validUntil', op: 'gte', value: TODAY },
      { attribute: 'validFrom', op: 'lte', value: TODAY },
    ]);
  });

  it('the presentations have one shape: same keys, proven statements and byte lengths', async () => {
    const request = doorRequest();
    const [a, b] = await Promise.all(wallets.map((w) => w.present(request, { today: TODAY })));
    expect(a!.items[0]!.predicateProof).toBeDefined();
    expect(shape(a!)).toEqual(shape(b!));
    // Fresh randomness does differ: the comparison above did not compare two copies of one proof.
    expect(a!.items[0]!.proof).not.toBe(b!.items[0]!.proof);
    expect(a!.items[0]!.predicateProof).not.toBe(b!.items[0]!.predicateProof);
  });

  it('neither the JSON nor the QR text carries a hidden value, in any encoding', async () => {
    const signed = await kioskSigned(doorRequest({ verifierId: KIOSK_ORIGIN }), wallets);
    for (const [i, wallet] of wallets.entries()) {
      const holder = HOLDERS[i]!;
      const presentation = await wallet.present(signed, { today: TODAY });
      const json = JSON.stringify(presentation);
      const qr = encodeQr('presentation', presentation);
      expect(decodeQr(qr).value).toEqual(presentation);
      for (const text of hiddenTexts(holder)) {
        expect(json).not.toContain(text);
        expect(qr).not.toContain(text);
      }
      // The count: no JSON value is 5 (the other holder's 2 is the public bound of doseCount >= 2).
      expect(leaves(presentation)).not.toContain(holder.doseCount === 2 ? 5 : holder.doseCount);
      expect(leaves(presentation)).not.toContain(String(holder.doseCount));
      expect(presentation.items[0]!.disclosed).toEqual({ productClass: 'mrna' });
      // Nor as raw scalar bytes anywhere in the QR payload or inside the proofs.
      const cbor = base45Decode(qr.slice(QR_PREFIXES.presentation.length));
      const item = presentation.items[0]!;
      const blobs = [cbor, fromBase64url(item.proof), fromBase64url(item.predicateProof!)];
      for (const scalar of hiddenScalars(holder)) {
        for (const blob of blobs) expect(sharesWindow(blob, scalar)).toBe(false);
      }
    }
  });

  it('a kiosk presentation proving two predicates fits one QR code, the same size for both', async () => {
    // doseCount >= 2 and validUntil >= today proven, productClass shown.
    const clause = typicalClause(VACCINATION, [lab]);
    const request = makeRequest([{ ...clause, constraints: clause.constraints.slice(0, 2) }], {
      verifierId: KIOSK_ORIGIN,
    });
    const signed = await kioskSigned(request, wallets);
    const texts = await Promise.all(wallets.map((w) => w.presentQr(signed, { today: TODAY })));
    expect(texts[0]!.length).toBe(texts[1]!.length);
    const version = minQrVersionM(texts[0]!);
    expect(version).toBeDefined();
    expect(version!).toBeLessThanOrEqual(40);
  });
});
