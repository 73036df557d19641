/**
 * Pipeline throughput and latency, embedded and distributed (one `himari serve` process per actor on NATS + Redis),
 * on a realistic stream: unique finance texts (TFNS sentiment + topic train texts), one item every 100 ms of
 * `published_at`, the default models. In the same run, for ratios: the raw JetStream floor (publish -> pull -> ack,
 * no actor logic) and a CPU profile of the saturated distributed run (bench/results/profile-top.txt).
 *
 *   node --import tsx bench/pipeline.bench.ts            full: 10k embedded, 5k distributed, 100k documents in J3
 *   node --import tsx bench/pipeline.bench.ts --quick    smoke: a few hundred items, 5k documents, 3 s per load
 *   [--data DIR] the shared data folder (default: config `data.shared_dir`, env HIMARI_DATA_DIR)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { connect, AckPolicy, StorageType, nanos } from 'nats';
import { connectNatsTransport, TransportTimeoutError } from '@himari/bus';
import { parseConfig } from '@himari/config';
import { busNames, decodeAs, encode, STAGES, Topic, TradingSignal } from '@himari/contracts';
import { dedupeTexts, readSentimentTexts, readStocknet, readTopic } from '@himari/embeddings/offline';
import { silentLogger } from '@himari/observability';
import { runBatch } from '@himari/pipeline';
import { RetrievalService } from '@himari/retrieval';
import { Cluster, NATS_URL, REDIS_URL } from './cluster.ts';
import { profileTop } from './profile.ts';
import { loadNow, machineInfo, percentile, sharedData, versions, writeResult, writeSummary } from './support.ts';

const QUICK = process.argv.includes('--quick');
const dataArg = process.argv.indexOf('--data');
const DATA = dataArg > 0 ? process.argv[dataArg + 1]! : sharedData();
const SIZE = QUICK
  ? { embedded: 400, distributed: 400, prefill: 5_000, offeredS: 3, floor: 5_000 }
  : { embedded: 10_000, distributed: 5_000, prefill: 100_000, offeredS: 10, floor: 20_000 };
const RATES = [100, 500, 1000];
/** J3 keeps one store per folder (locked): never replicated here. */
const NOT_REPLICABLE = new Set(['rag-actor', 'feature-injector']);
const ASSETS = ['AAPL', 'TSLA', 'NVDA', 'AMZN', 'MSFT', 'BTC', 'ETH', 'SPY'];
const STEP_MS = 100;
const IDLE_GIVE_UP_MS = 30_000;
const RESULTS = join(import.meta.dirname, 'results');

const say = (m: string): void => void process.stderr.write(`pipeline bench: ${m}\n`);

interface Line {
  id: string;
  text: string;
  asset: string;
  source: string;
  published_at: string;
}

function assetOf(text: string, i: number): string {
  const tag = /\$([A-Za-z]{1,6})\b/.exec(text)?.[1];
  return tag ? tag.toUpperCase() : ASSETS[i % ASSETS.length]!;
}

let cursor = 0;
const T0 = Date.parse('2026-01-05T00:00:00Z');
/** Unique finance texts; each call continues where the last one stopped, so no text repeats within the run. */
function makeLines(texts: readonly string[], n: number, tag: string): Line[] {
  const out: Line[] = [];
  for (let k = 0; k < n; k++) {
    const i = cursor++;
    // Past the end of the corpus a numbered suffix keeps the text unique (only in very long runs).
    const round = Math.floor(i / texts.length);
    const text = texts[i % texts.length]! + (round ? ` (update ${round})` : '');
    out.push({ id: `${tag}-${i}`, text, asset: assetOf(text, i), source: 'bench', published_at: new Date(T0 + i * STEP_MS).toISOString() });
  }
  return out;
}

interface Saturation {
  items: number;
  signals: number;
  rejected: number;
  elapsed_s: number;
  saturation_items_per_s: number;
}

/** `himari run` over the lines; the rate counts from the first publish to the last line resolved. */
async function saturate(
  lines: Line[],
  config: ReturnType<typeof parseConfig>,
  external: boolean,
): Promise<Saturation & { fromMs: number; toMs: number }> {
  let first = 0;
  let last = 0;
  let firstEpoch = 0;
  let lastEpoch = 0;
  const summary = await runBatch({
    config,
    input: Readable.from([Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n')]),
    log: silentLogger(),
    onSignal: () => undefined,
    onReject: () => undefined,
    onProgress: (p) => {
      const now = performance.now();
      if (p.published > 0 && first === 0) {
        first = now;
        firstEpoch = Date.now();
      }
      if (p.resolved > 0) {
        last = now;
        lastEpoch = Date.now();
      }
    },
    startActors: !external,
  });
  const elapsed = (last - first) / 1000;
  return {
    items: summary.items,
    signals: summary.signals,
    rejected: summary.rejected + summary.timedOut,
    elapsed_s: round(elapsed, 2),
    saturation_items_per_s: round(summary.items / Math.max(elapsed, 1e-3), 1),
    fromMs: firstEpoch,
    toMs: lastEpoch,
  };
}

function distributedConfig(cluster: Cluster): ReturnType<typeof parseConfig> {
  return parseConfig({ nats: { url: NATS_URL, prefix: cluster.prefix }, redis: { url: REDIS_URL, key_prefix: cluster.keyPrefix } });
}

interface Offered {
  rate: number;
  replicas: number;
  sent: number;
  received: number;
  p50_ms: number;
  p99_ms: number;
  achieved_items_per_s: number;
}

/** Publishes `rate` items/s on news.raw for `seconds`; latency is publish -> signal.stored (sent after the Redis write). */
async function offer(cluster: Cluster, texts: readonly string[], rate: number, seconds: number, replicas: number): Promise<Offered> {
  const names = busNames(cluster.prefix);
  const bus = await connectNatsTransport({ url: NATS_URL, names, duplicateWindowMs: 600_000, maxAgeMs: 3_600_000, name: 'bench-offer' });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let lastAt = 0;
  const tap = await bus.tap(names.subject(Topic.signalStored), (m) => {
    const s = decodeAs(TradingSignal, m.data);
    const t = sentAt.get(s.id);
    if (t === undefined) return;
    sentAt.delete(s.id);
    lastAt = performance.now();
    latencies.push(lastAt - t);
  });
  const lines = makeLines(texts, rate * seconds, `o${rate}r${replicas}`);
  const start = performance.now();
  try {
    const publishing = new Set<Promise<void>>();
    for (let i = 0; i < lines.length; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const l = lines[i]!;
      sentAt.set(l.id, performance.now());
      const data = Buffer.from(JSON.stringify(l));
      // A publish that times out under load is sent again with the same id (the stream keeps one copy).
      const send = async (tries: number): Promise<void> => {
        try {
          await bus.publish(names.subject(Topic.newsRaw), data, { msgId: `bench:${l.id}` });
        } catch (err) {
          if (tries <= 1 || !(err instanceof TransportTimeoutError)) throw err;
          await send(tries - 1);
        }
      };
      const p: Promise<void> = send(5).finally(() => publishing.delete(p));
      publishing.add(p);
      if (publishing.size >= 2048) await Promise.race(publishing);
    }
    await Promise.all(publishing);
    // Wait for every signal (the next load must not start on this one's backlog), giving up only when nothing has
    // arrived for IDLE_GIVE_UP_MS; what never came is reported as `received` < `sent`.
    let seen = latencies.length;
    let lastChange = performance.now();
    while (latencies.length < lines.length && performance.now() - lastChange < IDLE_GIVE_UP_MS) {
      await new Promise((r) => setTimeout(r, 100));
      if (latencies.length !== seen) {
        seen = latencies.length;
        lastChange = performance.now();
      }
    }
  } finally {
    await tap.drain();
    await bus.close();
  }
  const sorted = latencies.sort((a, b) => a - b);
  return {
    rate,
    replicas,
    sent: lines.length,
    received: sorted.length,
    p50_ms: round(percentile(sorted, 0.5), 1),
    p99_ms: round(percentile(sorted, 0.99), 1),
    achieved_items_per_s: round(sorted.length / Math.max((lastAt - start) / 1000, 1e-3), 1),
  };
}

/** Raw JetStream: publish with 256 acks in flight while a pull consumer takes and acks, no actor logic. */
async function jetstreamFloor(n: number): Promise<{ msgs: number; msgs_per_s: number }> {
  const nc = await connect({ servers: NATS_URL, name: 'bench-floor' });
  const jsm = await nc.jetstreamManager();
  const id = Math.random().toString(36).slice(2, 10);
  const stream = `BENCHFLOOR_${id}`;
  const subject = `benchfloor.${id}.x`;
  await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, duplicate_window: nanos(600_000) });
  await jsm.consumers.add(stream, { durable_name: 'floor', ack_policy: AckPolicy.Explicit, max_ack_pending: 10_000 });
  const js = nc.jetstream();
  const payload = encode({
    v: 1,
    id: 'x'.repeat(12),
    text: 'Apple beats estimates as iPhone sales rise 12% in the quarter'.repeat(3),
    asset: 'AAPL',
  });
  try {
    const consumer = await js.consumers.get(stream, 'floor');
    const started = performance.now();
    const consumed = (async () => {
      let got = 0;
      const msgs = await consumer.consume({ max_messages: 256 });
      for await (const m of msgs) {
        m.ack();
        if (++got === n) break;
      }
    })();
    const inflight = new Set<Promise<unknown>>();
    for (let i = 0; i < n; i++) {
      const p: Promise<unknown> = js.publish(subject, payload, { msgID: `f-${i}` }).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= 256) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    await consumed;
    const s = (performance.now() - started) / 1000;
    return { msgs: n, msgs_per_s: round(n / s, 0) };
  } finally {
    await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
  }
}

/** A J3 folder holding `n` documents published just before the stream (all inside the novelty window). */
async function prefilledRagDir(n: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'himari-bench-rag-'));
  const config = parseConfig({ rag: { dir } });
  const svc = await RetrievalService.open({ config: config.rag, log: silentLogger() });
  const pool = dedupeTexts(readStocknet(DATA).rows.map((r) => r.text));
  const before = T0 - n * 10;
  for (let i = 0; i < n; i += 512) {
    const items = [];
    for (let k = i; k < Math.min(n, i + 512); k++) {
      const text = pool[k % pool.length]! + (k >= pool.length ? ` (${Math.floor(k / pool.length)})` : '');
      const at = before + k * 10;
      items.push({
        id: `pre-${k}`,
        text,
        asset: assetOf(text, k),
        source: 'bench',
        kind: 'news' as const,
        published_at: new Date(at).toISOString(),
        received_at: Date.now(),
      });
    }
    await svc.ingestMany(items);
    if (i % 10_240 === 0) say(`prefill ${i}/${n}`);
  }
  await svc.settle();
  await svc.close();
  return dir;
}

async function main(): Promise<void> {
  const load0 = loadNow();
  mkdirSync(RESULTS, { recursive: true });
  const texts = dedupeTexts([...readSentimentTexts(DATA).texts, ...readTopic(DATA).rows.map((r) => r.text)]);
  say(`${texts.length} unique stream texts; ${QUICK ? 'quick' : 'full'} run`);

  say(`embedded: ${SIZE.embedded} items`);
  const embedded = await saturate(makeLines(texts, SIZE.embedded, 'emb'), parseConfig({}), false);
  say(`embedded ${embedded.saturation_items_per_s} items/s`);

  say('JetStream floor');
  const floor = await jetstreamFloor(SIZE.floor);
  say(`JetStream floor ${floor.msgs_per_s} msgs/s`);

  // Distributed, J3 empty, profiled: the saturated run whose profile shows the next bottleneck.
  const profileDir = mkdtempSync(join(tmpdir(), 'himari-bench-prof-'));
  let cluster = new Cluster({ profileDir });
  let distributed: Saturation & { fromMs: number; toMs: number };
  const cpu: Record<string, number> = {};
  say('distributed: starting one process per actor');
  await cluster.start(STAGES);
  try {
    const cpu0 = cluster.cpuSeconds();
    distributed = await saturate(makeLines(texts, SIZE.distributed, 'dist'), distributedConfig(cluster), true);
    for (const [p, s] of cluster.cpuSeconds()) cpu[p.stage] = round(s - (cpu0.get(p) ?? 0), 2);
  } finally {
    await cluster.stop();
  }
  say(`distributed ${distributed.saturation_items_per_s} items/s; CPU s by actor ${JSON.stringify(cpu)}`);
  const spawnedAt = Object.fromEntries(cluster.procs.map((p) => [p.name, p.spawnedAt]));
  const profile = profileTop(profileDir, 40, { fromMs: distributed.fromMs, toMs: distributed.toMs, spawnedAt });
  writeFileSync(
    join(RESULTS, 'profile-top.txt'),
    `saturated distributed run, ${distributed.items} items, samples from the first publish to the last signal only (${new Date().toISOString()}, load average ${loadNow().toFixed(1)})\n\n${profile}`,
  );
  rmSync(profileDir, { recursive: true, force: true });

  const slowest = Object.entries(cpu)
    .filter(([s]) => !NOT_REPLICABLE.has(s))
    .sort((a, b) => b[1] - a[1])[0]![0];

  // Offered loads on a fresh cluster (no profiler), with 1 and then 2 replicas of the slowest replicable actor.
  const offered: Offered[] = [];
  cluster = new Cluster();
  await cluster.start(STAGES);
  try {
    for (const replicas of [1, 2]) {
      if (replicas === 2) await cluster.add(slowest);
      for (const rate of RATES) {
        say(`offered ${rate}/s, ${replicas} x ${slowest}`);
        const o = await offer(cluster, texts, rate, SIZE.offeredS, replicas);
        say(`  p50 ${o.p50_ms} ms p99 ${o.p99_ms} ms, ${o.received}/${o.sent} received`);
        offered.push(o);
      }
    }
  } finally {
    await cluster.stop();
  }

  say(`J3 with ${SIZE.prefill} documents: filling a store`);
  const ragDir = await prefilledRagDir(SIZE.prefill);
  cluster = new Cluster({ ragDir });
  let full: Saturation;
  await cluster.start(STAGES);
  try {
    full = await saturate(makeLines(texts, SIZE.distributed, 'full'), distributedConfig(cluster), true);
  } finally {
    await cluster.stop();
    rmSync(ragDir, { recursive: true, force: true });
  }
  say(`distributed with ${SIZE.prefill} docs: ${full.saturation_items_per_s} items/s`);

  const result = {
    mode: QUICK ? 'quick' : 'full',
    stream: {
      texts: 'unique TFNS sentiment + topic train texts',
      published_at_step_ms: STEP_MS,
      embedded_items: SIZE.embedded,
      distributed_items: SIZE.distributed,
    },
    embedded,
    distributed: {
      ...distributed,
      cpu_s_by_actor: cpu,
      slowest_actor: slowest,
      with_100k_docs: {
        documents: SIZE.prefill,
        ...full,
        ratio_to_empty: round(full.saturation_items_per_s / distributed.saturation_items_per_s, 3),
      },
    },
    offered,
    jetstream_floor_msgs_per_s: floor.msgs_per_s,
    ratios: {
      distributed_to_jetstream_floor: round(distributed.saturation_items_per_s / floor.msgs_per_s, 4),
      embedded_to_jetstream_floor: round(embedded.saturation_items_per_s / floor.msgs_per_s, 4),
    },
    machine: machineInfo(load0),
    versions: await versions(),
    notes: [
      'Latency: publish on news.raw -> signal.stored seen by a subscriber (the cache writer publishes it after its Redis write).',
      'Saturation: items / (last line resolved - first publish), actor start-up excluded.',
      `with_100k_docs holds ${SIZE.prefill} documents (StockNet tweets, published just before the stream) in J3's folder.`,
    ],
  };
  writeResult(join(RESULTS, 'pipeline.json'), result);
  writeSummary(RESULTS);
  say(`wrote ${join(RESULTS, 'pipeline.json')}, profile-top.txt, SUMMARY.md`);
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

main().catch((err: unknown) => {
  console.error(err);
  // Open connections of a failed phase must not keep the process alive.
  process.exit(1);
});
