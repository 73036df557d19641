/**
 * The single-writer rule of the stateful actors. J2 (audit trail, RLMF experience and policy), J3 (document store and
 * index) and J4 (outcome ledger and fitted maps) keep state in one process; two replicas would each learn from half
 * the stream and answer differently. So one replica holds a lease in Redis and runs; the others wait for it.
 *
 * A lease is a key with a TTL, set only if absent (SET NX PX) and renewed by its owner every third of the TTL. The
 * owner that fails to renew (Redis unreachable past the TTL, or the key taken) reports the loss, and the actor stops:
 * by then another replica may run. Without fencing tokens a paused owner (a long GC, a stopped VM) can overlap a new
 * one for up to one renewal interval; the actors' outputs are idempotent by message id, their files are not shared.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { Stage } from '@himari/contracts';
import type { Logger } from '@himari/observability';

/** Actors whose state must have one writer. */
export const SINGLE_WRITER_STAGES: readonly Stage[] = [Stage.cotActor, Stage.ragActor, Stage.calibrator];

const RENEW_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface LeaseOptions {
  client: Redis;
  key: string;
  ttlMs: number;
  log: Logger;
  /** Shown to the waiting replicas. @default hostname and pid with a random suffix */
  owner?: string;
  /** Give up waiting when this resolves (a SIGTERM while on standby). */
  cancel?: Promise<unknown>;
}

export interface Lease {
  readonly owner: string;
  /** Resolves if the lease is lost while held (not on release). */
  readonly lost: Promise<Error>;
  release(): Promise<void>;
}

export class LeaseCancelledError extends Error {
  override readonly name = 'LeaseCancelledError';
}

/** Waits until this replica holds the lease; rejects with LeaseCancelledError if `cancel` resolves first. */
export async function acquireLease(opts: LeaseOptions): Promise<Lease> {
  const { client, key, ttlMs, log } = opts;
  const owner = opts.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const step = Math.max(100, Math.floor(ttlMs / 3));
  let cancelled = false;
  const cancel = opts.cancel ?? new Promise<never>(() => undefined);
  void cancel.then(() => (cancelled = true));
  let told = false;
  for (;;) {
    if (cancelled) throw new LeaseCancelledError(`stopped while waiting for the lease ${key}`);
    if ((await client.set(key, owner, 'PX', ttlMs, 'NX')) === 'OK') break;
    if (!told) {
      log.info({ lease: key, holder: await client.get(key) }, 'another replica holds the single-writer lease: waiting on standby');
      told = true;
    }
    await Promise.race([new Promise((r) => setTimeout(r, step)), cancel]);
  }
  log.info({ lease: key, owner, ttl_ms: ttlMs }, 'single-writer lease taken');

  let released = false;
  let onLost: (err: Error) => void = () => undefined;
  const lost = new Promise<Error>((resolve) => (onLost = resolve));
  let lastRenewed = Date.now();
  const timer = setInterval(() => {
    client.eval(RENEW_LUA, 1, key, owner, ttlMs).then(
      (r) => {
        if (released) return;
        if (r === 1) lastRenewed = Date.now();
        else fail(new Error(`lease ${key} was taken by another owner`));
      },
      (err: Error) => {
        if (!released && Date.now() - lastRenewed >= ttlMs) fail(new Error(`lease ${key} not renewed for ${ttlMs} ms`, { cause: err }));
      },
    );
  }, step);
  timer.unref();
  const fail = (err: Error): void => {
    clearInterval(timer);
    onLost(err);
  };
  return {
    owner,
    lost,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await client
        .eval(RELEASE_LUA, 1, key, owner)
        .catch((err: Error) => log.warn({ err: err.message, lease: key }, 'lease release failed; it expires'));
    },
  };
}
