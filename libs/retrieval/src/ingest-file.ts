/**
 * `himari rag ingest FILE`: the same JSON lines `himari run` reads ({id, text, asset, source?, kind?,
 * published_at?}), validated and normalised by J8's rules, stored by J3 with their novelty.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ingestOptionsFromConfig, normaliseRaw } from '@himari/ingest';
import type { Config } from '@himari/config';
import type { RetrievalService } from './service.ts';

export interface IngestFileSummary {
  lines: number;
  stored: number;
  known: number;
  expired: number;
  invalid: number;
  duplicates: number;
  elapsedMs: number;
}

export interface IngestFileOptions {
  service: RetrievalService;
  input: Readable;
  ingest: Config['ingest'];
  clock?: () => number;
  onInvalid?: (r: { line: number; code: string; reason: string; id?: string }) => void;
  onProgress?: (s: IngestFileSummary) => void;
}

export async function ingestLines(opts: IngestFileOptions): Promise<IngestFileSummary> {
  const started = performance.now();
  const clock = opts.clock ?? Date.now;
  const ingestOpts = ingestOptionsFromConfig(opts.ingest);
  const s: IngestFileSummary = { lines: 0, stored: 0, known: 0, expired: 0, invalid: 0, duplicates: 0, elapsedMs: 0 };
  let n = 0;
  for await (const line of createInterface({ input: opts.input, crlfDelay: Infinity })) {
    n += 1;
    if (!line.trim()) continue;
    s.lines += 1;
    const r = normaliseRaw(Buffer.from(line, 'utf8'), ingestOpts, clock());
    if (!r.ok) {
      s.invalid += 1;
      opts.onInvalid?.({ line: n, code: r.code, reason: r.reason, ...(r.newsId !== undefined ? { id: r.newsId } : {}) });
      continue;
    }
    const res = await opts.service.ingest(r.item);
    if (res.known) s.known += 1;
    else if (!res.stored) s.expired += 1;
    else {
      s.stored += 1;
      if (res.novelty.duplicate_of !== undefined) s.duplicates += 1;
    }
    if (s.lines % 500 === 0) opts.onProgress?.({ ...s, elapsedMs: performance.now() - started });
  }
  s.elapsedMs = performance.now() - started;
  return s;
}
