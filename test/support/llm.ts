/**
 * Shared by the tests that run the tiny llama GGUF (tools/tiny-gguf) through a real engine, directly or behind an
 * OpenAI-compatible server: the sample news, the signal schema they generate under, and the tally of what J6 made
 * of each answer.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScoredNews } from '@himari/drafting/testing';
import type { NewsItem } from '@himari/contracts';
import { buildOptPrompt, signalOutputSchema, type TextGenerator } from '@himari/llm';
import { parseModelOutput } from '@himari/structured-output';
import { ROOT } from './env.ts';

/** The event class is not under test here: one fixed class keeps these tests independent of J7's model. */
export const FIXED_EVENT = makeScoredNews().event;
export const N = 100;
export const schema = signalOutputSchema({ maxReasoningChars: 40, maxListItems: 2, maxItemChars: 12 });

/** A fresh folder for the GGUF files a test writes. */
export function tinyModelDir(): string {
  return mkdtempSync(join(tmpdir(), 'himari-llm-'));
}

/** The first `n` items of samples/news.jsonl as ingested news (asset normalised, a fixed receive clock). */
export function readSampleNews(n: number): NewsItem[] {
  return readFileSync(join(ROOT, 'samples/news.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, n)
    .map((l, i) => {
      const r = JSON.parse(l) as { id: string; text: string; asset: string; source: string; published_at: string };
      return {
        v: 1,
        id: r.id,
        text: r.text,
        asset: r.asset.replace(/^\$/, '').toUpperCase(),
        source: r.source,
        kind: 'social',
        published_at: r.published_at,
        received_at: 1_700_000_000_000 + i,
        truncated: false,
        original_chars: r.text.length,
        flags: [],
      };
    });
}

export const samples: NewsItem[] = readSampleNews(N);

export interface Tally {
  valid: number;
  clamped: number;
  directions: Record<string, number>;
  failures: string[];
}

/** Generates one answer per sample under the signal schema and counts what J6 could parse and validate. */
export async function generateAll(gen: TextGenerator): Promise<Tally> {
  const t: Tally = { valid: 0, clamped: 0, directions: {}, failures: [] };
  await Promise.all(
    samples.map(async (news, i) => {
      const prompt = buildOptPrompt({ news, format: 'json', maxInputChars: 400, maxReasoningChars: 40 });
      const r = await gen.generate({ messages: prompt.messages, maxTokens: 400, temperature: 0.9, schema, seed: i });
      const p = parseModelOutput(r.text);
      if (!p.ok) {
        t.failures.push(`${p.code}: ${p.reason} <- ${JSON.stringify(r.text.slice(0, 200))}`);
        return;
      }
      t.valid++;
      if (p.repairs.some((x) => x.startsWith('clamped:'))) t.clamped++;
      t.directions[p.value.direction] = (t.directions[p.value.direction] ?? 0) + 1;
    }),
  );
  return t;
}
