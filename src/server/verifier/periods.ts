/**
 * Pseudonym periods. A policy with a pseudonym names a granularity; each request carries the period
 * it was created in, and the pseudonym store keeps a pseudonym only until that period ends.
 *
 * - `day`: the UTC day, `YYYY-MM-DD`;
 * - `week`: the ISO 8601 week (Monday to Sunday, UTC), `YYYY-Www`;
 * - `none`: no period: the pseudonym is the same every time, and nothing is stored.
 */
import { isoDateFromDay } from '../../credential/index.js';

export type PeriodGranularity = 'day' | 'week' | 'none';
export const PERIOD_GRANULARITIES: readonly PeriodGranularity[] = ['day', 'week', 'none'];

const MS_PER_DAY = 86_400_000;

export interface Period {
  /** The period string put in the request (and in the pseudonym context). */
  readonly id: string;
  /** The first instant after the period: when its pseudonyms are purged. */
  readonly endsAt: Date;
}

/** The period of the instant `at`, or undefined for `none`. */
export function periodOf(granularity: PeriodGranularity, at: Date): Period | undefined {
  const day = Math.floor(at.getTime() / MS_PER_DAY);
  switch (granularity) {
    case 'none':
      return undefined;
    case 'day':
      return { id: isoDateFromDay(day), endsAt: new Date((day + 1) * MS_PER_DAY) };
    case 'week': {
      // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
      const weekday = (((day + 3) % 7) + 7) % 7;
      const monday = day - weekday;
      const thursday = monday + 3;
      // The ISO week-numbering year is the year of the week's Thursday.
      const year = new Date(thursday * MS_PER_DAY).getUTCFullYear();
      const jan1 = Math.floor(Date.UTC(year, 0, 1) / MS_PER_DAY);
      const week = Math.floor((thursday - jan1) / 7) + 1;
      return { id: `${year}-W${String(week).padStart(2, '0')}`, endsAt: new Date((monday + 7) * MS_PER_DAY) };
    }
  }
}
