/**
 * Authentication of the admin token and lab API keys (`Authorization: Bearer <secret>`), and the
 * limit on failed authentications per client.
 *
 * Secrets are stored only as SHA-256 hashes beside a short non-secret prefix. A presented secret
 * is looked up by its prefix and then compared with constantTimeEqual against each candidate's
 * hash, so the comparison takes the same time however much of the secret is right. The secret
 * itself is never logged, stored or returned after creation.
 *
 * Every failure (missing, malformed, unknown, revoked, wrong kind; and wrong offer codes, see the
 * issuer routes) counts against the client's address; past PRIVID_AUTH_FAILURE_RATE_LIMIT failures
 * in a minute the client gets 429 with Retry-After for every authenticated request until the
 * minute is over, whether or not its next secret is right.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from './audit.js';
import type { PrismaClient } from './db/generated/client.js';
import { ApiError } from './errors.js';
import { constantTimeEqual, hashSecret, secretPrefix } from './security/secrets.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hooks: who is calling. */
    actor?: Actor;
  }
}

const WINDOW_MS = 60_000;
const MAX_TRACKED_CLIENTS = 50_000;

/** Failed authentications per client address, in fixed one-minute windows. */
export class AuthFailureLimiter {
  readonly #max: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(maxPerMinute: number, now: () => number = Date.now) {
    this.#max = maxPerMinute;
    this.#now = now;
  }

  /** Throws RATE_LIMITED while the client is over its limit. */
  check(client: string): void {
    const window = this.#windows.get(client);
    if (!window) return;
    const now = this.#now();
    if (window.resetAt <= now) {
      this.#windows.delete(client);
      return;
    }
    if (window.count >= this.#max) {
      const retryAfter = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
      throw new ApiError('RATE_LIMITED', `too many failed authentications, retry in ${retryAfter} s`, { retryAfter });
    }
  }

  /** Counts one failure for the client. */
  fail(client: string): void {
    const now = this.#now();
    const window = this.#windows.get(client);
    if (window && window.resetAt > now) {
      window.count++;
      return;
    }
    if (this.#windows.size >= MAX_TRACKED_CLIENTS) this.#prune(now);
    this.#windows.set(client, { count: 1, resetAt: now + WINDOW_MS });
  }

  #prune(now: number): void {
    for (const [client, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(client);
    // Still full (a flood of distinct addresses): forget the oldest half rather than grow without bound.
    if (this.#windows.size >= MAX_TRACKED_CLIENTS) {
      let drop = this.#windows.size / 2;
      for (const client of this.#windows.keys()) {
        if (drop-- <= 0) break;
        this.#windows.delete(client);
      }
    }
  }
}

/** RFC 9110: the scheme name is case-insensitive. */
const BEARER = /^Bearer ([A-Za-z0-9_-]{1,256})$/i;
/** A hash that no secret has, compared against when there is no candidate, to keep timing flat. */
const NO_MATCH = hashSecret('privid:no-such-secret');

export interface AuthenticatorOptions {
  readonly prisma: PrismaClient;
  readonly limiter: AuthFailureLimiter;
  /** Today's day number (days since 1970-01-01 UTC), for ApiKey.lastUsedDay. */
  readonly today: () => number;
}

export class Authenticator {
  readonly limiter: AuthFailureLimiter;
  readonly #prisma: PrismaClient;
  readonly #today: () => number;

  constructor(options: AuthenticatorOptions) {
    this.#prisma = options.prisma;
    this.limiter = options.limiter;
    this.#today = options.today;
  }

  /** onRequest hook: the caller must present the admin token. */
  readonly admin = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const key = await this.#authenticate(request, 'admin');
    request.actor = { kind: 'admin', id: key.id };
  };

  /** onRequest hook: the caller must present an API key of an enabled lab. */
  readonly lab = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const key = await this.#authenticate(request, 'lab');
    if (!key.labId) throw new ApiError('UNAUTHENTICATED');
    request.actor = { kind: 'lab', id: key.labId };
  };

  /** Counts a failed authentication for this request's client and throws the error to answer with. */
  fail(request: FastifyRequest, error: ApiError): never {
    this.limiter.fail(request.ip);
    throw error;
  }

  async #authenticate(request: FastifyRequest, kind: 'admin' | 'lab') {
    this.limiter.check(request.ip);
    const header = request.headers.authorization;
    if (header === undefined) {
      this.fail(request, new ApiError('UNAUTHENTICATED', 'an Authorization: Bearer header is required'));
    }
    const secret = BEARER.exec(header)?.[1];
    const expectedKind = kind === 'admin' ? 'adm_' : 'lab_';
    if (!secret || !secret.startsWith(expectedKind)) {
      this.fail(request, new ApiError('UNAUTHENTICATED', `expected Authorization: Bearer ${expectedKind}…`));
    }
    const hash = hashSecret(secret);
    const candidates = await this.#prisma.apiKey.findMany({
      where: { prefix: secretPrefix(secret), ownerKind: kind },
      include: { lab: { select: { disabledAt: true } } },
    });
    let match: (typeof candidates)[number] | undefined;
    for (const candidate of candidates) if (constantTimeEqual(candidate.keyHash, hash)) match = candidate;
    if (candidates.length === 0) constantTimeEqual(NO_MATCH, hash);
    if (!match || match.revokedAt !== null || (match.lab && match.lab.disabledAt !== null)) {
      this.fail(request, new ApiError('UNAUTHENTICATED', 'the credentials are not valid'));
    }
    const today = this.#today();
    if (match.lastUsedDay !== today) {
      await this.#prisma.apiKey.update({ where: { id: match.id }, data: { lastUsedDay: today } });
    }
    return match;
  }
}

/** The actor the authentication hook set, narrowed to the kind the route requires. */
export function actorOf<K extends 'admin' | 'lab'>(request: FastifyRequest, kind: K): Extract<Actor, { kind: K }> {
  const actor = request.actor;
  if (!actor || actor.kind !== kind) throw new ApiError('UNAUTHENTICATED');
  return actor as Extract<Actor, { kind: K }>;
}
