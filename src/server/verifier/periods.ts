/**
 * Pseudonym periods of policies. A policy with a pseudonym names a granularity; each request carries
 * the period it was created in (in UTC, stated in the request), and the pseudonym store keeps a
 * pseudonym only until that period ends. The period strings and their arithmetic are
 * privid/credential's (`periodAt`), the same the wallet uses to check the period is current.
 *
 * - `day`: the UTC day, `YYYY-MM-DD`;
 * - `week`: the ISO 8601 week (Monday to Sunday, UTC), `YYYY-Www`;
 * - `month`: the UTC month, `YYYY-MM`;
 * - `none`: no period: the pseudonym persists (the wallet asks the guest separately), nothing is stored.
 */
import { periodAt } from '../../credential/index.js';

export type PeriodGranularity = 'day' | 'week' | 'month' | 'none';
export const PERIOD_GRANULARITIES: readonly PeriodGranularity[] = ['day', 'week', 'month', 'none'];
/** The time zone the server's periods are read in, stated in every request that has one. */
export const PERIOD_TIME_ZONE = 'UTC';

export interface Period {
  /** The period string put in the request (and in the pseudonym context). */
  readonly id: string;
  /** The first instant after the period: when its pseudonyms are purged. */
  readonly endsAt: Date;
}

/** The period of the instant `at`, or undefined for `none`. */
export function periodOf(granularity: PeriodGranularity, at: Date): Period | undefined {
  if (granularity === 'none') return undefined;
  const period = periodAt(granularity, at.getTime(), PERIOD_TIME_ZONE);
  return { id: period.id, endsAt: new Date(period.endsAt) };
}
