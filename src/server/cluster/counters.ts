/**
 * Fixed-window counters for rate limits and failed authentications: in this process on the embedded
 * database (one process owns it), in PostgreSQL's rate_counters table when replicas share a database,
 * so that two replicas do not double every limit.
 *
 * What is counted is often personal (a client address) or secret (a presented token), so the stored key
 * is an HMAC-SHA-256 of it under a key derived from the KEK: the table alone reveals neither. Rows
 * live one window and are deleted by sweep(); the table is UNLOGGED, so they never reach the WAL.
 */
import { createHmac } from 'node:crypto';
import type { Database } from '../db/database.js';
import type { Kek } from '../security/kek.js';

export interface Window {
  /** Hits in the current window, this one included (hit) or so far (peek). */
  readonly count: number;
  /** Epoch milliseconds at which the window ends. */
  readonly resetAt: number;
}

export interface Counters {
  /** Counts one hit for key in a window of windowMs that starts at its first hit. */
  hit(key: string, windowMs: number, nowMs: number): Promise<Window>;
  /** The current window of key, undefined when it has none (or it is over). */
  peek(key: string, nowMs: number): Promise<Window | undefined>;
  /** Forgets windows that are over. */
  sweep(nowMs: number): Promise<void>;
}

/** MemoryCounters' default bound: some 10 MB of keys and windows. */
export const MAX_TRACKED_KEYS = 100_000;

/** One process's counters (the embedded database). Bounded: a flood of keys forgets the oldest. */
export class MemoryCounters implements Counters {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  readonly #maxKeys: number;

  constructor(maxKeys = MAX_TRACKED_KEYS) {
    this.#maxKeys = maxKeys;
  }

  /** Keys tracked now; never more than the bound. */
  get size(): number {
    return this.#windows.size;
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<Window> {
    const window = this.#windows.get(key);
    if (window && window.resetAt > nowMs) {
      window.count++;
      return { ...window };
    }
    if (this.#windows.size >= this.#maxKeys) this.#prune(nowMs);
    const fresh = { count: 1, resetAt: nowMs + windowMs };
    this.#windows.delete(key);
    this.#windows.set(key, fresh);
    return { ...fresh };
  }

  async peek(key: string, nowMs: number): Promise<Window | undefined> {
    const window = this.#windows.get(key);
    return window && window.resetAt > nowMs ? { ...window } : undefined;
  }

  async sweep(nowMs: number): Promise<void> {
    for (const [key, window] of this.#windows) if (window.resetAt <= nowMs) this.#windows.delete(key);
  }

  #prune(nowMs: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= nowMs) this.#windows.delete(key);
    // Still full (a flood of distinct keys): forget the oldest half rather than grow without bound.
    let drop = this.#windows.size >= this.#maxKeys ? this.#windows.size / 2 : 0;
    for (const key of this.#windows.keys()) {
      if (drop-- <= 0) break;
      this.#windows.delete(key);
    }
  }
}

/**
 * Counters in PostgreSQL, shared by every replica: one atomic upsert per hit. Plain SQL on a pooled
 * connection, not through Prisma: a hit runs on every rate-limited request, and Prisma's raw query
 * path cost 400-600 us per upsert where the pg client takes 90-125 us (measured at load average 7).
 */
export class PgCounters implements Counters {
  readonly #db: Pick<Database, 'withSession'>;

  constructor(db: Pick<Database, 'withSession'>) {
    this.#db = db;
  }

  #query(sql: string, params: unknown[]): Promise<{ count: number; reset_at: bigint | string }[]> {
    return this.#db.withSession((session) => session.query(sql, params));
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<Window> {
    const rows = await this.#query(
      `INSERT INTO rate_counters AS c (key, count, reset_at) VALUES ($1, 1, $2::bigint + $3::bigint)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN c.reset_at <= $2::bigint THEN 1 ELSE c.count + 1 END,
         reset_at = CASE WHEN c.reset_at <= $2::bigint THEN $2::bigint + $3::bigint ELSE c.reset_at END
       RETURNING count, reset_at`,
      [key, Math.floor(nowMs), Math.floor(windowMs)],
    );
    const row = rows[0]!;
    return { count: Number(row.count), resetAt: Number(row.reset_at) };
  }

  async peek(key: string, nowMs: number): Promise<Window | undefined> {
    const rows = await this.#query(
      'SELECT count, reset_at FROM rate_counters WHERE key = $1 AND reset_at > $2::bigint',
      [key, Math.floor(nowMs)],
    );
    const row = rows[0];
    return row ? { count: Number(row.count), resetAt: Number(row.reset_at) } : undefined;
  }

  async sweep(nowMs: number): Promise<void> {
    await this.#query('DELETE FROM rate_counters WHERE reset_at <= $1::bigint', [Math.floor(nowMs)]);
  }
}

/** Turns what is counted (an address, a token) into the key stored: an HMAC under a KEK-derived key. */
export class CounterKeys {
  readonly #key: Buffer;

  constructor(kek: Kek) {
    this.#key = Buffer.from(kek.deriveKey('privid rate counter key v1'));
  }

  of(kind: string, value: string): string {
    return `${kind}:${createHmac('sha256', this.#key).update(kind).update('\0').update(value).digest('base64url')}`;
  }
}
