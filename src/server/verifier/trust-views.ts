/**
 * The admin API's view of trust-list entries, and the pinned-key input turned into a snapshot.
 */
import type { TrustedIssuer } from '../db/generated/client.js';
import { ApiError } from '../errors.js';
import { formatSchemaRef } from '../../credential/index.js';
import { isSuiteId, snapshotFromJson, type SnapshotKey } from './metadata.js';
import { publicKeyFromJwk, publicKeyFromMultibase, PublicKeyError, sameBytes } from './public-keys.js';
import type { PinnedIssuerInput } from './trust.js';

export interface TrustedIssuerView {
  id: string;
  source: 'metadata-url' | 'key';
  issuerId: string;
  metadataUrl: string | null;
  label: string;
  name: string;
  keys: SnapshotKey[];
  schemas: string[];
  etag: string | null;
  lastSyncedAt: string | null;
  lastSyncError: string | null;
  createdAt: string;
}

export function trustedIssuerView(row: TrustedIssuer): TrustedIssuerView {
  const snapshot = snapshotFromJson(row.snapshot);
  return {
    id: row.id,
    source: row.source === 'metadata_url' ? 'metadata-url' : 'key',
    issuerId: snapshot.issuerId || (row.metadataUrl ?? ''),
    metadataUrl: row.metadataUrl,
    label: row.label,
    name: snapshot.name,
    keys: snapshot.keys.map((k) => ({ kid: k.kid, suite: k.suite, status: k.status, publicKey: k.publicKey })),
    schemas: snapshot.schemas.map(formatSchemaRef),
    etag: row.etag,
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    lastSyncError: row.lastSyncError,
    createdAt: row.createdAt.toISOString(),
  };
}

interface PinnedBody {
  issuerId: string;
  label: string;
  keys: {
    kid: string;
    suite?: string;
    status?: 'active' | 'retired' | 'revoked';
    jwk?: { kty: 'OKP'; crv: 'Bls12381G2'; x: string; kid?: string };
    publicKeyMultibase?: string;
  }[];
}

/** Validates pinned keys (JWK or Multikey; valid G2 points in the subgroup) into a trust-list input. */
export function pinnedIssuerInput(body: PinnedBody): PinnedIssuerInput {
  const seen = new Set<string>();
  const keys = body.keys.map((key, i): SnapshotKey => {
    const at = `body/keys/${i}`;
    if (seen.has(key.kid)) throw new ApiError('VALIDATION_FAILED', `${at}/kid: listed twice`);
    seen.add(key.kid);
    const suite = key.suite ?? 'BLS12-381-SHA-256';
    if (!isSuiteId(suite)) throw new ApiError('VALIDATION_FAILED', `${at}/suite: not a signature suite`);
    if (!key.jwk && !key.publicKeyMultibase) {
      throw new ApiError('VALIDATION_FAILED', `${at}: give the key as jwk or publicKeyMultibase`);
    }
    let publicKey: Uint8Array;
    try {
      const fromJwk = key.jwk ? publicKeyFromJwk(key.jwk, `${at}/jwk`) : undefined;
      const fromMultikey = key.publicKeyMultibase
        ? publicKeyFromMultibase(key.publicKeyMultibase, `${at}/publicKeyMultibase`)
        : undefined;
      if (fromJwk && fromMultikey && !sameBytes(fromJwk, fromMultikey)) {
        throw new PublicKeyError(`${at}: the JWK and the Multikey are different keys`);
      }
      publicKey = (fromJwk ?? fromMultikey)!;
    } catch (error) {
      if (error instanceof PublicKeyError) throw new ApiError('INVALID_CRYPTO_INPUT', error.message);
      throw error;
    }
    return {
      kid: key.kid,
      suite,
      publicKey: Buffer.from(publicKey).toString('base64url'),
      status: key.status ?? 'active',
    };
  });
  return { issuerId: body.issuerId, label: body.label, keys, schemas: [] };
}
