import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sharedDataPath } from '@himari/config/testing';
import { NewsItem } from '@himari/contracts';
import { IngestFlag, RejectCode, normaliseRaw, type IngestResult } from './index.ts';
import { TEST_INGEST_OPTIONS } from './testing.ts';

// The shipped sample streams (samples/README.md) must stay what their documentation says they are.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NOW = Date.UTC(2022, 5, 14, 20, 0);

function lines(rel: string): string[] {
  const body = readFileSync(ROOT + rel, 'utf8');
  expect(body.endsWith('\n')).toBe(true);
  return body.slice(0, -1).split('\n');
}

function ingest(line: string): IngestResult {
  return normaliseRaw(new TextEncoder().encode(line), TEST_INGEST_OPTIONS, NOW);
}

describe('samples/news.jsonl', () => {
  const news = lines('samples/news.jsonl');

  it('has a few hundred items, every one accepted by J8 with a unique id and no flags', () => {
    expect(news.length).toBeGreaterThanOrEqual(300);
    expect(news.length).toBeLessThanOrEqual(500);
    const ids = new Set<string>();
    for (const line of news) {
      const r = ingest(line);
      if (!r.ok) throw new Error(`${r.code}: ${r.reason}`);
      const item = NewsItem.parse(r.item);
      expect(item.flags).toEqual([]);
      expect([item.kind, item.source]).toEqual(['social', 'twitter:tfns']);
      expect(item.id).toMatch(/^tfns-train-\d+$/);
      ids.add(item.id);
    }
    expect(ids.size).toBe(news.length);
  });

  it('carries no label and only the documented fields, in publish order over one session', () => {
    let last = '';
    for (const line of news) {
      const raw = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(raw)).toEqual(['id', 'text', 'asset', 'source', 'kind', 'published_at']);
      const at = String(raw.published_at);
      expect(at >= '2022-06-14T13:30:00.000Z' && at < '2022-06-14T20:00:00.000Z', at).toBe(true);
      expect(at >= last).toBe(true);
      last = at;
      // The asset is a cashtag of the text itself.
      expect(String(raw.text).toUpperCase()).toContain(`$${String(raw.asset)}`);
    }
  });
});

describe('samples/bad-input.jsonl', () => {
  /** Line by line, what J8 does; `duplicate_id` on the 5th line is the ingestor's call (store), not normaliseRaw's. */
  const expected: (RejectCode | { flags: string[]; truncated?: boolean })[] = [
    RejectCode.invalid_json,
    RejectCode.empty_text,
    RejectCode.missing_id,
    { flags: [] },
    { flags: [] },
    RejectCode.non_string_field,
    RejectCode.invalid_asset,
    { flags: [IngestFlag.truncated], truncated: true },
    { flags: [IngestFlag.possible_prompt_injection, IngestFlag.injected_span_removed] },
    { flags: [IngestFlag.control_chars_stripped, IngestFlag.invisible_chars_stripped, IngestFlag.bidi_controls_stripped] },
    RejectCode.empty_message,
    RejectCode.not_object,
    RejectCode.invalid_timestamp,
    RejectCode.invalid_kind,
  ];

  it('each line gets its documented outcome', () => {
    const bad = lines('samples/bad-input.jsonl');
    expect(bad).toHaveLength(expected.length);
    bad.forEach((line, i) => {
      const r = ingest(line);
      const want = expected[i];
      if (typeof want === 'string') {
        expect(r.ok ? 'accepted' : r.code, `line ${i + 1}`).toBe(want);
      } else {
        if (!r.ok) throw new Error(`line ${i + 1}: ${r.code}: ${r.reason}`);
        expect(r.item.flags, `line ${i + 1}`).toEqual(want?.flags);
        expect(r.item.truncated).toBe(want?.truncated ?? false);
      }
    });
    const ids = bad.slice(3, 5).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids[0]).toBe(ids[1]);
  });
});

const DATA = sharedDataPath('twitter_financial_news_sentiment/train.csv');

describe.skipIf(!existsSync(DATA))('samples are fresh', () => {
  it('tools/build-samples.ts --check finds the files up to date', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'tools/build-samples.ts', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toContain('400 chosen');
  });
});
