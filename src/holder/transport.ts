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
  originOf,
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
  /** Largest answer body read, in bytes (error answers included). Default: unbounded. */
  readonly maxBytes?: number;
  /** Refuse redirects instead of following them. */
  readonly noRedirects?: boolean;
}

/**
 * One HTTP call over `fetch`; problem+json answers become HolderErrors. The timeout covers the
 * whole call, body included: a server that sends headers and then trickles (or never ends) the
 * body is cut off like one that never answers.
 */
function httpCall(options: FetchTransportOptions, defaultTimeoutMs: number) {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new HolderError('INVALID_ARGUMENT', 'timeoutMs must be a positive number of milliseconds');
  }
  return async (url: string, init: CallInit): Promise<unknown> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    if (typeof doFetch !== 'function') throw new HolderError('NETWORK_ERROR', 'no fetch implementation available');
    const controller = typeof AbortController === 'function' ? new AbortController() : undefined;
    let timedOut = false;
    const timer = controller
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
    const failed = (what: string, error: unknown): HolderError =>
      new HolderError(
        'NETWORK_ERROR',
        timedOut
          ? `${what} timed out after ${timeoutMs} ms`
          : `${what} failed: ${messageOf(error)}${init.noRedirects ? ' (the wallet follows no redirect)' : ''}`,
        { cause: error },
      );
    let response: Response;
    let text: string;
    try {
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
          ...(init.noRedirects
            ? // No cookies, no HTTP cache (an ETag would be a cookie too), no hop to another URL.
              { redirect: 'error' as const, credentials: 'omit' as const, cache: 'no-store' as const }
            : {}),
        });
      } catch (error) {
        throw failed(`${init.method} ${url}`, error);
      }
      // Some fetch implementations (React Native's, over XHR) follow redirects whatever `redirect`
      // says: an answer that comes from elsewhere is refused all the same.
      if (init.noRedirects && (response.redirected || (response.url && originOf(response.url) !== originOf(url)))) {
        await response.body?.cancel().catch(() => undefined);
        throw new HolderError(
          'NETWORK_ERROR',
          `${init.method} ${url} was redirected${response.url ? ` to ${response.url}` : ''}: the wallet follows no redirect`,
        );
      }
      try {
        text = await readText(response, init.maxBytes, url);
      } catch (error) {
        if (error instanceof HolderError) throw error;
        throw failed(`reading the answer of ${url}`, error);
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
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

/**
 * The body as UTF-8 text, read chunk by chunk so that an answer over `maxBytes` is cut off after
 * that many bytes, not buffered whole. Without a readable stream (React Native's fetch) the
 * declared length is checked first and the text after.
 */
async function readText(response: Response, maxBytes: number | undefined, url: string): Promise<string> {
  const tooLarge = () =>
    new HolderError('INVALID_RESPONSE', `the answer of ${url} is larger than ${maxBytes} bytes: refused`);
  if (maxBytes === undefined) return response.text();
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const body = response.body;
  if (!body || typeof body.getReader !== 'function') {
    const text = await response.text();
    if (new TextEncoder().encode(text).length > maxBytes) throw tooLarge();
    return text;
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HolderError('INVALID_RESPONSE', `the answer of ${url} is not UTF-8 text`);
  }
}

/** The default Transport, over `fetch`. */
export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  const call = httpCall(options, 30_000);
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

export interface FetchVerifierTransportOptions extends FetchTransportOptions {
  /** Largest answer read (request object, JWKS, submit outcome), in bytes. Default 64 KiB. */
  readonly maxResponseBytes?: number;
}

/** A request object, a JWKS and an outcome are each a few KiB: 64 KiB leaves room and bounds memory. */
export const DEFAULT_VERIFIER_MAX_RESPONSE_BYTES = 64 * 1024;
/** The holder is at the door: waiting longer than this helps nobody. */
export const DEFAULT_VERIFIER_TIMEOUT_MS = 10_000;

/**
 * The verifier transport: every call times out (default 10 s, body included), reads at most
 * `maxResponseBytes`, follows no redirect (the wallet answers only the origin it authenticated),
 * and sends no cookies.
 */
export function fetchVerifierTransport(options: FetchVerifierTransportOptions = {}): VerifierTransport {
  const call = httpCall(options, DEFAULT_VERIFIER_TIMEOUT_MS);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_VERIFIER_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new HolderError('INVALID_ARGUMENT', 'maxResponseBytes must be a positive whole number of bytes');
  }
  const base = { party: 'verifier', maxBytes, noRedirects: true } as const;
  return {
    requestObject: async (requestUri) =>
      (await call(requestUri, {
        ...base,
        method: 'GET',
        accept: 'application/oauth-authz-req+jwt, application/problem+json',
        text: true,
      })) as string,
    verifierKeys: (jwksUrl) =>
      call(jwksUrl, { ...base, method: 'GET', accept: 'application/jwk-set+json, application/json' }),
    submit: (responseUri, presentation) =>
      call(responseUri, { ...base, method: 'POST', body: JSON.stringify(presentation) }),
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

/** The message, and its cause's (Node's fetch says only "fetch failed", the cause says why). */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
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
