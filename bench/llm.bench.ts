/**
 * J1 on the tiny models, per backend: items/s and p50/p99 latency of the opt drafter (prompt, generation, J6,
 * grounding, guards, assembly), the share of valid outputs, and the overhead the drafter adds over the raw engine
 * call, measured in the same run: the generator is wrapped so that the time spent inside `generate` is known for
 * every item; overhead_ratio = (drafter time − engine time) / engine time, summed over items.
 *
 * Backends: llama-cpp (tiny random-weight GGUF, grammar-bound), openai-compatible (a local server on the same
 * engine), transformers (tiny ONNX decoder whose weights spell one signal JSON: its engine time is tiny, so its
 * ratio is the harshest), and a scripted backend (no engine at all) whose per-item time is the drafter's own cost.
 * Under `context`: the whole opt-actor on the in-memory bus with an instant backend (the runtime's cost per item),
 * and the RLMF replay on StockNet (reward before and after policy updates).
 *
 * Run: node --import tsx bench/llm.bench.ts [--n 100]
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { createMemoryTransport } from '@himari/bus';
import { experienceFromStockNet, replay } from '@himari/cot/offline';
import { loadConfig } from '@himari/config';
import { busNames, decodeAs, DraftSignal, encode, ScoredNews, Stage, Topic } from '@himari/contracts';
import {
  createLlamaCppGenerator,
  createLlmMetrics,
  createOpenAiGenerator,
  createOptDrafter,
  createTransformersGenerator,
  type TextGenerator,
} from '@himari/llm';
import { completion, createScriptedGenerator, startOpenAiServer, testDrafterSettings, unlimitedBudget } from '@himari/llm/testing';
import { silentLogger } from '@himari/observability';
import { parseNumber, quantile } from '@himari/numeric';
import { createStore, startActors } from '@himari/pipeline';
import { createLexiconScorer, toAsync } from '@himari/sentiment';
import { sharedData } from './support.ts';
import { FIXED_EVENT, readSampleNews } from '../test/support/llm.ts';
import { writeGguf } from '../tools/tiny-gguf/gguf.ts';
import { buildTinyLlama } from '../tools/tiny-gguf/tiny-llama.ts';
import { startEngineServer } from '../tools/tiny-gguf/engine-server.ts';
import { TINY_DECODER_ANSWER, writeTinyDecoder } from '../tools/tiny-gguf/tiny-onnx-decoder.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { n: { type: 'string', default: '100' } }, strict: true });
const N = parseNumber(values.n, '--n', { integer: true, min: 1 });
const CONCURRENCY = 4;

interface Row {
  items_per_s: number;
  p50_ms: number;
  p99_ms: number;
  overhead_ratio: number | null;
  /** Drafter time minus engine time, per item. */
  overhead_p50_ms: number;
  engine_p50_ms: number;
  valid_outputs: number;
  total_outputs: number;
  concurrency: number;
  note: string;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

const scorer = createLexiconScorer();
const items: ScoredNews[] = readSampleNews(N).map((news) => {
  return ScoredNews.parse({
    v: 1,
    news,
    event: FIXED_EVENT,
    sentiment: scorer.score(news.text),
    route: 'opt',
    scored_at: news.received_at,
  });
});

/** Wraps a generator to add up the time spent inside `generate` for the item being drafted (async context). */
const current = new AsyncLocalStorage<{ engineMs: number }>();
function timed(g: TextGenerator): TextGenerator {
  return {
    kind: g.kind,
    model: g.model,
    modelVersion: g.modelVersion,
    supportsSchema: g.supportsSchema,
    async generate(req) {
      const t = performance.now();
      try {
        return await g.generate(req);
      } finally {
        const slot = current.getStore();
        if (slot) slot.engineMs += performance.now() - t;
      }
    },
    dispose: () => g.dispose(),
  };
}

async function benchDrafter(g: TextGenerator, concurrency: number, note: string, hasEngine = true): Promise<Row> {
  const gen = timed(g);
  const drafter = createOptDrafter('json', testDrafterSettings({ maxTokens: 400, maxReasoningChars: 40, temperature: 0.9 }), {
    generator: gen,
    budget: unlimitedBudget(),
    metrics: createLlmMetrics(new Registry()),
    ragSubject: 'rag',
  });
  // Warm-up: model pages, grammar compilation, JIT.
  for (const s of items.slice(0, 3)) await drafter.draft(s, s.news.received_at);
  const latency: number[] = [];
  const overhead: number[] = [];
  const engine: number[] = [];
  let valid = 0;
  let next = 0;
  let drafterTotal = 0;
  let engineTotal = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) {
        const s = items[i]!;
        const slot = { engineMs: 0 };
        const t = performance.now();
        const r = await current.run(slot, () => drafter.draft(s, s.news.received_at));
        const ms = performance.now() - t;
        if (r.kind === 'draft' && r.outcome === 'llm') valid++;
        const e = slot.engineMs;
        latency.push(ms);
        engine.push(e);
        overhead.push(ms - e);
        drafterTotal += ms;
        engineTotal += e;
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  return {
    items_per_s: Math.round((items.length / wall) * 10) / 10,
    p50_ms: r3(quantile(latency, 0.5)),
    p99_ms: r3(quantile(latency, 0.99)),
    // Without an engine there is nothing to be an overhead over.
    overhead_ratio: hasEngine ? r3((drafterTotal - engineTotal) / engineTotal) : null,
    overhead_p50_ms: r3(quantile(overhead, 0.5)),
    engine_p50_ms: r3(quantile(engine, 0.5)),
    valid_outputs: valid,
    total_outputs: items.length,
    concurrency,
    note,
  };
}

/** The whole opt-actor on the in-memory bus with an instant backend: what the runtime adds per item. */
async function benchActor(): Promise<{ p50_ms: number; p99_ms: number; items_per_s: number; n: number }> {
  const server = await startOpenAiServer(() => ({ body: completion(TINY_DECODER_ANSWER) }));
  const config = loadConfig({
    overrides: { llm: { opt: { backend: 'openai-compatible', rag: { mode: 'off' }, openai: { base_url: server.baseUrl } } } },
  });
  const names = busNames('benchllm');
  const transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
  const store = createStore(config, names);
  const sent = new Map<string, number>();
  const lat: number[] = [];
  await transport.ensureStream();
  await transport.tap(names.subject(Topic.signalDrafted), (m) => {
    const d = decodeAs(DraftSignal, m.data);
    const t = sent.get(d.id);
    if (t !== undefined) lat.push(performance.now() - t);
  });
  const running = await startActors(
    [Stage.optActor],
    { config, names, store, scorer: toAsync(scorer), log: silentLogger(), clock: Date.now, transport },
    transport,
  );
  // One item at a time: the latency of one item through the actor, not the queueing of a burst.
  const started = performance.now();
  for (const s of items) {
    const before = lat.length;
    sent.set(s.news.id, performance.now());
    await transport.publish(names.subject(Topic.newsScoredOpt), encode(s), { msgId: `scored:${s.news.id}` });
    const deadline = Date.now() + 10_000;
    while (lat.length === before && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  }
  const wall = (performance.now() - started) / 1000;
  await running.stop();
  await transport.close();
  await store.close();
  await server.close();
  return {
    p50_ms: r3(quantile(lat, 0.5)),
    p99_ms: r3(quantile(lat, 0.99)),
    items_per_s: Math.round((lat.length / wall) * 10) / 10,
    n: lat.length,
  };
}

/** RLMF on StockNet (../shared/data): the policy's reward on the newer 30% before and after updates on the older 70%. */
async function rlmfReplay(): Promise<Record<string, unknown> | null> {
  const dir = sharedData('stocknet');
  if (!existsSync(dir)) return null;
  const xs = await experienceFromStockNet({ dir });
  const out: Record<string, unknown> = { experiences: xs.length };
  for (const gradient of ['sampled', 'expected'] as const) {
    const r = replay(xs, { gradient });
    out[gradient] = {
      before: r.before,
      after: r.after,
      train_before: r.train_before,
      train_after: r.train_after,
      n_train: r.n_train,
      n_eval: r.n_eval,
      eval_from: r.eval_from,
    };
    out['baselines'] = r.baselines;
  }
  out['note'] = 'defaults: 10 updates × 2 epochs, learning rate 0.05, seed 7; expected = Σ π(a|x)·r(a), greedy = r(argmax π)';
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'himari-llm-bench-'));
  const modelPath = join(dir, 'tiny.gguf');
  writeGguf(modelPath, buildTinyLlama({ seed: 11 }));
  const results: Record<string, Row> = {};

  const llama = await createLlamaCppGenerator({ modelPath, sequences: CONCURRENCY, threads: 1, contextSize: 1024, chatTemplate: 'none' });
  results['llama-cpp'] = await benchDrafter(
    llama,
    CONCURRENCY,
    'tiny random-weight llama GGUF (64-d, 2 layers), GBNF grammar from the signal schema, 1 thread',
  );
  await llama.dispose();
  console.log('llama-cpp', results['llama-cpp']);

  const server = await startEngineServer({ modelPath, sequences: CONCURRENCY, threads: 1, contextSize: 1024 });
  const openai = createOpenAiGenerator({ baseUrl: server.baseUrl, model: 'tiny', concurrency: CONCURRENCY, timeoutMs: 60_000 });
  results['openai-compatible'] = await benchDrafter(
    openai,
    CONCURRENCY,
    'local HTTP server on the same engine, response_format json_schema',
  );
  await server.close();
  console.log('openai-compatible', results['openai-compatible']);

  const tx = await createTransformersGenerator({ modelDir: writeTinyDecoder(join(dir, 'tx'), { weights: 'answer' }) });
  results['transformers'] = await benchDrafter(
    tx,
    1,
    'tiny ONNX bigram decoder whose weights spell one signal JSON (2 generated tokens): engine time is tiny, so the ratio is the harshest case',
  );
  await tx.dispose();
  console.log('transformers', results['transformers']);

  const scripted = createScriptedGenerator(() => TINY_DECODER_ANSWER);
  results['scripted'] = await benchDrafter(
    scripted,
    1,
    'no engine (overhead_ratio null): p50 is the drafter’s own cost per item (prompt, J6, grounding, guards, assembly)',
    false,
  );
  console.log('scripted', results['scripted']);

  const actor = await benchActor();
  console.log('opt-actor on the in-memory bus (instant HTTP backend)', actor);

  const rlmf = await rlmfReplay();
  console.log('rlmf replay', rlmf);

  const out = join(ROOT, 'bench/results/llm.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        ...results,
        context: {
          actor_on_memory_bus: {
            ...actor,
            note: 'one item at a time: publish on news.scored.opt → draft on signal.drafted, the whole opt-actor with a local HTTP backend that answers at once',
          },
          rlmf_replay_stocknet: rlmf,
        },
        n: N,
        node: process.version,
        cores: (await import('node:os')).cpus().length,
        measured_at: new Date().toISOString(),
        load_average_1m: (await import('node:os')).loadavg()[0],
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
}

await main();
