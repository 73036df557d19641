/**
 * How far ahead of the receive time a publish time may be before the item is rejected (`published_at_future`) when
 * the options name no other: clock skew between hosts. News from the future cannot be acted on, and kept as given it
 * would outrank every real item as `latest` (ordered by publication time) until its date passed.
 */
export const DEFAULT_FUTURE_SKEW_MS = 5 * 60 * 1000;

/** Numbers below this are epoch seconds: as milliseconds they would fall in early 1973. */
const EPOCH_SECONDS_BELOW = 1e11;
/** The largest instant `Date` can represent (year 275760); beyond it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

export type ParsedTime = { ok: true; ms: number } | { ok: false; why: string };

/**
 * `published_at` as given by a producer: an ISO-8601 string (a date-time without a zone is read as UTC), an epoch
 * number in milliseconds or seconds, or a msgpack timestamp (decoded to a `Date`).
 */
export function parsePublishedAt(value: unknown): ParsedTime {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value === 'string') return fromIso(value.trim());
  if (value instanceof Date) return fromEpochMs(value.getTime(), 'msgpack timestamp');
  return { ok: false, why: `expected an ISO-8601 string or an epoch number, got ${describeType(value)}` };
}

function fromEpoch(n: number): ParsedTime {
  if (!Number.isFinite(n) || n < 0) return { ok: false, why: `epoch ${String(n)} is not a finite non-negative number` };
  return fromEpochMs(n < EPOCH_SECONDS_BELOW ? n * 1000 : n, `epoch ${n}`);
}

function fromEpochMs(ms: number, what: string): ParsedTime {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_DATE_MS) return { ok: false, why: `${what} is outside the representable range` };
  return { ok: true, ms: Math.round(ms) };
}

function fromIso(s: string): ParsedTime {
  const shown = JSON.stringify(s.slice(0, 40));
  const m = ISO_RE.exec(s);
  if (!m) return { ok: false, why: `${shown} is not an ISO-8601 date-time` };
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // Date.parse rolls 2024-02-30 over into March; a calendar check refuses it instead.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, why: `${shown} is not a calendar date` };
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return { ok: false, why: `${shown} is not a valid time of day` };
  const ms = frac === '' ? '' : `.${frac.padEnd(3, '0').slice(0, 3)}`;
  const tz = zone === undefined || zone.toUpperCase() === 'Z' ? 'Z' : withColon(zone);
  const parsed = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}${ms}${tz}`);
  if (Number.isNaN(parsed)) return { ok: false, why: `${shown} has an invalid time zone offset` };
  return fromEpochMs(parsed, shown);
}

function withColon(zone: string): string {
  if (zone.length === 3) return `${zone}:00`;
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a timestamp';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
