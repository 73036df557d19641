/**
 * J3 as one object: encoder + SQLite document store + vector index (index-manager.ts), with the operations the
 * rag-actor serves over the bus and `himari rag` runs locally: ingest (idempotent by news id, novelty computed once,
 * when the document is first stored), search (top_k, min_similarity, asset, since), grounding, retention.
 */
import { RecentVectors } from './recent-vectors.ts';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@himari/config';
import type {
  GroundingResult,
  NewsItem,
  Novelty,
  RagGroundRequest,
  RagGroundResponse,
  RagHit,
  RagNoveltyResponse,
  RagSearchRequest,
  RagSearchResponse,
} from '@himari/contracts';
import { createEncoder, type Encoder } from '@himari/embeddings';
import type { Logger } from '@himari/observability';
import { probeFaiss, type BackendName } from './backend.ts';
import { claimGrounded, claimSupport, entityIn, indexText, type ClaimSupport, type TextIndex } from './grounding.ts';
import { IndexManager, type IndexStats } from './index-manager.ts';
import { createRagMetrics, type RagMetrics } from './metrics.ts';
import { noveltyOf } from './novelty.ts';
import { DocStore, type StoredDoc } from './store.ts';
import { topIndices } from './vector-index.ts';

const DAY_MS = 86_400_000;
/** Widening a filtered search stops here; beyond it a filter is answered by an exact scan of its matches. */
/** Rows scored exactly without asking the index first: about a millisecond of dot products at 384 dimensions. */
const SMALL_EXACT_SCAN = 2_000;
/** The recent window kept in memory reaches a day past the novelty window (late items, clock skew between sources). */
const RECENT_SLACK_MS = DAY_MS;
const MAX_CANDIDATES = 4096;

export class RetrievalError extends Error {
  override readonly name: string = 'RetrievalError';
  readonly retryable: boolean = false;
}

/** Another process holds the folder (a serving rag-actor, or `himari rag ingest`). */
export class RetrievalLockedError extends RetrievalError {
  override readonly name = 'RetrievalLockedError';
  override readonly retryable = true;
}

export type IngestItem = Pick<NewsItem, 'id' | 'text' | 'asset' | 'source' | 'kind' | 'published_at' | 'received_at'>;

export interface IngestResult {
  novelty: Novelty;
  stored: boolean;
  /** The id was already stored: its novelty is the one computed then. */
  known: boolean;
}

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

export interface RetrievalServiceOptions {
  config: Config['rag'];
  log: Logger;
  clock?: () => number;
  /** Overrides `config.encoder` (tests, evaluation). */
  encoder?: Encoder;
  metrics?: RagMetrics;
}

export interface ServiceStats {
  documents: number;
  index: IndexStats;
  encoder: string;
  dim: number;
  dir: string | null;
}

export class RetrievalService {
  private queue: Promise<unknown> = Promise.resolve();
  private unsaved = 0;
  private lastSnapshot: number;
  private lastSweep: number;
  private closed = false;

  private constructor(
    private readonly cfg: Config['rag'],
    private readonly log: Logger,
    private readonly clock: () => number,
    readonly encoder: Encoder,
    private readonly store: DocStore,
    private readonly index: IndexManager,
    readonly metrics: RagMetrics,
    private readonly lockPath: string | null,
    readonly backend: BackendName,
    private readonly recent: RecentVectors,
  ) {
    this.lastSnapshot = clock();
    this.lastSweep = clock();
    this.refreshGauges();
  }

  static async open(opts: RetrievalServiceOptions): Promise<RetrievalService> {
    const { config: cfg, log } = opts;
    const clock = opts.clock ?? Date.now;
    const backend = resolveBackend(cfg.index, log);
    const lockPath = cfg.dir === null ? null : takeLock(cfg.dir);
    let store: DocStore | undefined;
    try {
      const encoder = opts.encoder ?? (await createEncoder(cfg.encoder));
      store = new DocStore(cfg.dir === null ? null : join(cfg.dir, 'docs.sqlite'));
      await reencodeIfNeeded(store, encoder, log);
      const metrics = opts.metrics ?? createRagMetrics();
      const index = new IndexManager({
        store,
        dir: cfg.dir,
        encoderId: encoder.id,
        dim: encoder.dim,
        backend,
        cfg: cfg.index,
        log,
        onSwap: (info) => metrics.rebuilds.inc({ kind: String(info['kind']) }),
      });
      log.info(
        { dir: cfg.dir ?? 'memory', documents: store.count(), encoder: encoder.id, dim: encoder.dim, ...index.stats().describe },
        cfg.dir === null ? 'J3 retrieval open (in memory: nothing persists)' : 'J3 retrieval open',
      );
      const recent = warmRecent(store, cfg.novelty.window_days * DAY_MS + RECENT_SLACK_MS);
      return new RetrievalService(cfg, log, clock, encoder, store, index, metrics, lockPath, backend, recent);
    } catch (err) {
      store?.close();
      if (lockPath) rmSync(lockPath, { force: true });
      throw err;
    }
  }

  /** Runs `fn` after every earlier ingest: novelty needs "what was stored before me" to be well defined. */
  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async ingest(item: IngestItem): Promise<IngestResult> {
    const started = performance.now();
    const known = this.store.getById(item.id);
    if (known) return this.knownResult(known);
    const [vector] = await this.encoder.encode([item.text]);
    const result = await this.serial(() => this.store_(item, vector!));
    this.metrics.latency.observe({ op: 'ingest' }, (performance.now() - started) / 1000);
    return result;
  }

  private knownResult(doc: StoredDoc): IngestResult {
    this.metrics.ingested.inc({ outcome: 'known' });
    const novelty: Novelty = {
      score: doc.similarity === null ? 1 : Math.round((1 - Math.max(0, doc.similarity)) * 1e4) / 1e4,
      nearest_id: doc.nearestId,
      similarity: doc.similarity,
    };
    if (doc.duplicateOf !== null) novelty.duplicate_of = doc.duplicateOf;
    return { novelty, stored: true, known: true };
  }

  private store_(item: IngestItem, vector: Float32Array): IngestResult {
    if (this.closed) throw new RetrievalError('retrieval service is closed');
    const again = this.store.getById(item.id);
    if (again) return this.knownResult(again);
    const publishedMs = parseTime(item.published_at, item.received_at);
    const windowStart = publishedMs - this.cfg.novelty.window_days * DAY_MS;
    const [nearest] = this.searchVector(vector, { k: 1, sinceMs: windowStart });
    const novelty = noveltyOf(
      nearest ? { id: nearest.doc.id, text: nearest.doc.text, similarity: nearest.similarity, duplicateOf: nearest.doc.duplicateOf } : null,
      item.text,
      this.cfg.novelty.duplicate_similarity,
    );
    const maxAge = this.cfg.retention.max_age_days * DAY_MS;
    if (maxAge > 0 && item.received_at < this.clock() - maxAge) {
      this.metrics.ingested.inc({ outcome: 'expired' });
      return { novelty, stored: false, known: false };
    }
    const doc = this.store.insert({
      id: item.id,
      text: item.text,
      asset: item.asset,
      source: item.source,
      kind: item.kind,
      publishedAt: item.published_at,
      publishedMs,
      receivedMs: item.received_at,
      nearestId: novelty.nearest_id,
      similarity: novelty.similarity,
      duplicateOf: novelty.duplicate_of ?? null,
      vector,
    });
    this.index.add(doc.rowid, vector);
    this.recent.add(doc.rowid, doc.asset, doc.publishedMs, vector);
    this.metrics.ingested.inc({ outcome: 'stored' });
    if (novelty.duplicate_of !== undefined) this.metrics.duplicates.inc();
    this.unsaved += 1;
    this.refreshGauges();
    this.tick();
    return { novelty, stored: true, known: false };
  }

  async novelty(news: IngestItem): Promise<RagNoveltyResponse> {
    const started = performance.now();
    const r = await this.ingest(news);
    this.metrics.latency.observe({ op: 'novelty' }, (performance.now() - started) / 1000);
    return { v: 1, novelty: r.novelty, stored: r.stored, index_size: this.index.liveCount() };
  }

  /** Nearest stored documents to a vector, with filters; removed documents never come back. */
  searchVector(query: Float32Array, o: SearchOptions): ScoredDoc[] {
    const total = this.index.size();
    if (total === 0 || o.k <= 0) return [];
    const minSim = o.minSimilarity ?? -Infinity;
    const filtered = o.asset !== undefined || o.sinceMs !== undefined;
    if (o.sinceMs !== undefined && this.recent.covers(o.sinceMs)) return this.exactScanRecent(query, o, minSim);
    if (filtered) {
      // A selective filter (a short novelty window, one asset) would make the index hand back mostly rejected
      // candidates and widen towards a full scan on every call; scoring just the matching rows is cheaper and exact.
      const matching = this.store.countMatching({ asset: o.asset, sinceMs: o.sinceMs });
      if (matching === 0) return [];
      const selective = matching <= SMALL_EXACT_SCAN || matching * 10 <= total;
      if (selective && matching <= this.cfg.search.exact_filter_limit) return this.exactScan(query, o, minSim);
    }
    let fetch = Math.min(total, Math.max(o.k * this.cfg.search.oversample, o.k + 8));
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
      if (matching <= this.cfg.search.exact_filter_limit) return this.exactScan(query, o, minSim);
    }
    return out;
  }

  /** Every document a filter matches, scored exactly: for filters too selective for the index's candidates. */
  private exactScan(query: Float32Array, o: SearchOptions, minSim: number): ScoredDoc[] {
    return this.topOf(query, this.store.vectorsMatching({ asset: o.asset, sinceMs: o.sinceMs }), o, minSim);
  }

  /** The same, over the in-memory recent window (no SQLite read): the novelty search's path. */
  private exactScanRecent(query: Float32Array, o: SearchOptions, minSim: number): ScoredDoc[] {
    return this.topOf(query, this.recent.matching(o.asset, o.sinceMs!), o, minSim);
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

  async search(req: RagSearchRequest): Promise<RagSearchResponse> {
    const started = performance.now();
    const [q] = await this.encoder.encode([req.query]);
    const found = this.searchVector(q!, {
      k: req.top_k,
      minSimilarity: req.min_similarity,
      ...(req.asset !== undefined ? { asset: req.asset } : {}),
      ...(req.since_ms !== undefined ? { sinceMs: req.since_ms } : {}),
    });
    const live = this.index.liveCount();
    const res: RagSearchResponse = { v: 1, hits: found.map(toHit), index_size: live };
    if (found.length === 0) res.note = live === 0 ? 'no_documents' : 'no_match';
    this.metrics.latency.observe({ op: 'search' }, (performance.now() - started) / 1000);
    return res;
  }

  async ground(req: RagGroundRequest): Promise<RagGroundResponse> {
    const started = performance.now();
    const sources: { id?: string; t: TextIndex }[] = [];
    let note: string | undefined;
    if (req.source_text !== undefined) sources.push({ t: indexText(req.source_text) });
    if (req.source_id !== undefined) {
      const doc = this.store.getById(req.source_id);
      if (doc) sources.push({ id: doc.id, t: indexText(doc.text) });
      else note = `source_id ${req.source_id} is not stored`;
    }
    const items = [
      ...req.entities.map((text) => ({ kind: 'entity' as const, text })),
      ...req.claims.map((text) => ({ kind: 'claim' as const, text })),
    ];
    const vectors = req.top_k > 0 ? await this.encoder.encode(items.map((i) => i.text)) : [];
    const results: GroundingResult[] = items.map((item, n) => {
      const check = (t: TextIndex): ClaimSupport =>
        item.kind === 'entity' ? { coverage: entityIn(item.text, t) ? 1 : 0, missingNumbers: [] } : claimSupport(item.text, t);
      const ok = (s: ClaimSupport): boolean =>
        item.kind === 'entity' ? s.coverage === 1 : claimGrounded(s, this.cfg.grounding.min_coverage);
      let best: { s: ClaimSupport; id?: string; where: GroundingResult['where'] } | null = null;
      const consider = (s: ClaimSupport, where: GroundingResult['where'], id?: string): void => {
        if (!best || (ok(s) && !ok(best.s)) || (ok(s) === ok(best.s) && s.coverage > best.s.coverage))
          best = { s, where, ...(id ? { id } : {}) };
      };
      for (const src of sources) consider(check(src.t), 'source', src.id);
      if (!(best && ok((best as { s: ClaimSupport }).s)) && req.top_k > 0) {
        const hits = this.searchVector(vectors[n]!, {
          k: req.top_k,
          ...(req.asset !== undefined ? { asset: req.asset } : {}),
          ...(req.since_ms !== undefined ? { sinceMs: req.since_ms } : {}),
        });
        for (const h of hits) consider(check(indexText(h.doc.text)), 'retrieved', h.doc.id);
      }
      const b = best as { s: ClaimSupport; id?: string; where: GroundingResult['where'] } | null;
      const grounded = b !== null && ok(b.s);
      const r: GroundingResult = {
        kind: item.kind,
        text: item.text,
        grounded,
        where: grounded ? b.where : 'none',
        coverage: Math.round((b?.s.coverage ?? 0) * 1e4) / 1e4,
      };
      if (grounded && b.id) r.evidence_id = b.id;
      if (item.kind === 'claim' && b && b.s.missingNumbers.length) r.missing_numbers = b.s.missingNumbers;
      return r;
    });
    this.metrics.latency.observe({ op: 'ground' }, (performance.now() - started) / 1000);
    const res: RagGroundResponse = { v: 1, results, grounded: results.every((r) => r.grounded) };
    if (note) res.note = note;
    return res;
  }

  getDocument(id: string): StoredDoc | null {
    return this.store.getById(id);
  }

  /** Removes documents past `rag.retention.max_age_days` from the store; the index drops them (filtered, then rebuilt). */
  sweep(): number {
    const maxAge = this.cfg.retention.max_age_days * DAY_MS;
    this.lastSweep = this.clock();
    if (maxAge <= 0) return 0;
    const removed = this.store.deleteReceivedBefore(this.clock() - maxAge);
    if (removed.length) {
      this.index.removed(removed.length);
      this.recent.remove(removed);
      this.metrics.removed.inc(removed.length);
      this.unsaved += 1;
      this.log.info({ removed: removed.length, max_age_days: this.cfg.retention.max_age_days }, 'J3 retention removed documents');
      this.refreshGauges();
    }
    return removed.length;
  }

  /** Snapshots and sweeps when they are due; the actor calls this on a timer, ingest after each document. */
  tick(): void {
    const now = this.clock();
    if (now - this.lastSweep >= this.cfg.retention.sweep_interval_ms) this.sweep();
    if (this.unsaved >= this.cfg.snapshot_every_docs || (this.unsaved > 0 && now - this.lastSnapshot >= this.cfg.snapshot_interval_ms))
      this.snapshot();
  }

  snapshot(): void {
    this.index.snapshot();
    this.unsaved = 0;
    this.lastSnapshot = this.clock();
  }

  /** Waits for a background index build (tests; `himari rag ingest` before its final snapshot). */
  async settle(): Promise<void> {
    await this.index.idle();
  }

  stats(): ServiceStats {
    return { documents: this.store.count(), index: this.index.stats(), encoder: this.encoder.id, dim: this.encoder.dim, dir: this.cfg.dir };
  }

  private refreshGauges(): void {
    this.metrics.documents.set(this.index.liveCount());
    this.metrics.indexEntries.set(this.index.size());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.catch(() => undefined);
    this.closed = true;
    await this.index.close();
    if (this.unsaved > 0) this.index.snapshot();
    this.store.close();
    await this.encoder.close();
    if (this.lockPath) rmSync(this.lockPath, { force: true });
  }
}

function toHit(s: ScoredDoc): RagHit {
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

function parseTime(iso: string, fallback: number): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : fallback;
}

function resolveBackend(cfg: Config['rag']['index'], log: Logger): BackendName {
  if (cfg.backend === 'hnswlib') return 'hnswlib';
  const probe = probeFaiss();
  if (probe.ok) {
    probe.faiss.setNumThreads(cfg.threads);
    return 'faiss';
  }
  if (cfg.backend === 'faiss') throw new RetrievalError(`rag.index.backend is faiss but ${probe.reason}`);
  log.warn({ reason: probe.reason }, 'faiss-node unavailable: J3 uses hnswlib-node (exact scan while small, then HNSW)');
  return 'hnswlib';
}

/** One process per folder: a second writer would interleave snapshots. A lock left by a dead process is taken over. */
function takeLock(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(existsSync(path) ? readFileSync(path, 'utf8').trim() : NaN);
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || alive(pid))) {
        throw new RetrievalLockedError(
          `${dir} is in use by process ${pid} (a serving rag-actor or another himari rag): stop it or use another rag.dir`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new RetrievalLockedError(`cannot lock ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function reencodeIfNeeded(store: DocStore, encoder: Encoder, log: Logger): Promise<void> {
  const was = store.getMeta('encoder');
  if (was === encoder.id) return;
  const n = store.count();
  if (was !== null && n > 0) {
    log.warn({ was, now: encoder.id, documents: n }, 'J3 encoder changed: re-encoding every stored document');
    let page: { rowid: number; text: string }[] = [];
    const flush = async (): Promise<void> => {
      const vecs = await encoder.encode(page.map((p) => p.text));
      store.setVectors(page.map((p, i) => ({ rowid: p.rowid, vector: vecs[i]! })));
      page = [];
    };
    for (const r of store.textsAfter(0)) {
      page.push(r);
      if (page.length === 256) await flush();
    }
    if (page.length) await flush();
  }
  store.setMeta('encoder', encoder.id);
}

function warmRecent(store: DocStore, keepMs: number): RecentVectors {
  const recent = new RecentVectors(keepMs);
  const newest = store.newestPublishedMs();
  if (newest === null) return recent;
  for (const r of store.publishedSince(newest - keepMs)) recent.add(r.rowid, r.asset, r.publishedMs, r.vector);
  return recent;
}
