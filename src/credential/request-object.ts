/**
 * The signed request object: a venue's presentation request as an OpenID4VP 1.0 profile
 * (docs/openid4vp-profile.md lists every deviation).
 *
 * - The venue's screen shows only a reference: `openid4vp://?client_id=…&request_uri=…`
 *   (`authorizationRequestUri`). The wallet fetches `request_uri` and gets a compact JWS
 *   (`typ: oauth-authz-req+jwt`, ES256) signed by the verifier service, whose keys are a JWKS at
 *   `${origin}/.well-known/jwks.json`, the origin of `client_id` and of `response_uri`.
 * - The claims (`RequestObjectSchema` in formats.ts, checked by the generated JSON Schema) carry the venue's registered id (`client_id`, a URL on
 *   the service) and display name (`client_metadata.client_name`), `response_mode: direct_post`
 *   with `response_uri`, `nonce`, `state` (the request id), `iat`/`exp`, a DCQL query whose
 *   credential queries use the format `privid-bbs` (one per clause; `credential_sets` give the
 *   groups and their alternatives), and the pseudonym scope and period (`privid_pseudonym`).
 * - `presentationRequestOf(claims)` turns them into privid's PresentationRequest, which the
 *   wallet matches and proves exactly as before; `requestObjectClaims(request, …)` is the reverse.
 *
 * Pure: no I/O, no clock (times are passed in).
 */
import { CredentialFormatError } from './errors.js';
import {
  FORMAT_TYPES,
  FORMAT_VERSION,
  ISSUER_URL_PATTERN,
  LIMITS,
  PRIVID_FORMAT_ID,
  REQUEST_OBJECT_AUDIENCE,
} from './format-constants.js';
import {
  parsePresentationRequest,
  parseRequestObjectStructure,
  type Clause,
  type PresentationRequest,
  type RequestObject,
} from './format-parsers.js';

export { PRIVID_FORMAT_ID, REQUEST_OBJECT_AUDIENCE, RESPONSE_MODES, type ResponseMode } from './format-constants.js';
export type { RequestObject } from './format-parsers.js';

/** JWS `typ` of a request object (RFC 9101). */
export const REQUEST_OBJECT_TYP = 'oauth-authz-req+jwt';
/** The only signature algorithm accepted for request objects. */
export const REQUEST_OBJECT_ALG = 'ES256';
/** Where a verifier service publishes its request-signing keys, on its origin. */
export const VERIFIER_JWKS_PATH = '/.well-known/jwks.json';
/** The URI scheme of the venue's QR text. */
export const AUTHORIZATION_REQUEST_SCHEME = 'openid4vp://';

function fail(path: string, message: string): never {
  throw new CredentialFormatError('INVALID_VALUE', path, message);
}

/** `https://host[:port]` of an http(s) URL, host lower-cased; undefined for anything else. */
export function originOf(text: string): string | undefined {
  const match = /^(https?):\/\/([A-Za-z0-9.-]+|\[::1\])(?::([0-9]{1,5}))?(?:[/?#]|$)/.exec(text);
  if (!match) return undefined;
  const scheme = match[1]!;
  const host = match[2]!.toLowerCase();
  const port = match[3];
  const defaultPort = scheme === 'https' ? '443' : '80';
  return `${scheme}://${host}${port !== undefined && port !== defaultPort ? `:${port}` : ''}`;
}

/** Parses and checks request object claims: the schema, then the rules JSON Schema cannot say. */
export function parseRequestObject(json: unknown): RequestObject {
  const claims = parseRequestObjectStructure(json);
  if (claims.exp <= claims.iat) fail('/exp', 'exp must be after iat');
  if (claims.response_mode === 'direct_post' && claims.response_uri === undefined) {
    throw new CredentialFormatError('MISSING_FIELD', '/response_uri', 'direct_post needs a response_uri');
  }
  if (claims.response_mode === 'privid_qr' && claims.response_uri !== undefined) {
    fail('/response_uri', 'privid_qr answers by QR code: no response_uri');
  }
  // Every credential query is one alternative of exactly one set.
  const ids = new Set<string>();
  claims.dcql_query.credentials.forEach((query, i) => {
    if (ids.has(query.id))
      throw new CredentialFormatError('DUPLICATE', `/dcql_query/credentials/${i}/id`, 'id used twice');
    ids.add(query.id);
  });
  const used = new Set<string>();
  claims.dcql_query.credential_sets.forEach((set, s) =>
    set.options.forEach((option, o) => {
      const id = option[0]!;
      const at = `/dcql_query/credential_sets/${s}/options/${o}/0`;
      if (!ids.has(id)) fail(at, `no credential query ${id}`);
      if (used.has(id)) throw new CredentialFormatError('DUPLICATE', at, `${id} is an option twice`);
      used.add(id);
    }),
  );
  if (used.size !== ids.size) fail('/dcql_query/credentials', 'every credential query must be an option of a set');
  presentationRequestOf(claims);
  return claims;
}

/** The privid PresentationRequest a request object asks for (validated). */
export function presentationRequestOf(claims: RequestObject): PresentationRequest {
  const byId = new Map(claims.dcql_query.credentials.map((query) => [query.id, query]));
  const groups = claims.dcql_query.credential_sets.map((set) => ({
    anyOf: set.options.map((option): Clause => {
      const query = byId.get(option[0]!)!;
      return {
        schemaRef: query.meta.schema_ref,
        issuers: query.meta.issuers.map((issuer) => ({
          ...issuer,
          ...(issuer.keyIds ? { keyIds: [...issuer.keyIds] } : {}),
        })),
        disclose: (query.claims ?? []).map((claim) => claim.path[0]!),
        constraints: query.privid_constraints.map((constraint) => ({ ...constraint })),
      };
    }),
  }));
  try {
    return parsePresentationRequest({
      type: FORMAT_TYPES.presentationRequest,
      v: FORMAT_VERSION,
      requestId: claims.state,
      nonce: claims.nonce,
      verifierId: claims.client_id,
      verifierName: claims.client_metadata.client_name,
      expiresAt: claims.exp,
      groups,
      ...(claims.privid_pseudonym ? { pseudonym: { ...claims.privid_pseudonym } } : {}),
    });
  } catch (error) {
    if (error instanceof CredentialFormatError) {
      throw new CredentialFormatError(error.code, `/dcql_query${error.path}`, error.message);
    }
    throw error;
  }
}

/** The request object claims for a privid request (the reverse of `presentationRequestOf`). */
export function requestObjectClaims(
  request: PresentationRequest,
  options: { readonly responseUri?: string; readonly issuedAt: number },
): RequestObject {
  const credentials: RequestObject['dcql_query']['credentials'] = [];
  const sets = request.groups.map((group, g) => ({
    options: group.anyOf.map((clause, c) => {
      const id = `g${g}c${c}`;
      credentials.push({
        id,
        format: PRIVID_FORMAT_ID,
        meta: { schema_ref: clause.schemaRef, issuers: clause.issuers.map((issuer) => ({ ...issuer })) },
        ...(clause.disclose.length > 0 ? { claims: clause.disclose.map((name) => ({ path: [name] })) } : {}),
        privid_constraints: clause.constraints.map((constraint) => ({ ...constraint })),
      });
      return [id];
    }),
    required: true as const,
  }));
  return parseRequestObject({
    aud: REQUEST_OBJECT_AUDIENCE,
    client_id: request.verifierId,
    response_type: 'vp_token',
    response_mode: options.responseUri === undefined ? 'privid_qr' : 'direct_post',
    ...(options.responseUri === undefined ? {} : { response_uri: options.responseUri }),
    nonce: request.nonce,
    state: request.requestId,
    iat: options.issuedAt,
    exp: request.expiresAt,
    client_metadata: { client_name: request.verifierName },
    dcql_query: { credentials, credential_sets: sets },
    ...(request.pseudonym ? { privid_pseudonym: { ...request.pseudonym } } : {}),
  });
}

/** `openid4vp://?client_id=…&request_uri=…`: what the venue's screen shows. */
export function authorizationRequestUri(input: { readonly clientId: string; readonly requestUri: string }): string {
  return `${AUTHORIZATION_REQUEST_SCHEME}?client_id=${encodeURIComponent(input.clientId)}&request_uri=${encodeURIComponent(input.requestUri)}`;
}

/**
 * Reads the venue's QR text: `openid4vp://?client_id=…&request_uri=…` (also `…://authorize?…`), or
 * a bare https `request_uri`. Throws CredentialFormatError for anything else.
 */
export function parseAuthorizationRequestUri(text: string): { clientId?: string; requestUri: string } {
  if (typeof text !== 'string' || text.length > 2048) fail('', 'not a request reference');
  const trimmed = text.trim();
  if (/^https?:\/\//.test(trimmed)) {
    if (!new RegExp(ISSUER_URL_PATTERN).test(trimmed.split('?')[0]!)) fail('', 'not an https request_uri');
    return { requestUri: trimmed };
  }
  const match = /^openid4vp:\/\/(?:authorize)?\?(.*)$/.exec(trimmed);
  if (!match) fail('', 'expected openid4vp://?client_id=…&request_uri=…');
  const params = new Map<string, string>();
  for (const pair of match[1]!.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 1) continue;
    const name = pair.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      fail(`/${name}`, 'bad percent-encoding');
    }
    if (params.has(name)) fail(`/${name}`, 'given twice');
    params.set(name, value);
  }
  const requestUri = params.get('request_uri');
  if (requestUri === undefined) throw new CredentialFormatError('MISSING_FIELD', '/request_uri', 'no request_uri');
  if (!new RegExp(ISSUER_URL_PATTERN).test(requestUri.split('?')[0]!) || requestUri.length > LIMITS.urlMaxLength) {
    fail('/request_uri', 'request_uri must be an https URL (http only for localhost)');
  }
  const clientId = params.get('client_id');
  return clientId === undefined ? { requestUri } : { clientId, requestUri };
}
