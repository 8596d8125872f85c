/**
 * Authenticating a venue's signed request object before anything else happens: the wallet learns
 * which verifier origin it is talking to, and answers only there.
 *
 * The request object is a compact JWS (ES256, `typ: oauth-authz-req+jwt`). Its key must be one the
 * origin of `client_id` publishes at `${origin}/.well-known/jwks.json`; a `jku` on another origin, or
 * a key embedded in the header, is refused. The response URL must be on that same origin, so a
 * copied (relayed) request can only ever be answered to the venue that made it.
 *
 * The signature is checked with @noble/curves (P-256, SHA-256), not WebCrypto: React Native's
 * Hermes has no `crypto.subtle`. The verifier service signs with `jose`; test/holder checks the two
 * agree.
 *
 * Checks, each with its own HolderError code, all before any proof is made:
 *   malformed JWS or claims            INVALID_REQUEST
 *   jku / embedded key off the origin  VERIFIER_KEY_OTHER_ORIGIN
 *   response_uri off the origin        RESPONSE_URI_OTHER_ORIGIN
 *   no such key, or a bad signature    REQUEST_SIGNATURE_INVALID  (keys unreachable: VERIFIER_KEY_UNAVAILABLE)
 *   plain http (not opted in), iat in the future, exp - iat over MAX_REQUEST_TTL_SECONDS
 *                                      INVALID_REQUEST
 *   exp before now                     REQUEST_EXPIRED
 *   a pseudonym period not current     PERIOD_NOT_CURRENT
 */
import { p256 } from '@noble/curves/nist.js';
import {
  CredentialFormatError,
  fromBase64urlOrUndefined,
  isCurrentPeriod,
  originOf,
  parseRequestObject,
  presentationRequestOf,
  REQUEST_OBJECT_ALG,
  REQUEST_OBJECT_TYP,
  VERIFIER_JWKS_PATH,
  type PresentationRequest,
  type RequestObject,
} from '../credential/index.js';
import { HolderError } from './errors.js';

/** Clock difference tolerated for `iat` and for a period boundary. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The longest a signed request may live (`exp - iat`). Bounded so that a request signed for one
 * pseudonym period cannot be answered far into the next, beyond the period skew above: a
 * long-lived request would let a venue collect the pseudonyms of two periods with one nonce.
 */
export const MAX_REQUEST_TTL_SECONDS = 10 * 60;

/** A verifier origin's JWKS and when the wallet got it (ms, wallet clock). */
export interface CachedVerifierKeys {
  readonly jwks: unknown;
  readonly fetchedAt: number;
}

/**
 * JWKS of verifier origins for offline kiosks: loaded by the app (`wallet.loadVerifierKeys`) or
 * kept from the last online answer to that origin. Online requests never read it (they fetch the
 * JWKS fresh), and the offline path refuses entries older than the wallet's maximum key age.
 */
export interface VerifierKeyStore {
  get(origin: string): Promise<CachedVerifierKeys | undefined>;
  set(origin: string, keys: CachedVerifierKeys): Promise<void>;
}

export class MemoryVerifierKeyStore implements VerifierKeyStore {
  readonly #keys = new Map<string, CachedVerifierKeys>();
  async get(origin: string): Promise<CachedVerifierKeys | undefined> {
    return this.#keys.get(origin);
  }
  async set(origin: string, keys: CachedVerifierKeys): Promise<void> {
    this.#keys.set(origin, { jwks: JSON.parse(JSON.stringify(keys.jwks)) as unknown, fetchedAt: keys.fetchedAt });
  }
}

/** Whether a URL is plain http (only ever to localhost: the URL patterns allow no other http host). */
export function isPlainHttp(url: string): boolean {
  return /^http:\/\//i.test(url);
}

/** INVALID_REQUEST for a plain-http verifier URL in a wallet that did not opt in to it. */
export function refuseInsecure(url: string, what: string): never {
  throw new HolderError(
    'INVALID_REQUEST',
    `${what} ${url} is plain http: this wallet answers only https verifiers (allowInsecureLocalhost is for development)`,
  );
}

/** `${origin}/.well-known/jwks.json`. */
export function verifierJwksUrl(origin: string): string {
  return `${origin}${VERIFIER_JWKS_PATH}`;
}

export interface AuthenticatedRequest {
  /** The verifier origin the request is authenticated for (its key's and response URL's). */
  readonly origin: string;
  readonly kid: string;
  readonly claims: RequestObject;
  /** The privid request it asks for, to match and prove. */
  readonly request: PresentationRequest;
}

export interface AuthenticateOptions {
  /**
   * The JWKS of `origin`, asked for once per request: the key the request names is looked up in it
   * and never fetched again by kid (a verifier could otherwise serve a per-wallet kid to tag it).
   */
  readonly keys: (origin: string) => Promise<unknown>;
  /** Wallet clock, ms. */
  readonly nowMs: number;
  /** Accept plain http to localhost (development only). Default false. */
  readonly allowInsecureLocalhost?: boolean;
}

const invalid = (message: string, path?: string): never => {
  throw new HolderError('INVALID_REQUEST', `not a valid signed request: ${message}`, path ? { path } : {});
};

/** A compact JWS `header.payload.signature`, decoded but not yet trusted. */
export function isCompactJws(text: unknown): text is string {
  return typeof text === 'string' && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text.trim());
}

function decodeJsonPart(part: string, what: string): Record<string, unknown> {
  const bytes = fromBase64urlOrUndefined(part);
  if (!bytes) return invalid(`the ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return invalid(`the ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return invalid(`the ${what} is not an object`);
  return value as Record<string, unknown>;
}

/** Verifies a signed request object against its origin's keys and the wallet clock. */
export async function authenticateRequest(jws: string, options: AuthenticateOptions): Promise<AuthenticatedRequest> {
  if (!isCompactJws(jws)) return invalid('expected a compact JWS');
  const [headerPart, payloadPart, signaturePart] = jws.trim().split('.') as [string, string, string];
  const header = decodeJsonPart(headerPart, 'JWS header');
  const payload = decodeJsonPart(payloadPart, 'JWS payload');
  if (header.typ !== REQUEST_OBJECT_TYP) invalid(`typ must be ${REQUEST_OBJECT_TYP}`, '/header/typ');
  if (Array.isArray(header.crit)) invalid('no critical header extensions are understood', '/header/crit');

  // Whose request is it? The origin of client_id; the key and the response URL must be there too.
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : invalid('no client_id', '/client_id');
  let claims: RequestObject;
  try {
    claims = parseRequestObject(payload);
  } catch (error) {
    if (error instanceof CredentialFormatError) return invalid(error.message, error.path);
    throw error;
  }
  const origin = originOf(clientId) ?? invalid('client_id is not an https URL', '/client_id');
  if (options.allowInsecureLocalhost !== true) {
    if (isPlainHttp(origin)) refuseInsecure(clientId, 'client_id');
    if (claims.response_uri !== undefined && isPlainHttp(claims.response_uri)) {
      refuseInsecure(claims.response_uri, 'response_uri');
    }
  }
  if ('jwk' in header || 'x5c' in header || 'x5u' in header) {
    throw new HolderError(
      'VERIFIER_KEY_OTHER_ORIGIN',
      `the request carries its own key: only keys ${origin} publishes at ${VERIFIER_JWKS_PATH} are accepted`,
    );
  }
  if (header.jku !== undefined && (typeof header.jku !== 'string' || originOf(header.jku) !== origin)) {
    throw new HolderError(
      'VERIFIER_KEY_OTHER_ORIGIN',
      `the request was signed with a key of ${String(header.jku)}, not of the verifier origin ${origin}`,
    );
  }
  if (claims.response_uri !== undefined && originOf(claims.response_uri) !== origin) {
    throw new HolderError(
      'RESPONSE_URI_OTHER_ORIGIN',
      `the request would send the answer to ${originOf(claims.response_uri) ?? claims.response_uri}, not to ${origin} whose key signed it`,
    );
  }

  // The signature, with the origin's key.
  if (header.alg !== REQUEST_OBJECT_ALG) {
    throw new HolderError('REQUEST_SIGNATURE_INVALID', `alg must be ${REQUEST_OBJECT_ALG}, got ${String(header.alg)}`);
  }
  const kid = typeof header.kid === 'string' && header.kid.length <= 128 ? header.kid : undefined;
  if (kid === undefined) throw new HolderError('REQUEST_SIGNATURE_INVALID', 'the JWS header names no kid');
  // A request from the future or living too long is refused before any key is fetched.
  if (claims.iat * 1000 > options.nowMs + CLOCK_SKEW_MS) invalid('issued in the future', '/iat');
  if (claims.exp - claims.iat > MAX_REQUEST_TTL_SECONDS) {
    invalid(
      `the request lives ${claims.exp - claims.iat} s; at most ${MAX_REQUEST_TTL_SECONDS} s are accepted`,
      '/exp',
    );
  }
  const jwk = findKey(await options.keys(origin), kid);
  if (!jwk) throw new HolderError('REQUEST_SIGNATURE_INVALID', `${origin} publishes no key ${kid}`);
  const signature = fromBase64urlOrUndefined(signaturePart);
  let valid = false;
  if (signature && signature.length === 64) {
    try {
      valid = p256.verify(signature, new TextEncoder().encode(`${headerPart}.${payloadPart}`), jwk, { lowS: false });
    } catch {
      valid = false;
    }
  }
  if (!valid)
    throw new HolderError(
      'REQUEST_SIGNATURE_INVALID',
      `the request's signature does not verify with ${origin}'s key ${kid}`,
    );

  // Expiry and period, on the wallet's clock.
  if (claims.exp * 1000 < options.nowMs) throw new HolderError('REQUEST_EXPIRED', 'the request has expired');
  const pseudonym = claims.privid_pseudonym;
  if (
    pseudonym?.period !== undefined &&
    !isCurrentPeriod(pseudonym.period, pseudonym.timeZone, options.nowMs, CLOCK_SKEW_MS)
  ) {
    throw new HolderError(
      'PERIOD_NOT_CURRENT',
      `the venue asks for a pseudonym for period ${pseudonym.period} (${pseudonym.timeZone ?? 'UTC'}), which is not the current one`,
    );
  }
  return { origin, kid, claims, request: presentationRequestOf(claims) };
}

/** The uncompressed P-256 point of an `{ kty: EC, crv: P-256, x, y }` JWK with this kid. */
function findKey(jwks: unknown, kid: string): Uint8Array | undefined {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) return undefined;
  for (const key of (jwks as { keys: unknown[] }).keys) {
    if (typeof key !== 'object' || key === null) continue;
    const k = key as Record<string, unknown>;
    if (k.kid !== kid || k.kty !== 'EC' || k.crv !== 'P-256' || typeof k.x !== 'string' || typeof k.y !== 'string')
      continue;
    if (k.use !== undefined && k.use !== 'sig') continue;
    const x = fromBase64urlOrUndefined(k.x);
    const y = fromBase64urlOrUndefined(k.y);
    if (!x || !y || x.length !== 32 || y.length !== 32) continue;
    const point = new Uint8Array(65);
    point[0] = 4;
    point.set(x, 1);
    point.set(y, 33);
    try {
      p256.Point.fromBytes(point).assertValidity();
    } catch {
      continue;
    }
    return point;
  }
  return undefined;
}
