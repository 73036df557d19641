/**
 * `himari eval retrieval`: retrieval quality of the configured encoders against bag-of-words baselines on held-out
 * public data (eval-data.ts), with exact search so that only the encoders differ. Optionally also the index kinds on
 * the project encoder's real vectors (index-eval.ts).
 */
import { words, type Encoder, type ProjectEncoder } from '@himari/embeddings';
import { dot } from '@himari/numeric';
import { duplicateTask, DUPLICATE_RULE, topicTask, type DuplicateTask, type TopicTask } from './eval-data.ts';
import { sameStory } from './novelty.ts';
import type { BackendName } from './backend.ts';
import { buildForBench, exactTopK, measureSearch, summarize, tuneSearch, type IndexMeasurement, type SweepRow } from './index-bench.ts';
import { effectiveKind, type IndexKind, type IndexParams } from './vector-index.ts';

/** Something that ranks texts against texts: a dense encoder or a sparse baseline. */
export interface Ranker {
  name: string;
  description: string;
  /** Top-k (index, similarity) per query over `docs`, never the query itself, only docs `allow(q, d)` accepts. */
  topK(
    queries: number[],
    docs: string[],
    k: number,
    allow?: (q: number, d: number) => boolean,
  ): Promise<{ idx: number[]; sim: number[] }[]>;
}

type Sparse = Map<number, number>;

function sparseRanker(name: string, description: string, vectorize: (texts: string[]) => Sparse[]): Ranker {
  return {
    name,
    description,
    async topK(queries, docs, k, allow) {
      const vecs = vectorize(docs);
      const postings = new Map<number, { doc: number; w: number }[]>();
      vecs.forEach((v, d) => {
        for (const [f, w] of v) {
          const list = postings.get(f);
          if (list) list.push({ doc: d, w });
          else postings.set(f, [{ doc: d, w }]);
        }
      });
      const scores = new Float64Array(docs.length);
      return queries.map((q) => {
        scores.fill(0);
        for (const [f, w] of vecs[q]!) for (const p of postings.get(f) ?? []) scores[p.doc]! += w * p.w;
        scores[q] = -Infinity;
        if (allow) for (let d = 0; d < scores.length; d++) if (!allow(q, d)) scores[d] = -Infinity;
        return topOf(scores, k);
      });
    },
  };
}

/** Raw term counts over words, cosine: the bag-of-words baseline. */
export function bowRanker(): Ranker {
  return sparseRanker('bow', 'bag of words: word counts, cosine (exact)', (texts) => {
    const vocab = new Map<string, number>();
    return texts.map((t) => {
      const v: Sparse = new Map();
      for (const w of words(t)) {
        let id = vocab.get(w);
        if (id === undefined) vocab.set(w, (id = vocab.size));
        v.set(id, (v.get(id) ?? 0) + 1);
      }
      return l2(v);
    });
  });
}

/** The project encoder's own TF-IDF before projection: shows what the SVD + hashing add or lose. */
export function tfidfRanker(enc: ProjectEncoder): Ranker {
  return sparseRanker('tfidf', `TF-IDF over the project encoder's ${enc.header.vocab.length} features, cosine (exact, sparse)`, (texts) =>
    texts.map((t) => {
      const { idx, val } = enc.tfidf(t);
      return new Map(idx.map((i, k) => [i, val[k]!]));
    }),
  );
}

export function denseRanker(name: string, enc: Encoder): Ranker {
  return {
    name,
    description: `${enc.id} (${enc.kind}, ${enc.dim}-d), inner product (exact)`,
    async topK(queries, docs, k, allow) {
      const vecs = await enc.encode(docs);
      const scores = new Float64Array(docs.length);
      return queries.map((q) => {
        const qv = vecs[q]!;
        for (let d = 0; d < vecs.length; d++) {
          const v = vecs[d]!;
          scores[d] = allow && !allow(q, d) ? -Infinity : dot(qv, v, v.length);
        }
        scores[q] = -Infinity;
        return topOf(scores, k);
      });
    },
  };
}

function l2(v: Sparse): Sparse {
  let n = 0;
  for (const x of v.values()) n += x * x;
  const inv = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (const [k, x] of v) v.set(k, x * inv);
  return v;
}

export function topOf(scores: ArrayLike<number>, k: number): { idx: number[]; sim: number[] } {
  const idx: number[] = [];
  const sim: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s === -Infinity) continue;
    let p: number;
    if (idx.length < k) {
      idx.push(i);
      sim.push(s);
      p = idx.length - 1;
    } else if (s > sim[k - 1]!) {
      p = k - 1;
      idx[p] = i;
      sim[p] = s;
    } else continue;
    // Bubble up; a tie stays behind the earlier index, so results are deterministic.
    while (p > 0 && sim[p - 1]! < s) {
      idx[p] = idx[p - 1]!;
      sim[p] = sim[p - 1]!;
      idx[p - 1] = i;
      sim[p - 1] = s;
      p--;
    }
  }
  return { idx, sim };
}

export interface TopicScores {
  agreement_at_1: number;
  agreement_at_5: number;
}

export async function scoreTopic(task: TopicTask, r: Ranker): Promise<TopicScores> {
  const queries = task.texts.map((_, i) => i);
  const tops = await r.topK(queries, task.texts, 5);
  let a1 = 0;
  let a5 = 0;
  tops.forEach((t, q) => {
    const label = task.labels[q];
    if (task.labels[t.idx[0]!] === label) a1 += 1;
    a5 += t.idx.filter((i) => task.labels[i] === label).length / Math.max(t.idx.length, 1);
  });
  return { agreement_at_1: round4(a1 / queries.length), agreement_at_5: round4(a5 / queries.length) };
}

export interface DuplicateScores {
  recall_at_5: number;
  hit_at_5: number;
  /**
   * Novelty's marking, simulated: every text against its nearest neighbour posted within the window, marked when
   * novelty's sameStory() says so (threshold and numbers). Precision: marks whose neighbour is a same-story partner;
   * recall: texts with partners whose mark points at one.
   */
  marking: { threshold: number; marked: number; precision: number; recall: number };
}

export async function scoreDuplicates(task: DuplicateTask, r: Ranker, threshold: number): Promise<DuplicateScores> {
  const all = task.texts.map((_, i) => i);
  const queries = [...task.partners.keys()];
  const tops = new Map((await r.topK(queries, task.texts, 5)).map((t, i) => [queries[i]!, t]));
  const inWindow = (q: number, d: number): boolean => Math.abs(task.days[q]! - task.days[d]!) <= DUPLICATE_RULE.maxDaysApart;
  const nearest = await r.topK(all, task.texts, 1, inWindow);
  let recall = 0;
  let hits = 0;
  let marked = 0;
  let markedRight = 0;
  let found = 0;
  for (const [q, partners] of task.partners) {
    const top = tops.get(q)!.idx;
    const got = top.filter((i) => partners.has(i)).length;
    recall += got / Math.min(5, partners.size);
    if (got > 0) hits += 1;
  }
  nearest.forEach((t, q) => {
    if (t.sim[0] === undefined || !sameStory(t.sim[0], threshold, task.texts[q]!, task.texts[t.idx[0]!]!)) return;
    marked += 1;
    const right = task.partners.get(q)?.has(t.idx[0]!) ?? false;
    if (right) {
      markedRight += 1;
      found += 1;
    }
  });
  const n = task.partners.size;
  return {
    recall_at_5: round4(recall / n),
    hit_at_5: round4(hits / n),
    marking: { threshold, marked, precision: round4(marked ? markedRight / marked : 0), recall: round4(found / n) },
  };
}

export interface RetrievalEvalReport {
  generated_at: string;
  data_dir: string;
  encoders: Record<string, string>;
  topic: {
    source: string;
    sha256: string;
    queries: number;
    labels: number;
    /** Agreement a random neighbour would give (Σ p²): the floor. */
    chance_agreement: number;
    by_method: Record<string, TopicScores>;
  };
  duplicates: {
    source: string;
    sha256: string;
    rows: number;
    distinct_texts: number;
    queries: number;
    rule: typeof DUPLICATE_RULE;
    by_method: Record<string, DuplicateScores>;
  };
  index?: IndexEvalReport;
  notes: string[];
}

export interface EvalRetrievalOptions {
  dataDir: string;
  rankers: Ranker[];
  /** rag.novelty.duplicate_similarity: the marking threshold to check. */
  duplicateSimilarity: number;
  topicLimit?: number;
  notes?: string[];
  onProgress?: (msg: string) => void;
}

export async function evaluateRetrieval(opts: EvalRetrievalOptions): Promise<RetrievalEvalReport> {
  const say = opts.onProgress ?? (() => undefined);
  say('reading held-out topic tweets');
  const topic = topicTask(opts.dataDir, opts.topicLimit);
  say('building StockNet same-story pairs');
  const dups = duplicateTask(opts.dataDir);
  const counts = new Map<number, number>();
  for (const l of topic.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let chance = 0;
  for (const c of counts.values()) chance += (c / topic.labels.length) ** 2;
  const topicBy: Record<string, TopicScores> = {};
  const dupBy: Record<string, DuplicateScores> = {};
  for (const r of opts.rankers) {
    say(`${r.name}: topic neighbours (${topic.texts.length} texts)`);
    topicBy[r.name] = await scoreTopic(topic, r);
    say(`${r.name}: same-story duplicates (${dups.texts.length} texts)`);
    dupBy[r.name] = await scoreDuplicates(dups, r, opts.duplicateSimilarity);
  }
  return {
    generated_at: new Date().toISOString(),
    data_dir: opts.dataDir,
    encoders: Object.fromEntries(opts.rankers.map((r) => [r.name, r.description])),
    topic: {
      source: topic.file.path,
      sha256: topic.file.sha256,
      queries: topic.texts.length,
      labels: counts.size,
      chance_agreement: round4(chance),
      by_method: topicBy,
    },
    duplicates: {
      source: dups.file.path,
      sha256: dups.file.sha256,
      rows: dups.rows,
      distinct_texts: dups.texts.length,
      queries: dups.partners.size,
      rule: DUPLICATE_RULE,
      by_method: dupBy,
    },
    notes: opts.notes ?? [],
  };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export interface IndexEvalOptions {
  encoder: Encoder;
  texts: readonly string[];
  queries: readonly string[];
  backend: BackendName;
  params: IndexParams;
  kinds?: IndexKind[];
  onProgress?: (msg: string) => void;
}

export interface IndexEvalReport {
  corpus: string;
  n: number;
  queries: number;
  backend: BackendName;
  by_kind: Record<string, IndexMeasurement>;
}

/** The index kinds on the encoder's real vectors (real text clusters differently from synthetic vectors). */
export async function evaluateIndexes(o: IndexEvalOptions): Promise<IndexEvalReport> {
  const say = o.onProgress ?? (() => undefined);
  say(`encoding ${o.texts.length + o.queries.length} texts for the index comparison`);
  const base = await o.encoder.encode(o.texts);
  const queries = await o.encoder.encode(o.queries);
  const truth = exactTopK(base, queries, 10, o.backend);
  const byKind: Record<string, IndexMeasurement> = {};
  for (const kind of o.kinds ?? (['flat', 'ivf', 'hnsw'] as IndexKind[])) {
    const real = effectiveKind(o.backend, kind);
    if (byKind[real]) continue;
    say(`index ${o.backend} ${real} over ${base.length} vectors`);
    const built = buildForBench({ backend: o.backend, kind: real, params: o.params, base });
    const atConfig = measureSearch(built.index, queries, truth);
    const row: IndexMeasurement & { at_config?: unknown; sweep?: SweepRow[] } = summarize(
      { backend: o.backend, kind: real },
      built,
      atConfig,
    );
    if (real !== 'flat') {
      // The configured nprobe / efSearch first, then the cheapest setting that reaches recall@10 0.95 on these vectors.
      const tuned = tuneSearch(
        built.index,
        real === 'ivf' ? 'nprobe' : 'efSearch',
        real === 'ivf' ? [8, 16, 24, 32, 48, 64, 96, 128] : [16, 32, 64, 96, 128, 256],
        queries,
        truth,
      );
      row.at_config = { p50_ms: atConfig.p50_ms, p99_ms: atConfig.p99_ms, recall_at_10: atConfig.recall_at_10, params: { ...row.params } };
      Object.assign(row, measureSearch(built.index, queries, truth), {
        params: { ...row.params, ...(real === 'ivf' ? { nprobe: tuned.chosen.value } : { ef_search: tuned.chosen.value }) },
      });
      row.sweep = tuned.rows;
    }
    byKind[real] = row;
  }
  return { corpus: 'real: project corpus texts (see notes)', n: base.length, queries: queries.length, backend: o.backend, by_kind: byKind };
}
