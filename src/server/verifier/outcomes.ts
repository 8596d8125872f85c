/**
 * Outcomes waiting for the venue's screen. The database keeps only a request's status and outcome
 * code; the disclosed values (and the venue-scoped pseudonym) live here, in memory, until the venue
 * has received them once (a poll, or the server-sent events of every screen watching at that
 * moment) or until they expire, whichever comes first. They are never written anywhere else.
 */
import type { AttributeValue, ProvenConstraint } from '../../credential/index.js';

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
}

type Listener = (outcome: Outcome) => void;

/** Undelivered outcomes are kept at least this long after the answer came. */
export const OUTCOME_HOLD_MS = 60_000;
const MAX_HELD = 100_000;

export class OutcomeHub {
  readonly #held = new Map<string, Held>();
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Publishes a request's outcome: to every screen listening now (which then counts as delivered),
   * else held for the first poll until `until` (ms).
   */
  publish(requestId: string, venueId: string, outcome: Outcome, until: number): void {
    const listeners = this.#listeners.get(requestId);
    if (listeners && listeners.size > 0) {
      this.#listeners.delete(requestId);
      for (const listener of listeners) listener(outcome);
      return;
    }
    if (this.#held.size >= MAX_HELD) this.sweep();
    this.#held.set(requestId, { venueId, outcome, until });
  }

  /** The held outcome of a venue's request, removed as it is handed out; undefined if none. */
  take(requestId: string, venueId: string): Outcome | undefined {
    const held = this.#held.get(requestId);
    if (!held || held.venueId !== venueId) return undefined;
    this.#held.delete(requestId);
    return held.until > this.#now() ? held.outcome : undefined;
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
    for (const [id, held] of this.#held) if (held.until <= now) this.#held.delete(id);
  }

  get heldCount(): number {
    return this.#held.size;
  }

  clear(): void {
    this.#held.clear();
    this.#listeners.clear();
  }
}
