/**
 * The cache writer's apply script publishes the asset on `<prefix>:updates` after each write. A feed turns that
 * channel into callbacks for near caches: `update(asset)` per write, `reset()` whenever messages may have been missed
 * (the subscription dropped or came back), and `live` only while subscribed.
 */
import type { StoreKeys } from '@himari/contracts';
import { Redis } from 'ioredis';

export interface UpdateListener {
  update(asset: string): void;
  /** Updates may have been lost: forget everything held. */
  reset(): void;
}

export interface UpdateFeed {
  /** True while subscribed: a near cache may answer from memory only then. */
  readonly live: boolean;
  listen(listener: UpdateListener): () => void;
  close(): Promise<void>;
}

export interface RedisUpdateFeedOptions {
  /** Told about connection errors (ioredis emits them as events; unheard, Node would print them). */
  onError?: (err: unknown) => void;
}

/**
 * Subscribes on a connection of its own (a subscribed connection can run no other command). ioredis resubscribes
 * after a reconnect; `live` is false from the drop until the subscription is confirmed again.
 */
export function createRedisUpdateFeed(url: string, keys: Pick<StoreKeys, 'updates'>, o: RedisUpdateFeedOptions = {}): UpdateFeed {
  const listeners = new Set<UpdateListener>();
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  let live = false;
  let closed = false;
  const resetAll = (): void => {
    for (const l of listeners) l.reset();
  };
  const down = (): void => {
    if (!live) return;
    live = false;
    resetAll();
  };
  sub.on('error', (err: unknown) => o.onError?.(err));
  sub.on('close', down);
  sub.on('end', down);
  sub.on('message', (_channel: string, asset: string) => {
    for (const l of listeners) l.update(asset);
  });
  const subscribe = (): void => {
    // Idempotent on the server; its answer comes after any SUBSCRIBE that ioredis re-sent on a reconnect, so from
    // then on no update can slip past. Whatever was written while down is unknown: listeners reset.
    sub
      .subscribe(keys.updates)
      .then(() => {
        if (closed) return;
        live = true;
        resetAll();
      })
      .catch((err: unknown) => o.onError?.(err));
  };
  // 'ready' fires on the first connection and on each reconnect (before ioredis's own resubscribe is answered),
  // also when Redis was down at start and came up later.
  sub.on('ready', () => {
    if (!closed) subscribe();
  });
  sub.connect().catch((err: unknown) => o.onError?.(err));

  return {
    get live() {
      return live;
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      live = false;
      listeners.clear();
      try {
        await sub.quit();
      } catch {
        sub.disconnect();
      }
    },
  };
}
