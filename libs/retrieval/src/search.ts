/**
 * J3's search strategy: the vector index for broad queries; an exact scan of the matching rows when a filter (a short
 * time window, one asset) is selective enough that the index would hand back mostly rejected candidates.
 */
import type { Config } from '@himari/config';
import type { RagHit } from '@himari/contracts';
import type { IndexManager } from './index-manager.ts';
import type { RecentVectors } from './recent-vectors.ts';
import type { DocStore, StoredDoc } from './store.ts';
import { topIndices } from './vector-index.ts';

/** Rows scored exactly without asking the index first: about a millisecond of dot products at 384 dimensions. */
const SMALL_EXACT_SCAN = 2_000;
/** Widening a filtered search stops here; beyond it a filter is answered by an exact scan of its matches. */
const MAX_CANDIDATES = 4096;

export interface ScoredDoc {
  doc: StoredDoc;
  similarity: number;
}

export interface SearchOptions {
  k: number;
  minSimilarity?: number;
  asset?: string;
  sinceMs?: number;
}

export class Searcher {
  constructor(
    private readonly cfg: Config['rag']['search'],
    private readonly store: DocStore,
    private readonly index: IndexManager,
    private readonly recent: RecentVectors,
  ) {}

  /** Nearest stored documents to a vector, with filters; removed documents never come back. */
  searchVector(query: Float32Array, o: SearchOptions): ScoredDoc[] {
    const total = this.index.size();
    if (total === 0 || o.k <= 0) return [];
    const minSim = o.minSimilarity ?? -Infinity;
    const filtered = o.asset !== undefined || o.sinceMs !== undefined;
    if (o.sinceMs !== undefined && this.recent.covers(o.sinceMs)) {
      return this.topOf(query, this.recent.matching(o.asset, o.sinceMs), o, minSim);
    }
    if (filtered) {
      const matching = this.store.countMatching({ asset: o.asset, sinceMs: o.sinceMs });
      if (matching === 0) return [];
      const selective = matching <= SMALL_EXACT_SCAN || matching * 10 <= total;
      if (selective && matching <= this.cfg.exact_filter_limit) return this.exactScan(query, o, minSim);
    }
    let fetch = Math.min(total, Math.max(o.k * this.cfg.oversample, o.k + 8));
    let out: ScoredDoc[];
    let belowThreshold: boolean;
    for (;;) {
      const hits = this.index.search(query, fetch);
      const docs = this.store.getMany(hits.rowids);
      out = [];
      belowThreshold = false;
      for (let i = 0; i < hits.rowids.length; i++) {
        const doc = docs.get(hits.rowids[i]!);
        if (!doc) continue;
        const similarity = hits.scores[i]!;
        if (similarity < minSim) {
          belowThreshold = true;
          break;
        }
        if (o.asset !== undefined && doc.asset !== o.asset) continue;
        if (o.sinceMs !== undefined && doc.publishedMs < o.sinceMs) continue;
        out.push({ doc, similarity });
        if (out.length === o.k) break;
      }
      if (out.length >= o.k || belowThreshold || fetch >= total || fetch >= MAX_CANDIDATES) break;
      fetch = Math.min(total, fetch * 4, MAX_CANDIDATES);
    }
    if (out.length < o.k && filtered && !belowThreshold && fetch < total) {
      const matching = this.store.countMatching({ asset: o.asset, sinceMs: o.sinceMs });
      if (matching <= this.cfg.exact_filter_limit) return this.exactScan(query, o, minSim);
    }
    return out;
  }

  /** Every document a filter matches, scored exactly: for filters too selective for the index's candidates. */
  private exactScan(query: Float32Array, o: SearchOptions, minSim: number): ScoredDoc[] {
    return this.topOf(query, this.store.vectorsMatching({ asset: o.asset, sinceMs: o.sinceMs }), o, minSim);
  }

  private topOf(
    query: Float32Array,
    rows: Iterable<{ rowid: number; vector: Float32Array }>,
    o: SearchOptions,
    minSim: number,
  ): ScoredDoc[] {
    const rowids: number[] = [];
    const scores: number[] = [];
    const dim = query.length;
    for (const r of rows) {
      const vec = r.vector;
      let s = 0;
      for (let j = 0; j < dim; j++) s += query[j]! * vec[j]!;
      rowids.push(r.rowid);
      scores.push(s);
    }
    if (rowids.length === 0) return [];
    const top = topIndices(Float32Array.from(scores), o.k).filter((i) => scores[i]! >= minSim);
    const docs = this.store.getMany(top.map((i) => rowids[i]!));
    return top.flatMap((i) => {
      const doc = docs.get(rowids[i]!);
      return doc ? [{ doc, similarity: scores[i]! }] : [];
    });
  }
}

export function toHit(s: ScoredDoc): RagHit {
  const hit: RagHit = {
    id: s.doc.id,
    text: s.doc.text,
    asset: s.doc.asset,
    similarity: Math.round(s.similarity * 1e4) / 1e4,
    published_at: s.doc.publishedAt,
    source: s.doc.source,
  };
  if (s.doc.duplicateOf !== null) hit.duplicate_of = s.doc.duplicateOf;
  return hit;
}
