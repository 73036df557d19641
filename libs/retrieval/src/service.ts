/**
 * J3 as one object: encoder + SQLite document store + vector index (index-manager.ts), with the operations the
 * rag-actor serves over the bus and `himari rag` runs locally: ingest (idempotent by news id, novelty computed once,
 * when the document is first stored), search (search.ts), grounding (ground.ts), retention. Novelty candidates come
 * from the in-memory StoryIndex (story-index.ts), so an item's cost does not grow with the window.
 */
import { join } from 'node:path';
import type { Config } from '@himari/config';
import type {
  NewsItem,
  Novelty,
  RagGroundRequest,
  RagGroundResponse,
  RagNoveltyResponse,
  RagSearchRequest,
  RagSearchResponse,
} from '@himari/contracts';
import { createEncoder, type Encoder } from '@himari/embeddings';
import type { Logger } from '@himari/observability';
import { probeFaiss, type BackendName } from './backend.ts';
import { RetrievalError } from './errors.ts';
import { groundRequest } from './ground.ts';
import { IndexManager, type IndexStats } from './index-manager.ts';
import { lockFolder, type FolderLock } from './lock.ts';
import { createRagMetrics, type RagMetrics } from './metrics.ts';
import { noveltyFromCandidates, type StoryRule } from './novelty.ts';
import { RecentVectors } from './recent-vectors.ts';
import { reencodeIfNeeded } from './reencode.ts';
import { Searcher, toHit, type ScoredDoc, type SearchOptions } from './search.ts';
import { DocStore, type StoredDoc } from './store.ts';
import { jaccard, shingleHashes, StoryIndex, type StoryCandidate } from './story-index.ts';

export { RetrievalError, RetrievalLockedError } from './errors.ts';
export type { ScoredDoc, SearchOptions } from './search.ts';

const DAY_MS = 86_400_000;
/** The recent window kept in memory reaches a day past the novelty window (late items, clock skew between sources). */
const RECENT_SLACK_MS = DAY_MS;
/** A late item (its window older than the in-memory one) takes its candidates from a store search this wide. */
const LATE_CANDIDATES = 8;

export type IngestItem = Pick<NewsItem, 'id' | 'text' | 'asset' | 'source' | 'kind' | 'published_at' | 'received_at'>;

export interface IngestResult {
  novelty: Novelty;
  stored: boolean;
  /** The id was already stored: its novelty is the one computed then. */
  known: boolean;
}

export interface RetrievalServiceOptions {
  config: Config['rag'];
  log: Logger;
  clock?: () => number;
  /** Overrides `config.encoder` (tests, evaluation). */
  encoder?: Encoder;
  metrics?: RagMetrics;
  /** How long to wait for another process's lock on `config.dir` to go (default: a little over its stale time). */
  lockWaitMs?: number;
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
  private readonly searcher: Searcher;
  private readonly rule: StoryRule;

  private constructor(
    private readonly cfg: Config['rag'],
    private readonly log: Logger,
    private readonly clock: () => number,
    readonly encoder: Encoder,
    private readonly store: DocStore,
    private readonly index: IndexManager,
    readonly metrics: RagMetrics,
    private readonly unlock: FolderLock | null,
    readonly backend: BackendName,
    private readonly recent: RecentVectors,
    private readonly stories: StoryIndex,
  ) {
    this.lastSnapshot = clock();
    this.lastSweep = clock();
    this.searcher = new Searcher(cfg.search, store, index, recent);
    this.rule = { threshold: cfg.novelty.duplicate_similarity, minJaccard: cfg.novelty.duplicate_jaccard };
    this.refreshGauges();
  }

  static async open(opts: RetrievalServiceOptions): Promise<RetrievalService> {
    const { config: cfg, log } = opts;
    const clock = opts.clock ?? Date.now;
    const backend = resolveBackend(cfg.index, log);
    const dir = cfg.dir;
    const unlock =
      dir === null
        ? null
        : await lockFolder(dir, {
            ...(opts.lockWaitMs !== undefined ? { waitMs: opts.lockWaitMs } : {}),
            onCompromised: (err) => log.error({ dir, err: err.message }, 'J3 folder lock lost: another process may write this folder'),
          });
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
      const keepMs = cfg.novelty.window_days * DAY_MS + RECENT_SLACK_MS;
      const recent = new RecentVectors(keepMs);
      const stories = new StoryIndex(keepMs, encoder.dim);
      warmWindow(store, keepMs, recent, stories);
      return new RetrievalService(cfg, log, clock, encoder, store, index, metrics, unlock, backend, recent, stories);
    } catch (err) {
      store?.close();
      if (unlock) await unlock();
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
    const [result] = await this.ingestMany([item]);
    return result!;
  }

  /**
   * Ingests items in order with one encoder call for the new ones: a batch from the bus costs one inference, and
   * each item's novelty still sees every item stored before it (earlier ones of the same batch included).
   */
  async ingestMany(items: readonly IngestItem[]): Promise<IngestResult[]> {
    const started = performance.now();
    const out: (IngestResult | undefined)[] = items.map((item) => {
      const known = this.store.getById(item.id);
      return known ? this.knownResult(known) : undefined;
    });
    const fresh = items.flatMap((item, i) => (out[i] ? [] : [i]));
    if (fresh.length) {
      const vectors = await this.encoder.encode(fresh.map((i) => items[i]!.text));
      await this.serial(() => {
        fresh.forEach((i, n) => (out[i] = this.storeNew(items[i]!, vectors[n]!)));
      });
    }
    const seconds = (performance.now() - started) / 1000;
    for (let i = 0; i < fresh.length; i++) this.metrics.latency.observe({ op: 'ingest' }, seconds / fresh.length);
    return out.map((r) => r!);
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

  private storeNew(item: IngestItem, vector: Float32Array): IngestResult {
    if (this.closed) throw new RetrievalError('retrieval service is closed');
    const again = this.store.getById(item.id);
    if (again) return this.knownResult(again);
    const publishedMs = parseTime(item.published_at, item.received_at);
    const windowStart = publishedMs - this.cfg.novelty.window_days * DAY_MS;
    const shingles = shingleHashes(item.text);
    const keys = this.stories.keysOf(vector, shingles);
    const candidates =
      windowStart >= this.stories.floor()
        ? this.stories.candidates(vector, shingles, windowStart, keys)
        : this.lateCandidates(vector, shingles, windowStart);
    const novelty = noveltyFromCandidates(candidates, item.text, this.rule);
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
    this.stories.add({ rowid: doc.rowid, id: doc.id, text: doc.text, publishedMs, vector, duplicateOf: doc.duplicateOf }, shingles, keys);
    this.metrics.ingested.inc({ outcome: 'stored' });
    if (novelty.duplicate_of !== undefined) this.metrics.duplicates.inc();
    this.unsaved += 1;
    this.refreshGauges();
    this.tick();
    return { novelty, stored: true, known: false };
  }

  /** An item older than the in-memory window (a late wire): its nearest few from the store, checked the same way. */
  private lateCandidates(vector: Float32Array, shingles: Uint32Array, sinceMs: number): StoryCandidate[] {
    return this.searcher.searchVector(vector, { k: LATE_CANDIDATES, sinceMs }).map((h) => {
      const sh = shingleHashes(h.doc.text);
      return {
        entry: { ...h.doc, vector, shingles: sh, seen: 0 },
        similarity: h.similarity,
        jaccard: jaccard(shingles, sh),
      };
    });
  }

  async novelty(news: IngestItem): Promise<RagNoveltyResponse> {
    const [r] = await this.noveltyMany([news]);
    return r!;
  }

  /** Novelty of a batch of items (one encoder call), in order. */
  async noveltyMany(items: readonly IngestItem[]): Promise<RagNoveltyResponse[]> {
    const started = performance.now();
    const results = await this.ingestMany(items);
    const seconds = (performance.now() - started) / 1000;
    for (let i = 0; i < items.length; i++) this.metrics.latency.observe({ op: 'novelty' }, seconds / items.length);
    const size = this.index.liveCount();
    return results.map((r) => ({ v: 1, novelty: r.novelty, stored: r.stored, index_size: size }));
  }

  /** Nearest stored documents to a vector, with filters; removed documents never come back. */
  searchVector(query: Float32Array, o: SearchOptions): ScoredDoc[] {
    return this.searcher.searchVector(query, o);
  }

  async search(req: RagSearchRequest): Promise<RagSearchResponse> {
    const started = performance.now();
    const [q] = await this.encoder.encode([req.query]);
    const found = this.searcher.searchVector(q!, {
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
    const res = await groundRequest(req, {
      store: this.store,
      encoder: this.encoder,
      searcher: this.searcher,
      minCoverage: this.cfg.grounding.min_coverage,
    });
    this.metrics.latency.observe({ op: 'ground' }, (performance.now() - started) / 1000);
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
      this.stories.remove(removed);
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
    if (this.unlock) await this.unlock();
  }
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

function warmWindow(store: DocStore, keepMs: number, recent: RecentVectors, stories: StoryIndex): void {
  const newest = store.newestPublishedMs();
  if (newest === null) return;
  for (const r of store.publishedSince(newest - keepMs)) {
    recent.add(r.rowid, r.asset, r.publishedMs, r.vector);
    stories.add(r);
  }
}
