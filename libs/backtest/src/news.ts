/**
 * The backtest's input: the pipeline's news JSON lines (`{id, text, asset, source?, kind?, published_at}`), read
 * whole and put in time order. A line without a readable `published_at` cannot be placed in time, so it is left out
 * and counted; everything else goes to the pipeline as the exact bytes of its line.
 */
import { readFile } from 'node:fs/promises';

export interface NewsLine {
  /** 1-based line number in the file. */
  line: number;
  id: string;
  asset: string;
  text: string;
  publishedMs: number;
  /** The line as the producer wrote it: what the ingestor receives. */
  bytes: Uint8Array;
}

export interface NewsReadResult {
  items: NewsLine[];
  /** Lines left out before the pipeline: `no_time` (missing or unreadable published_at) or `not_json`. */
  skipped: { line: number; code: 'no_time' | 'not_json' }[];
}

const encoder = new TextEncoder();

export function parseNewsJsonl(text: string): NewsReadResult {
  const items: NewsLine[] = [];
  const skipped: NewsReadResult['skipped'] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    let obj: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(line);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      obj = v as Record<string, unknown>;
    } catch {
      skipped.push({ line: i + 1, code: 'not_json' });
      return;
    }
    const p = obj['published_at'];
    const ms = typeof p === 'string' ? Date.parse(p) : typeof p === 'number' ? (p < 1e11 ? p * 1000 : p) : NaN;
    if (!Number.isFinite(ms)) {
      skipped.push({ line: i + 1, code: 'no_time' });
      return;
    }
    items.push({
      line: i + 1,
      id: typeof obj['id'] === 'string' ? obj['id'] : '',
      asset: typeof obj['asset'] === 'string' ? obj['asset'].trim().replace(/^\$/, '').toUpperCase() : '',
      text: typeof obj['text'] === 'string' ? obj['text'] : '',
      publishedMs: ms,
      bytes: encoder.encode(line),
    });
  });
  // Stable: items published at the same instant keep their file order.
  items.sort((a, b) => a.publishedMs - b.publishedMs || a.line - b.line);
  return { items, skipped };
}

export async function readNews(path: string): Promise<NewsReadResult> {
  return parseNewsJsonl(await readFile(path, 'utf8'));
}
