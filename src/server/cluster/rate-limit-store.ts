/**
 * A store for @fastify/rate-limit on our Counters, so that request rate limits (offer redemption,
 * presentation submission) hold across every replica on one PostgreSQL. The counters are bound after
 * the database is open (the rate-limit plugin is registered before), through a CounterBinding.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { MemoryCounters, type CounterKeys, type Counters } from './counters.js';

/** Which counters the store uses: in-process until buildServer binds the database's. */
export class CounterBinding {
  counters: Counters = new MemoryCounters();
  keys: CounterKeys | undefined;

  bind(counters: Counters, keys: CounterKeys): void {
    this.counters = counters;
    this.keys = keys;
  }
}

/** The store class @fastify/rate-limit instantiates; keys are per route (see app.ts's keyGenerator). */
export function counterStore(binding: CounterBinding): FastifyRateLimitStoreCtor {
  class CounterStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = Date.now();
      const stored = binding.keys ? binding.keys.of('rate', key) : key;
      binding.counters.hit(stored, timeWindow, now).then(
        (window) => callback(null, { current: window.count, ttl: Math.max(0, window.resetAt - now) }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return CounterStore;
}
