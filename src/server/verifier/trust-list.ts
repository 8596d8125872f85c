/**
 * The trust list in privid/verifier's TrustList format, built from the trust store's snapshots: what
 * the verification workers use, and what `GET /v1/venue/trust-list` hands to offline kiosks.
 */
import { TRUST_LIST_TYPE, TRUST_LIST_VERSION, type TrustList } from '../../verifier/trust-list.js';
import { TrustListSchema } from '../../verifier/trust-list-schema.js';
import { EXAMPLE } from './api-schemas.js';
import type { TrustEntry } from './trust.js';

export const TrustListResponseSchema = TrustListSchema;

export const exampleTrustList = {
  type: TRUST_LIST_TYPE,
  v: TRUST_LIST_VERSION,
  issuers: [
    {
      issuerId: EXAMPLE.issuerId,
      name: 'Example Lab',
      keys: [{ kid: EXAMPLE.kid, suite: 'BLS12-381-SHA-256', publicKey: EXAMPLE.publicKey, status: 'active' }],
    },
  ],
};

/** The trust list of these entries. Entries that have never synced (no keys yet) are listed without keys. */
export function trustListOf(entries: readonly TrustEntry[]): TrustList {
  const seen = new Set<string>();
  const issuers: TrustList['issuers'] = [];
  for (const { snapshot } of entries) {
    if (!snapshot.issuerId || seen.has(snapshot.issuerId)) continue;
    seen.add(snapshot.issuerId);
    const name = snapshot.name.slice(0, 128);
    issuers.push({
      issuerId: snapshot.issuerId,
      ...(name.length > 0 ? { name } : {}),
      keys: snapshot.keys.slice(0, 64).map((key) => ({
        kid: key.kid,
        suite: key.suite,
        publicKey: key.publicKey,
        status: key.status,
      })),
    });
  }
  return { type: TRUST_LIST_TYPE, v: TRUST_LIST_VERSION, issuers };
}
