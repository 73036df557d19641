/**
 * Random bytes and random JSON thrown at the ingest subject of a real NATS deployment: nothing crashes, and every
 * message ends as exactly one stored signal or one dead letter with a reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@himari/config';
import { connectNatsTransport, type NatsTransport } from '@himari/bus';
import { busNames, decodeAs, Rejection, STAGES, Topic, TradingSignal } from '@himari/contracts';
import { mulberry32 } from '@himari/numeric';
import { silentLogger } from '@himari/observability';
import { createScorer, createStore, startActors, type RunningActors } from '@himari/pipeline';
import type { SignalStore } from '@himari/signal-store';
import { cleanup } from './support/cleanup.ts';
import { NATS_URL, REDIS_URL, uniquePrefixes, waitFor } from './support/env.ts';

const prefixes = uniquePrefixes();
const names = busNames(prefixes.bus);
let bus: NatsTransport;
let actors: RunningActors;
let store: SignalStore;

function randomJson(rnd: () => number, depth = 0): unknown {
  const pick = Math.floor(rnd() * (depth > 2 ? 5 : 8));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return (rnd() - 0.5) * 1e6;
    case 3:
      return String.fromCharCode(...Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 0x3000)));
    case 4:
      return 'x'.repeat(Math.floor(rnd() * 10));
    case 5:
      return Array.from({ length: Math.floor(rnd() * 4) }, () => randomJson(rnd, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (const k of ['id', 'text', 'asset', 'source', 'published_at', 'kind', 'junk']) if (rnd() < 0.6) o[k] = randomJson(rnd, depth + 1);
      return o;
    }
  }
}

beforeAll(async () => {
  const config = loadConfig({
    overrides: {
      nats: { url: NATS_URL, prefix: prefixes.bus },
      redis: { url: REDIS_URL, key_prefix: prefixes.keys },
      actors: { retry: { ack_wait_ms: 2000 } },
    },
  });
  bus = await connectNatsTransport({ url: NATS_URL, names, duplicateWindowMs: 600_000, maxAgeMs: 3_600_000 });
  await bus.ensureStream();
  store = createStore(config, names);
  const log = silentLogger();
  actors = await startActors(
    STAGES,
    { config, names, store, scorer: await createScorer(config, log, STAGES), log, clock: Date.now, transport: bus },
    bus,
  );
});

afterAll(async () => {
  await actors?.stop();
  await store?.close();
  await bus?.close();
  await cleanup(prefixes);
}, 30_000);

describe('fuzzing the ingest subject', () => {
  it('resolves every random message to one signal or one dead letter', async () => {
    const rnd = mulberry32(42);
    const messages: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) messages.push(Uint8Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
    for (let i = 0; i < 300; i++) messages.push(Buffer.from(JSON.stringify(randomJson(rnd))));
    for (let i = 0; i < 100; i++)
      messages.push(Buffer.from(JSON.stringify({ id: `ok-${i}`, text: `Shares of Nvidia jump ${i}% after earnings beat`, asset: 'NVDA' })));

    // Random JSON can, rarely, be a valid item (say id "xx", text "x", asset "xxx"): that is a signal, not a failure.
    const dead = new Map<string, string>();
    const stored = new Set<string>();
    await bus.tap(names.deadLetterAll, (m) => {
      const r = decodeAs(Rejection, m.data);
      expect(r.reason.length).toBeGreaterThan(0);
      dead.set(r.msg_id, r.code);
    });
    await bus.tap(names.subject(Topic.signalStored), (m) => stored.add(decodeAs(TradingSignal, m.data).id));
    for (let i = 0; i < messages.length; i++) await bus.publish(names.subject(Topic.newsRaw), messages[i]!, { msgId: `fuzz-${i}` });

    await waitFor(() => dead.size + stored.size >= messages.length, 60_000, { message: 'every fuzz message resolved', intervalMs: 100 });
    expect(dead.size + stored.size).toBe(messages.length);
    for (let i = 0; i < 100; i++) expect(stored.has(`ok-${i}`)).toBe(true);
    for (const [msgId] of dead) expect(msgId).toMatch(/^fuzz-\d+$/);
    for (const r of actors.runners) expect(r.status).toBe('running');
  }, 120_000);
});
