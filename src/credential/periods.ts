/**
 * Pseudonym periods that both parties can check against their own clocks: a calendar day
 * (`YYYY-MM-DD`), an ISO 8601 week (`YYYY-Www`, Monday to Sunday) or a month (`YYYY-MM`), read in
 * a stated time zone (`UTC` or a fixed offset `±HH:MM`). The verifier names the period it is in;
 * the wallet recomputes the current one from its own clock and refuses any other, so a venue
 * cannot keep one pseudonym alive for longer than the period it claims (or reuse an old one).
 *
 * Pure: the caller passes the time in milliseconds.
 */
import { TIME_ZONE_PATTERN } from './format-constants.js';

export type PeriodUnit = 'day' | 'week' | 'month';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['day', 'week', 'month'];

const MS_PER_DAY = 86_400_000;
const DAY_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const WEEK_RE = /^([0-9]{4})-W([0-9]{2})$/;
const MONTH_RE = /^([0-9]{4})-([0-9]{2})$/;
const TIME_ZONE_RE = new RegExp(TIME_ZONE_PATTERN);

export interface Period {
  readonly unit: PeriodUnit;
  /** The period string: `2026-11-30`, `2026-W49` or `2026-11`. */
  readonly id: string;
  /** First instant of the period (ms, in the period's time zone). */
  readonly startsAt: number;
  /** First instant after the period (ms). */
  readonly endsAt: number;
}

/** Offset of a time zone from UTC in ms (`UTC` → 0, `+01:00` → 3 600 000); undefined if invalid. */
export function timeZoneOffsetMs(timeZone: string | undefined): number | undefined {
  const zone = timeZone ?? 'UTC';
  if (!TIME_ZONE_RE.test(zone)) return undefined;
  if (zone === 'UTC') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
}

/** The period of `unit` that contains the instant `atMs`, read in `timeZone` (default UTC). */
export function periodAt(unit: PeriodUnit, atMs: number, timeZone?: string): Period {
  const offset = timeZoneOffsetMs(timeZone);
  if (offset === undefined) throw new RangeError(`not a time zone: ${String(timeZone)}`);
  if (!Number.isFinite(atMs)) throw new RangeError('the time must be a finite number of milliseconds');
  const day = Math.floor((atMs + offset) / MS_PER_DAY);
  const toUtc = (localDay: number) => localDay * MS_PER_DAY - offset;
  switch (unit) {
    case 'day': {
      const date = new Date(day * MS_PER_DAY);
      return { unit, id: isoDay(date), startsAt: toUtc(day), endsAt: toUtc(day + 1) };
    }
    case 'week': {
      // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
      const monday = day - ((((day + 3) % 7) + 7) % 7);
      const thursday = monday + 3;
      // The ISO week-numbering year is the year of the week's Thursday.
      const year = new Date(thursday * MS_PER_DAY).getUTCFullYear();
      const jan1 = Math.floor(Date.UTC(year, 0, 1) / MS_PER_DAY);
      const week = Math.floor((thursday - jan1) / 7) + 1;
      return {
        unit,
        id: `${pad(year, 4)}-W${pad(week, 2)}`,
        startsAt: toUtc(monday),
        endsAt: toUtc(monday + 7),
      };
    }
    case 'month': {
      const date = new Date(day * MS_PER_DAY);
      const year = date.getUTCFullYear();
      const month = date.getUTCMonth();
      const first = Math.floor(Date.UTC(year, month, 1) / MS_PER_DAY);
      const next = Math.floor(Date.UTC(year, month + 1, 1) / MS_PER_DAY);
      return { unit, id: `${pad(year, 4)}-${pad(month + 1, 2)}`, startsAt: toUtc(first), endsAt: toUtc(next) };
    }
  }
}

/** The unit a period string names (`YYYY-MM-DD` day, `YYYY-Www` week, `YYYY-MM` month), if any. */
export function periodUnitOf(period: string): PeriodUnit | undefined {
  if (DAY_RE.test(period)) return 'day';
  if (WEEK_RE.test(period)) return 'week';
  if (MONTH_RE.test(period)) return 'month';
  return undefined;
}

/**
 * Whether `period` (in `timeZone`) is current at `nowMs`, allowing `skewMs` of clock difference
 * either way (a request made at 23:59:58 and answered at 00:00:03 is still in its period).
 */
export function isCurrentPeriod(
  period: string,
  timeZone: string | undefined,
  nowMs: number,
  skewMs = 300_000,
): boolean {
  const unit = periodUnitOf(period);
  if (!unit || timeZoneOffsetMs(timeZone) === undefined || !Number.isFinite(nowMs)) return false;
  return [nowMs, nowMs - skewMs, nowMs + skewMs].some((at) => periodAt(unit, at, timeZone).id === period);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function isoDay(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}
