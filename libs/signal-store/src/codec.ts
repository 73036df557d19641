/**
 * Values in the store are JSON strings of the TradingSignal exactly as the schema outputs it (unknown keys dropped),
 * so that readers in other languages need nothing but a JSON parser.
 */
import { formatIssues, Impact, TradingSignal } from '@himari/contracts';
import { SignalStoreError, type SentimentState, type SignalView } from './types.ts';

export function encodeSignal(signal: TradingSignal): { json: string; signal: TradingSignal } {
  const parsed = TradingSignal.safeParse(signal);
  if (!parsed.success) {
    throw new SignalStoreError('invalid_signal', `signal ${idOf(signal)} fails the schema: ${formatIssues(parsed.error.issues)}`);
  }
  return { json: JSON.stringify(parsed.data), signal: parsed.data };
}

export function decodeSignal(json: string, where: string): TradingSignal {
  const parsed = TradingSignal.safeParse(parseJson(json, where));
  if (!parsed.success) {
    throw new SignalStoreError('corrupt_value', `${where} is not a TradingSignal: ${formatIssues(parsed.error.issues)}`);
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
    timestamp: o['timestamp'],
    impact: event['impact'],
    half_life_s: event['half_life_s'],
  };
  if (
    typeof view.id !== 'string' ||
    !finiteIn(view.sentiment, -1, 1) ||
    !finiteIn(view.confidence, 0, 1) ||
    !finiteIn(view.timestamp, 0, Number.MAX_SAFE_INTEGER) ||
    !finiteIn(view.half_life_s, Number.MIN_VALUE, Number.MAX_VALUE) ||
    !Impact.safeParse(view.impact).success
  ) {
    throw new SignalStoreError('corrupt_value', `${where} lacks the fields the feature read needs`);
  }
  return view as SignalView;
}

/** An empty hash (HGETALL of a missing key) is "no EWMA yet". */
export function decodeSentiment(hash: Readonly<Record<string, string>>, where: string): SentimentState | null {
  if (Object.keys(hash).length === 0) return null;
  const state = { value: Number(hash['value']), count: Number(hash['count']), updated_ms: Number(hash['updated_ms']) };
  if (!Number.isFinite(state.value) || !Number.isInteger(state.count) || !Number.isFinite(state.updated_ms)) {
    throw new SignalStoreError('corrupt_value', `${where} is not an EWMA hash {value, count, updated_ms}`);
  }
  return state;
}

/** Both stores compute the EWMA with the same double arithmetic, so they agree to the last bit. */
export function nextEwma(prev: number | null, sentiment: number, alpha: number): number {
  return prev === null ? sentiment : alpha * sentiment + (1 - alpha) * prev;
}

function parseJson(json: string, where: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new SignalStoreError('corrupt_value', `${where} is not JSON`);
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
