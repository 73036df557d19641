/**
 * Vector indexes over unit vectors, inner product = cosine similarity. Labels are the document store's rowids:
 * faiss-node has no add_with_ids, so its wrapper keeps the label → rowid map itself and saves it beside the index.
 *
 * - faiss: `Flat` (exact), `IVF<nlist>,Flat` (trained on stored vectors; nprobe through the patched setParameter),
 *   `HNSW<M>` (efSearch likewise; efConstruction is faiss's 40: its factory takes no other);
 * - hnswlib (when faiss is unavailable): exact search by a plain scan (JsFlatIndex) while small, then HNSW.
 *
 * Every index file is written by its caller's atomic protocol (see index-manager.ts); none of them is executable.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dot } from '@himari/numeric';
import { loadHnswlib, probeFaiss, type BackendName, type FaissIndex, type HnswIndex } from './backend.ts';

export type IndexKind = 'flat' | 'ivf' | 'hnsw';

export interface IndexParams {
  nlist: number;
  nprobe: number;
  hnswM: number;
  efConstruction: number;
  efSearch: number;
}

export interface SearchHits {
  rowids: number[];
  scores: number[];
}

export interface VectorIndex {
  readonly backend: BackendName;
  readonly kind: IndexKind;
  readonly dim: number;
  /** Entries in the index, including documents the store has since removed. */
  size(): number;
  add(rowids: readonly number[], vectors: readonly Float32Array[]): void;
  search(query: Float32Array, k: number): SearchHits;
  /** Writes `<base>.<ext>` files; returns their paths. */
  save(base: string): string[];
  /** What the index is, for logs, metrics and the snapshot's metadata. */
  describe(): Record<string, number | string>;
  /** Changes nprobe (IVF) / efSearch (HNSW) in place; other kinds ignore it. */
  setSearchParams?(p: { nprobe?: number; efSearch?: number }): void;
}

export class IndexBuildError extends Error {
  override readonly name = 'IndexBuildError';
  readonly retryable = false;
}

/** IVF lists for n training vectors: about 4·√n, and at most n/39 so k-means sees enough points per list. */
export function autoNlist(n: number, configured: number): number {
  const cap = Math.max(1, Math.floor(n / 39));
  return Math.max(1, Math.min(configured > 0 ? configured : Math.round(4 * Math.sqrt(n)), cap));
}

function flatten(vectors: readonly Float32Array[], dim: number): number[] {
  const out = new Array<number>(vectors.length * dim);
  let o = 0;
  for (const v of vectors) {
    if (v.length !== dim) throw new IndexBuildError(`vector of ${v.length} dims in a ${dim}-d index`);
    for (let j = 0; j < dim; j++) out[o++] = v[j]!;
  }
  return out;
}

// ---------------------------------------------------------------- faiss

export class FaissVectorIndex implements VectorIndex {
  readonly backend = 'faiss' as const;
  private readonly rowids: number[];

  private constructor(
    private readonly index: FaissIndex,
    readonly kind: IndexKind,
    readonly dim: number,
    params: IndexParams,
    rowids: number[],
  ) {
    this.params = { ...params };
    this.rowids = rowids;
  }

  private readonly params: IndexParams;

  static descriptor(kind: IndexKind, params: IndexParams): string {
    if (kind === 'flat') return 'Flat';
    if (kind === 'ivf') return `IVF${params.nlist},Flat`;
    return `HNSW${params.hnswM}`;
  }

  /** An empty index; IVF is trained on `train` first (it cannot be searched or filled before). */
  static create(kind: IndexKind, dim: number, params: IndexParams, train?: readonly Float32Array[]): FaissVectorIndex {
    const probe = probeFaiss();
    if (!probe.ok) throw new IndexBuildError(probe.reason);
    const { faiss } = probe;
    const index = faiss.Index.fromFactory(dim, FaissVectorIndex.descriptor(kind, params), faiss.MetricType.METRIC_INNER_PRODUCT);
    if (kind === 'ivf') {
      if (!train || train.length < params.nlist)
        throw new IndexBuildError(`IVF${params.nlist} needs at least ${params.nlist} training vectors, got ${train?.length ?? 0}`);
      index.train(flatten(train, dim));
    }
    const out = new FaissVectorIndex(index, kind, dim, params, []);
    out.applySearchParams();
    return out;
  }

  static load(base: string, kind: IndexKind, dim: number, params: IndexParams): FaissVectorIndex {
    const probe = probeFaiss();
    if (!probe.ok) throw new IndexBuildError(probe.reason);
    const index = probe.faiss.Index.read(`${base}.faiss`);
    const ids = readIds(`${base}.ids`);
    if (ids.length !== index.ntotal()) throw new IndexBuildError(`${base}: ${ids.length} ids for ${index.ntotal()} vectors`);
    if (index.getDimension() !== dim) throw new IndexBuildError(`${base}: ${index.getDimension()}-d index, expected ${dim}`);
    const out = new FaissVectorIndex(index, kind, dim, params, ids);
    out.applySearchParams();
    return out;
  }

  setSearchParams(p: { nprobe?: number; efSearch?: number }): void {
    if (p.nprobe !== undefined) this.params.nprobe = p.nprobe;
    if (p.efSearch !== undefined) this.params.efSearch = p.efSearch;
    this.applySearchParams();
  }

  private applySearchParams(): void {
    if (this.kind === 'ivf') this.index.setParameter('nprobe', Math.min(this.params.nprobe, this.params.nlist));
    if (this.kind === 'hnsw') this.index.setParameter('efSearch', this.params.efSearch);
  }

  size(): number {
    return this.index.ntotal();
  }

  add(rowids: readonly number[], vectors: readonly Float32Array[]): void {
    if (rowids.length !== vectors.length) throw new IndexBuildError('rowids and vectors differ in length');
    if (rowids.length === 0) return;
    this.index.add(flatten(vectors, this.dim));
    this.rowids.push(...rowids);
  }

  search(query: Float32Array, k: number): SearchHits {
    const n = this.index.ntotal();
    const kk = Math.min(k, n);
    if (kk <= 0) return { rowids: [], scores: [] };
    // faiss searches at most efSearch candidates on HNSW: a larger k needs a larger beam.
    if (this.kind === 'hnsw' && kk > this.params.efSearch) this.index.setParameter('efSearch', kk);
    const r = this.index.search(Array.from(query), kk);
    if (this.kind === 'hnsw' && kk > this.params.efSearch) this.index.setParameter('efSearch', this.params.efSearch);
    const rowids: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < r.labels.length; i++) {
      const label = r.labels[i]!;
      if (label < 0) continue;
      rowids.push(this.rowids[label]!);
      scores.push(r.distances[i]!);
    }
    return { rowids, scores };
  }

  /** Many queries in one call: faiss uses BLAS for batches (exact reference sets in benchmarks). */
  searchMany(queries: readonly Float32Array[], k: number): number[][] {
    const kk = Math.min(k, this.index.ntotal());
    if (kk <= 0 || queries.length === 0) return queries.map(() => []);
    const r = this.index.search(flatten(queries, this.dim), kk);
    return queries.map((_, q) =>
      r.labels
        .slice(q * kk, (q + 1) * kk)
        .filter((l) => l >= 0)
        .map((l) => this.rowids[l]!),
    );
  }

  save(base: string): string[] {
    this.index.write(`${base}.faiss`);
    writeIds(`${base}.ids`, this.rowids);
    return [`${base}.faiss`, `${base}.ids`];
  }

  describe(): Record<string, number | string> {
    const d: Record<string, number | string> = {
      backend: 'faiss',
      kind: this.kind,
      factory: FaissVectorIndex.descriptor(this.kind, this.params),
      size: this.size(),
    };
    if (this.kind === 'ivf') Object.assign(d, { nlist: this.params.nlist, nprobe: Math.min(this.params.nprobe, this.params.nlist) });
    if (this.kind === 'hnsw') Object.assign(d, { m: this.params.hnswM, ef_search: this.params.efSearch, ef_construction: 40 });
    return d;
  }
}

function writeIds(path: string, ids: readonly number[]): void {
  writeFileSync(path, Buffer.from(Float64Array.from(ids).buffer));
}

function readIds(path: string): number[] {
  const b = readFileSync(path);
  return Array.from(new Float64Array(Uint8Array.prototype.slice.call(b).buffer));
}

// ---------------------------------------------------------------- plain scan (hnswlib backend's flat phase)

/** Exact inner-product search by scanning a growable matrix: hnswlib's own brute force cannot grow. */
export class JsFlatIndex implements VectorIndex {
  readonly backend = 'hnswlib' as const;
  readonly kind = 'flat' as const;
  private data: Float32Array;
  private ids: Float64Array;
  private n = 0;

  constructor(
    readonly dim: number,
    capacity = 1024,
  ) {
    const c = Math.max(16, capacity);
    this.data = new Float32Array(c * dim);
    this.ids = new Float64Array(c);
  }

  static load(base: string, dim: number): JsFlatIndex {
    const b = readFileSync(`${base}.flat`);
    const n = b.readUInt32LE(0);
    const d = b.readUInt32LE(4);
    if (d !== dim) throw new IndexBuildError(`${base}.flat: ${d}-d, expected ${dim}`);
    const out = new JsFlatIndex(dim, Math.max(n, 1));
    const body = Uint8Array.prototype.slice.call(b, 8);
    out.ids.set(new Float64Array(body.buffer, 0, n));
    out.data.set(new Float32Array(body.buffer, n * 8, n * dim));
    out.n = n;
    return out;
  }

  size(): number {
    return this.n;
  }

  add(rowids: readonly number[], vectors: readonly Float32Array[]): void {
    while (this.n + rowids.length > this.ids.length) {
      const data = new Float32Array(this.data.length * 2);
      data.set(this.data);
      const ids = new Float64Array(this.ids.length * 2);
      ids.set(this.ids);
      this.data = data;
      this.ids = ids;
    }
    rowids.forEach((r, i) => {
      const v = vectors[i]!;
      if (v.length !== this.dim) throw new IndexBuildError(`vector of ${v.length} dims in a ${this.dim}-d index`);
      this.data.set(v, this.n * this.dim);
      this.ids[this.n] = r;
      this.n += 1;
    });
  }

  search(query: Float32Array, k: number): SearchHits {
    const scores = new Float32Array(this.n);
    const d = this.dim;
    for (let i = 0; i < this.n; i++) scores[i] = dot(this.data, query, d, i * d);
    const order = topIndices(scores, Math.min(k, this.n));
    return { rowids: order.map((i) => this.ids[i]!), scores: order.map((i) => scores[i]!) };
  }

  save(base: string): string[] {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(this.n, 0);
    head.writeUInt32LE(this.dim, 4);
    const ids = Buffer.from(this.ids.buffer, 0, this.n * 8);
    const data = Buffer.from(this.data.buffer, 0, this.n * this.dim * 4);
    writeFileSync(`${base}.flat`, Buffer.concat([head, ids, data]));
    return [`${base}.flat`];
  }

  describe(): Record<string, number | string> {
    return { backend: 'hnswlib', kind: 'flat', exact: 'scan', size: this.n };
  }
}

/** Indices of the k largest scores, best first (ties: lower index first). */
export function topIndices(scores: Float32Array, k: number): number[] {
  if (k <= 0) return [];
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (idx.length === k && s <= scores[idx[k - 1]!]!) continue;
    let p = idx.length < k ? idx.length : k - 1;
    if (idx.length < k) idx.push(i);
    while (p > 0 && scores[idx[p - 1]!]! < s) {
      idx[p] = idx[p - 1]!;
      p--;
    }
    idx[p] = i;
  }
  return idx;
}

// ---------------------------------------------------------------- hnswlib HNSW

export class HnswlibVectorIndex implements VectorIndex {
  readonly backend = 'hnswlib' as const;
  readonly kind = 'hnsw' as const;

  private readonly params: IndexParams;

  private constructor(
    private readonly index: HnswIndex,
    readonly dim: number,
    params: IndexParams,
  ) {
    this.params = { ...params };
  }

  setSearchParams(p: { nprobe?: number; efSearch?: number }): void {
    if (p.efSearch !== undefined) this.params.efSearch = p.efSearch;
    this.index.setEf(this.params.efSearch);
  }

  static create(dim: number, params: IndexParams, capacity: number): HnswlibVectorIndex {
    const lib = loadHnswlib();
    const index = new lib.HierarchicalNSW('ip', dim);
    index.initIndex(Math.max(capacity, 1024), params.hnswM, params.efConstruction, 100);
    index.setEf(params.efSearch);
    return new HnswlibVectorIndex(index, dim, params);
  }

  static load(base: string, dim: number, params: IndexParams): HnswlibVectorIndex {
    const lib = loadHnswlib();
    const index = new lib.HierarchicalNSW('ip', dim);
    index.readIndexSync(`${base}.hnsw`);
    index.setEf(params.efSearch);
    return new HnswlibVectorIndex(index, dim, params);
  }

  size(): number {
    return this.index.getCurrentCount();
  }

  add(rowids: readonly number[], vectors: readonly Float32Array[]): void {
    const need = this.index.getCurrentCount() + rowids.length;
    if (need > this.index.getMaxElements()) this.index.resizeIndex(Math.max(need, this.index.getMaxElements() * 2));
    rowids.forEach((r, i) => this.index.addPoint(Array.from(vectors[i]!), r));
  }

  search(query: Float32Array, k: number): SearchHits {
    const kk = Math.min(k, this.index.getCurrentCount());
    if (kk <= 0) return { rowids: [], scores: [] };
    this.index.setEf(Math.max(this.params.efSearch, kk));
    const r = this.index.searchKnn(Array.from(query), kk);
    // hnswlib's inner-product "distance" is 1 − ⟨q, x⟩.
    return { rowids: r.neighbors, scores: r.distances.map((d) => 1 - d) };
  }

  save(base: string): string[] {
    this.index.writeIndexSync(`${base}.hnsw`);
    return [`${base}.hnsw`];
  }

  describe(): Record<string, number | string> {
    return {
      backend: 'hnswlib',
      kind: 'hnsw',
      m: this.params.hnswM,
      ef_construction: this.params.efConstruction,
      ef_search: this.params.efSearch,
      size: this.size(),
    };
  }
}

// ---------------------------------------------------------------- construction

export interface BuildSpec {
  backend: BackendName;
  kind: IndexKind;
  dim: number;
  params: IndexParams;
}

/** An empty index of the spec; IVF trains on `train`. The hnswlib backend has no IVF: HNSW takes its place. */
export function createIndex(spec: BuildSpec, train?: readonly Float32Array[], capacity = 1024): VectorIndex {
  if (spec.backend === 'faiss') return FaissVectorIndex.create(spec.kind, spec.dim, spec.params, train);
  if (spec.kind === 'flat') return new JsFlatIndex(spec.dim, capacity);
  return HnswlibVectorIndex.create(spec.dim, spec.params, capacity);
}

export function loadIndex(spec: BuildSpec, base: string): VectorIndex {
  if (spec.backend === 'faiss') return FaissVectorIndex.load(base, spec.kind, spec.dim, spec.params);
  if (spec.kind === 'flat') return JsFlatIndex.load(base, spec.dim);
  return HnswlibVectorIndex.load(base, spec.dim, spec.params);
}

/** The kind an approximate build really gets on a backend (hnswlib has no IVF). */
export function effectiveKind(backend: BackendName, kind: IndexKind): IndexKind {
  return backend === 'hnswlib' && kind === 'ivf' ? 'hnsw' : kind;
}
