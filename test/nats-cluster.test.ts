/**
 * A 3-node JetStream cluster on loopback with an R3 stream: the whole pipeline (`himari run`'s runner, every actor
 * in this process) over 1,000 items while the stream's leader is SIGKILLed mid-stream and started again. Every item
 * ends as exactly one signal: none lost, none applied or stored twice; afterwards no consumer has a backlog and the
 * restarted node's copy is current again.
 */
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection, type JetStreamManager } from 'nats';
import { loadConfig, type Config } from '@himari/config';
import { busNames, Topic } from '@himari/contracts';
import { silentLogger } from '@himari/observability';
import { createStore, createTransport, runBatch, type RejectLine } from '@himari/pipeline';
import { deleteKeys } from './support/cleanup.ts';
import { REDIS_URL, ROOT, uniquePrefixes, waitFor } from './support/env.ts';
import { natsCluster, type ServerProcess } from './support/cluster-servers.ts';

const TOTAL = 1000;
const prefixes = uniquePrefixes();
const names = busNames(prefixes.bus);
let nodes: ServerProcess[];
let nc: NatsConnection;
let jsm: JetStreamManager;
let config: Config;

beforeAll(async () => {
  nodes = await natsCluster(3);
  await Promise.all(nodes.map((n) => n.start()));
  const urls = nodes.map((n) => `nats://127.0.0.1:${n.port}`);
  config = loadConfig({
    overrides: {
      nats: { url: urls[0]!, servers: urls.slice(1), stream_replicas: 3, prefix: prefixes.bus },
      redis: { url: REDIS_URL, key_prefix: prefixes.keys },
      actors: { drain_timeout_ms: 3000, retry: { ack_wait_ms: 3000, backoff_ms: [100, 300, 1000], max_deliver: 20 } },
    },
  });
  // The cluster elects its JetStream meta leader a moment after the routes connect: retry until the stream exists.
  await waitFor(
    async () => {
      try {
        const t = await createTransport(config, names, 'himari-cluster-setup');
        try {
          await t.ensureStream();
          return true;
        } finally {
          await t.close();
        }
      } catch {
        return false;
      }
    },
    30_000,
    { message: 'the R3 stream to be created' },
  );
  nc = await connect({ servers: urls, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  jsm = await nc.jetstreamManager();
}, 60_000);

afterAll(async () => {
  await nc?.close();
  for (const n of nodes ?? []) await n.kill();
  await deleteKeys(prefixes.keys);
}, 30_000);

function items(): Readable {
  const samples = readFileSync(join(ROOT, 'samples/news.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; asset: string });
  const lines = Array.from({ length: TOTAL }, (_, i) => {
    const s = samples[i % samples.length]!;
    return Buffer.from(`${JSON.stringify({ id: `nc-${i}`, text: s.text, asset: s.asset, source: 'test' })}\n`);
  });
  return Readable.from(lines);
}

describe('3-node JetStream cluster, R3 stream', () => {
  it('loses and duplicates nothing when the stream leader is killed mid-stream and brought back', async () => {
    const info = await jsm.streams.info(names.stream);
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas ?? []).toHaveLength(2);

    let killed: ServerProcess | undefined;
    let restarted: Promise<void> | undefined;
    let killing: Promise<void> | undefined;
    let newLeader: string | undefined;
    let electedInMs = -1;
    const rejects: RejectLine[] = [];
    const summary = await runBatch({
      config,
      input: items(),
      log: silentLogger(),
      idleTimeoutMs: 60_000,
      maxInFlight: 100,
      onSignal: () => undefined,
      onReject: (r) => rejects.push(r),
      onProgress: (p) => {
        if (!killing && p.resolved >= 300) {
          killing = (async () => {
            const leader = (await jsm.streams.info(names.stream)).cluster?.leader;
            killed = nodes.find((n) => n.name === leader)!;
            await killed.kill('SIGKILL');
            const at = Date.now();
            await waitFor(
              async () => {
                const l = (await jsm.streams.info(names.stream).catch(() => undefined))?.cluster?.leader;
                newLeader = l && l !== killed!.name ? l : undefined;
                return newLeader !== undefined;
              },
              30_000,
              { message: 'a new stream leader' },
            );
            electedInMs = Date.now() - at;
          })();
        }
        if (killed && !restarted && p.resolved >= 650) restarted = killed.start();
      },
    });
    await killing;
    expect(killed, 'the leader was killed during the run').toBeDefined();
    expect(newLeader).not.toBe(killed!.name);
    console.log(`stream leader ${killed!.name} killed; ${newLeader} elected in ${electedInMs} ms`);
    if (!restarted) restarted = killed!.start();
    await restarted;

    expect(rejects).toEqual([]);
    expect(summary.items).toBe(TOTAL);
    expect(summary.signals).toBe(TOTAL);
    expect(summary.timedOut).toBe(0);

    // Exactly once where it counts: one stored message per item on every stage's subject, one Redis apply each.
    const counts = async (): Promise<Record<string, number>> => {
      const si = await jsm.streams.info(names.stream, { subjects_filter: `${names.prefix}.>` });
      return (si.state.subjects ?? {}) as Record<string, number>;
    };
    const perSubject = await counts();
    for (const topic of [
      Topic.newsRaw,
      Topic.newsAccepted,
      Topic.newsClassified,
      Topic.signalDrafted,
      Topic.signalCalibrated,
      Topic.signalStored,
    ])
      expect(perSubject[names.subject(topic)], topic).toBe(TOTAL);
    const store = createStore(config, names);
    try {
      expect(await store.appliedCount()).toBe(TOTAL);
    } finally {
      await store.close();
    }

    // Backlog drained: no consumer has anything pending, and the restarted node's copy caught up.
    await waitFor(
      async () => {
        const si = await jsm.streams.info(names.stream);
        const replicas = si.cluster?.replicas ?? [];
        if (replicas.length !== 2 || !replicas.every((r) => r.current && !r.offline)) return false;
        for await (const ci of jsm.consumers.list(names.stream)) if (ci.num_pending !== 0 || ci.num_ack_pending !== 0) return false;
        return true;
      },
      30_000,
      { message: 'all replicas current and every consumer drained' },
    );
  }, 180_000);
});
