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
 * issuer routes) counts twice: against the credential presented (PRIVID_AUTH_FAILURE_RATE_LIMIT per
 * minute) and, as a coarse second limit, against the client address (PRIVID_AUTH_FAILURE_ADDRESS_LIMIT).
 * Past either, that credential (or every attempt from that address) gets 429 with Retry-After until the
 * window is over. Keying on the credential first means one client's bad tokens do not lock out the
 * other users behind the same address (a NAT, a venue's Wi-Fi); the address limit, set well above,
 * still bounds a client that rotates through guesses. The counters are shared by every replica on one
 * PostgreSQL (cluster/counters.ts), and hold HMACs of the address and credential, never either.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from './audit.js';
import type { PrismaClient } from './db/generated/client.js';
import { ApiError } from './errors.js';
import type { CounterKeys, Counters } from './cluster/counters.js';
import { constantTimeEqual, hashSecret, secretPrefix } from './security/secrets.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hooks: who is calling. */
    actor?: Actor;
  }
}

const WINDOW_MS = 60_000;

export interface AuthFailureLimiterOptions {
  readonly counters: Counters;
  readonly keys: CounterKeys;
  /** Failures per presented credential per minute. */
  readonly perCredential: number;
  /** Failures per client address per minute (the coarse second limit). */
  readonly perAddress: number;
  readonly now?: () => number;
}

/** Failed authentications per presented credential and per client address, in fixed one-minute windows. */
export class AuthFailureLimiter {
  readonly #options: AuthFailureLimiterOptions;
  readonly #now: () => number;

  constructor(options: AuthFailureLimiterOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  #keys(address: string, credential: string | undefined) {
    const { keys, perCredential, perAddress } = this.#options;
    return [
      { key: keys.of('auth-failure-address', address), max: perAddress },
      ...(credential ? [{ key: keys.of('auth-failure-credential', credential), max: perCredential }] : []),
    ];
  }

  /** Throws RATE_LIMITED while the credential, or the address, is over its limit. */
  async check(address: string, credential: string | undefined): Promise<void> {
    const now = this.#now();
    for (const { key, max } of this.#keys(address, credential)) {
      const window = await this.#options.counters.peek(key, now);
      if (window && window.count >= max) {
        const retryAfter = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
        throw new ApiError('RATE_LIMITED', `too many failed authentications, retry in ${retryAfter} s`, { retryAfter });
      }
    }
  }

  /** Counts one failure for the credential and the address. */
  async fail(address: string, credential: string | undefined): Promise<void> {
    const now = this.#now();
    for (const { key } of this.#keys(address, credential)) await this.#options.counters.hit(key, WINDOW_MS, now);
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

  /**
   * Counts a failed authentication of this request's client (and of the credential it presented, if
   * any); returns the error to answer with.
   */
  async fail(request: FastifyRequest, error: ApiError, credential?: string): Promise<ApiError> {
    await this.limiter.fail(request.ip, credential);
    return error;
  }

  async #authenticate(request: FastifyRequest, kind: 'admin' | 'lab') {
    const header = request.headers.authorization;
    const presented = header === undefined ? undefined : BEARER.exec(header)?.[1];
    await this.limiter.check(request.ip, presented);
    if (header === undefined) {
      throw await this.fail(request, new ApiError('UNAUTHENTICATED', 'an Authorization: Bearer header is required'));
    }
    const secret = presented;
    const expectedKind = kind === 'admin' ? 'adm_' : 'lab_';
    if (!secret || !secret.startsWith(expectedKind)) {
      throw await this.fail(
        request,
        new ApiError('UNAUTHENTICATED', `expected Authorization: Bearer ${expectedKind}…`),
        secret,
      );
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
      throw await this.fail(request, new ApiError('UNAUTHENTICATED', 'the credentials are not valid'), secret);
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
