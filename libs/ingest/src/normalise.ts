import { InvalidAssetError, NewsKind, normaliseAsset, type NewsItem } from '@himari/contracts';
import { IngestFlag, RejectCode, quote, reject, type IngestOptions, type IngestRejection, type IngestResult } from './codes.ts';
import { decodeObject } from './decode.ts';
import { scrubPromptInjection } from './injection.ts';
import { assertIngestOptions, IngestOptionsError, MAX_SOURCE_CHARS } from './options.ts';
import { cleanText, hasControlChars, hasLoneSurrogates, truncateAtWord, truncateUnits } from './text.ts';
import { DEFAULT_FUTURE_SKEW_MS, describeType, parsePublishedAt } from './timestamp.ts';

/** Longest id a NewsItem may carry (the schema's limit); ids end up in Redis keys and dedupe ids. */
export const MAX_ID_CHARS = 256;

type Read<T> = { ok: true; value: T } | IngestRejection;

/**
 * J8: turns one raw message from an external producer into a NewsItem, or says precisely why not. Never throws on
 * any input bytes; throws IngestOptionsError only for bad options or a bad `nowMs` (a caller's bug).
 * Duplicate ids are not detected here: that needs the store (see `duplicateIdRejection`).
 */
export function normaliseRaw(bytes: Uint8Array, opts: IngestOptions, nowMs: number): IngestResult {
  assertIngestOptions(opts);
  assertNow(nowMs);
  if (bytes.length === 0) return reject(RejectCode.empty_message, 'the message is empty (0 bytes)');
  // Before parsing: a huge message must not cost a parse to refuse.
  if (bytes.length > opts.maxMessageBytes) {
    return reject(RejectCode.too_large, `the message is ${bytes.length} bytes, over the limit of ${opts.maxMessageBytes}`);
  }
  const decoded = decodeObject(bytes);
  if (!decoded.ok) return decoded;
  return normaliseObject(decoded.value, opts, nowMs);
}

/** The field checks and clean-up of `normaliseRaw`, for callers that already hold a decoded object. */
export function normaliseObject(obj: Record<string, unknown>, opts: IngestOptions, nowMs: number): IngestResult {
  const id = readId(field(obj, 'id'));
  if (!id.ok) return id;
  const newsId = id.value;
  const flags: string[] = [];

  const text = readText(field(obj, 'text'), opts.maxTextChars, flags, newsId);
  if (!text.ok) return text;
  const asset = readAsset(field(obj, 'asset'), newsId);
  if (!asset.ok) return asset;
  const source = readSource(field(obj, 'source'), opts.defaultSource, flags, newsId);
  if (!source.ok) return source;
  const kind = readKind(field(obj, 'kind'), newsId);
  if (!kind.ok) return kind;
  const publishedAt = readPublishedAt(field(obj, 'published_at'), nowMs, opts.maxFutureSkewMs ?? DEFAULT_FUTURE_SKEW_MS, flags, newsId);
  if (!publishedAt.ok) return publishedAt;

  // No scorer or model ever reads a suspected injected span; the flag makes every later stage cap the item.
  const scrubbed = scrubPromptInjection(text.value.text);
  if (scrubbed.patterns.length > 0) {
    flags.push(IngestFlag.possible_prompt_injection);
    if (scrubbed.text !== text.value.text) flags.push(IngestFlag.injected_span_removed);
  }
  const item: NewsItem = {
    v: 1,
    id: newsId,
    text: scrubbed.text,
    asset: asset.value,
    source: source.value,
    kind: kind.value,
    published_at: publishedAt.value,
    received_at: nowMs,
    truncated: text.value.truncated,
    original_chars: text.value.originalChars,
    flags,
  };
  return { ok: true, item };
}

function assertNow(nowMs: number): void {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) {
    throw new IngestOptionsError(`nowMs must be a non-negative integer epoch in ms, got ${String(nowMs)}`);
  }
}

/** Own properties only: `{"__proto__": ...}` or inherited names must not count as fields. */
function field(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

function readId(raw: unknown): Read<string> {
  if (isAbsent(raw)) return reject(RejectCode.missing_id, 'field "id" is missing');
  if (typeof raw !== 'string') return reject(RejectCode.invalid_id, `field "id" must be a string, got ${describeType(raw)}`);
  if (raw.trim() === '') return reject(RejectCode.invalid_id, 'field "id" is empty');
  if (raw.length > MAX_ID_CHARS) {
    return reject(RejectCode.invalid_id, `field "id" is ${raw.length} characters, over the limit of ${MAX_ID_CHARS}`);
  }
  if (hasControlChars(raw)) return reject(RejectCode.invalid_id, `field "id" ${quote(raw)} contains control characters`);
  if (hasLoneSurrogates(raw)) return reject(RejectCode.invalid_id, 'field "id" contains invalid Unicode (a lone surrogate)');
  return { ok: true, value: raw };
}

interface TextValue {
  text: string;
  truncated: boolean;
  originalChars: number;
}

function readText(raw: unknown, maxChars: number, flags: string[], newsId: string): Read<TextValue> {
  if (isAbsent(raw)) return reject(RejectCode.missing_text, 'field "text" is missing', newsId);
  if (typeof raw !== 'string') return nonString('text', raw, newsId);
  const cleaned = cleanText(raw);
  if (cleaned.text === '') {
    const why = raw === '' ? 'is empty' : 'is empty after removing control, invisible and whitespace characters';
    return reject(RejectCode.empty_text, `field "text" ${why}`, newsId);
  }
  if (cleaned.invalidUnicodeReplaced) flags.push(IngestFlag.invalid_unicode_replaced);
  if (cleaned.controlCharsStripped) flags.push(IngestFlag.control_chars_stripped);
  if (cleaned.invisibleCharsStripped) flags.push(IngestFlag.invisible_chars_stripped);
  if (cleaned.bidiControlsStripped) flags.push(IngestFlag.bidi_controls_stripped);
  const cut = truncateAtWord(cleaned.text, maxChars);
  if (cut.truncated) flags.push(IngestFlag.truncated);
  return { ok: true, value: { text: cut.text, truncated: cut.truncated, originalChars: cut.originalChars } };
}

function readAsset(raw: unknown, newsId: string): Read<string> {
  if (isAbsent(raw)) return reject(RejectCode.missing_asset, 'field "asset" is missing', newsId);
  if (typeof raw !== 'string') return nonString('asset', raw, newsId);
  // normaliseAsset trims, which would quietly accept "BTC\r\n": a line break in a key-bound field is refused outright.
  if (hasControlChars(raw)) {
    return reject(RejectCode.invalid_asset, `field "asset" ${quote(raw)} contains control characters (e.g. CR/LF)`, newsId);
  }
  try {
    return { ok: true, value: normaliseAsset(raw) };
  } catch (err) {
    if (err instanceof InvalidAssetError) return reject(RejectCode.invalid_asset, `field "asset": ${err.message}`, newsId);
    throw err;
  }
}

function readSource(raw: unknown, defaultSource: string, flags: string[], newsId: string): Read<string> {
  if (isAbsent(raw)) return { ok: true, value: defaultSource };
  if (typeof raw !== 'string') return nonString('source', raw, newsId);
  const cleaned = cleanText(raw, true).text;
  if (cleaned === '') return { ok: true, value: defaultSource };
  const cut = truncateUnits(cleaned, MAX_SOURCE_CHARS);
  if (cut !== cleaned) flags.push(IngestFlag.source_truncated);
  return { ok: true, value: cut };
}

function readKind(raw: unknown, newsId: string): Read<NewsKind> {
  if (isAbsent(raw)) return { ok: true, value: 'news' };
  if (typeof raw !== 'string') return nonString('kind', raw, newsId);
  const parsed = NewsKind.safeParse(raw.trim().toLowerCase());
  if (!parsed.success) {
    return reject(RejectCode.invalid_kind, `field "kind" must be one of ${NewsKind.options.join(', ')}, got ${quote(raw)}`, newsId);
  }
  return { ok: true, value: parsed.data };
}

function readPublishedAt(raw: unknown, nowMs: number, skewMs: number, flags: string[], newsId: string): Read<string> {
  if (isAbsent(raw) || raw === '') {
    flags.push(IngestFlag.published_at_missing);
    return { ok: true, value: new Date(nowMs).toISOString() };
  }
  const parsed = parsePublishedAt(raw);
  if (!parsed.ok) return reject(RejectCode.invalid_timestamp, `field "published_at": ${parsed.why}`, newsId);
  if (parsed.ms > nowMs + skewMs) {
    const ahead = Math.round((parsed.ms - nowMs) / 1000);
    return reject(
      RejectCode.published_at_future,
      `field "published_at" ${new Date(parsed.ms).toISOString()} is ${ahead} s ahead of the receive time (allowed: ${skewMs / 1000} s)`,
      newsId,
    );
  }
  return { ok: true, value: new Date(parsed.ms).toISOString() };
}

function nonString(name: string, raw: unknown, newsId: string): IngestRejection {
  return reject(RejectCode.non_string_field, `field "${name}" must be a string, got ${describeType(raw)}`, newsId);
}
