/** Stores that misbehave on purpose, for tests of the injector and of its callers. */
import type { FeatureSnapshot, SignalStore, UpdateFeed, UpdateListener } from '@himari/signal-store';

export type SnapshotSource = Pick<SignalStore, 'snapshot'>;

/** A store whose reads never answer (a hung connection). */
export function stalledStore(): SnapshotSource {
  return { snapshot: () => new Promise<FeatureSnapshot>(() => undefined) };
}

/** A store whose reads reject with `err`. */
export function failingStore(err: unknown = new Error('store down')): SnapshotSource {
  return { snapshot: () => Promise.reject(err) };
}

/** A store whose reads throw before returning a promise (a programming error in a hand-written store). */
export function throwingStore(err: unknown = new Error('sync failure')): SnapshotSource {
  return {
    snapshot: () => {
      throw err;
    },
  };
}

/** A store whose reads wait until the test settles them: `release` answers, `fail` rejects, both settle every pending read. */
export function gatedStore(): SnapshotSource & { release(s: FeatureSnapshot): void; fail(err: unknown): void; pending(): number } {
  const waiting: { resolve: (s: FeatureSnapshot) => void; reject: (e: unknown) => void }[] = [];
  return {
    snapshot: () => new Promise<FeatureSnapshot>((resolve, reject) => waiting.push({ resolve, reject })),
    release: (s) => waiting.splice(0).forEach((w) => w.resolve(s)),
    fail: (err) => waiting.splice(0).forEach((w) => w.reject(err)),
    pending: () => waiting.length,
  };
}

/** An update feed the test drives: `publish(asset)` as the cache writer would, `setLive(false)` as a dropped subscription. */
export function fakeFeed(): UpdateFeed & { publish(asset: string): void; setLive(live: boolean): void } {
  const listeners = new Set<UpdateListener>();
  let live = true;
  return {
    get live() {
      return live;
    },
    listen(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: async () => listeners.clear(),
    publish: (asset) => listeners.forEach((l) => l.update(asset)),
    setLive: (v) => {
      live = v;
      listeners.forEach((l) => l.reset());
    },
  };
}
