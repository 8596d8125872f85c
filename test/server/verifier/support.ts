// Shared by the verifier API tests: an in-process issuer (keys, credentials issued with privid's
// real issuance profile, metadata in the issuer API's format), wallets (the holder SDK) fed by it,
// and small helpers over app.inject for venues, policies, trust and requests.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

import { keyGen, skToPk, type CiphersuiteName } from '../../../src/bbs/index.js';
import {
  builtinSchemaRegistry,
  issueCredential,
  requestObjectClaims,
  type CredentialOffer,
  type Presentation,
  type PresentationRequest,
} from '../../../src/credential/index.js';
import { Wallet, type Transport } from '../../../src/holder/index.js';
import { publicKeyMultibase } from '../../../src/server/issuer/public-keys.js';
import { verifierServiceOf } from '../../../src/server/verifier/service.js';
import type { TestServer } from '../support/server.js';

export { DB_KINDS, startTestServer, type TestServer } from '../support/server.js';

export const MS_PER_DAY = 86_400_000;

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

export function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect({ status: res.statusCode, body: res.statusCode === status ? '' : res.body }).toEqual({ status, body: '' });
}

export function expectProblem(res: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: res.statusCode, body: res.body }).toMatchObject({ status });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json() as Record<string, unknown>;
  expect(problem).toMatchObject({ status, code });
  return problem;
}

export function todayOf(t: TestServer): number {
  return Math.floor(t.clock.now().getTime() / MS_PER_DAY);
}

// ---------------------------------------------------------------------------------------------
// An issuer in the test process
// ---------------------------------------------------------------------------------------------

export interface IssuerKey {
  kid: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  status: 'active' | 'retired' | 'revoked';
}

interface PendingOffer {
  schemaRef: string;
  attributes: Record<string, string | number | boolean>;
  validFrom: number;
  validUntil: number;
  kid: string;
}

/** A lab without a server: issues real privid credentials and publishes issuer-API metadata. */
export class TestIssuer {
  readonly suite: CiphersuiteName = 'BLS12-381-SHA-256';
  readonly keys: IssuerKey[] = [];
  readonly #offers = new Map<string, PendingOffer>();
  readonly #schemas = builtinSchemaRegistry();
  issuerId: string;
  name: string;
  readonly labId = randomUUID();

  constructor(
    issuerId = `https://lab-${randomBytes(3).toString('hex')}.test/v1/issuers/${randomUUID()}`,
    name = 'Test Lab',
  ) {
    this.issuerId = issuerId;
    this.name = name;
    this.addKey();
  }

  addKey(): IssuerKey {
    const secretKey = keyGen({ ciphersuite: this.suite, keyMaterial: randomBytes(32) });
    const key: IssuerKey = {
      kid: `ik_${randomBytes(12).toString('base64url')}`,
      secretKey,
      publicKey: skToPk({ ciphersuite: this.suite, secretKey }),
      status: 'active',
    };
    this.keys.push(key);
    return key;
  }

  get activeKey(): IssuerKey {
    const key = this.keys.find((k) => k.status === 'active');
    if (!key) throw new Error('no active key');
    return key;
  }

  jwk(key: IssuerKey = this.activeKey) {
    return { kty: 'OKP' as const, crv: 'Bls12381G2' as const, x: Buffer.from(key.publicKey).toString('base64url') };
  }

  /** The issuer API's metadata document (GET /v1/issuers/:labId). */
  metadata() {
    return {
      id: this.issuerId,
      labId: this.labId,
      name: this.name,
      issuerUrl: 'https://lab.test',
      keys: this.keys.map((key) => ({
        kid: key.kid,
        suite: this.suite,
        status: key.status,
        createdAt: '2026-01-01T00:00:00.000Z',
        retiredAt: key.status === 'active' ? null : '2026-02-01T00:00:00.000Z',
        revokedAt: key.status === 'revoked' ? '2026-02-01T00:00:00.000Z' : null,
        jwk: { ...this.jwk(key), kid: key.kid, alg: 'BBS' },
        multikey: {
          type: 'Multikey',
          id: `${this.issuerId}#${key.kid}`,
          controller: this.issuerId,
          publicKeyMultibase: publicKeyMultibase(key.publicKey),
        },
      })),
      schemas: [],
    };
  }

  /** An offer the wallet accepts through `transport()`. */
  offer(
    schemaRef: string,
    attributes: PendingOffer['attributes'],
    validFrom: number,
    validUntil: number,
  ): CredentialOffer {
    const offerId = randomBytes(12).toString('base64url');
    const kid = this.activeKey.kid;
    this.#offers.set(offerId, { schemaRef, attributes, validFrom, validUntil, kid });
    return {
      type: 'privid/credential-offer',
      v: 1,
      issuerId: this.issuerId,
      issuerUrl: 'https://lab.test',
      offerId,
      code: randomBytes(16).toString('base64url'),
      schemaRef,
      keyId: kid,
      suite: this.suite,
      expiresAt: 253_402_300_799,
    };
  }

  redeem(offer: CredentialOffer, request: unknown): unknown {
    const pending = this.#offers.get(offer.offerId);
    if (!pending) throw new Error('no such offer');
    this.#offers.delete(offer.offerId);
    const key = this.keys.find((k) => k.kid === pending.kid)!;
    return issueCredential({
      ciphersuite: this.suite,
      secretKey: key.secretKey,
      publicKey: key.publicKey,
      schema: this.#schemas.require(pending.schemaRef),
      issuerId: this.issuerId,
      keyId: key.kid,
      validFrom: pending.validFrom,
      validUntil: pending.validUntil,
      attributes: pending.attributes,
      request,
    });
  }
}

/** A wallet transport that reaches these in-process issuers. */
export function issuersTransport(issuers: readonly TestIssuer[]): Transport {
  const find = (offer: CredentialOffer) => {
    const issuer = issuers.find((i) => i.issuerId === offer.issuerId);
    if (!issuer) throw new Error(`unknown issuer ${offer.issuerId}`);
    return issuer;
  };
  return {
    redeem: async (offer, request) => find(offer).redeem(offer, request),
    issuerMetadata: async (offer) => find(offer).metadata(),
  };
}

/** A holder: the SDK's Wallet on the test clock, fed by in-process issuers. */
/** A wallet on the server's clock; the test server is plain http on 127.0.0.1, so it opts in. */
export function newWallet(t: TestServer, issuers: readonly TestIssuer[]): Wallet {
  return new Wallet({
    transport: issuersTransport(issuers),
    now: () => t.clock.now().getTime(),
    allowInsecureLocalhost: true,
  });
}

export async function give(
  wallet: Wallet,
  issuer: TestIssuer,
  schemaRef: string,
  attributes: PendingOffer['attributes'],
  validity: { from: number; until: number },
): Promise<void> {
  await wallet.acceptOffer(issuer.offer(schemaRef, attributes, validity.from, validity.until));
}

/** A wallet holding an adult age band from `issuer`, valid ten years from the server's day. */
export async function adultWallet(t: TestServer, issuer: TestIssuer): Promise<Wallet> {
  const wallet = newWallet(t, [issuer]);
  await give(wallet, issuer, AGE, ADULT, { from: todayOf(t), until: todayOf(t) + 3650 });
  return wallet;
}

export interface GateFixture {
  readonly venue: VenueFixture;
  /** Holds a negative test of today and an adult age band, both from the lab. */
  readonly wallet: Wallet;
}

/**
 * The usual gate: `lab` trusted (pinned), a venue with the policies 'entry' (entryPolicy) and 'bar'
 * (barPolicy), and a wallet that satisfies both.
 */
export async function gateFixture(t: TestServer, lab: TestIssuer): Promise<GateFixture> {
  await trustPinned(t, lab);
  const venue = await createVenue(t);
  await createPolicy(t, venue, 'entry', entryPolicy([lab.issuerId]));
  await createPolicy(t, venue, 'bar', barPolicy([lab.issuerId]));
  const wallet = await adultWallet(t, lab);
  const today = todayOf(t);
  await give(wallet, lab, COVID, { ...NEGATIVE_TEST, sampleDay: today }, { from: today, until: today + 1 });
  return { venue, wallet };
}

/** A port the OS just handed out (the server's public URL must name it before it listens). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------
// Issuer metadata served over HTTP on 127.0.0.1 (trust-list sync tests)
// ---------------------------------------------------------------------------------------------

export interface MetadataServer {
  readonly url: string;
  readonly requests: { ifNoneMatch: string | undefined }[];
  stop(): Promise<void>;
}

/** Serves `issuer.metadata()` (with a strong ETag, 304 on If-None-Match) at a path of 127.0.0.1. */
export async function serveMetadata(issuer: TestIssuer, port = 0): Promise<MetadataServer> {
  const requests: { ifNoneMatch: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    const ifNoneMatch = req.headers['if-none-match'];
    requests.push({ ifNoneMatch });
    if (req.url !== new URL(issuer.issuerId).pathname) {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.stringify(issuer.metadata());
    const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
    if (ifNoneMatch === etag) {
      res.writeHead(304, { etag }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Verifier API helpers
// ---------------------------------------------------------------------------------------------

export interface VenueFixture {
  venueId: string;
  key: string;
  verifierId: string;
}

export async function createVenue(
  t: TestServer,
  name = `Venue ${randomBytes(4).toString('hex')}`,
): Promise<VenueFixture> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/venues',
    headers: bearer(t.adminToken),
    payload: { name },
  });
  expectStatus(res, 201);
  const body = res.json();
  return { venueId: body.venue.id, key: body.key, verifierId: body.venue.verifierId };
}

export async function createPolicy(t: TestServer, venue: VenueFixture, name: string, definition: object) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/venue/policies',
    headers: bearer(venue.key),
    payload: { name, definition },
  });
  expectStatus(res, 201);
  return res.json();
}

export async function trustPinned(t: TestServer, issuer: TestIssuer) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/trusted-issuers',
    headers: bearer(t.adminToken),
    payload: {
      issuerId: issuer.issuerId,
      label: issuer.name,
      keys: issuer.keys.map((key) => ({ kid: key.kid, suite: issuer.suite, status: key.status, jwk: issuer.jwk(key) })),
    },
  });
  expectStatus(res, 201);
  return res.json();
}

export interface CreatedRequest {
  id: string;
  request: PresentationRequest;
  qr: string;
  requestUri: string;
  submitUrl: string;
  expiresAt: string;
}

export async function newRequest(t: TestServer, venue: VenueFixture, policy: string): Promise<CreatedRequest> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/venue/requests',
    headers: bearer(venue.key),
    payload: { policy },
  });
  expectStatus(res, 201);
  return res.json();
}

export function submit(t: TestServer, requestId: string, presentation: unknown, remoteAddress?: string) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/requests/${requestId}/presentation`,
    payload: presentation as object,
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

export async function poll(t: TestServer, venue: VenueFixture, requestId: string) {
  const res = await t.app.inject({ method: 'GET', url: `/v1/venue/requests/${requestId}`, headers: bearer(venue.key) });
  expectStatus(res, 200);
  return res.json();
}

export function verifyStateless(t: TestServer, venue: VenueFixture, request: unknown, presentation: unknown) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/verify',
    headers: bearer(venue.key),
    payload: { request, presentation } as object,
  });
}

/**
 * Wallet presents for `request` on the server's day. A request with a scoped pseudonym must be
 * signed (the wallet derives the context from the authenticated origin): it is signed here with the
 * service's own request-signing key, answered by QR (kiosk style), and the wallet gets the service's
 * JWKS as if cached from an earlier visit. Over HTTP end to end: door.test.ts.
 */
export async function present(t: TestServer, wallet: Wallet, request: PresentationRequest): Promise<Presentation> {
  if (!request.pseudonym) return wallet.present(request, { today: todayOf(t) });
  const keys = verifierServiceOf(t.server.context)!.signingKeys;
  await wallet.loadVerifierKeys(new URL(t.server.config.publicUrl).origin, await keys.jwks());
  const jws = await keys.sign(requestObjectClaims(request, { issuedAt: Math.floor(t.clock.now().getTime() / 1000) }));
  return wallet.present(jws, { today: todayOf(t), allowPersistentPseudonym: true });
}

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

export const COVID = 'privid:covid-test-result@1';
export const VACCINATION = 'privid:vaccination-record@1';
export const AGE = 'privid:age-band@1';

export interface ClauseJson {
  schemaRef: string;
  issuers: { issuerId: string; keyIds?: string[] }[];
  disclose: string[];
  constraints: { attribute: string; op: string; value: unknown }[];
}

export interface PolicyJson {
  description?: string;
  groups: { anyOf: ClauseJson[] }[];
  pseudonym?: { scope: string; period: 'day' | 'week' | 'month' | 'none' };
}

export function entryPolicy(issuerIds: readonly string[]): PolicyJson {
  const issuers = issuerIds.map((issuerId) => ({ issuerId }));
  return {
    description: 'A negative test valid today, or two vaccine doses',
    groups: [
      {
        anyOf: [
          {
            schemaRef: COVID,
            issuers,
            disclose: [],
            constraints: [
              { attribute: 'testResult', op: 'eq', value: 'negative' },
              { attribute: 'validUntil', op: 'gte', value: 'today' },
            ],
          },
          {
            schemaRef: VACCINATION,
            issuers,
            disclose: [],
            constraints: [{ attribute: 'doseCount', op: 'gte', value: 2 }],
          },
        ],
      },
    ],
  };
}

export function barPolicy(issuerIds: readonly string[], period: 'day' | 'week' | 'none' = 'day'): PolicyJson {
  return {
    groups: [
      {
        anyOf: [
          {
            schemaRef: AGE,
            issuers: issuerIds.map((issuerId) => ({ issuerId })),
            disclose: [],
            constraints: [{ attribute: 'ageOver18', op: 'eq', value: true }],
          },
        ],
      },
    ],
    pseudonym: { scope: 'entry', period },
  };
}

export const NEGATIVE_TEST = { testResult: 'negative', testType: 'antigen', sampleDay: 0 };
export const ADULT = { band: '18-64', ageOver18: true, ageOver21: true };
