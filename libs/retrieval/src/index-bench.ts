/**
 * Measuring index kinds on one set of vectors: build time (ingest throughput), serialized bytes per document,
 * top-5 search latency (p50/p99, one query at a time, as the signal path asks), recall@10 against exact search.
 * Used by `bench/rag.bench.ts` on synthetic vectors and by `himari eval retrieval` on the encoder's real vectors.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from '@himari/numeric';
import type { BackendName } from './backend.ts';
import { autoNlist, createIndex, type IndexKind, type IndexParams, type VectorIndex } from './vector-index.ts';

export interface IndexMeasurement {
  backend: BackendName;
  kind: IndexKind;
  n: number;
  dim: number;
  params: Record<string, number | string>;
  build_ms: number;
  ingest_docs_per_s: number;
  bytes_per_doc: number;
  p50_ms: number;
  p99_ms: number;
  p50_ms_best_of_3?: number;
  p99_ms_best_of_3?: number;
  recall_at_10: number;
  queries: number;
}

/** Exact top-k rowids (positions) per query, the reference for recall. */
export function exactTopK(base: readonly Float32Array[], queries: readonly Float32Array[], k: number, backend: BackendName): number[][] {
  const flat = createIndex({ backend, kind: 'flat', dim: base[0]!.length, params: defaultParams() }, undefined, base.length);
  addAll(flat, base);
  return queries.map((q) => flat.search(q, k).rowids);
}

export function defaultParams(): IndexParams {
  return { nlist: 0, nprobe: 48, hnswM: 32, efConstruction: 100, efSearch: 64 };
}

function addAll(index: VectorIndex, base: readonly Float32Array[], chunk = 10_000): void {
  for (let i = 0; i < base.length; i += chunk) {
    const vs = base.slice(i, i + chunk);
    index.add(
      vs.map((_, j) => i + j),
      vs,
    );
  }
}

export interface BuildOptions {
  backend: BackendName;
  kind: IndexKind;
  params: IndexParams;
  base: readonly Float32Array[];
  /** IVF k-means sample per list (faiss caps it at 256). @default 64 */
  trainPerList?: number;
}

export interface BuiltIndex {
  index: VectorIndex;
  buildMs: number;
  bytes: number;
  trainedOn: number;
}

export function buildForBench(o: BuildOptions): BuiltIndex {
  const dim = o.base[0]!.length;
  const n = o.base.length;
  let params = o.params;
  const started = performance.now();
  let train: Float32Array[] | undefined;
  if (o.kind === 'ivf' && o.backend === 'faiss') {
    const nlist = autoNlist(n, o.params.nlist);
    params = { ...o.params, nlist };
    const want = Math.min(n, (o.trainPerList ?? 64) * nlist);
    const stride = Math.max(1, Math.floor(n / want));
    train = [];
    for (let i = 0; i < n && train.length < want; i += stride) train.push(o.base[i]!);
  }
  const index = createIndex({ backend: o.backend, kind: o.kind, dim, params }, train, n);
  addAll(index, o.base);
  const buildMs = performance.now() - started;
  const dir = mkdtempSync(join(tmpdir(), 'himari-index-bench-'));
  let bytes = 0;
  try {
    for (const f of index.save(join(dir, 'x'))) bytes += statSync(f).size;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { index, buildMs, bytes, trainedOn: train?.length ?? 0 };
}

export interface SearchMeasurement {
  p50_ms: number;
  p99_ms: number;
  /**
   * The same quantiles with each query timed `repeats` times and its fastest run kept: on a shared machine this
   * removes preemption by other processes, not the index's own cost. Absent with repeats = 1.
   */
  p50_ms_best_of_3?: number;
  p99_ms_best_of_3?: number;
  recall_at_10: number;
  queries: number;
}

export interface MeasureSearchOptions {
  k?: number;
  warmup?: number;
  /** false: skip the recall pass (the exact reference itself). @default true */
  recall?: boolean;
  /** Timings per query (the first one is the raw p50/p99). @default 3 */
  repeats?: number;
}

/** Top-`k` latency one query at a time, then recall@10 against `truth`. */
export function measureSearch(
  index: VectorIndex,
  queries: readonly Float32Array[],
  truth: number[][],
  o: MeasureSearchOptions = {},
): SearchMeasurement {
  const k = o.k ?? 5;
  const repeats = o.repeats ?? 3;
  for (let i = 0; i < (o.warmup ?? 20); i++) index.search(queries[i % queries.length]!, k);
  const first: number[] = [];
  const best: number[] = [];
  for (const q of queries) {
    let min = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t = performance.now();
      index.search(q, k);
      const dt = performance.now() - t;
      if (r === 0) first.push(dt);
      min = Math.min(min, dt);
    }
    best.push(min);
  }
  first.sort((a, b) => a - b);
  best.sort((a, b) => a - b);
  let recall = 0;
  if (o.recall !== false) {
    queries.forEach((q, i) => {
      const got = new Set(index.search(q, 10).rowids);
      const t = truth[i]!;
      recall += t.filter((r) => got.has(r)).length / t.length;
    });
  }
  const m: SearchMeasurement = {
    p50_ms: round3(quantile(first, 0.5)),
    p99_ms: round3(quantile(first, 0.99)),
    recall_at_10: o.recall === false ? 1 : round3(recall / queries.length),
    queries: queries.length,
  };
  if (repeats > 1) {
    m.p50_ms_best_of_3 = round3(quantile(best, 0.5));
    m.p99_ms_best_of_3 = round3(quantile(best, 0.99));
  }
  return m;
}

export interface SweepRow {
  param: string;
  value: number;
  p50_ms: number;
  p99_ms: number;
  recall_at_10: number;
}

/**
 * Tries search settings cheapest first and keeps the first reaching `goal` recall@10 (else the most accurate);
 * stops early once recall is comfortably above the goal. Leaves the index set to the chosen value.
 */
export function tuneSearch(
  index: VectorIndex,
  param: 'nprobe' | 'efSearch',
  values: readonly number[],
  queries: readonly Float32Array[],
  truth: number[][],
  goal = 0.95,
): { rows: SweepRow[]; chosen: SweepRow } {
  const rows: SweepRow[] = [];
  for (const v of values) {
    index.setSearchParams!({ [param]: v });
    const m = measureSearch(index, queries, truth, { repeats: 1 });
    rows.push({ param, value: v, p50_ms: m.p50_ms, p99_ms: m.p99_ms, recall_at_10: m.recall_at_10 });
    if (m.recall_at_10 >= goal + 0.02) break;
  }
  const chosen = rows.find((r) => r.recall_at_10 >= goal) ?? rows.reduce((a, b) => (b.recall_at_10 > a.recall_at_10 ? b : a));
  index.setSearchParams!({ [param]: chosen.value });
  return { rows, chosen };
}

export function summarize(o: { backend: BackendName; kind: IndexKind }, built: BuiltIndex, m: SearchMeasurement): IndexMeasurement {
  const d = built.index.describe();
  const n = built.index.size();
  return {
    backend: o.backend,
    kind: o.kind,
    n,
    dim: built.index.dim,
    params: {
      ...Object.fromEntries(Object.entries(d).filter(([key]) => !['backend', 'kind', 'size'].includes(key))),
      ...(built.trainedOn ? { trained_on: built.trainedOn } : {}),
    },
    build_ms: Math.round(built.buildMs),
    ingest_docs_per_s: Math.round(n / (built.buildMs / 1000)),
    bytes_per_doc: Math.round((built.bytes / n) * 10) / 10,
    ...m,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
