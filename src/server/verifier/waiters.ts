/**
 * A bound on the venue screens waiting for outcomes at once (event streams and long polls, all venues
 * together; PRIVID_EVENT_WAITERS). Each holds a connection, timers and a listener for up to a request's
 * lifetime, so without a bound a client with a venue key could hold memory and sockets without limit.
 * Past the bound a new wait is refused at once with 429 OVERLOADED and Retry-After; the screen can
 * retry or fall back to polling GET /v1/venue/requests/:id, which holds nothing.
 */
import { ApiError } from '../errors.js';

export class WaiterLimit {
  readonly max: number;
  #count = 0;

  constructor(max: number) {
    this.max = max;
  }

  get count(): number {
    return this.#count;
  }

  /** Takes a place, or throws 429 OVERLOADED when all are taken; returns the release (idempotent). */
  enter(): () => void {
    if (this.#count >= this.max) {
      throw new ApiError('OVERLOADED', 'too many screens are waiting for outcomes, retry shortly', { retryAfter: 5 });
    }
    this.#count++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#count--;
    };
  }
}
