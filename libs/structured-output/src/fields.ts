/**
 * Field validation: from a loosely-typed object to an ExtractedSignal, or a reason why not.
 *
 * Sentiment, confidence and direction must be present and readable, or the output is invalid; nothing here ever
 * invents a direction. Fixable deviations (an alias key, "85%", a number as a string, an out-of-range number,
 * "bullish") become repairs; a missing optional field becomes a warning and a documented default.
 */
import type { Magnitude, Timeframe } from '@himari/contracts';
import { ExtractedSignal, MAX_REASONING_CHARS, type SignalDirection } from './schema.ts';

/** Used when the model gave no readable timeframe: a conservative middle; the caller sees `missing:timeframe`. */
export const DEFAULT_TIMEFRAME: Timeframe = 'short_term';
/** Used when the model gave no readable magnitude: the smallest, so a default never enlarges a position. */
export const DEFAULT_MAGNITUDE: Magnitude = 'low';
/** |sentiment| beyond this against the direction is a contradiction the caller should flag. */
export const CONFLICT_THRESHOLD = 0.1;
const MAX_LIST_ITEMS = 32;
const MAX_ITEM_CHARS = 200;

export type FieldResult =
  { ok: true; value: ExtractedSignal; repairs: string[]; warnings: string[] } | { ok: false; reason: string; repairs: string[] };

type Field = keyof ExtractedSignal;

/** Normalised spelling (lower case, no separators) → field. Exact field names map to themselves. */
const ALIASES: Readonly<Record<string, Field>> = {
  sentiment: 'sentiment',
  sentimentscore: 'sentiment',
  confidence: 'confidence',
  confidencescore: 'confidence',
  conf: 'confidence',
  direction: 'direction',
  action: 'direction',
  signal: 'direction',
  recommendation: 'direction',
  side: 'direction',
  reasoning: 'reasoning',
  reason: 'reasoning',
  rationale: 'reasoning',
  explanation: 'reasoning',
  entities: 'entities',
  entity: 'entities',
  events: 'events',
  event: 'events',
  eventtypes: 'events',
  timeframe: 'timeframe',
  horizon: 'timeframe',
  timehorizon: 'timeframe',
  magnitude: 'magnitude',
  size: 'magnitude',
};

const DIRECTION_WORDS: Readonly<Record<string, SignalDirection>> = {
  buy: 'BUY',
  bullish: 'BUY',
  long: 'BUY',
  'go long': 'BUY',
  'strong buy': 'BUY',
  sell: 'SELL',
  bearish: 'SELL',
  short: 'SELL',
  'go short': 'SELL',
  'strong sell': 'SELL',
  hold: 'HOLD',
  neutral: 'HOLD',
  flat: 'HOLD',
};

const TIMEFRAME_WORDS: Readonly<Record<string, Timeframe>> = {
  intraday: 'intraday',
  intra_day: 'intraday',
  immediate: 'intraday',
  hours: 'intraday',
  today: 'intraday',
  short_term: 'short_term',
  short: 'short_term',
  shortterm: 'short_term',
  days: 'short_term',
  medium_term: 'medium_term',
  medium: 'medium_term',
  mid_term: 'medium_term',
  midterm: 'medium_term',
  weeks: 'medium_term',
  long_term: 'long_term',
  long: 'long_term',
  longterm: 'long_term',
  months: 'long_term',
};

const MAGNITUDE_WORDS: Readonly<Record<string, Magnitude>> = {
  low: 'low',
  small: 'low',
  minor: 'low',
  medium: 'medium',
  moderate: 'medium',
  mid: 'medium',
  high: 'high',
  large: 'high',
  major: 'high',
  significant: 'high',
};

/** Own-property lookup: model text must never reach Object.prototype (`constructor`, `toString`). */
function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

class Invalid extends Error {
  override readonly name = 'InvalidField';
}

/** True when the object names at least one required field: worth reporting its failure over other candidates'. */
export function looksLikeSignal(obj: Record<string, unknown>): boolean {
  return Object.entries(obj).some(([k, v]) => {
    const f = lookup(ALIASES, normKey(k));
    // `{"signal": {...}}` is a wrapper, not a direction.
    if (typeof v === 'object' && v !== null) return false;
    return f === 'sentiment' || f === 'confidence' || f === 'direction';
  });
}

/**
 * `textual`: the values came from the line format, where every value is text: reading "0.7" as a number is then no
 * repair.
 */
export function validateFields(raw: Record<string, unknown>, opts: { textual?: boolean } = {}): FieldResult {
  const repairs: string[] = [];
  const warnings: string[] = [];
  const fields = resolveKeys(raw, repairs, warnings);
  try {
    const sentiment = readNumber('sentiment', fields.get('sentiment'), -1, 1, repairs, opts.textual === true);
    const confidence = readNumber('confidence', fields.get('confidence'), 0, 1, repairs, opts.textual === true);
    const direction = readDirection(fields.get('direction'), repairs);
    const value: ExtractedSignal = {
      sentiment,
      confidence,
      direction,
      reasoning: readReasoning(fields.get('reasoning'), repairs, warnings),
      entities: readList('entities', fields.get('entities'), repairs, warnings),
      events: readList('events', fields.get('events'), repairs, warnings),
      timeframe: readEnum('timeframe', fields.get('timeframe'), TIMEFRAME_WORDS, DEFAULT_TIMEFRAME, repairs, warnings),
      magnitude: readEnum('magnitude', fields.get('magnitude'), MAGNITUDE_WORDS, DEFAULT_MAGNITUDE, repairs, warnings),
    };
    if ((direction === 'BUY' && sentiment < -CONFLICT_THRESHOLD) || (direction === 'SELL' && sentiment > CONFLICT_THRESHOLD)) {
      warnings.push('direction_sentiment_conflict');
    }
    const checked = ExtractedSignal.safeParse(value);
    if (!checked.success) return { ok: false, reason: `schema: ${checked.error.issues[0]?.message ?? 'invalid'}`, repairs };
    return { ok: true, value: checked.data, repairs, warnings };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message, repairs };
    throw err;
  }
}

function normKey(k: string): string {
  return k.toLowerCase().replace(/[\s_-]/g, '');
}

/** The first key naming each field wins, an exact name before an alias. Unknown keys are reported, not fatal. */
function resolveKeys(raw: Record<string, unknown>, repairs: string[], warnings: string[]): Map<Field, unknown> {
  const out = new Map<Field, unknown>();
  const extra: string[] = [];
  const keys = Object.keys(raw);
  const isExact = (k: string): boolean => lookup(ALIASES, k) === k;
  const exactFirst = [...keys.filter(isExact), ...keys.filter((k) => !isExact(k))];
  for (const k of exactFirst) {
    const field = lookup(ALIASES, normKey(k));
    if (field === undefined) {
      extra.push(k);
      continue;
    }
    if (out.has(field)) continue;
    // A nested object under `signal` is a wrapper, not a direction; the caller unwraps those.
    if (field === 'direction' && k !== 'direction' && typeof raw[k] === 'object' && raw[k] !== null) continue;
    out.set(field, raw[k]);
    if (k !== field) repairs.push(`key_alias:${field}`);
  }
  if (extra.length > 0)
    warnings.push(
      `extra_keys:${extra
        .slice(0, 5)
        .map((k) => k.slice(0, 32))
        .join(',')}`,
    );
  return out;
}

const PERCENT = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*%$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ANNOTATED = /^([+-]?(?:\d+\.?\d*|\.\d+))\s*(%)?\s*(?:\([^()]*\)|[-\u2013\u2014:,;]\s.*)$/;

function readNumber(field: Field, v: unknown, lo: number, hi: number, repairs: string[], textual: boolean): number {
  if (v === undefined || v === null) throw new Invalid(`missing ${field}`);
  let n: number;
  if (typeof v === 'number') {
    n = v;
  } else if (typeof v === 'string') {
    const s = v.trim();
    const pct = PERCENT.exec(s);
    if (pct) {
      n = Number(pct[1]) / 100;
      repairs.push(`percent:${field}`);
    } else if (NUMBER.test(s)) {
      n = Number(s);
      if (!textual) repairs.push(`string_number:${field}`);
    } else if (ANNOTATED.test(s)) {
      // "0.85 (high)", "70% - strong beat": the number is there, the rest is commentary.
      const m = ANNOTATED.exec(s)!;
      n = Number(m[1]) / (m[2] !== undefined ? 100 : 1);
      repairs.push(`annotated_number:${field}`);
    } else {
      throw new Invalid(`unparseable ${field}: ${show(v)}`);
    }
  } else {
    throw new Invalid(`unparseable ${field}: ${show(v)}`);
  }
  if (!Number.isFinite(n)) throw new Invalid(`unparseable ${field}: ${show(v)} is not finite`);
  if (n < lo || n > hi) {
    repairs.push(`clamped:${field}`);
    n = Math.min(hi, Math.max(lo, n));
  }
  return n;
}

function readDirection(v: unknown, repairs: string[]): SignalDirection {
  if (v === undefined || v === null) throw new Invalid('missing direction');
  if (typeof v === 'number') {
    if (v === 1 || v === -1 || v === 0) {
      repairs.push('direction_numeric');
      return v === 1 ? 'BUY' : v === -1 ? 'SELL' : 'HOLD';
    }
    throw new Invalid(`unparseable direction: ${show(v)}`);
  }
  if (typeof v !== 'string') throw new Invalid(`unparseable direction: ${show(v)}`);
  if (v === 'BUY' || v === 'SELL' || v === 'HOLD') return v;
  const lower = v.toLowerCase();
  const bare = lower.replace(/\s*(?:\([^()]*\)|[-\u2013\u2014:,;]\s.*)$/, '');
  const word = bare
    .replace(/[*_"'.!`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const mapped = lookup(DIRECTION_WORDS, word);
  if (mapped === undefined) throw new Invalid(`unparseable direction: ${show(v)}`);
  if (bare !== lower) repairs.push('direction_annotated');
  if (word !== mapped.toLowerCase()) repairs.push('direction_synonym');
  else if (bare === lower && word.toUpperCase() !== v) repairs.push('direction_case');
  return mapped;
}

function readReasoning(v: unknown, repairs: string[], warnings: string[]): string {
  if (v === undefined || v === null) {
    warnings.push('missing:reasoning');
    return '';
  }
  let s: string;
  if (typeof v === 'string') s = v.trim();
  else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    s = v.join(' ').trim();
    repairs.push('joined:reasoning');
  } else {
    warnings.push('invalid:reasoning');
    return '';
  }
  if (s.length > MAX_REASONING_CHARS) {
    repairs.push('truncated:reasoning');
    s = s.slice(0, MAX_REASONING_CHARS);
  }
  return s;
}

function readList(field: 'entities' | 'events', v: unknown, repairs: string[], warnings: string[]): string[] {
  if (v === undefined || v === null) {
    warnings.push(`missing:${field}`);
    return [];
  }
  let items: unknown[];
  if (Array.isArray(v)) items = v;
  else if (typeof v === 'string') {
    items = v.split(/[,;]/);
    repairs.push(`string_to_array:${field}`);
  } else {
    warnings.push(`invalid:${field}`);
    return [];
  }
  const out: string[] = [];
  let dropped = false;
  for (const item of items) {
    if (typeof item !== 'string') {
      dropped = true;
      continue;
    }
    const s = item.trim().slice(0, MAX_ITEM_CHARS);
    if (s !== '' && !out.includes(s)) out.push(s);
  }
  if (dropped) warnings.push(`dropped_items:${field}`);
  if (out.length > MAX_LIST_ITEMS) {
    repairs.push(`capped:${field}`);
    out.length = MAX_LIST_ITEMS;
  }
  return out;
}

function readEnum<T extends string>(
  field: 'timeframe' | 'magnitude',
  v: unknown,
  words: Readonly<Record<string, T>>,
  fallback: T,
  repairs: string[],
  warnings: string[],
): T {
  if (v === undefined || v === null) {
    warnings.push(`missing:${field}`);
    return fallback;
  }
  if (typeof v === 'string') {
    const key = v
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_');
    const mapped = lookup(words, key);
    if (mapped !== undefined) {
      if (mapped !== v) repairs.push(`enum_synonym:${field}`);
      return mapped;
    }
  }
  warnings.push(`invalid:${field}`);
  return fallback;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? typeof v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
