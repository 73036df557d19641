/**
 * Distributed mode for real: each actor its own process on NATS + Redis, 1,000 items in, one actor SIGKILLed
 * midway and restarted; every item ends as exactly one signal in Redis or one dead letter.
 */
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNatsTransport, type NatsTransport } from '@himari/bus';
import { busNames, decodeAs, Rejection, STAGES, Topic, TradingSignal } from '@himari/contracts';
import { createRedisSignalStore, type SignalStore } from '@himari/signal-store';
import { storeKeys } from '@himari/contracts';
import { cleanup } from './support/cleanup.ts';
import { NATS_URL, REDIS_URL, ROOT, uniquePrefixes, waitFor, writeConfig } from './support/env.ts';
import { startActorProcess, stopProcess, type ActorProcess } from './support/processes.ts';

const TOTAL = 1000;
const BAD_EVERY = 20; // 50 poison items among the 1,000

const prefixes = uniquePrefixes();
const names = busNames(prefixes.bus);
let procs: Map<string, ActorProcess>;
let bus: NatsTransport;
let store: SignalStore;
let metricsPort: number;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function sampleItems(): Uint8Array[] {
  const samples = readFileSync(join(ROOT, 'samples/news.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; asset: string });
  return Array.from({ length: TOTAL }, (_, i) => {
    if (i % BAD_EVERY === BAD_EVERY - 1)
      return Buffer.from(i % 2 ? `{"id": "bad-${i}", "text": ` : JSON.stringify({ id: `bad-${i}`, text: '', asset: 'AAPL' }));
    const s = samples[i % samples.length]!;
    return Buffer.from(JSON.stringify({ id: `mp-${i}`, text: s.text, asset: s.asset, source: 'test' }));
  });
}

describe('multi-process pipeline on NATS + Redis', () => {
  beforeAll(async () => {
    const config = writeConfig(
      [
        'himari:',
        '  actors:',
        '    drain_timeout_ms: 3000',
        '    retry:',
        '      ack_wait_ms: 2000',
        '      backoff_ms: [100, 300, 1000]',
      ].join('\n'),
    );
    const env = {
      HIMARI_CONFIG: config,
      HIMARI_NATS_URL: NATS_URL,
      HIMARI_REDIS_URL: REDIS_URL,
      HIMARI_NATS_PREFIX: prefixes.bus,
      HIMARI_REDIS_KEY_PREFIX: prefixes.keys,
    };
    bus = await connectNatsTransport({ url: NATS_URL, names, duplicateWindowMs: 600_000, maxAgeMs: 3_600_000 });
    await bus.ensureStream();
    metricsPort = await freePort();
    const started = await Promise.all(
      STAGES.map((a) => startActorProcess(a, a === 'cache-writer' ? { ...env, HIMARI_METRICS_PORT: String(metricsPort) } : env)),
    );
    procs = new Map(started.map((p) => [p.actor, p]));
    (globalThis as { __mpEnv?: Record<string, string> }).__mpEnv = env;
    store = createRedisSignalStore(REDIS_URL, {
      keys: storeKeys(prefixes.keys, prefixes.bus),
      signalTtlS: 300,
      historyLength: 10,
      ewmaAlpha: 0.3,
      appliedTtlS: 3600,
      dedupeTtlS: 3600,
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...(procs?.values() ?? [])].map((p) => stopProcess(p)));
    await bus?.close();
    await store?.close();
    await cleanup(prefixes);
  }, 60_000);

  it('loses and duplicates nothing when an actor is SIGKILLed midway and restarted', async () => {
    const stored = new Map<string, number>();
    const dead = new Map<string, Rejection>();
    await bus.tap(names.subject(Topic.signalStored), (m) => {
      const s = decodeAs(TradingSignal, m.data);
      stored.set(s.id, (stored.get(s.id) ?? 0) + 1);
    });
    await bus.tap(names.deadLetterAll, (m) => {
      const r = decodeAs(Rejection, m.data);
      dead.set(r.msg_id, r);
    });

    const items = sampleItems();
    const publishing = (async () => {
      for (let i = 0; i < items.length; i++) await bus.publish(names.subject(Topic.newsRaw), items[i]!, { msgId: `mp-raw-${i}` });
    })();

    await waitFor(() => stored.size >= 300, 120_000, { message: 'a third of the signals' });
    const victim = procs.get('finbert-actor')!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const env = (globalThis as { __mpEnv?: Record<string, string> }).__mpEnv!;
    procs.set('finbert-actor', await startActorProcess('finbert-actor', env));
    await publishing;

    const good = TOTAL - TOTAL / BAD_EVERY;
    await waitFor(() => stored.size + dead.size >= TOTAL, 180_000, { message: 'every item resolved', intervalMs: 200 });

    // Exactly one outcome per item: the poison ones dead-lettered at the ingestor, the rest stored once.
    expect(dead.size).toBe(TOTAL / BAD_EVERY);
    for (const r of dead.values()) expect(r.stage).toBe('ingestor');
    expect(stored.size).toBe(good);
    const storedIds = new Set(stored.keys());
    for (let i = 0; i < TOTAL; i++) {
      if (i % BAD_EVERY === BAD_EVERY - 1) expect(dead.has(`mp-raw-${i}`)).toBe(true);
      else expect(storedIds.has(`mp-${i}`)).toBe(true);
    }

    // The stream itself holds one stored announcement and one calibrated signal per id, however often work was redone.
    const countIds = async (topic: typeof Topic.signalStored | typeof Topic.signalCalibrated): Promise<Map<string, number>> => {
      const counts = new Map<string, number>();
      await bus.readStored(names.subject(topic), (m) => {
        const id = decodeAs(TradingSignal, m.data).id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      });
      return counts;
    };
    for (const topic of [Topic.signalStored, Topic.signalCalibrated] as const) {
      const counts = await countIds(topic);
      expect(counts.size).toBe(good);
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
    }
    // Redis applied each signal exactly once: the EWMA counts and the applied counter agree with the item count.
    expect(await store.appliedCount()).toBe(good);

    // The cache writer's Prometheus endpoint counts what it handled (at least once per signal: redeliveries count too).
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const processed = /himari_messages_processed_total\{stage="cache-writer",topic="signal.calibrated"\} (\d+)/.exec(metrics);
    expect(Number(processed?.[1])).toBeGreaterThanOrEqual(good);
    expect(metrics).toMatch(/himari_handling_seconds_bucket/);
  }, 300_000);

  it('drains and exits 0 on SIGTERM', async () => {
    const codes = await Promise.all([...procs.values()].map((p) => stopProcess(p, 'SIGTERM')));
    expect(codes).toEqual(codes.map(() => 0));
    for (const p of procs.values()) expect(p.stderr.join('\n')).toMatch(/"msg":"stopped"/);
  }, 60_000);
});
