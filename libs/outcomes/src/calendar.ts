/**
 * US equity sessions in New York time. Which days trade comes from the price data (a day with a bar is a session);
 * this module only says when a session opens and closes, DST-aware through Intl's `America/New_York` zone.
 *
 * A trade point is the open or the close of a session. News is traded at the first trade point not before it
 * (Kirtac & Germano 2024 as the issue states it): before the open at that day's open, during the session at its
 * close, after the close at the next session's open.
 */

export const NY_TIME_ZONE = 'America/New_York';
const OPEN_MIN = 9 * 60 + 30;
const CLOSE_MIN = 16 * 60;
const EARLY_CLOSE_MIN = 13 * 60;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class CalendarError extends Error {
  override readonly name = 'CalendarError';
  readonly retryable = false;
}

const PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: NY_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export interface NyTime {
  /** Calendar date in New York, `YYYY-MM-DD`. */
  date: string;
  /** Minutes after New York midnight. */
  minute: number;
}

function partsOf(ms: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of PARTS.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** New York's offset from UTC at an instant, in minutes (−300 in winter, −240 in summer). */
export function nyOffsetMinutes(ms: number): number {
  const p = partsOf(ms);
  const wall = Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  return Math.round((wall - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000);
}

export function toNyTime(ms: number): NyTime {
  const p = partsOf(ms);
  const date = `${p['year']}-${String(p['month']).padStart(2, '0')}-${String(p['day']).padStart(2, '0')}`;
  return { date, minute: p['hour']! * 60 + p['minute']! };
}

function parseDate(date: string): [number, number, number] {
  const m = DATE_RE.exec(date);
  if (!m) throw new CalendarError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The UTC instant of a New York wall-clock time (unambiguous for market hours, which avoid the 2 a.m. switch). */
export function nyWallToUtcMs(date: string, minuteOfDay: number): number {
  const [y, mo, d] = parseDate(date);
  const wall = Date.UTC(y, mo - 1, d, 0, minuteOfDay);
  let utc = wall - nyOffsetMinutes(wall) * 60_000;
  utc = wall - nyOffsetMinutes(utc) * 60_000;
  return utc;
}

function weekday(y: number, mo: number, d: number): number {
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
}

/**
 * NYSE closes at 13:00 on the day after Thanksgiving, on 24 December when it is a weekday, and on 3 July when it is
 * Monday to Thursday (on a Friday the 3rd is the observed Independence Day holiday). Trading on such a day ends at
 * 13:00, so news after 13:00 must wait for the next open.
 */
export function isEarlyClose(date: string): boolean {
  const [y, mo, d] = parseDate(date);
  const wd = weekday(y, mo, d);
  if (mo === 12 && d === 24) return wd >= 1 && wd <= 5;
  if (mo === 7 && d === 3) return wd >= 1 && wd <= 4;
  if (mo === 11 && wd === 5) {
    // Thanksgiving is the fourth Thursday of November.
    const firstThu = 1 + ((4 - weekday(y, 11, 1) + 7) % 7);
    return d === firstThu + 22;
  }
  return false;
}

export function sessionOpenMs(date: string): number {
  return nyWallToUtcMs(date, OPEN_MIN);
}

export function sessionCloseMs(date: string): number {
  return nyWallToUtcMs(date, isEarlyClose(date) ? EARLY_CLOSE_MIN : CLOSE_MIN);
}

export const TradePointKind = { open: 'open', close: 'close' } as const;
export type TradePointKind = (typeof TradePointKind)[keyof typeof TradePointKind];

export interface TradePoint {
  /** Index of the session in the calendar. */
  session: number;
  date: string;
  point: TradePointKind;
  /** Epoch ms of the open or close. */
  at: number;
}

/** An ordered list of sessions with their open and close instants. */
export class SessionCalendar {
  readonly dates: readonly string[];
  readonly openMs: readonly number[];
  readonly closeMs: readonly number[];
  private readonly index: ReadonlyMap<string, number>;

  constructor(dates: Iterable<string>) {
    const sorted = [...new Set(dates)].sort();
    for (const d of sorted) parseDate(d);
    this.dates = sorted;
    this.openMs = sorted.map(sessionOpenMs);
    this.closeMs = sorted.map(sessionCloseMs);
    this.index = new Map(sorted.map((d, i) => [d, i]));
  }

  get length(): number {
    return this.dates.length;
  }

  indexOf(date: string): number | undefined {
    return this.index.get(date);
  }

  at(session: number, point: TradePointKind): number {
    const v = point === 'open' ? this.openMs[session] : this.closeMs[session];
    if (v === undefined) throw new CalendarError(`no session ${session} (calendar has ${this.length})`);
    return v;
  }

  /** The first trade point at or after `ms`; undefined after the last close. */
  tradePointOf(ms: number): TradePoint | undefined {
    // First session whose close is after ms.
    let lo = 0;
    let hi = this.closeMs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.closeMs[mid]! > ms) hi = mid;
      else lo = mid + 1;
    }
    if (lo >= this.closeMs.length) return undefined;
    const point: TradePointKind = ms < this.openMs[lo]! ? 'open' : 'close';
    return { session: lo, date: this.dates[lo]!, point, at: this.at(lo, point) };
  }

  /** Every trade point in time order: open and close of each session. */
  *tradePoints(): Generator<TradePoint> {
    for (let i = 0; i < this.dates.length; i++) {
      yield { session: i, date: this.dates[i]!, point: 'open', at: this.openMs[i]! };
      yield { session: i, date: this.dates[i]!, point: 'close', at: this.closeMs[i]! };
    }
  }
}
