/**
 * Outcomes waiting for the venue's screen. The database keeps only a request's status and outcome
 * code; the disclosed values (and the venue-scoped pseudonym) live here, in memory, until the venue
 * has received them once (a poll, or the server-sent events of every screen watching at that
 * moment) or until they expire, whichever comes first. They are never written anywhere else.
 *
 * Replicas: the screen may watch at another replica than the one the wallet answered. With a cluster
 * bus attached, every outcome published here is also sent to the other replicas (sealed under a
 * KEK-derived key, over PostgreSQL NOTIFY: see cluster/bus.ts), each of which delivers it to its own
 * listeners or holds it; the replica that hands it to the venue tells the others to drop their copy.
 *
 * Memory: what is held is bounded in bytes (PRIVID_OUTCOME_HOLD_BYTES), not only in time, so that a
 * flood of answers nobody collects (a venue whose screen is off, or one that creates requests to fill
 * this hub) cannot grow the process. Past the bound the oldest held outcomes are dropped first: their
 * venue still sees the status and outcome code from the database, only the disclosed values are gone,
 * as after the hold time.
 */
import type { AttributeValue, ProvenConstraint } from '../../credential/index.js';
import type { ClusterBus } from '../cluster/bus.js';

export interface Reason {
  readonly code: string;
  readonly message?: string;
  readonly path?: string;
}

/** What a venue learns from one item of an accepted presentation. */
export interface DisclosedItem {
  /** The request group the item answers, and which alternative of it. */
  readonly group: number;
  readonly clauseIndex: number;
  readonly schemaRef: string;
  /** Exactly the values the policy asked for. */
  readonly values: Readonly<Record<string, AttributeValue>>;
  /** The policy's constraints on hidden attributes, proven without showing the values. */
  readonly proven: ProvenConstraint[];
}

export interface Outcome {
  readonly status: 'accepted' | 'rejected';
  readonly reasons: readonly Reason[];
  readonly completedAt: Date;
  /** Accepted only. */
  readonly disclosed?: readonly DisclosedItem[];
  /** The venue-scoped pseudonym (base64url), when the policy asks for one and the outcome is accepted. */
  readonly pseudonym?: string;
}

interface Held {
  readonly venueId: string;
  readonly outcome: Outcome;
  readonly until: number;
  /** Its share of the byte budget. */
  readonly bytes: number;
}

type Listener = (outcome: Outcome) => void;

/** Undelivered outcomes are kept at least this long after the answer came (memory allowing). */
export const OUTCOME_HOLD_MS = 60_000;
/** PRIVID_OUTCOME_HOLD_BYTES' default. */
export const DEFAULT_HOLD_BYTES = 16 * 1024 * 1024;
/**
 * What one held entry costs besides its outcome's JSON (map entry, objects, ids), counted so that
 * many tiny outcomes are bounded too.
 */
export const HELD_ENTRY_OVERHEAD_BYTES = 256;

/** An outcome as it travels between replicas. */
interface OutcomeMessage {
  readonly requestId: string;
  readonly venueId: string;
  readonly until: number;
  /** Whether a screen at the sending replica already took it: then the others only pass it to theirs. */
  readonly delivered: boolean;
  readonly outcome: Omit<Outcome, 'completedAt'> & { readonly completedAt: string };
}

export interface OutcomeHubLog {
  error(obj: object, msg: string): void;
}

export interface OutcomeHubOptions {
  readonly now?: () => number;
  /** Most bytes of held outcomes (their JSON plus HELD_ENTRY_OVERHEAD_BYTES each). */
  readonly maxHeldBytes?: number;
}

export class OutcomeHub {
  /** In the order they were held: the first entries are the oldest, dropped first. */
  readonly #held = new Map<string, Held>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #now: () => number;
  readonly maxHeldBytes: number;
  #heldBytes = 0;
  #dropped = 0;
  #bus: { bus: ClusterBus; log: OutcomeHubLog } | undefined;

  constructor(options: OutcomeHubOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.maxHeldBytes = options.maxHeldBytes ?? DEFAULT_HOLD_BYTES;
  }

  /** Shares outcomes with the other replicas through the bus (when the database is shared). */
  attach(bus: ClusterBus, log: OutcomeHubLog): void {
    if (!bus.shared) return;
    this.#bus = { bus, log };
    bus.subscribe('outcome', (text) => {
      const message = JSON.parse(text) as OutcomeMessage;
      const outcome: Outcome = { ...message.outcome, completedAt: new Date(message.outcome.completedAt) };
      const taken = this.#deliver(message.requestId, message.venueId, outcome, message.until, !message.delivered);
      // Nobody watched where it was published, a screen here took it: the copies held elsewhere can go.
      if (taken && !message.delivered) this.#send('outcome-taken', message.requestId);
    });
    bus.subscribe('outcome-taken', (requestId) => {
      this.#remove(requestId);
    });
  }

  #send(topic: 'outcome' | 'outcome-taken', message: string): void {
    const attached = this.#bus;
    if (!attached) return;
    attached.bus.publish(topic, message, { here: false }).catch((error: unknown) => {
      attached.log.error(
        { err: { message: error instanceof Error ? error.message : String(error) } },
        'outcome relay failed',
      );
    });
  }

  /**
   * Publishes a request's outcome: to every screen listening now (which then counts as delivered),
   * else held for the first poll until `until` (ms); and to the other replicas, which do the same.
   */
  publish(requestId: string, venueId: string, outcome: Outcome, until: number): void {
    const delivered = this.#deliver(requestId, venueId, outcome, until, true);
    if (this.#bus) {
      const message: OutcomeMessage = {
        requestId,
        venueId,
        until,
        delivered,
        outcome: { ...outcome, completedAt: outcome.completedAt.toISOString() },
      };
      this.#send('outcome', JSON.stringify(message));
    }
  }

  /** To the listeners, else (when `hold`) held; returns whether a listener took it. */
  #deliver(requestId: string, venueId: string, outcome: Outcome, until: number, hold: boolean): boolean {
    const listeners = this.#listeners.get(requestId);
    if (listeners && listeners.size > 0) {
      this.#listeners.delete(requestId);
      for (const listener of listeners) listener(outcome);
      return true;
    }
    if (hold) this.#hold(requestId, { venueId, outcome, until, bytes: heldSize(outcome) });
    return false;
  }

  #hold(requestId: string, held: Held): void {
    this.#remove(requestId);
    if (held.bytes > this.maxHeldBytes) {
      this.#dropped++;
      return;
    }
    if (this.#heldBytes + held.bytes > this.maxHeldBytes) this.sweep();
    for (const id of this.#held.keys()) {
      if (this.#heldBytes + held.bytes <= this.maxHeldBytes) break;
      this.#remove(id);
      this.#dropped++;
    }
    this.#held.set(requestId, held);
    this.#heldBytes += held.bytes;
  }

  #remove(requestId: string): Held | undefined {
    const held = this.#held.get(requestId);
    if (!held) return undefined;
    this.#held.delete(requestId);
    this.#heldBytes -= held.bytes;
    return held;
  }

  /** The held outcome of a venue's request, removed as it is handed out; undefined if none. */
  take(requestId: string, venueId: string): Outcome | undefined {
    const held = this.#held.get(requestId);
    if (!held || held.venueId !== venueId) return undefined;
    this.#remove(requestId);
    if (held.until <= this.#now()) return undefined;
    this.#send('outcome-taken', requestId);
    return held.outcome;
  }

  /** Calls listener once with the outcome of a request; returns the unsubscribe function. */
  listen(requestId: string, listener: Listener): () => void {
    let set = this.#listeners.get(requestId);
    if (!set) this.#listeners.set(requestId, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.#listeners.get(requestId);
      current?.delete(listener);
      if (current?.size === 0) this.#listeners.delete(requestId);
    };
  }

  /** Forgets expired outcomes. */
  sweep(): void {
    const now = this.#now();
    for (const [id, held] of this.#held) if (held.until <= now) this.#remove(id);
  }

  get heldCount(): number {
    return this.#held.size;
  }

  /** Bytes of the byte budget in use; never more than maxHeldBytes. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Outcomes dropped unclaimed to stay within the byte budget, since the start. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Screens and long polls waiting for an outcome here. */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }

  clear(): void {
    this.#held.clear();
    this.#heldBytes = 0;
    this.#listeners.clear();
  }
}

/** An outcome's share of the byte budget: its JSON in UTF-8 plus the entry's overhead. */
function heldSize(outcome: Outcome): number {
  return Buffer.byteLength(JSON.stringify(outcome)) + HELD_ENTRY_OVERHEAD_BYTES;
}
