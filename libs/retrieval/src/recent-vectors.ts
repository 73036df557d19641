/**
 * The vectors of the newest documents, in memory, so that windowed exact scans (every item's novelty search looks
 * at the last `novelty.window_days`) never read SQLite. Measured on the StockNet replay: reading the window's rows
 * and their vector blobs back from SQLite for every item took about two thirds of J3's time.
 *
 * Invariant: every stored document published at or after `floor()` is here (and nothing removed from the store).
 * The floor trails the newest publication time seen by `keepMs`, and only moves forward, so a query with
 * `sinceMs >= floor()` is answered completely from memory; anything older goes back to the store.
 */

export interface RecentEntry {
  rowid: number;
  publishedMs: number;
  vector: Float32Array;
}

/** Stale entries are dropped in one pass once they could make up this share of the cache (amortised O(1)). */
const COMPACT_EVERY = 1024;

export class RecentVectors {
  private all: RecentEntry[] = [];
  private byAsset = new Map<string, RecentEntry[]>();
  private newestMs = -Infinity;
  private sinceCompact = 0;

  constructor(private readonly keepMs: number) {}

  /** Oldest publication time the cache answers for completely. */
  floor(): number {
    return this.newestMs - this.keepMs;
  }

  size(): number {
    return this.all.length;
  }

  add(rowid: number, asset: string | null, publishedMs: number, vector: Float32Array): void {
    if (publishedMs > this.newestMs) this.newestMs = publishedMs;
    if (publishedMs < this.floor()) return;
    const e: RecentEntry = { rowid, publishedMs, vector };
    this.all.push(e);
    if (asset !== null) {
      const list = this.byAsset.get(asset);
      if (list) list.push(e);
      else this.byAsset.set(asset, [e]);
    }
    if (++this.sinceCompact >= COMPACT_EVERY) this.compact();
  }

  /** Whether a query over documents published at or after `sinceMs` (all assets or one) can be answered here. */
  covers(sinceMs: number | undefined): boolean {
    return sinceMs !== undefined && this.newestMs > -Infinity && sinceMs >= this.floor();
  }

  /** Entries matching the filter; call only when `covers(sinceMs)`. */
  matching(asset: string | undefined, sinceMs: number): RecentEntry[] {
    const list = asset === undefined ? this.all : (this.byAsset.get(asset) ?? []);
    const out: RecentEntry[] = [];
    for (let i = 0; i < list.length; i++) if (list[i]!.publishedMs >= sinceMs) out.push(list[i]!);
    return out;
  }

  /** Documents gone from the store (retention): they must never be scored again. */
  remove(rowids: readonly number[]): void {
    if (rowids.length === 0) return;
    const gone = new Set(rowids);
    this.retain((e) => !gone.has(e.rowid));
  }

  private compact(): void {
    this.sinceCompact = 0;
    const floor = this.floor();
    this.retain((e) => e.publishedMs >= floor);
  }

  /** Keeps the entries `keep` accepts, in the full list and in every asset's (dropping assets left empty). */
  private retain(keep: (e: RecentEntry) => boolean): void {
    this.all = this.all.filter(keep);
    for (const [asset, list] of this.byAsset) {
      const kept = list.filter(keep);
      if (kept.length) this.byAsset.set(asset, kept);
      else this.byAsset.delete(asset);
    }
  }
}
