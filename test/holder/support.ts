// Shared fixtures of the holder and verifier tests: real issuer keys, an in-process issuer that
// runs the real issueCredential behind the wallet's Transport seam, requests and trust lists.
import { keyGen, skToPk, type CiphersuiteName } from '../../src/bbs/index.js';
import {
  builtinSchemaRegistry,
  isoDateFromDay,
  issueCredential,
  parseCredentialOffer,
  requestObjectClaims,
  toBase64url,
  type AttributeValues,
  type Clause,
  type CredentialOffer,
  type IssuanceRequest,
  type PresentationRequest,
} from '../../src/credential/index.js';
import type { Transport, Wallet } from '../../src/holder/index.js';
import { generateKeyPairSync } from 'node:crypto';
import { CompactSign } from 'jose';
import type { TrustList } from '../../src/verifier/index.js';

export const TODAY = 20253; // 2025-06-14
export const FAR_FUTURE = 2_000_000_000; // Unix seconds, 2033
export const schemas = builtinSchemaRegistry();

export const SAMPLE_ATTRIBUTES: Record<string, AttributeValues> = {
  'privid:covid-test-result@1': { testResult: 'negative', testType: 'pcr', sampleDay: TODAY - 5 },
  'privid:vaccination-record@1': { productClass: 'mrna', doseCount: 3, lastDoseDay: TODAY - 90 },
  'privid:age-band@1': { band: '18-64', ageOver18: true, ageOver21: true },
};

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function randomId(): string {
  return toBase64url(randomBytes(12));
}

export interface IssuerKey {
  readonly kid: string;
  readonly suite: CiphersuiteName;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  status: 'active' | 'retired' | 'revoked';
}

interface PendingOffer {
  readonly offer: CredentialOffer;
  readonly key: IssuerKey;
  readonly attributes: AttributeValues;
  readonly validFrom: number;
  readonly validUntil: number;
  redeemed: boolean;
}

/** A lab: keys, offers, and the redemption logic of the issuer API (in process). */
export class TestIssuer implements Transport {
  readonly issuerUrl: string;
  readonly keys: IssuerKey[] = [];
  readonly offers = new Map<string, PendingOffer>();
  /** Every request body the issuer received, as JSON text (for the privacy scans). */
  readonly received: string[] = [];
  redeemCalls = 0;
  metadataCalls = 0;
  /** Lets a test corrupt what the issuer answers. */
  tamper: ((credential: Record<string, unknown>) => Record<string, unknown>) | undefined;

  constructor(
    readonly issuerId = 'https://lab-one.example/v1/issuers/lab-one',
    suites: readonly CiphersuiteName[] = ['BLS12-381-SHA-256'],
  ) {
    this.issuerUrl = issuerId.startsWith('https://') ? new URL(issuerId).origin : 'https://lab.example';
    for (const suite of suites) this.addKey(suite);
  }

  addKey(suite: CiphersuiteName = 'BLS12-381-SHA-256', kid = `key-${this.keys.length + 1}`): IssuerKey {
    const secretKey = keyGen({ ciphersuite: suite, keyMaterial: randomBytes(32) });
    const key: IssuerKey = {
      kid,
      suite,
      secretKey,
      publicKey: skToPk({ ciphersuite: suite, secretKey }),
      status: 'active',
    };
    this.keys.push(key);
    return key;
  }

  key(kid?: string): IssuerKey {
    return kid === undefined ? this.keys[0]! : this.keys.find((k) => k.kid === kid)!;
  }

  offer(
    schemaRef: string,
    options: {
      attributes?: AttributeValues;
      validFrom?: number;
      validUntil?: number;
      kid?: string;
      expiresAt?: number;
    } = {},
  ): CredentialOffer {
    const key = this.key(options.kid);
    const offer = parseCredentialOffer({
      type: 'privid/credential-offer',
      v: 1,
      issuerId: this.issuerId,
      issuerUrl: this.issuerUrl,
      offerId: randomId(),
      code: toBase64url(randomBytes(16)),
      schemaRef,
      keyId: key.kid,
      suite: key.suite,
      expiresAt: options.expiresAt ?? FAR_FUTURE,
    });
    this.offers.set(offer.offerId, {
      offer,
      key,
      attributes: options.attributes ?? SAMPLE_ATTRIBUTES[schemaRef]!,
      validFrom: options.validFrom ?? TODAY - 1,
      validUntil: options.validUntil ?? TODAY + 2,
      redeemed: false,
    });
    return offer;
  }

  /** The redemption route's logic: check the code, issue (the real issueCredential), once. */
  async redeem(_offer: CredentialOffer, request: IssuanceRequest): Promise<unknown> {
    this.redeemCalls++;
    this.received.push(JSON.stringify(request));
    const pending = this.offers.get(request.offerId);
    if (!pending || pending.offer.code !== request.code) throw new Error('OFFER_CODE_INVALID');
    if (pending.redeemed) throw new Error('OFFER_ALREADY_REDEEMED');
    const credential = issueCredential({
      ciphersuite: pending.key.suite,
      secretKey: pending.key.secretKey,
      publicKey: pending.key.publicKey,
      schema: schemas.require(pending.offer.schemaRef),
      issuerId: this.issuerId,
      keyId: pending.key.kid,
      validFrom: pending.validFrom,
      validUntil: pending.validUntil,
      attributes: pending.attributes,
      request,
    });
    pending.redeemed = true;
    const json = JSON.parse(JSON.stringify(credential)) as Record<string, unknown>;
    return this.tamper ? this.tamper(json) : json;
  }

  async issuerMetadata(): Promise<unknown> {
    this.metadataCalls++;
    return this.metadata();
  }

  metadata() {
    return {
      id: this.issuerId,
      name: 'Lab One',
      issuerUrl: this.issuerUrl,
      keys: this.keys.map((key) => ({
        kid: key.kid,
        suite: key.suite,
        status: key.status,
        createdAt: '2025-01-01T00:00:00.000Z',
        retiredAt: key.status === 'active' ? null : '2025-06-01T00:00:00.000Z',
        revokedAt: key.status === 'revoked' ? '2025-06-01T00:00:00.000Z' : null,
        jwk: { kty: 'OKP', crv: 'Bls12381G2', x: toBase64url(key.publicKey), kid: key.kid },
      })),
    };
  }
}

/** A trust list of these issuers, every key with its current status (or an override). */
export function trustListOf(issuers: readonly TestIssuer[], status?: IssuerKey['status']): TrustList {
  return {
    type: 'privid/trust-list',
    v: 1,
    issuers: issuers.map((issuer) => ({
      issuerId: issuer.issuerId,
      keys: issuer.keys.map((key) => ({
        kid: key.kid,
        suite: key.suite,
        publicKey: toBase64url(key.publicKey),
        status: status ?? key.status,
      })),
    })),
  };
}

export function clause(
  schemaRef: string,
  issuers: readonly TestIssuer[],
  options: { disclose?: string[]; constraints?: Clause['constraints'] } = {},
): Clause {
  return {
    schemaRef,
    issuers: issuers.map((issuer) => ({ issuerId: issuer.issuerId })),
    disclose: options.disclose ?? [],
    constraints: options.constraints ?? [],
  };
}

/** The clause a venue would use for each built-in schema. */
/** Valid on the verifier's day: what every built-in policy proves (validity fails closed). */
export const VALID_TODAY: readonly Clause['constraints'][number][] = [
  { attribute: 'validUntil', op: 'gte', value: 'today' },
  { attribute: 'validFrom', op: 'lte', value: 'today' },
];

export function typicalClause(schemaRef: string, issuers: readonly TestIssuer[]): Clause {
  switch (schemaRef) {
    case 'privid:covid-test-result@1':
      return clause(schemaRef, issuers, {
        constraints: [{ attribute: 'testResult', op: 'eq', value: 'negative' }, ...VALID_TODAY],
      });
    case 'privid:vaccination-record@1':
      return clause(schemaRef, issuers, {
        disclose: ['productClass'],
        constraints: [{ attribute: 'doseCount', op: 'gte', value: 2 }, ...VALID_TODAY],
      });
    default:
      return clause(schemaRef, issuers, {
        constraints: [{ attribute: 'ageOver18', op: 'eq', value: true }, ...VALID_TODAY],
      });
  }
}

export function makeRequest(
  groups: readonly (Clause | readonly Clause[])[],
  options: {
    verifierId?: string;
    pseudonym?: { scope: string; period?: string };
    nonce?: string;
    requestId?: string;
  } = {},
): PresentationRequest {
  return {
    type: 'privid/presentation-request',
    v: 1,
    requestId: options.requestId ?? randomId(),
    nonce: options.nonce ?? toBase64url(randomBytes(32)),
    verifierId: options.verifierId ?? 'https://club42.example',
    verifierName: 'Club 42',
    expiresAt: FAR_FUTURE,
    groups: groups.map((g) => ({ anyOf: Array.isArray(g) ? [...(g as Clause[])] : [g as Clause] })),
    ...(options.pseudonym ? { pseudonym: options.pseudonym } : {}),
  };
}

/** Whether `haystack` contains any `window`-byte run of `needle`. */
export function sharesWindow(haystack: Uint8Array, needle: Uint8Array, window = 32): boolean {
  if (needle.length < window) return false;
  const seen = new Set<string>();
  for (let i = 0; i + window <= needle.length; i++) seen.add(hex(needle.subarray(i, i + window)));
  for (let i = 0; i + window <= haystack.length; i++) if (seen.has(hex(haystack.subarray(i, i + window)))) return true;
  return false;
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

// ---------------------------------------------------------------------------------------------
// A verifier service's request signing, for offline-kiosk requests (signed, answered by QR)
// ---------------------------------------------------------------------------------------------

export const KIOSK_ORIGIN = 'https://club42.example';
const kioskKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const KIOSK_JWKS = {
  keys: [{ ...kioskKeys.publicKey.export({ format: 'jwk' }), kid: 'kiosk-1', alg: 'ES256', use: 'sig' }],
};

/**
 * `request` as an offline kiosk's signed request object (response_mode privid_qr), signed with
 * jose by the kiosk origin's key; the wallets get that origin's JWKS as if the app loaded it.
 */
export async function kioskSigned(request: PresentationRequest, wallets: readonly Wallet[]): Promise<string> {
  for (const wallet of wallets) await wallet.loadVerifierKeys(KIOSK_ORIGIN, KIOSK_JWKS);
  // A signed request lives minutes (wallets refuse over MAX_REQUEST_TTL_SECONDS), whatever the
  // unsigned request's own expiry; the proofs do not bind the expiry.
  const issuedAt = Math.floor(Date.now() / 1000);
  const claims = requestObjectClaims({ ...request, expiresAt: issuedAt + 300 }, { issuedAt });
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-authz-req+jwt', kid: 'kiosk-1' })
    .sign(kioskKeys.privateKey);
}

/** The current UTC day as a period string, on the real clock (what a wallet checks). */
export function currentDay(): string {
  return isoDateFromDay(Math.floor(Date.now() / 86_400_000));
}

/** privid/verifier's options for tests: the kiosk origin, the real clock. */
export function verifyOptions(today: number, extra: { allowUncheckedValidity?: boolean } = {}) {
  return {
    today,
    nowSeconds: Math.floor(Date.now() / 1000),
    origin: KIOSK_ORIGIN,
    allowUncheckedValidity: extra.allowUncheckedValidity ?? true,
  };
}
