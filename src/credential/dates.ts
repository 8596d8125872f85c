/**
 * Day numbers: whole days since 1970-01-01 UTC. Every date in a credential is a day number, so
 * dates are coarse to the day by construction (no time of day, no time zone to leak), and a
 * day number is also the BBS scalar of a date attribute, ready for range proofs.
 */

const MS_PER_DAY = 86_400_000;

/** 1970-01-01. */
export const MIN_DAY = 0;
/** 9999-12-31, the last day with a four-digit ISO year. */
export const MAX_DAY = 2_932_896;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDayNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_DAY && value <= MAX_DAY;
}

/** `YYYY-MM-DD` (a real calendar date, 1970-01-01 to 9999-12-31) to its day number. */
export function dayFromIsoDate(text: string): number {
  const day = dayFromIsoDateOrUndefined(text);
  if (day === undefined) throw new RangeError(`not an ISO calendar date YYYY-MM-DD in 1970..9999: ${String(text)}`);
  return day;
}

export function dayFromIsoDateOrUndefined(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const date = Number(match[3]);
  if (month < 1 || month > 12 || date < 1 || date > 31) return undefined;
  const ms = Date.UTC(year, month - 1, date);
  const check = new Date(ms);
  // Date.UTC rolls 2023-02-30 over to March; a real date survives the round trip.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) {
    return undefined;
  }
  const day = ms / MS_PER_DAY;
  return isDayNumber(day) ? day : undefined;
}

/** A day number to `YYYY-MM-DD`. */
export function isoDateFromDay(day: number): string {
  if (!isDayNumber(day)) throw new RangeError(`not a day number in ${MIN_DAY}..${MAX_DAY}: ${String(day)}`);
  const d = new Date(day * MS_PER_DAY);
  const yyyy = String(d.getUTCFullYear()).padStart(4, '0');
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${yyyy}-${mm}-${dd}`;
}

/** The UTC day that contains the instant `epochMs` (milliseconds since the epoch). */
export function dayFromEpochMs(epochMs: number): number {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs)) {
    throw new RangeError(`not a finite epoch time in ms: ${String(epochMs)}`);
  }
  const day = Math.floor(epochMs / MS_PER_DAY);
  if (!isDayNumber(day)) throw new RangeError(`epoch time outside 1970-01-01..9999-12-31: ${epochMs}`);
  return day;
}

/** The UTC day that contains `date`. */
export function dayFromDate(date: Date): number {
  if (!(date instanceof Date)) throw new TypeError('expected a Date');
  return dayFromEpochMs(date.getTime());
}

/** Midnight UTC at the start of `day`, in epoch milliseconds. */
export function epochMsFromDay(day: number): number {
  if (!isDayNumber(day)) throw new RangeError(`not a day number in ${MIN_DAY}..${MAX_DAY}: ${String(day)}`);
  return day * MS_PER_DAY;
}
