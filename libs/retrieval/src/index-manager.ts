/**
 * Keeps the right index for the corpus and keeps it on disk:
 * - exact flat inner product while the corpus is small; past `rag.index.approximate_after`, an IVF (or HNSW) index
 *   trained on the stored vectors, built by a child process while the current index keeps answering, then caught
 *   up with what arrived meanwhile and swapped in (never an untrained index in service);
 * - rebuilt again when the corpus grew by `rebuild_growth` or retention removed `rebuild_deleted_fraction` of it;
 * - snapshots: `<dir>/index/gen-<n>.*` written under a generation number never used before, then
 *   `<dir>/index/current.json` replaced by rename; a crash at any point leaves the previous generation current.
 *   At start the current generation is loaded and every stored document after its `indexed_up_to` rowid is added
 *   again from the store, so a restart (even after kill -9) serves exactly what the store holds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@himari/config';
import type { Logger } from '@himari/observability';
import type { BackendName } from './backend.ts';
import { buildFromStore } from './build-index.ts';
import type { DocStore } from './store.ts';
import {
  effectiveKind,
  loadIndex,
  type BuildSpec,
  type IndexKind,
  type IndexParams,
  type SearchHits,
  type VectorIndex,
} from './vector-index.ts';

const WORKER = fileURLToPath(new URL('./build-worker.mjs', import.meta.url));
const SNAPSHOT_VERSION = 1;

interface SnapshotMeta {
  version: number;
  gen: number;
  encoder: string;
  spec: BuildSpec;
  files: string[];
  indexed_up_to: number;
  size: number;
  written_at: string;
}

export interface IndexManagerOptions {
  store: DocStore;
  /** Snapshot folder; null: in memory (no snapshots, rebuilds in-process). */
  dir: string | null;
  encoderId: string;
  dim: number;
  backend: BackendName;
  cfg: Config['rag']['index'];
  log: Logger;
  /** Called after every swap (metrics, logs). */
  onSwap?: (info: Record<string, number | string>) => void;
}

export interface IndexStats {
  backend: BackendName;
  kind: IndexKind;
  entries: number;
  live: number;
  building: boolean;
  rebuilds: number;
  describe: Record<string, number | string>;
}

export function paramsFrom(cfg: Config['rag']['index']): IndexParams {
  return { nlist: cfg.nlist, nprobe: cfg.nprobe, hnswM: cfg.hnsw_m, efConstruction: cfg.ef_construction, efSearch: cfg.ef_search };
}

export class IndexManager {
  private active: VectorIndex;
  private indexedUpTo = 0;
  private live: number;
  /** Corpus size when the active approximate index was built (growth trigger). */
  private builtAt = 0;
  private building: Promise<void> | null = null;
  private child: ChildProcess | null = null;
  private again = false;
  private rebuilds = 0;
  private gen = 0;
  /** Generation a background build is writing: never deleted by a snapshot taken meanwhile. */
  private pendingGen: number | null = null;
  private closed = false;
  private readonly indexDir: string | null;

  constructor(private readonly opts: IndexManagerOptions) {
    this.indexDir = opts.dir === null ? null : join(opts.dir, 'index');
    if (this.indexDir) mkdirSync(this.indexDir, { recursive: true });
    this.live = opts.store.count();
    this.active = this.loadOrBuild();
    this.catchUp(this.active);
  }

  get kind(): IndexKind {
    return this.active.kind;
  }

  private spec(kind: IndexKind): BuildSpec {
    return {
      backend: this.opts.backend,
      kind: effectiveKind(this.opts.backend, kind),
      dim: this.opts.dim,
      params: paramsFrom(this.opts.cfg),
    };
  }

  /** The kind the corpus calls for now. */
  private wantedKind(): IndexKind {
    return this.live > this.opts.cfg.approximate_after ? effectiveKind(this.opts.backend, this.opts.cfg.kind) : 'flat';
  }

  private loadOrBuild(): VectorIndex {
    const meta = this.readMeta();
    if (meta) {
      try {
        // Search parameters come from today's config, not the snapshot's: nprobe/efSearch can change across restarts.
        const spec: BuildSpec = { ...meta.spec, params: { ...paramsFrom(this.opts.cfg), nlist: meta.spec.params.nlist } };
        const index = loadIndex(spec, join(this.indexDir!, `gen-${meta.gen}`));
        this.indexedUpTo = meta.indexed_up_to;
        this.gen = meta.gen;
        this.builtAt = meta.size;
        this.opts.log.info({ gen: meta.gen, ...index.describe(), indexed_up_to: meta.indexed_up_to }, 'J3 index snapshot loaded');
        return index;
      } catch (err) {
        this.opts.log.warn({ err: (err as Error).message }, 'J3 index snapshot unreadable: rebuilding from the document store');
      }
    }
    // No usable snapshot: exact search over everything stored, now; an approximate index follows in the background.
    const built = buildFromStore(this.opts.store, this.spec('flat'), this.opts.store.maxRowid());
    this.indexedUpTo = built.upTo;
    if (this.live > 0) this.opts.log.info({ docs: this.live, ms: Math.round(built.ms) }, 'J3 flat index built from the document store');
    return built.index;
  }

  private readMeta(): SnapshotMeta | null {
    if (!this.indexDir) return null;
    const path = join(this.indexDir, 'current.json');
    if (!existsSync(path)) return null;
    try {
      const meta = JSON.parse(readFileSync(path, 'utf8')) as SnapshotMeta;
      if (meta.version !== SNAPSHOT_VERSION) return null;
      if (meta.encoder !== this.opts.encoderId || meta.spec.dim !== this.opts.dim) {
        this.opts.log.info({ was: meta.encoder, now: this.opts.encoderId }, 'J3 index snapshot made by another encoder: rebuilding');
        return null;
      }
      if (meta.spec.backend !== this.opts.backend) {
        this.opts.log.info({ was: meta.spec.backend, now: this.opts.backend }, 'J3 index snapshot made by another backend: rebuilding');
        return null;
      }
      return meta;
    } catch {
      return null;
    }
  }

  /** Adds every stored document after the index's high-water mark. */
  private catchUp(index: VectorIndex): number {
    let added = 0;
    let rowids: number[] = [];
    let vectors: Float32Array[] = [];
    for (const r of this.opts.store.vectorsAfter(this.indexedUpTo)) {
      rowids.push(r.rowid);
      vectors.push(r.vector);
      this.indexedUpTo = r.rowid;
      if (rowids.length === 5000) {
        index.add(rowids, vectors);
        added += rowids.length;
        rowids = [];
        vectors = [];
      }
    }
    index.add(rowids, vectors);
    return added + rowids.length;
  }

  add(rowid: number, vector: Float32Array): void {
    this.active.add([rowid], [vector]);
    this.indexedUpTo = Math.max(this.indexedUpTo, rowid);
    this.live += 1;
    this.maybeRebuild();
  }

  search(query: Float32Array, k: number): SearchHits {
    return this.active.search(query, k);
  }

  size(): number {
    return this.active.size();
  }

  liveCount(): number {
    return this.live;
  }

  /** The store removed `n` documents (retention); their entries stay until the next rebuild, filtered at search. */
  removed(n: number): void {
    this.live = Math.max(0, this.live - n);
    this.maybeRebuild();
  }

  stats(): IndexStats {
    return {
      backend: this.opts.backend,
      kind: this.active.kind,
      entries: this.active.size(),
      live: this.live,
      building: this.building !== null,
      rebuilds: this.rebuilds,
      describe: this.active.describe(),
    };
  }

  private rebuildReason(): string | null {
    const want = this.wantedKind();
    const entries = this.active.size();
    const removed = entries - this.live;
    if (entries > 0 && removed / entries >= this.opts.cfg.rebuild_deleted_fraction)
      return `retention removed ${removed} of ${entries} entries`;
    if (want !== this.active.kind) return `corpus of ${this.live} calls for ${want} (now ${this.active.kind})`;
    if (want !== 'flat' && this.live >= this.builtAt * this.opts.cfg.rebuild_growth)
      return `corpus grew from ${this.builtAt} to ${this.live}`;
    return null;
  }

  private maybeRebuild(): void {
    if (this.closed) return;
    const reason = this.rebuildReason();
    if (reason === null) return;
    if (this.building) {
      this.again = true;
      return;
    }
    this.building = this.rebuild(reason).finally(() => {
      this.building = null;
      if (this.again && !this.closed) {
        this.again = false;
        this.maybeRebuild();
      }
    });
  }

  /** Resolves when no rebuild is in flight (tests, shutdown, the CLI's final snapshot). */
  async idle(): Promise<void> {
    while (this.building) await this.building;
  }

  private async rebuild(reason: string): Promise<void> {
    const kind = this.wantedKind();
    const spec = this.spec(kind);
    const upTo = this.opts.store.maxRowid();
    const started = performance.now();
    this.opts.log.info({ reason, kind: spec.kind, backend: spec.backend, up_to: upTo }, 'J3 index rebuild started');
    try {
      let next: VectorIndex;
      let builtUpTo: number;
      let gen: number | null = null;
      let files: string[] = [];
      if (kind === 'flat') {
        // Flat: no training, just copies; in-process, between two events of the loop.
        const built = buildFromStore(this.opts.store, spec, upTo);
        next = built.index;
        builtUpTo = built.upTo;
      } else if (this.indexDir === null || this.opts.store.path === null) {
        // In memory: training IVF or linking HNSW here would stall every search and ingest for seconds (10-25 s at
        // 40-80k documents). The child gets a copy of the store in a scratch folder instead, which goes afterwards.
        const scratch = mkdtempSync(join(tmpdir(), 'himari-j3-build-'));
        try {
          const dbPath = join(scratch, 'docs.sqlite');
          writeFileSync(dbPath, this.opts.store.serialize());
          const base = join(scratch, 'index');
          const result = await this.runChild({ dbPath, base, spec, upTo, threads: this.opts.cfg.threads });
          if (this.closed) return;
          next = loadIndex(result.spec, base);
          builtUpTo = result.upTo;
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      } else {
        gen = this.nextGen();
        this.pendingGen = gen;
        const base = join(this.indexDir, `gen-${gen}`);
        const result = await this.runChild({ dbPath: this.opts.store.path, base, spec, upTo, threads: this.opts.cfg.threads }).finally(
          () => {
            this.pendingGen = null;
          },
        );
        if (this.closed) return;
        next = loadIndex(result.spec, base);
        builtUpTo = result.upTo;
        files = result.files;
      }
      // Swap: catch up what arrived during the build (synchronously: no add can interleave), then replace.
      const savedUpTo = this.indexedUpTo;
      this.indexedUpTo = builtUpTo;
      this.catchUp(next);
      this.indexedUpTo = Math.max(this.indexedUpTo, savedUpTo);
      this.active = next;
      this.builtAt = this.live;
      this.rebuilds += 1;
      if (gen !== null) this.writeMeta(gen, next, files, builtUpTo);
      const info = { reason, ms: Math.round(performance.now() - started), ...next.describe() };
      this.opts.log.info(info, 'J3 index swapped in');
      this.opts.onSwap?.(info);
    } catch (err) {
      if (this.closed) return;
      this.opts.log.error({ err: (err as Error).message, reason }, 'J3 index rebuild failed: the current index keeps serving');
    }
  }

  private runChild(job: {
    dbPath: string;
    base: string;
    spec: BuildSpec;
    upTo: number;
    threads: number;
  }): Promise<{ spec: BuildSpec; upTo: number; files: string[] }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [WORKER, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      let out = '';
      let err = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        this.child = null;
        const line = out.trim().split('\n').pop() ?? '';
        try {
          const r = JSON.parse(line) as { ok: boolean; error?: string; spec: BuildSpec; upTo: number; files: string[] };
          if (r.ok && code === 0) return resolve(r);
          reject(new Error(r.error ?? `index builder exited ${code ?? signal}`));
        } catch {
          reject(new Error(`index builder exited ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
        }
      });
    });
  }

  private nextGen(): number {
    let max = this.gen;
    if (this.indexDir) {
      for (const f of readdirSync(this.indexDir)) {
        const m = /^gen-(\d+)\./.exec(f);
        if (m) max = Math.max(max, Number(m[1]));
      }
    }
    this.gen = max + 1;
    return this.gen;
  }

  /** Writes the active index as a new generation and makes it current. No-op in memory. */
  snapshot(): void {
    if (!this.indexDir) return;
    const gen = this.nextGen();
    const files = this.active.save(join(this.indexDir, `gen-${gen}`));
    this.writeMeta(gen, this.active, files, this.indexedUpTo);
  }

  private writeMeta(gen: number, index: VectorIndex, files: string[], upTo: number): void {
    const dir = this.indexDir!;
    for (const f of files) fsyncFile(f);
    const meta: SnapshotMeta = {
      version: SNAPSHOT_VERSION,
      gen,
      encoder: this.opts.encoderId,
      spec: { backend: index.backend, kind: index.kind, dim: index.dim, params: this.specParams(index) },
      files: files.map((f) => f.slice(dir.length + 1)),
      indexed_up_to: upTo,
      size: index.size(),
      written_at: new Date().toISOString(),
    };
    const tmp = join(dir, `current.json.tmp-${process.pid}`);
    writeFileSync(tmp, JSON.stringify(meta, null, 2));
    fsyncFile(tmp);
    renameSync(tmp, join(dir, 'current.json'));
    // Older generations (and leftovers of a crashed build) are no longer referenced.
    const keep = new Set(meta.files);
    for (const f of readdirSync(dir)) {
      const m = /^gen-(\d+)\./.exec(f);
      if (m && !keep.has(f) && Number(m[1]) < gen && Number(m[1]) !== this.pendingGen) rmSync(join(dir, f), { force: true });
    }
  }

  private specParams(index: VectorIndex): IndexParams {
    const d = index.describe();
    const p = paramsFrom(this.opts.cfg);
    return { ...p, nlist: typeof d['nlist'] === 'number' ? d['nlist'] : p.nlist };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.child?.kill('SIGKILL');
    await this.building?.catch(() => undefined);
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
