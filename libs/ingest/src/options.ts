import type { Config } from '@himari/config';
import type { IngestOptions } from './codes.ts';
import { hasControlChars } from './text.ts';

/** Longest `source` a NewsItem may carry (the schema's limit). */
export const MAX_SOURCE_CHARS = 128;

export class IngestOptionsError extends Error {
  override readonly name = 'IngestOptionsError';
  readonly retryable = false;
}

export function ingestOptionsFromConfig(ingest: Config['ingest']): IngestOptions {
  return assertIngestOptions({
    maxTextChars: ingest.max_text_chars,
    maxMessageBytes: ingest.max_message_bytes,
    defaultSource: ingest.default_source,
    maxFutureSkewMs: ingest.max_future_skew_s * 1000,
  });
}

/** Bad options are a deployment mistake, not bad input: they throw instead of rejecting every message. */
export function assertIngestOptions(opts: IngestOptions): IngestOptions {
  if (!Number.isSafeInteger(opts.maxTextChars) || opts.maxTextChars < 1) {
    throw new IngestOptionsError(`maxTextChars must be a positive integer, got ${String(opts.maxTextChars)}`);
  }
  if (!Number.isSafeInteger(opts.maxMessageBytes) || opts.maxMessageBytes < 1) {
    throw new IngestOptionsError(`maxMessageBytes must be a positive integer, got ${String(opts.maxMessageBytes)}`);
  }
  const skew = opts.maxFutureSkewMs;
  if (skew !== undefined && !(Number.isFinite(skew) && skew >= 0)) {
    throw new IngestOptionsError(`maxFutureSkewMs must be a non-negative number, got ${String(skew)}`);
  }
  const s = opts.defaultSource;
  if (typeof s !== 'string' || s.trim() === '' || s.length > MAX_SOURCE_CHARS || hasControlChars(s)) {
    throw new IngestOptionsError(`defaultSource must be 1-${MAX_SOURCE_CHARS} characters without control characters`);
  }
  return opts;
}
