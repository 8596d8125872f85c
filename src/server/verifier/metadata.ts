/**
 * Reading an issuer's published metadata (`GET /v1/issuers/:labId` of a privid issuer) into the
 * snapshot the trust list keeps. Everything in it is untrusted input from the network: every field
 * is checked, every key is validated (on the curve, in the subgroup), and the document must name
 * itself: its `id` is the URL it was fetched from, so one issuer cannot publish keys under another's id.
 */
import {
  formatSchemaRef,
  isKeyId,
  parseSchemaDefinition,
  SUITE_IDS,
  type CredentialSchema,
} from '../../credential/index.js';
import type { SuiteId } from '../../bbs/index.js';
import { publicKeyFromJwk, publicKeyFromMultibase, PublicKeyError, sameBytes } from './public-keys.js';

export type KeyStatus = 'active' | 'retired' | 'revoked';

export interface SnapshotKey {
  readonly kid: string;
  readonly suite: SuiteId;
  /** The compressed G2 public key, unpadded base64url. */
  readonly publicKey: string;
  readonly status: KeyStatus;
}

/** What the trust list knows of one issuer: stored as TrustedIssuer.snapshot. */
export interface IssuerSnapshot {
  readonly issuerId: string;
  readonly name: string;
  readonly keys: readonly SnapshotKey[];
  /** Schema definitions the issuer publishes, other than privid's built-ins. */
  readonly schemas: readonly CredentialSchema[];
}

export class MetadataError extends Error {
  override readonly name = 'MetadataError';
}

const MAX_KEYS = 64;
const MAX_SCHEMAS = 64;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new MetadataError(message);
}

export function isSuiteId(value: unknown): value is SuiteId {
  return typeof value === 'string' && (SUITE_IDS as readonly string[]).includes(value);
}

/** Parses and checks issuer metadata fetched from `url`. */
export function parseIssuerMetadata(json: unknown, url: string): IssuerSnapshot {
  if (!isObject(json)) fail('the metadata is not a JSON object');
  if (json.id !== url) fail(`the metadata names itself ${JSON.stringify(json.id)}, not the URL it came from`);
  const name = typeof json.name === 'string' && json.name.length <= 200 ? json.name : fail('name: expected a string');
  if (!Array.isArray(json.keys) || json.keys.length > MAX_KEYS) fail(`keys: expected an array of at most ${MAX_KEYS}`);
  const keys: SnapshotKey[] = [];
  const seen = new Set<string>();
  json.keys.forEach((raw: unknown, i) => {
    const at = `keys[${i}]`;
    if (!isObject(raw)) fail(`${at}: expected an object`);
    if (typeof raw.kid !== 'string' || !isKeyId(raw.kid)) fail(`${at}.kid: not a key id`);
    if (seen.has(raw.kid)) fail(`${at}.kid: listed twice`);
    seen.add(raw.kid);
    if (!isSuiteId(raw.suite)) fail(`${at}.suite: not a signature suite`);
    if (raw.status !== 'active' && raw.status !== 'retired' && raw.status !== 'revoked') {
      fail(`${at}.status: expected active, retired or revoked`);
    }
    if (!isObject(raw.jwk)) fail(`${at}.jwk: expected a JWK`);
    let publicKey: Uint8Array;
    try {
      publicKey = publicKeyFromJwk(raw.jwk, `${at}.jwk`);
      if (raw.jwk.kid !== undefined && raw.jwk.kid !== raw.kid) fail(`${at}.jwk.kid differs from kid`);
      if (isObject(raw.multikey) && typeof raw.multikey.publicKeyMultibase === 'string') {
        const other = publicKeyFromMultibase(raw.multikey.publicKeyMultibase, `${at}.multikey.publicKeyMultibase`);
        if (!sameBytes(publicKey, other)) fail(`${at}: the JWK and the Multikey are different keys`);
      }
    } catch (error) {
      if (error instanceof PublicKeyError) fail(error.message);
      throw error;
    }
    keys.push({
      kid: raw.kid,
      suite: raw.suite,
      publicKey: Buffer.from(publicKey).toString('base64url'),
      status: raw.status,
    });
  });
  const schemas: CredentialSchema[] = [];
  const rawSchemas = json.schemas ?? [];
  if (!Array.isArray(rawSchemas) || rawSchemas.length > MAX_SCHEMAS) {
    fail(`schemas: expected an array of at most ${MAX_SCHEMAS}`);
  }
  rawSchemas.forEach((entry: unknown, i) => {
    if (!isObject(entry)) fail(`schemas[${i}]: expected an object`);
    // privid's built-ins are the verifier's own; an issuer cannot redefine them.
    if (entry.builtin === true) return;
    try {
      schemas.push(parseSchemaDefinition(entry.definition));
    } catch (error) {
      fail(`schemas[${i}]: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return { issuerId: url, name, keys, schemas };
}

/** A snapshot read back from the database (written by this module, so only lightly checked). */
export function snapshotFromJson(json: unknown): IssuerSnapshot {
  if (!isObject(json) || typeof json.issuerId !== 'string' || !Array.isArray(json.keys)) {
    return { issuerId: '', name: '', keys: [], schemas: [] };
  }
  const schemas: CredentialSchema[] = [];
  for (const raw of Array.isArray(json.schemas) ? json.schemas : []) {
    try {
      schemas.push(parseSchemaDefinition(raw));
    } catch {
      // A schema this version can no longer read is skipped: the next sync replaces the snapshot.
    }
  }
  return {
    issuerId: json.issuerId,
    name: typeof json.name === 'string' ? json.name : '',
    keys: (json.keys as SnapshotKey[]).filter((k) => isObject(k) && typeof k.kid === 'string'),
    schemas,
  };
}

export function snapshotToJson(snapshot: IssuerSnapshot): Record<string, unknown> {
  return JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
}

export function schemaRefs(snapshot: IssuerSnapshot): string[] {
  return snapshot.schemas.map(formatSchemaRef);
}
