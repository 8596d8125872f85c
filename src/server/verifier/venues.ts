/**
 * Venues and their API keys. A venue is created by the admin with its first API key, shown once and
 * stored only as its SHA-256 hash and a short non-secret prefix (like a lab's, see admin/labs.ts).
 *
 * Venue API keys (`ven_...`) authenticate the venue's staff devices and integrations. Failed
 * attempts count against the presented key and the client address with the platform's
 * AuthFailureLimiter. A successful authentication is remembered for a few seconds so that a busy door
 * (or `POST /v1/verify`) does not cost a database round trip per request. Revoking a key or disabling
 * a venue tells every replica through the cluster bus (`venue-keys`), before the admin gets the answer,
 * and each forgets the key at once; while a replica's bus connection is down it does not use the cache
 * at all, and after it reconnects it starts with an empty one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, type Actor } from '../audit.js';
import { Prisma, type ApiKey, type PrismaClient, type Venue } from '../db/generated/client.js';
import { ApiError } from '../errors.js';
import { createApiKey } from '../security/api-keys.js';
import { constantTimeEqual, hashSecret, secretPrefix } from '../security/secrets.js';
import type { ServerContext } from '../server.js';
import type { ClusterBus } from '../cluster/bus.js';

export const VENUE_KEY_CACHE_MS = 5_000;
const MAX_CACHED_KEYS = 10_000;

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,256})$/i;
const NO_MATCH = hashSecret('privid:no-such-venue-key');

export interface VenueView {
  id: string;
  name: string;
  verifierId: string;
  createdAt: string;
  disabledAt: string | null;
}

/** The verifier id of a venue in its presentation requests: a URL naming it on this server. */
export function verifierIdOf(publicUrl: string, venueId: string): string {
  return `${publicUrl}/v1/venues/${venueId}`;
}

export function venueView(venue: Venue, publicUrl: string): VenueView {
  return {
    id: venue.id,
    name: venue.name,
    verifierId: verifierIdOf(publicUrl, venue.id),
    createdAt: venue.createdAt.toISOString(),
    disabledAt: venue.disabledAt?.toISOString() ?? null,
  };
}

export async function requireVenue(prisma: PrismaClient | Prisma.TransactionClient, venueId: string): Promise<Venue> {
  const venue = await prisma.venue.findUnique({ where: { id: venueId } });
  if (!venue) throw new ApiError('NOT_FOUND', 'no such venue');
  return venue;
}

export class VenueKeys {
  readonly #ctx: ServerContext;
  /** keyHash → the venue it authenticates and until when that is remembered. */
  readonly #cache = new Map<string, { venueId: string; keyId: string; until: number }>();

  readonly #bus: ClusterBus;

  constructor(ctx: ServerContext, bus: ClusterBus) {
    this.#ctx = ctx;
    this.#bus = bus;
    bus.subscribe('venue-keys', (message) => this.#forget(JSON.parse(message) as VenueKeyChange));
    bus.onResync(() => {
      this.#generation++;
      this.#cache.clear();
    });
  }

  /** Counts invalidations, so that a lookup that raced with one is not cached. */
  #generation = 0;

  #forget(change: VenueKeyChange): void {
    this.#generation++;
    for (const [hash, entry] of this.#cache) {
      if (entry.keyId === change.keyId || entry.venueId === change.venueId) this.#cache.delete(hash);
    }
  }

  get #prisma(): PrismaClient {
    return this.#ctx.db.prisma;
  }

  async createVenue(actor: Actor, name: string) {
    try {
      return await this.#prisma.$transaction(async (tx) => {
        const venue = await tx.venue.create({ data: { name } });
        await recordAudit(tx, actor, 'venue.created', venue.id);
        return { venue, ...(await createApiKey(tx, actor, { kind: 'venue', venueId: venue.id })) };
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ApiError('CONFLICT', 'a venue with this name already exists');
      }
      throw error;
    }
  }

  async createKey(actor: Actor, venueId: string) {
    return this.#prisma.$transaction(async (tx) => {
      const venue = await requireVenue(tx, venueId);
      if (venue.disabledAt !== null) throw new ApiError('CONFLICT', 'the venue is disabled');
      return createApiKey(tx, actor, { kind: 'venue', venueId });
    });
  }

  async revokeKey(actor: Actor, venueId: string, keyId: string): Promise<ApiKey> {
    const revoked = await this.#prisma.$transaction(async (tx) => {
      const key = await tx.apiKey.findUnique({ where: { id: keyId } });
      if (!key || key.venueId !== venueId || key.ownerKind !== 'venue') {
        throw new ApiError('NOT_FOUND', 'no such API key');
      }
      if (key.revokedAt !== null) throw new ApiError('CONFLICT', 'the API key is already revoked');
      const updated = await tx.apiKey.update({ where: { id: keyId }, data: { revokedAt: this.#ctx.now() } });
      await recordAudit(tx, actor, 'api_key.revoked', keyId);
      return updated;
    });
    await this.#bus.publish('venue-keys', JSON.stringify({ keyId: revoked.id } satisfies VenueKeyChange));
    return revoked;
  }

  async disableVenue(actor: Actor, venueId: string): Promise<Venue> {
    const disabled = await this.#prisma.$transaction(async (tx) => {
      const venue = await requireVenue(tx, venueId);
      if (venue.disabledAt !== null) throw new ApiError('CONFLICT', 'the venue is already disabled');
      const updated = await tx.venue.update({ where: { id: venueId }, data: { disabledAt: this.#ctx.now() } });
      await recordAudit(tx, actor, 'venue.disabled', venueId);
      return updated;
    });
    await this.#bus.publish('venue-keys', JSON.stringify({ venueId } satisfies VenueKeyChange));
    return disabled;
  }

  /** onRequest hook: the caller must present an API key of an enabled venue. */
  readonly authenticate = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const limiter = this.#ctx.auth.limiter;
    const header = request.headers.authorization;
    const presented = header === undefined ? undefined : BEARER.exec(header)?.[1];
    const fail = async (message: string): Promise<never> => {
      await limiter.fail(request.ip, presented);
      throw new ApiError('UNAUTHENTICATED', message);
    };
    const secret = presented;
    if (secret?.startsWith('ven_')) {
      // A key that authenticated within seconds (and has not been revoked since) is no guess.
      const cached = this.#bus.connected ? this.#cache.get(hashSecret(secret)) : undefined;
      if (cached && cached.until > Date.now()) {
        request.actor = { kind: 'venue', id: cached.venueId };
        return;
      }
    }
    await limiter.check(request.ip, presented);
    if (header === undefined) return fail('an Authorization: Bearer header is required');
    if (!secret || !secret.startsWith('ven_')) return fail('expected Authorization: Bearer ven_…');
    const hash = hashSecret(secret);
    const now = Date.now();
    const generation = this.#generation;
    const candidates = await this.#prisma.apiKey.findMany({
      where: { prefix: secretPrefix(secret), ownerKind: 'venue' },
      include: { venue: { select: { disabledAt: true } } },
    });
    let match: (typeof candidates)[number] | undefined;
    for (const candidate of candidates) if (constantTimeEqual(candidate.keyHash, hash)) match = candidate;
    if (candidates.length === 0) constantTimeEqual(NO_MATCH, hash);
    if (!match || match.revokedAt !== null || !match.venueId || !match.venue || match.venue.disabledAt !== null) {
      this.#cache.delete(hash);
      return fail('the credentials are not valid');
    }
    const today = this.#ctx.today();
    if (match.lastUsedDay !== today) {
      await this.#prisma.apiKey.update({ where: { id: match.id }, data: { lastUsedDay: today } });
    }
    if (this.#cache.size >= MAX_CACHED_KEYS) this.#cache.clear();
    if (generation === this.#generation) {
      this.#cache.set(hash, { venueId: match.venueId, keyId: match.id, until: now + VENUE_KEY_CACHE_MS });
    }
    request.actor = { kind: 'venue', id: match.venueId };
  };
}

/** What the `venue-keys` bus message names: a revoked key, or a disabled venue's keys. */
interface VenueKeyChange {
  readonly keyId?: string;
  readonly venueId?: string;
}

/** The venue the authentication hook found. */
export function venueOf(request: FastifyRequest): string {
  const actor = request.actor;
  if (!actor || actor.kind !== 'venue') throw new ApiError('UNAUTHENTICATED');
  return actor.id;
}
