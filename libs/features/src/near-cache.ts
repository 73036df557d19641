/**
 * The latest signal and running sentiment per asset, held in this process for the decision loop's read. Entries are
 * filled by store reads and dropped when the update feed says the asset was written (the cache writer publishes
 * after each apply), or all at once when the feed may have missed something. While the feed is not live nothing is
 * served from memory: reads go to the store (and to neutral values with a status when that fails).
 *
 * The latest key's TTL is applied here too: an entry whose signal was cached longer ago than `signalTtlS` reads as
 * "no signal", as Redis would answer.
 */
import type { FeatureSnapshot, SignalStore, UpdateFeed } from '@himari/signal-store';

export interface NearCacheOptions {
  store: Pick<SignalStore, 'snapshot'>;
  feed: UpdateFeed;
  /** TTL of the latest key (`redis.signal_ttl_s`). */
  signalTtlS: number;
  /** Assets held at most; the least recently filled goes first. @default 10000 */
  maxEntries?: number;
  /** Epoch ms. @default Date.now */
  clock?: () => number;
  /** Told about a failed background refresh. */
  onError?: (err: unknown, asset: string) => void;
}

export interface NearCacheStats {
  hits: number;
  misses: number;
  invalidations: number;
  resets: number;
  size: number;
}

export interface NearCache {
  /** Synchronous: the held snapshot, or undefined (not held, or the feed is not live). Never throws. */
  peek(asset: string): FeatureSnapshot | undefined;
  /** A store read that fills the cache unless the asset was written meanwhile. */
  snapshot(asset: string): Promise<FeatureSnapshot>;
  stats(): NearCacheStats;
  /** Stops listening to the feed (the feed stays the caller's). */
  close(): void;
}

export function createNearCache(o: NearCacheOptions): NearCache {
  const maxEntries = o.maxEntries ?? 10_000;
  const clock = o.clock ?? Date.now;
  const entries = new Map<string, FeatureSnapshot>();
  /** Bumped per asset on each update: a read that started before one must not fill the cache with what it saw. */
  const versions = new Map<string, number>();
  let epoch = 0;
  const counts = { hits: 0, misses: 0, invalidations: 0, resets: 0 };

  const version = (asset: string): string => `${epoch}:${versions.get(asset) ?? 0}`;

  const fill = async (asset: string): Promise<FeatureSnapshot> => {
    const before = version(asset);
    const snap = await o.store.snapshot(asset);
    if (o.feed.live && version(asset) === before) {
      entries.delete(asset);
      entries.set(asset, snap);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    }
    return snap;
  };

  const stop = o.feed.listen({
    update(asset) {
      counts.invalidations++;
      versions.set(asset, (versions.get(asset) ?? 0) + 1);
      // Refetch an asset someone reads, so the next read is a hit again; one nobody holds stays unheld.
      if (entries.delete(asset)) {
        fill(asset).catch((err: unknown) => o.onError?.(err, asset));
      }
    },
    reset() {
      counts.resets++;
      epoch++;
      entries.clear();
      versions.clear();
    },
  });

  return {
    peek(asset) {
      if (!o.feed.live) return undefined;
      const snap = entries.get(asset);
      if (snap === undefined) {
        counts.misses++;
        return undefined;
      }
      counts.hits++;
      if (snap.latest !== null && clock() / 1000 >= snap.latest.cached_at + o.signalTtlS) {
        return { latest: null, running: snap.running };
      }
      return snap;
    },
    snapshot: fill,
    stats: () => ({ ...counts, size: entries.size }),
    close: () => void stop(),
  };
}
