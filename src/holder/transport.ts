/**
 * How the wallet talks to an issuer. `Transport` is the seam: the default `fetchTransport` uses
 * `fetch` (browsers, React Native, Node 20); apps can add headers, proxies or certificate
 * pinning, and tests plug in an in-process issuer.
 *
 * Routes (issuer API):
 *   POST `${offer.issuerUrl}/v1/offers/${offer.offerId}/redeem`   body: IssuanceRequest JSON
 *        → 200 the credential JSON (Credential format, `secretId` absent)
 *        → 4xx/5xx application/problem+json { type, title, status, code, detail? }
 *   GET  issuer metadata: `issuerMetadataUrl(offer)` → { keys: [{ kid, suite, status, jwk }] , ... }
 */
import {
  fromBase64urlOrUndefined,
  type CredentialOffer,
  type IssuanceRequest,
  type Presentation,
} from '../credential/index.js';
import { octetsToPublicKey } from '../bbs/index.js';
import { HolderError } from './errors.js';

export interface Transport {
  /** Redeems the offer; resolves with the issuer's JSON answer (the credential). */
  redeem(offer: CredentialOffer, request: IssuanceRequest): Promise<unknown>;
  /** The issuer's metadata JSON (its keys). */
  issuerMetadata(offer: CredentialOffer): Promise<unknown>;
}

export interface FetchTransportOptions {
  /** Default: `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** Extra request headers (e.g. an app attestation token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per-request timeout; default 30 s. */
  readonly timeoutMs?: number;
}

/** `${issuerUrl}/v1/offers/${offerId}/redeem`. */
export function redeemUrl(offer: Pick<CredentialOffer, 'issuerUrl' | 'offerId'>): string {
  return `${trimSlash(offer.issuerUrl)}/v1/offers/${encodeURIComponent(offer.offerId)}/redeem`;
}

/**
 * `${issuerUrl}/v1/issuers/${issuerId}`. An issuer id that already is that URL (privid's issuer
 * service uses `${publicUrl}/v1/issuers/${labId}` as issuer id) is used as it is; any other id
 * is URL-encoded as one path segment.
 */
export function issuerMetadataUrl(offer: Pick<CredentialOffer, 'issuerUrl' | 'issuerId'>): string {
  const base = `${trimSlash(offer.issuerUrl)}/v1/issuers/`;
  if (offer.issuerId.startsWith(base) && !offer.issuerId.slice(base.length).includes('/')) return offer.issuerId;
  return `${base}${encodeURIComponent(offer.issuerId)}`;
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

const CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

interface CallInit {
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  readonly contentType?: string;
  readonly accept?: string;
  /** Whose answer it is, for errors: the issuer's or the verifier's. */
  readonly party: 'issuer' | 'verifier';
  /** Return the body as text (a JWS) instead of JSON. */
  readonly text?: boolean;
}

/** One HTTP call over `fetch` with a timeout; problem+json answers become HolderErrors. */
function httpCall(options: FetchTransportOptions) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async (url: string, init: CallInit): Promise<unknown> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    if (typeof doFetch !== 'function') throw new HolderError('NETWORK_ERROR', 'no fetch implementation available');
    const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
    const timer = controller ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: init.method,
        headers: {
          accept: init.accept ?? 'application/json, application/problem+json',
          ...(init.body === undefined ? {} : { 'content-type': init.contentType ?? 'application/json' }),
          ...options.headers,
        },
        body: init.body,
        signal: controller?.signal,
      });
    } catch (error) {
      throw new HolderError('NETWORK_ERROR', `${init.method} ${url} failed: ${messageOf(error)}`, { cause: error });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new HolderError('NETWORK_ERROR', `reading the answer of ${url} failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
    const fallback = init.party === 'issuer' ? 'ISSUER_ERROR' : 'VERIFIER_ERROR';
    if (!response.ok) {
      const body = parseJson(text);
      const contentType = response.headers.get('content-type') ?? '';
      if (isObject(body) && (contentType.includes('problem+json') || typeof body.code === 'string')) {
        const code = typeof body.code === 'string' && CODE_PATTERN.test(body.code) ? body.code : fallback;
        const detail = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : '';
        throw new HolderError(
          code,
          `the ${init.party} answered ${response.status} ${code}${detail ? `: ${detail}` : ''}`,
          {
            source: code === fallback ? 'wallet' : init.party,
            status: response.status,
            problem: body,
          },
        );
      }
      throw new HolderError(fallback, `the ${init.party} answered ${response.status}`, { status: response.status });
    }
    if (init.text) return text;
    const body = parseJson(text);
    if (body === undefined) throw new HolderError('INVALID_RESPONSE', `${url} did not answer JSON`);
    return body;
  };
}

/** The default Transport, over `fetch`. */
export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  const call = httpCall(options);
  return {
    redeem: (offer, request) =>
      call(redeemUrl(offer), { method: 'POST', body: JSON.stringify(request), party: 'issuer' }),
    issuerMetadata: (offer) => call(issuerMetadataUrl(offer), { method: 'GET', party: 'issuer' }),
  };
}

/**
 * How the wallet talks to a verifier service (`wallet.respond`): fetch the signed request object,
 * the origin's keys, and post the presentation to the response URL.
 *
 *   GET  request_uri                           → 200 application/oauth-authz-req+jwt (compact JWS)
 *   GET  `${origin}/.well-known/jwks.json`     → 200 JWKS (the service's request-signing keys)
 *   POST response_uri, the Presentation JSON   → 200 { requestId, status, reasons }
 */
export interface VerifierTransport {
  requestObject(requestUri: string): Promise<string>;
  verifierKeys(jwksUrl: string): Promise<unknown>;
  submit(responseUri: string, presentation: Presentation): Promise<unknown>;
}

export function fetchVerifierTransport(options: FetchTransportOptions = {}): VerifierTransport {
  const call = httpCall(options);
  return {
    requestObject: async (requestUri) =>
      (await call(requestUri, {
        method: 'GET',
        accept: 'application/oauth-authz-req+jwt, application/problem+json',
        party: 'verifier',
        text: true,
      })) as string,
    verifierKeys: (jwksUrl) =>
      call(jwksUrl, { method: 'GET', accept: 'application/jwk-set+json, application/json', party: 'verifier' }),
    submit: (responseUri, presentation) =>
      call(responseUri, { method: 'POST', body: JSON.stringify(presentation), party: 'verifier' }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The public key for the offer from issuer metadata: the key whose `kid` is the offer's `keyId`,
 * of the offer's suite, not revoked, as a JWK `{ kty: 'OKP', crv: 'Bls12381G2', x }` holding a
 * valid compressed G2 point. `ISSUER_KEY_UNAVAILABLE` otherwise.
 */
export function publicKeyFromMetadata(
  metadata: unknown,
  offer: Pick<CredentialOffer, 'keyId' | 'suite' | 'issuerId'>,
): Uint8Array {
  const fail = (message: string): never => {
    throw new HolderError('ISSUER_KEY_UNAVAILABLE', `issuer ${offer.issuerId}, key ${offer.keyId}: ${message}`);
  };
  if (!isObject(metadata) || !Array.isArray(metadata.keys)) return fail('the metadata lists no keys');
  const key: unknown = metadata.keys.find((k: unknown) => isObject(k) && k.kid === offer.keyId);
  if (!isObject(key)) return fail('not in the issuer metadata');
  if (key.suite !== offer.suite) return fail(`the key is for ${String(key.suite)}, the offer for ${offer.suite}`);
  if (key.status === 'revoked') return fail('the key is revoked');
  const jwk = key.jwk;
  if (!isObject(jwk) || jwk.kty !== 'OKP' || jwk.crv !== 'Bls12381G2' || typeof jwk.x !== 'string') {
    return fail('no OKP/Bls12381G2 JWK');
  }
  const bytes = fromBase64urlOrUndefined(jwk.x);
  if (!bytes || bytes.length !== 96) return fail('jwk.x is not a 96-byte base64url public key');
  try {
    octetsToPublicKey(bytes);
  } catch {
    return fail('jwk.x is not a valid BLS12-381 G2 public key');
  }
  return bytes;
}
