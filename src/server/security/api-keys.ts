/**
 * API keys of labs and venues: created with the CSPRNG, shown once, stored as a SHA-256 hash beside
 * a non-secret prefix, and described to the admin without the secret.
 */
import { isoDateFromDay } from '../../credential/index.js';
import { recordAudit, type Actor } from '../audit.js';
import type { ApiKey, Prisma } from '../db/generated/client.js';
import { generateSecret, hashSecret, secretPrefix } from './secrets.js';

export interface ApiKeyView {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  /** Day of the last use (UTC), or null if never used. */
  lastUsedOn: string | null;
}

export function apiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedOn: key.lastUsedDay === null ? null : isoDateFromDay(key.lastUsedDay),
  };
}

export type ApiKeyOwner =
  { readonly kind: 'lab'; readonly labId: string } | { readonly kind: 'venue'; readonly venueId: string };

/** Creates a key inside the caller's transaction, with its audit event; the secret is returned once. */
export async function createApiKey(tx: Prisma.TransactionClient, actor: Actor, owner: ApiKeyOwner) {
  const secret = generateSecret(owner.kind === 'lab' ? 'lab' : 'ven');
  const ownerFields = owner.kind === 'lab' ? { labId: owner.labId } : { venueId: owner.venueId };
  const key = await tx.apiKey.create({
    data: { ownerKind: owner.kind, ...ownerFields, keyHash: hashSecret(secret), prefix: secretPrefix(secret) },
  });
  await recordAudit(tx, actor, 'api_key.created', key.id);
  return { key, secret };
}
