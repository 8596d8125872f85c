/**
 * The verifier's trust list: which issuers it accepts and their keys, as a versioned JSON
 * document (a kiosk can cache it and verify offline).
 *
 *   { "type": "privid/trust-list", "v": 1, "issuedAt"?: unix seconds,
 *     "issuers": [ { "issuerId", "name"?, "keys": [ { "kid", "suite", "publicKey": b64url(96),
 *                    "status": "active" | "retired" | "revoked",
 *                    "createdAt"?, "retiredAt"?, "revokedAt"?: unix seconds } ] } ] }
 *
 * active and retired keys verify credentials (a retired key signs no new ones, but what it
 * signed stays valid until it expires); revoked keys are rejected (`KEY_REVOKED`).
 */
import { fromBase64url } from '../credential/index.js';
import { firstSchemaProblem } from '../credential/json-schema-check.js';
import { TRUST_LIST_JSON_SCHEMA, type TrustList } from './generated/trust-list-schema.js';
import { TRUST_LIST_TYPE, TRUST_LIST_VERSION } from './trust-list-constants.js';

export { KEY_STATUSES, TRUST_LIST_TYPE, TRUST_LIST_VERSION, type KeyStatus } from './trust-list-constants.js';
// The plain JSON Schema generated from the TypeBox definition the server publishes
// (trust-list-schema.ts): checked without a schema library, so kiosks ship none.
export { TRUST_LIST_JSON_SCHEMA, type TrustList } from './generated/trust-list-schema.js';
export type TrustedIssuer = TrustList['issuers'][number];
export type TrustedKey = TrustedIssuer['keys'][number];

/** A trust list that is not valid; `path` is the JSON Pointer of the first problem. */
export class TrustListError extends Error {
  override readonly name = 'TrustListError';
  readonly code = 'INVALID_TRUST_LIST';
  readonly path: string;

  constructor(path: string, message: string) {
    super(path === '' ? message : `${path}: ${message}`);
    this.path = path;
  }
}

/** Validates a trust list (a parsed JSON value): structure, unique issuer ids and key ids. */
export function parseTrustList(json: unknown): TrustList {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TrustListError('', 'expected a trust list object');
  }
  const record = json as Record<string, unknown>;
  if (record.type !== TRUST_LIST_TYPE) throw new TrustListError('/type', `expected "${TRUST_LIST_TYPE}"`);
  if (record.v !== TRUST_LIST_VERSION) throw new TrustListError('/v', `expected ${TRUST_LIST_VERSION}`);
  // A plain JSON copy first: no getters, cycles or class instances reach the validator.
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(json)) as unknown;
  } catch {
    throw new TrustListError('', 'not a JSON value');
  }
  const problem = firstSchemaProblem(TRUST_LIST_JSON_SCHEMA, copy);
  if (problem) throw new TrustListError(problem.path, problem.message);
  const list = copy as TrustList;
  const issuers = new Set<string>();
  list.issuers.forEach((issuer, i) => {
    if (issuers.has(issuer.issuerId)) throw new TrustListError(`/issuers/${i}/issuerId`, 'issuer listed twice');
    issuers.add(issuer.issuerId);
    const kids = new Set<string>();
    issuer.keys.forEach((key, k) => {
      if (kids.has(key.kid)) throw new TrustListError(`/issuers/${i}/keys/${k}/kid`, 'key id listed twice');
      kids.add(key.kid);
    });
  });
  return list;
}

export interface ResolvedKey {
  readonly issuer: TrustedIssuer;
  readonly key: TrustedKey;
  readonly publicKey: Uint8Array;
}

/** A parsed trust list indexed for lookups; build it once and reuse it (kiosk mode). */
export class TrustIndex {
  readonly trustList: TrustList;
  readonly #issuers = new Map<string, TrustedIssuer>();
  readonly #keys = new Map<string, ResolvedKey>();

  /** Parses `trustList` (JSON value or TrustList); throws TrustListError. */
  constructor(trustList: unknown) {
    this.trustList = parseTrustList(trustList);
    for (const issuer of this.trustList.issuers) {
      this.#issuers.set(issuer.issuerId, issuer);
      for (const key of issuer.keys) {
        this.#keys.set(`${issuer.issuerId}\n${key.kid}`, { issuer, key, publicKey: fromBase64url(key.publicKey) });
      }
    }
  }

  issuer(issuerId: string): TrustedIssuer | undefined {
    return this.#issuers.get(issuerId);
  }

  key(issuerId: string, kid: string): ResolvedKey | undefined {
    return this.#keys.get(`${issuerId}\n${kid}`);
  }
}

/**
 * A trust list from privid issuer metadata documents (`GET /v1/issuers/:id` of the issuer API:
 * `{ id, name, keys: [{ kid, suite, status, createdAt, retiredAt, revokedAt, jwk: { x } }] }`).
 * Pure: the caller fetches (and decides which issuers to trust). Throws TrustListError.
 */
export function trustListFromIssuerMetadata(
  documents: readonly unknown[],
  options: { readonly issuedAt?: number } = {},
): TrustList {
  const seconds = (value: unknown): number | undefined => {
    if (typeof value !== 'string') return undefined;
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
  };
  const issuers = documents.map((document, i) => {
    const doc = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
    if (typeof doc.id !== 'string') throw new TrustListError(`/${i}/id`, 'issuer metadata without an id');
    const keys = Array.isArray(doc.keys) ? doc.keys : [];
    return {
      issuerId: doc.id,
      ...(typeof doc.name === 'string' && doc.name.length > 0 ? { name: doc.name.slice(0, 128) } : {}),
      keys: keys.map((entry: unknown) => {
        const key = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
        const jwk = (typeof key.jwk === 'object' && key.jwk !== null ? key.jwk : {}) as Record<string, unknown>;
        const out: Record<string, unknown> = { kid: key.kid, suite: key.suite, publicKey: jwk.x, status: key.status };
        for (const field of ['createdAt', 'retiredAt', 'revokedAt'] as const) {
          const at = seconds(key[field]);
          if (at !== undefined) out[field] = at;
        }
        return out;
      }),
    };
  });
  return parseTrustList({
    type: TRUST_LIST_TYPE,
    v: TRUST_LIST_VERSION,
    ...(options.issuedAt === undefined ? {} : { issuedAt: options.issuedAt }),
    issuers,
  });
}
