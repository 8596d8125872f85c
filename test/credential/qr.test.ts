import { readFileSync } from 'node:fs';
import { encode, rfc8949EncodeOptions } from 'cborg';
import { describe, expect, it } from 'vitest';
import {
  BASE45_ALPHABET,
  Base45Error,
  CredentialFormatError,
  MAX_QR_TEXT_LENGTH,
  QR_FIELD_KEYS,
  QR_PREFIXES,
  base45Decode,
  base45Encode,
  decodeQr,
  encodeQr,
  fromBase64url,
  minQrVersionM,
  qrAlphanumericCapacityM,
  type CredentialFormatErrorCode,
  type QrKind,
} from '../../src/credential/index.js';
import {
  fakeBytes,
  offer,
  presentationOneItem,
  presentationTwoItems,
  requestOneGroup,
  requestTwoGroups,
} from './fixtures.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('Base45 (RFC 9285)', () => {
  it('encodes the RFC examples', () => {
    expect(base45Encode(enc.encode('AB'))).toBe('BB8');
    expect(base45Encode(enc.encode('Hello!!'))).toBe('%69 VD92EX0');
    expect(base45Encode(enc.encode('base-45'))).toBe('UJCLQE7W581');
    expect(base45Encode(new Uint8Array(0))).toBe('');
  });

  it('decodes the RFC examples', () => {
    expect(dec.decode(base45Decode('QED8WEX0'))).toBe('ietf!');
    expect(dec.decode(base45Decode('BB8'))).toBe('AB');
    expect(dec.decode(base45Decode('%69 VD92EX0'))).toBe('Hello!!');
    expect(dec.decode(base45Decode('UJCLQE7W581'))).toBe('base-45');
  });

  it('round-trips every byte value and length', () => {
    for (let n = 0; n < 64; n++) {
      const bytes = fakeBytes(n, n + 7);
      expect(base45Decode(base45Encode(bytes))).toEqual(bytes);
    }
    expect(base45Decode(base45Encode(Uint8Array.from([255, 255, 255])))).toEqual(Uint8Array.from([255, 255, 255]));
    expect(base45Encode(Uint8Array.from([255, 255]))).toBe('FGW');
  });

  it('rejects text no byte string encodes', () => {
    const reason = (text: string) => {
      try {
        base45Decode(text);
      } catch (error) {
        expect(error).toBeInstanceOf(Base45Error);
        return (error as Base45Error).reason;
      }
      return 'ok';
    };
    expect(reason('GGW')).toBe('OVERFLOW'); // 65536
    expect(reason('FGW')).toBe('ok'); // 65535
    expect(reason(':6')).toBe('OVERFLOW'); // 44 + 6*45 = 314 > 255
    expect(reason('BB8A')).toBe('LENGTH');
    expect(reason('bb8')).toBe('ALPHABET');
    expect(reason('BB#')).toBe('ALPHABET');
    expect(reason('BBÉ')).toBe('ALPHABET');
  });
});

const fixtures: [QrKind, string, object][] = [
  ['offer', 'offer', offer],
  ['request', 'request, one group', requestOneGroup],
  ['request', 'request, two groups with alternatives', requestTwoGroups],
  ['presentation', 'presentation, one item', presentationOneItem],
];

function qrError(text: string, options = {}): { code: CredentialFormatErrorCode; path: string } {
  try {
    decodeQr(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(CredentialFormatError);
    const { code, path } = error as CredentialFormatError;
    return { code, path };
  }
  throw new Error('expected a CredentialFormatError');
}

const withBody = (kind: QrKind, body: unknown) => QR_PREFIXES[kind] + base45Encode(encode(body, rfc8949EncodeOptions));
const K = QR_FIELD_KEYS as Record<string, number>;
/** The CBOR body of a valid offer, as a Map the tests can break. */
function offerBody(): Map<number, unknown> {
  return new Map<number, unknown>([
    [K.issuerId!, offer.issuerId],
    [K.issuerUrl!, offer.issuerUrl],
    [K.offerId!, offer.offerId],
    [K.code!, fromBase64url(offer.code)],
    [K.schemaRef!, offer.schemaRef],
    [K.keyId!, offer.keyId],
    [K.suite!, offer.suite],
    [K.expiresAt!, offer.expiresAt],
  ]);
}

describe('QR text', () => {
  it('refuses a presentation that no QR code holds (two items with predicates): QR_TOO_LARGE', () => {
    let caught: unknown;
    try {
      encodeQr('presentation', presentationTwoItems);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CredentialFormatError);
    expect((caught as CredentialFormatError).code).toBe('QR_TOO_LARGE');
    expect((caught as CredentialFormatError).message).toMatch(/^\d+ characters do not fit in a QR code$/);
  });

  for (const [kind, name, value] of fixtures) {
    it(`round-trips the ${name}`, () => {
      const text = encodeQr(kind, value as never);
      expect(text.startsWith(QR_PREFIXES[kind])).toBe(true);
      // Entirely in the QR alphanumeric set, so the code can use alphanumeric mode.
      expect(text).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
      const decoded = decodeQr(text);
      expect(decoded.kind).toBe(kind);
      expect(decoded.value).toEqual(value);
      // Key order of the decoded object follows the format, like the JSON.
      expect(Object.keys(decoded.value)).toEqual(Object.keys(value));
      expect(decodeQr(text, { expect: kind }).kind).toBe(kind);
    });
  }

  it('round-trips lists, booleans, integers and date expressions in constraints', () => {
    const request = {
      ...requestOneGroup,
      groups: [
        {
          anyOf: [
            {
              ...requestOneGroup.groups[0]!.anyOf[0]!,
              disclose: ['testType', 'validFrom', 'sampleDay'],
              constraints: [
                { attribute: 'testResult', op: 'in' as const, value: ['negative', 'inconclusive'] },
                { attribute: 'sampleDay', op: 'gte' as const, value: 'today-2' },
                { attribute: 'sampleDay', op: 'neq' as const, value: 20000 },
                { attribute: 'validFrom', op: 'in' as const, value: [1, 2, 3] },
              ],
            },
          ],
        },
        { anyOf: requestTwoGroups.groups[1]!.anyOf },
      ],
    };
    expect(decodeQr(encodeQr('request', request)).value).toEqual(request);
  });

  it('is deterministic: the same value in any key order gives the same text', () => {
    const shuffled = Object.fromEntries(Object.entries(offer).reverse()) as typeof offer;
    expect(encodeQr('offer', shuffled)).toBe(encodeQr('offer', offer));
    // Pinned: a change to keys, CBOR or Base45 shows up here.
    expect(encodeQr('offer', offer)).toMatchInlineSnapshot(
      `"PRIVID1:O:XALB8FV9E/EDPED7H744EPEDQX56$C-UEZKE$QE:VD858G80%33MWEW9E0G7Z:50ECBPEB$CBECP9ERZC04E01D5QD0EC5W5846NW6C46QJ07H8CNAKF6HL6Y96ZNAZA8SF6P$6G8FA9DIWENPEJ/5PVD3KC.%5$9FQ$DTVD7*5$KE*:5*KES/ECTC4/E%G6HDAHT8K-C PE8/EP57UPDP2EDJCH2FK6AU EC:N$ 3TAFSQM$L34LP/IEAF3FZ9G4"`,
    );
  });

  it('encodes binary fields as CBOR byte strings and field names as small integers', () => {
    const text = encodeQr('offer', offer);
    const body = base45Decode(text.slice(QR_PREFIXES.offer.length));
    expect(body).toEqual(new Uint8Array(encode(offerBody(), rfc8949EncodeOptions)));
    expect(dec.decode(body)).not.toContain('issuerId');
  });

  it('refuses to encode an invalid value or an unknown kind', () => {
    expect(() => encodeQr('offer', { ...offer, code: 'AB' })).toThrow(CredentialFormatError);
    expect(() => encodeQr('offer', requestOneGroup as never)).toThrow(/type/);
    expect(() => encodeQr('credential' as QrKind, offer as never)).toThrow(CredentialFormatError);
  });

  it('rejects a wrong or unexpected prefix', () => {
    const text = encodeQr('offer', offer);
    const payload = text.slice(QR_PREFIXES.offer.length);
    for (const bad of [
      `PRIVID2:O:${payload}`,
      `privid1:o:${payload}`,
      `PRIVID1:X:${payload}`,
      `HC1:${payload}`,
      payload,
      '',
    ]) {
      expect(qrError(bad).code).toBe('QR_PREFIX');
    }
    expect(qrError(` ${text}`).code).toBe('QR_PREFIX');
    expect(qrError(text, { expect: 'presentation' }).code).toBe('QR_PREFIX');
    expect(qrError(42 as never).code).toBe('QR_PREFIX');
  });

  it('rejects characters outside the Base45 alphabet', () => {
    const text = encodeQr('offer', offer);
    for (const bad of [
      text.toLowerCase().replace('privid1:o:', 'PRIVID1:O:'),
      `${text.slice(0, 20)}#${text.slice(21)}`,
      `${text}\n`,
      `${text.slice(0, 30)}é${text.slice(31)}`,
    ]) {
      expect(qrError(bad).code).toBe('QR_ALPHABET');
    }
  });

  it('rejects truncated text', () => {
    const text = encodeQr('request', requestOneGroup);
    const lengths = new Set<CredentialFormatErrorCode>();
    for (let cut = 1; cut <= 9; cut++) {
      const code = qrError(text.slice(0, -cut)).code;
      expect(['QR_BASE45', 'QR_CBOR']).toContain(code);
      lengths.add(code);
    }
    expect(lengths).toEqual(new Set(['QR_BASE45', 'QR_CBOR']));
    expect(qrError(QR_PREFIXES.request).code).toBe('QR_CBOR');
  });

  it('rejects oversize text before decoding anything', () => {
    expect(qrError('X'.repeat(MAX_QR_TEXT_LENGTH + 1)).code).toBe('QR_TOO_LARGE');
    expect(qrError(QR_PREFIXES.offer + '0'.repeat(MAX_QR_TEXT_LENGTH)).code).toBe('QR_TOO_LARGE');
    const huge = { ...presentationTwoItems, items: Array(8).fill(presentationTwoItems.items[0]) };
    expect(() => encodeQr('presentation', huge)).toThrow(expect.objectContaining({ code: 'QR_TOO_LARGE' }) as Error);
  });

  it('rejects CBOR garbage and non-deterministic CBOR', () => {
    const raw = (bytes: number[] | Uint8Array) => QR_PREFIXES.offer + base45Encode(Uint8Array.from(bytes));
    expect(qrError(raw(fakeBytes(64, 3))).code).toBe('QR_CBOR');
    expect(qrError(raw([0xff])).code).toBe('QR_CBOR');
    const good = encode(offerBody(), rfc8949EncodeOptions);
    expect(qrError(raw([...good, 0x00])).code).toBe('QR_CBOR'); // trailing data
    expect(qrError(raw(good.subarray(0, good.length - 1))).code).toBe('QR_CBOR'); // truncated
    expect(qrError(raw([0xa1, 0x18, 0x01, 0x01])).code).toBe('QR_CBOR'); // key 1 in two bytes
    expect(qrError(raw([0xbf, 0x01, 0x01, 0xff])).code).toBe('QR_CBOR'); // indefinite-length map
    expect(qrError(raw([0xa2, 0x01, 0x01, 0x01, 0x02])).code).toBe('QR_CBOR'); // duplicate key
    expect(qrError(raw([0xa2, 0x02, 0x01, 0x01, 0x01])).code).toBe('QR_CBOR'); // keys out of order
    expect(qrError(raw([0xc1, 0x01])).code).toBe('QR_CBOR'); // a tag
    expect(qrError(raw([0xf9, 0x3c, 0x00])).code).toBe('QR_CBOR'); // half-precision 1.0
    expect(qrError(raw([0xf7])).code).toBe('QR_CBOR'); // undefined
    expect(qrError(raw([0xa1, 0x01, 0x61, 0xff])).code).toBe('QR_CBOR'); // invalid UTF-8 text
  });

  it('rejects well-formed CBOR of the wrong shape', () => {
    const body = offerBody();
    expect(qrError(withBody('offer', [1, 2]))).toEqual({ code: 'QR_STRUCTURE', path: '' });
    expect(qrError(withBody('offer', new Map([...body, [99, 'x']]))).code).toBe('QR_STRUCTURE');
    expect(qrError(withBody('offer', new Map<unknown, unknown>([...body, ['issuerId', 'x']]))).code).toBe(
      'QR_STRUCTURE',
    );
    expect(qrError(withBody('offer', new Map([...body, [K.code!, offer.code]])))).toEqual({
      code: 'QR_STRUCTURE',
      path: '/code',
    });
    expect(qrError(withBody('offer', new Map([...body, [K.issuerId!, enc.encode(offer.issuerId)]])))).toEqual({
      code: 'QR_STRUCTURE',
      path: '/issuerId',
    });
    // An offer body under the request prefix.
    expect(qrError(withBody('request', body)).code).toBe('QR_STRUCTURE');
    // The type and version come from the prefix, never from the body.
    expect(qrError(withBody('offer', new Map<unknown, unknown>([...body, ['v', 2]]))).code).toBe('QR_STRUCTURE');
  });

  it('then applies the full JSON-format validation', () => {
    const body = offerBody();
    expect(qrError(withBody('offer', new Map([...body, [K.code!, fakeBytes(8)]])))).toEqual({
      code: 'TOO_SMALL',
      path: '/code',
    });
    const missing = new Map(body);
    missing.delete(K.offerId!);
    expect(qrError(withBody('offer', missing))).toEqual({ code: 'MISSING_FIELD', path: '/offerId' });
    expect(qrError(withBody('offer', new Map([...body, [K.expiresAt!, -5]])))).toEqual({
      code: 'TOO_SMALL',
      path: '/expiresAt',
    });
    expect(qrError(withBody('offer', new Map([...body, [K.expiresAt!, 1.5]])))).toEqual({
      code: 'WRONG_TYPE',
      path: '/expiresAt',
    });
  });
});

/** The size table of docs/credential-model.md, measured. */
const SIZE_TABLE: [string, number, number, number, number][] = [
  // name, JSON bytes, CBOR bytes, QR characters, QR version (alphanumeric, ECC M)
  ['offer', 305, 171, 267, 10],
  ['request, one group', 479, 221, 342, 11],
  ['request, two groups with alternatives', 952, 451, 687, 17],
  ['presentation, one item', 2849, 1982, 2983, 38],
];

describe('QR sizes', () => {
  it('knows the alphanumeric capacity of QR codes at ECC level M', () => {
    expect([1, 2, 10, 20, 27, 40].map(qrAlphanumericCapacityM)).toEqual([20, 38, 311, 970, 1637, 3391]);
    expect(minQrVersionM(20)).toBe(1);
    expect(minQrVersionM(21)).toBe(2);
    expect(minQrVersionM(3392)).toBeUndefined();
    expect(BASE45_ALPHABET).toHaveLength(45);
  });

  it('matches the table in docs/credential-model.md', () => {
    const docs = readFileSync(new URL('../../docs/credential-model.md', import.meta.url), 'utf8');
    fixtures.forEach(([kind, name, value], i) => {
      const text = encodeQr(kind, value as never);
      const cbor = base45Decode(text.slice(QR_PREFIXES[kind].length)).length;
      const measured: [string, number, number, number, number] = [
        name,
        JSON.stringify(value).length,
        cbor,
        text.length,
        minQrVersionM(text)!,
      ];
      expect(measured).toEqual(SIZE_TABLE[i]);
      const row = docs
        .split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .find((cells) => cells[1] === name);
      expect(row?.slice(1, 6)).toEqual(measured.map(String));
    });
  });
});
