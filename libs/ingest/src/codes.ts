import type { NewsItem } from '@himari/contracts';

/**
 * Why J8 refused a raw message. Stable machine-readable values: they become `Rejection.code` on the dead-letter
 * subject and a label on the rejection counter, so never rename one. Keys equal values, so that code reads exactly
 * like the dead letters it produces (`RejectCode.invalid_json`).
 */
export const RejectCode = {
  empty_message: 'empty_message',
  too_large: 'too_large',
  invalid_utf8: 'invalid_utf8',
  invalid_json: 'invalid_json',
  undecodable: 'undecodable',
  not_object: 'not_object',
  missing_id: 'missing_id',
  invalid_id: 'invalid_id',
  missing_text: 'missing_text',
  non_string_field: 'non_string_field',
  empty_text: 'empty_text',
  missing_asset: 'missing_asset',
  invalid_asset: 'invalid_asset',
  invalid_timestamp: 'invalid_timestamp',
  /** `published_at` further ahead of the receive time than the allowed skew (`ingest.max_future_skew_s`). */
  published_at_future: 'published_at_future',
  invalid_kind: 'invalid_kind',
  /** Never returned by `normaliseRaw`: the ingestor detects it against the store (`StoreKeys.ingestSeen`). */
  duplicate_id: 'duplicate_id',
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];
export const REJECT_CODES: readonly RejectCode[] = Object.values(RejectCode);

/** What normalisation did to an accepted item or noticed about it; recorded in `NewsItem.flags`. */
export const IngestFlag = {
  control_chars_stripped: 'control_chars_stripped',
  /** Zero-width characters, soft hyphens, Unicode tag characters: invisible to a reader, visible to a tokenizer. */
  invisible_chars_stripped: 'invisible_chars_stripped',
  /** Bidi overrides/isolates can make displayed text differ from what a model reads ("Trojan Source"). */
  bidi_controls_stripped: 'bidi_controls_stripped',
  /** Lone UTF-16 surrogates (possible in JSON `\ud800` escapes) were replaced with U+FFFD. */
  invalid_unicode_replaced: 'invalid_unicode_replaced',
  truncated: 'truncated',
  source_truncated: 'source_truncated',
  published_at_missing: 'published_at_missing',
  /** The text reads like instructions to a model. Kept (it is news), flagged so that the LLM stage can cap it. */
  possible_prompt_injection: 'possible_prompt_injection',
  /** The suspected injected span (its sentence to the end of the text) was removed before any scorer read it. */
  injected_span_removed: 'injected_span_removed',
} as const;
export type IngestFlag = (typeof IngestFlag)[keyof typeof IngestFlag];

export interface IngestOptions {
  /** Longer texts are cut (at a word boundary where possible) and flagged `truncated`. Counted in code points. */
  maxTextChars: number;
  /** Larger raw messages are rejected `too_large` before any parsing. */
  maxMessageBytes: number;
  /** `source` of items that name none. */
  defaultSource: string;
  /** A `published_at` further ahead of the receive time than this is rejected. @default DEFAULT_FUTURE_SKEW_MS (5 min) */
  maxFutureSkewMs?: number;
}

export interface IngestRejection {
  ok: false;
  code: RejectCode;
  /** For people reading the dead-letter subject: names the field and what was wrong with it. */
  reason: string;
  /** The item's id, when it was read and valid before the rejection. */
  newsId?: string;
}

export type IngestResult = { ok: true; item: NewsItem } | IngestRejection;

export function reject(code: RejectCode, reason: string, newsId?: string): IngestRejection {
  return newsId === undefined ? { ok: false, code, reason } : { ok: false, code, reason, newsId };
}

/** The rejection the ingestor dead-letters when the store says the id was already claimed. */
export function duplicateIdRejection(newsId: string): IngestRejection {
  return reject(RejectCode.duplicate_id, `id ${quote(newsId)} was already ingested`, newsId);
}

/** Bounded, escaped echo of untrusted input for reasons: never the whole payload, never raw control characters. */
export function quote(value: string, max = 40): string {
  return value.length > max ? `${JSON.stringify(value.slice(0, max))}…` : JSON.stringify(value);
}
