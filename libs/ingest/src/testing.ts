/** Fixture builders for tests of J8 and of the actors that consume its output. */
import { encode } from '@himari/contracts';
import type { IngestOptions } from './codes.ts';

/** The config defaults (`ingest.*`), so that tests exercise the limits a deployment gets. */
export const TEST_INGEST_OPTIONS: IngestOptions = Object.freeze({
  maxTextChars: 20_000,
  maxMessageBytes: 1_048_576,
  defaultSource: 'unknown',
});

/** A fixed receive time: 2024-03-01T12:00:00.000Z. */
export const TEST_NOW_MS = Date.UTC(2024, 2, 1, 12, 0, 0);

/** A raw producer object that `normaliseRaw` accepts; override or delete (`undefined`) any field. */
export function rawItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: 'n-1',
    text: 'Bitcoin climbs 5% after ETF inflows reach a record',
    asset: 'BTC',
    source: 'test-feed',
    published_at: '2024-03-01T11:59:00Z',
    kind: 'news',
  };
  const out: Record<string, unknown> = { ...base, ...overrides };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function msgpackBytes(value: unknown): Uint8Array {
  return encode(value);
}
