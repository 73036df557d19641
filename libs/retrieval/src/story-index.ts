/**
 * J3's novelty candidates with a cost that does not grow with the window: locality-sensitive hashing, the way news
 * de-duplication is done at scale, then an exact vector check on the few candidates only.
 *
 * - MinHash LSH over word 3-gram shingles finds texts that share much of their wording (a retweet with a comment,
 *   a cut headline, reordered cashtags): the Jaccard of their shingles is what "the same story" means in the
 *   evaluation, and banding (BANDS x ROWS) makes a pair with Jaccard 0.5 a candidate with probability > 0.99.
 * - Random-hyperplane (SimHash) LSH over the dense vector finds rewordings the encoder maps close together.
 * - The newest RECENT_EXACT documents are always candidates: a burst repeats its story within minutes.
 *
 * Each bucket keeps only its newest BUCKET_CAP entries, so a boilerplate shingle or a crowded region of the vector
 * space costs a bounded number of dot products. An item with no candidate is as novel as it gets (score 1).
 *
 * Invariant (as RecentVectors): every document published at or after `floor()` and not removed is in the index.
 */
import { mulberry32 } from '@himari/numeric';
import { fnv1a, words } from '@himari/embeddings';

const SHINGLE = 3;
const BANDS = 20;
const ROWS = 2;
const SIM_TABLES = 8;
const SIM_BITS = 12;
/** Non-zeros per hyperplane (a sparse ±1 projection): a sixth of the work of a dense one at 384 dimensions. */
const PLANE_NNZ = 64;
const BUCKET_CAP = 8;
const RECENT_EXACT = 32;
/** Expired entries are dropped once this share of adds has happened since the last pass (amortised O(1) per add). */
const COMPACT_SHARE = 0.5;
const COMPACT_MIN = 1024;

export interface StoryEntry {
  rowid: number;
  id: string;
  text: string;
  publishedMs: number;
  vector: Float32Array;
  /** Sorted, unique 32-bit hashes of the text's word 3-grams (the whole text when shorter). */
  shingles: Uint32Array;
  duplicateOf: string | null;
  /** Query stamp: a candidate met twice in one query is scored once. */
  seen: number;
}

export interface StoryDoc {
  rowid: number;
  id: string;
  text: string;
  publishedMs: number;
  vector: Float32Array;
  duplicateOf: string | null;
}

export interface StoryCandidate {
  entry: StoryEntry;
  similarity: number;
  jaccard: number;
}

/** Sorted unique hashes of the word n-grams of a text. */
export function shingleHashes(text: string, n = SHINGLE): Uint32Array {
  const w = words(text);
  const set = new Set<number>();
  if (w.length > 0 && w.length < n) set.add(fnv1a(w.join(' ')));
  for (let i = 0; i + n <= w.length; i++) set.add(fnv1a(w.slice(i, i + n).join(' ')));
  return Uint32Array.from(set).sort();
}

/** Exact Jaccard of two sorted hash sets. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export class StoryIndex {
  private readonly entries = new Map<number, StoryEntry>();
  private readonly buckets = new Map<number, StoryEntry[]>();
  private readonly newest: StoryEntry[] = [];
  /** Hyperplane p uses dimensions planeDims[p*PLANE_NNZ ..] with signs planeSigns[..]. */
  private readonly planeDims: Uint32Array;
  private readonly planeSigns: Float32Array;
  private readonly seeds: Uint32Array;
  private newestMs = -Infinity;
  private sinceCompact = 0;
  private stamp = 0;

  constructor(
    private readonly keepMs: number,
    readonly dim: number,
  ) {
    const rand = mulberry32(0x5eed);
    const nnz = Math.min(PLANE_NNZ, dim);
    this.planeDims = new Uint32Array(SIM_TABLES * SIM_BITS * nnz);
    this.planeSigns = new Float32Array(this.planeDims.length);
    for (let i = 0; i < this.planeDims.length; i++) {
      this.planeDims[i] = Math.floor(rand() * dim);
      this.planeSigns[i] = rand() < 0.5 ? -1 : 1;
    }
    this.seeds = new Uint32Array(BANDS * ROWS);
    for (let i = 0; i < this.seeds.length; i++) this.seeds[i] = Math.floor(rand() * 2 ** 32);
  }

  floor(): number {
    return this.newestMs - this.keepMs;
  }

  size(): number {
    return this.entries.size;
  }

  /** The LSH bucket keys of a document: compute once, pass to `candidates` and `add`. */
  keysOf(vector: Float32Array, shingles: Uint32Array): number[] {
    return this.keys(vector, shingles);
  }

  add(doc: StoryDoc, shingles = shingleHashes(doc.text), keys = this.keys(doc.vector, shingles)): void {
    if (doc.publishedMs > this.newestMs) this.newestMs = doc.publishedMs;
    if (doc.publishedMs < this.floor() || this.entries.has(doc.rowid)) return;
    const e: StoryEntry = { ...doc, shingles, seen: 0 };
    this.entries.set(doc.rowid, e);
    for (const key of keys) {
      const list = this.buckets.get(key);
      if (!list) this.buckets.set(key, [e]);
      else {
        list.push(e);
        if (list.length > BUCKET_CAP) list.shift();
      }
    }
    this.newest.push(e);
    if (this.newest.length > RECENT_EXACT) this.newest.shift();
    if (++this.sinceCompact >= Math.max(COMPACT_MIN, this.entries.size * COMPACT_SHARE)) this.compact();
  }

  /** Candidates published at or after `sinceMs`, each checked exactly (cosine and shingle Jaccard), best first. */
  candidates(vector: Float32Array, shingles: Uint32Array, sinceMs: number, keys = this.keys(vector, shingles)): StoryCandidate[] {
    const stamp = ++this.stamp;
    const out: StoryCandidate[] = [];
    const consider = (e: StoryEntry): void => {
      if (e.seen === stamp) return;
      e.seen = stamp;
      if (e.publishedMs < sinceMs || !this.entries.has(e.rowid)) return;
      let s = 0;
      const v = e.vector;
      for (let j = 0; j < v.length; j++) s += vector[j]! * v[j]!;
      out.push({ entry: e, similarity: s, jaccard: jaccard(shingles, e.shingles) });
    };
    for (const e of this.newest) consider(e);
    for (const key of keys) {
      const list = this.buckets.get(key);
      if (list) for (const e of list) consider(e);
    }
    return out.sort((a, b) => b.similarity - a.similarity);
  }

  /** Documents gone from the store (retention) are never candidates again. */
  remove(rowids: readonly number[]): void {
    for (const r of rowids) this.entries.delete(r);
    if (rowids.length) this.prune();
  }

  /** Bucket keys: SimHash codes per table, then MinHash band hashes; the two ranges cannot collide. */
  private keys(vector: Float32Array, shingles: Uint32Array): number[] {
    const keys: number[] = [];
    const nnz = this.planeDims.length / (SIM_TABLES * SIM_BITS);
    const dims = this.planeDims;
    const signs = this.planeSigns;
    for (let t = 0; t < SIM_TABLES; t++) {
      let code = 0;
      for (let b = 0; b < SIM_BITS; b++) {
        const off = (t * SIM_BITS + b) * nnz;
        let s = 0;
        for (let j = off; j < off + nnz; j++) s += vector[dims[j]!]! * signs[j]!;
        code = (code << 1) | (s >= 0 ? 1 : 0);
      }
      keys.push(t * (1 << SIM_BITS) + code);
    }
    if (shingles.length === 0) return keys;
    const base = SIM_TABLES * (1 << SIM_BITS);
    for (let band = 0; band < BANDS; band++) {
      let h = band + 1;
      for (let r = 0; r < ROWS; r++) {
        const seed = this.seeds[band * ROWS + r]!;
        let min = 0xffffffff;
        for (let i = 0; i < shingles.length; i++) {
          const x = mix32(shingles[i]! ^ seed);
          if (x < min) min = x;
        }
        h = mix32(h ^ min);
      }
      // A 32-bit band hash above the SimHash range: collisions only add candidates, which are checked exactly.
      keys.push(base + band * 2 ** 32 + h);
    }
    return keys;
  }

  private compact(): void {
    this.sinceCompact = 0;
    const floor = this.floor();
    for (const [rowid, e] of this.entries) if (e.publishedMs < floor) this.entries.delete(rowid);
    this.prune();
  }

  private prune(): void {
    for (const [key, list] of this.buckets) {
      const kept = list.filter((e) => this.entries.get(e.rowid) === e);
      if (kept.length === 0) this.buckets.delete(key);
      else if (kept.length !== list.length) this.buckets.set(key, kept);
    }
    const kept = this.newest.filter((e) => this.entries.get(e.rowid) === e);
    this.newest.length = 0;
    this.newest.push(...kept);
  }
}
