/**
 * Values in the store are JSON strings in the design's contract (see ../shared CONTRACT, README "Redis layout"): the
 * TradingSignal as the schema outputs it (unknown keys dropped), except that `timestamp` is epoch SECONDS (float),
 * plus `timestamp_ms`, `published_ms`, `source_summary` and `cached_at` (epoch seconds of the write, appended by the
 * store itself). Readers in other languages need nothing but a JSON parser.
 */
import { EventCategory, formatIssues, Impact, SOURCE_SUMMARY_CHARS, TradingSignal } from '@himari/contracts';
import { SignalStoreError, type SignalView } from './types.ts';

export interface EncodedSignal {
  /** The record's JSON without its closing brace, ending in `"cached_at":`: the store appends the time of the write. */
  head: string;
  signal: TradingSignal;
  publishedMs: number;
}

export function encodeSignal(signal: TradingSignal): EncodedSignal {
  const parsed = TradingSignal.safeParse(signal);
  if (!parsed.success) {
    throw new SignalStoreError('invalid_signal', `signal ${idOf(signal)} fails the schema: ${formatIssues(parsed.error.issues)}`);
  }
  const s = parsed.data;
  const publishedMs = Date.parse(s.published_at);
  if (!Number.isFinite(publishedMs)) {
    throw new SignalStoreError('invalid_signal', `signal ${idOf(signal)} has an unreadable published_at ${JSON.stringify(s.published_at)}`);
  }
  const record = {
    ...s,
    timestamp: s.timestamp / 1000,
    timestamp_ms: s.timestamp,
    published_ms: publishedMs,
    // The design's reader requires the field; a signal drafted without the text says what it has.
    source_summary: s.source_summary ?? s.reasoning.slice(0, SOURCE_SUMMARY_CHARS),
  };
  const json = JSON.stringify(record);
  return { head: `${json.slice(0, -1)},"cached_at":`, signal: s, publishedMs };
}

/** `cached_at` as the Redis script writes it: `<seconds>.<microseconds, 6 digits>`. */
export function cachedAtText(nowMs: number): string {
  const ms = Math.floor(nowMs);
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

export function decodeSignal(json: string, where: string): TradingSignal {
  const raw = parseJson(json, where);
  const o = isRecord(raw) ? raw : {};
  // The stored `timestamp` is seconds (the design's unit); the TradingSignal's is ms, kept in `timestamp_ms`.
  const parsed = TradingSignal.safeParse({ ...o, timestamp: o['timestamp_ms'] });
  if (!parsed.success) {
    throw new SignalStoreError('corrupt_value', `${where} is not a stored TradingSignal: ${formatIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** The decision path's cheap decode: a full schema parse costs more than the Redis round trip it follows. */
export function decodeView(json: string, where: string): SignalView {
  const raw = parseJson(json, where);
  const o = isRecord(raw) ? raw : {};
  const event = isRecord(o['event']) ? o['event'] : {};
  const view = {
    id: o['id'],
    sentiment: o['sentiment'],
    confidence: o['confidence'],
    event_type: o['event_type'],
    cached_at: o['cached_at'],
    timestamp: o['timestamp'],
    published_ms: o['published_ms'],
    impact: event['impact'],
    half_life_s: event['half_life_s'],
  };
  if (
    typeof view.id !== 'string' ||
    !finiteIn(view.sentiment, -1, 1) ||
    !finiteIn(view.confidence, 0, 1) ||
    !finiteIn(view.cached_at, 0, Number.MAX_SAFE_INTEGER) ||
    !finiteIn(view.timestamp, 0, Number.MAX_SAFE_INTEGER) ||
    !finiteIn(view.published_ms, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) ||
    !finiteIn(view.half_life_s, Number.MIN_VALUE, Number.MAX_VALUE) ||
    !EventCategory.safeParse(view.event_type).success ||
    !Impact.safeParse(view.impact).success
  ) {
    throw new SignalStoreError('corrupt_value', `${where} lacks the fields the feature read needs`);
  }
  return view as SignalView;
}

/** The EWMA string (`GET <prefix>:sentiment:<asset>`); null for a missing key. */
export function decodeRunning(value: string | null, where: string): number | null {
  if (value === null || value === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new SignalStoreError('corrupt_value', `${where} is not a decimal float`);
  return n;
}

/** Both stores compute the EWMA with the same double arithmetic, so they agree to the last bit. */
export function nextEwma(prev: number | null, sentiment: number, alpha: number): number {
  return prev === null ? sentiment : alpha * sentiment + (1 - alpha) * prev;
}

function parseJson(json: string, where: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (err) {
    throw new SignalStoreError('corrupt_value', `${where} is not JSON`, { cause: err });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteIn(v: unknown, lo: number, hi: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
}

function idOf(signal: unknown): string {
  const id = isRecord(signal) ? signal['id'] : undefined;
  return typeof id === 'string' ? JSON.stringify(id.slice(0, 80)) : '(no id)';
}

const REGIME_RE = /^[A-Za-z0-9_./ -]{1,64}$/;

/** Checks a regime and its TTL before they are stored; returns the TTL in whole seconds (0: no expiry). */
export function checkRegime(regime: string, ttlS: number | undefined): number {
  if (!REGIME_RE.test(regime) || regime.trim() === '') {
    throw new SignalStoreError(
      'invalid_regime',
      `invalid regime ${JSON.stringify(regime.slice(0, 80))}: 1-64 characters of letters, digits, _ - . / and spaces`,
    );
  }
  const ttl = ttlS ?? 0;
  if (!Number.isInteger(ttl) || ttl < 0)
    throw new SignalStoreError('invalid_regime', `regime TTL must be a whole number of seconds >= 0, got ${ttlS}`);
  return ttl;
}
