/**
 * Two replicas of a stateful actor (the calibrator: J4's ledger and maps) on the shared NATS and Redis: one holds the
 * single-writer lease and serves, the other waits on standby and takes over when the first stops. A holder that loses
 * its lease stops with an error instead of writing beside the new holder.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@himari/config';
import { busNames, Stage, storeKeys } from '@himari/contracts';
import { createLogger } from '@himari/observability';
import { serveActor } from '@himari/pipeline';
import { deferred } from '@himari/bus/testing';
import { cleanup } from './support/cleanup.ts';
import { NATS_URL, REDIS_URL, uniquePrefixes, waitFor } from './support/env.ts';

const prefixes = uniquePrefixes();
const config = loadConfig({
  overrides: {
    nats: { url: NATS_URL, prefix: prefixes.bus },
    redis: { url: REDIS_URL, key_prefix: prefixes.keys },
    actors: { lease_ttl_ms: 1000, drain_timeout_ms: 1000 },
  },
});
const leaseKey = storeKeys(prefixes.keys, busNames(prefixes.bus).prefix).lease(Stage.calibrator);
afterAll(() => cleanup(prefixes), 30_000);

function replica(name: string) {
  const lines: { msg: string }[] = [];
  const log = createLogger({
    name,
    level: 'info',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string }) },
  });
  const stop = deferred<string>();
  const done = serveActor(Stage.calibrator, { config, log, shutdown: stop.promise });
  const said = (msg: string): boolean => lines.some((l) => l.msg === msg);
  return { name, stop: () => stop.resolve('SIGTERM'), done, said, lines };
}

describe('single-writer lease', () => {
  it('one replica serves, the second waits and takes over when the first stops', async () => {
    const a = replica('a');
    await waitFor(() => a.said('serving'), 30_000, { message: 'a to serve' });
    const b = replica('b');
    await waitFor(() => b.said('another replica holds the single-writer lease: waiting on standby'), 10_000, { message: 'b on standby' });
    // Three lease periods later b still waits: a renews.
    const until = Date.now() + 3000;
    await waitFor(() => Date.now() > until || b.said('serving'), 5000);
    expect(b.said('serving')).toBe(false);

    a.stop();
    await a.done;
    await waitFor(() => b.said('serving'), 10_000, { message: 'b to take over' });
    expect(b.said('single-writer lease taken')).toBe(true);
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.get(leaseKey)).toMatch(/:/);
      b.stop();
      await b.done;
      // Released on a clean stop: the next replica does not wait out the TTL.
      expect(await redis.exists(leaseKey)).toBe(0);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('a holder whose lease is taken stops with an error', async () => {
    const a = replica('a2');
    await waitFor(() => a.said('serving'), 30_000, { message: 'a2 to serve' });
    const redis = new Redis(REDIS_URL);
    try {
      await redis.set(leaseKey, 'someone-else', 'PX', 5000);
      await expect(a.done).rejects.toThrow(/single-writer lease was lost/);
      expect(a.said('single-writer lease lost: stopping, another replica may be running')).toBe(true);
      await redis.del(leaseKey);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('a replica stopped while on standby exits cleanly', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      await redis.set(leaseKey, 'someone-else', 'PX', 30_000);
      const c = replica('c');
      await waitFor(() => c.said('another replica holds the single-writer lease: waiting on standby'), 10_000);
      c.stop();
      await c.done;
      expect(c.said('stopped on standby')).toBe(true);
      expect(c.said('serving')).toBe(false);
      await redis.del(leaseKey);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
