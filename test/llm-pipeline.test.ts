/**
 * The whole pipeline (embedded: every actor in this process) with opt-actor on the openai-compatible backend and a
 * misbehaving server: slow answers (timeouts), 500s, garbage model output, refused connections. No item stalls the
 * run: the slow and dead ones are retried by the backend, then pass on with the J5/J7 draft and `llm_unavailable`
 * (or are nak-ed and dead-lettered under `on_backend_error: retry`), garbage is dead-lettered as `unparseable`,
 * and the healthy items flow past the sick ones.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type ConfigInput } from '@himari/config';
import type { TradingSignal } from '@himari/contracts';
import { completion, refusedPort, startOpenAiServer, type ServerReply, type TestServer } from '@himari/llm/testing';
import { silentLogger } from '@himari/observability';
import { runBatch, type RejectLine } from '@himari/pipeline';

const GOOD =
  '{"sentiment": 0.5, "confidence": 0.7, "direction": "BUY", "reasoning": "Beat.", "entities": [], "events": ["earnings/beat"], "timeframe": "short_term", "magnitude": "medium"}';

/** The server reads the asset from the prompt and misbehaves by asset. */
function byAsset(body: { messages: Array<{ content: string }> }): ServerReply {
  const user = body.messages.map((m) => m.content).join('\n');
  const asset = /Asset: (\S+)/.exec(user)?.[1] ?? '';
  if (asset === 'SLOW') return { delayMs: 5_000, body: completion(GOOD) };
  if (asset === 'DEAD') return { status: 500, body: 'internal error' };
  if (asset === 'GARB') return { body: completion('lorem ipsum dolor sit amet, no signal here') };
  return { body: completion(GOOD) };
}

function input(lines: Array<{ id: string; asset: string }>): Readable {
  const text = lines
    .map((l) => JSON.stringify({ id: l.id, text: `${l.asset} beats quarterly estimates and raises guidance`, asset: l.asset }))
    .join('\n');
  return Readable.from([Buffer.from(text + '\n')]);
}

async function run(overrides: ConfigInput, lines: Array<{ id: string; asset: string }>) {
  const signals: TradingSignal[] = [];
  const rejects: RejectLine[] = [];
  const config = loadConfig({
    overrides: {
      routing: { cot_impacts: [], cot_urgencies: [] },
      actors: { retry: { max_deliver: 3, backoff_ms: [20], ack_wait_ms: 30_000 } },
      ...overrides,
    },
  });
  const summary = await runBatch({
    config,
    input: input(lines),
    log: silentLogger(),
    onSignal: (s) => signals.push(s),
    onReject: (r) => rejects.push(r),
    idleTimeoutMs: 20_000,
  });
  return { signals, rejects, summary };
}

const llm = (baseUrl: string, extra: Record<string, unknown> = {}): ConfigInput => ({
  llm: {
    opt: {
      backend: 'openai-compatible',
      openai: { base_url: baseUrl, timeout_ms: 1_000, max_retries: 1, retry_base_ms: 10, concurrency: 8 },
      ...extra,
    },
  },
});

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a slow or dead backend never stalls the pipeline', () => {
  const lines = [
    ...Array.from({ length: 4 }, (_, i) => ({ id: `slow-${i}`, asset: 'SLOW' })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: `dead-${i}`, asset: 'DEAD' })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: `garb-${i}`, asset: 'GARB' })),
    ...Array.from({ length: 20 }, (_, i) => ({ id: `good-${i}`, asset: 'AAPL' })),
  ];

  it('passes slow and failing items on with the J5/J7 draft (flagged), dead-letters garbage, lets healthy items flow', async () => {
    server = await startOpenAiServer(byAsset);
    const { signals, rejects, summary } = await run(llm(server.baseUrl), lines);
    expect(summary.timedOut).toBe(0);
    expect(signals.length + rejects.length).toBe(lines.length);

    const good = signals.filter((s) => s.asset === 'AAPL');
    expect(good).toHaveLength(20);
    for (const s of good) expect(s.provenance).toMatchObject({ generator: 'llm', prompt_version: 'opt-json/1' });

    const sick = signals.filter((s) => s.asset === 'SLOW' || s.asset === 'DEAD');
    expect(sick).toHaveLength(7);
    for (const s of sick) {
      expect(s.provenance.generator).toBe('upstream');
      expect(s.flags).toEqual(expect.arrayContaining(['llm_unavailable', 'no_llm']));
    }

    const garbage = rejects.filter((r) => r.id?.startsWith('garb-'));
    expect(garbage).toHaveLength(3);
    for (const r of garbage) expect(r).toMatchObject({ stage: 'opt-actor', code: 'unparseable' });
    expect(signals.some((s) => s.asset === 'GARB')).toBe(false);

    // The slow items came first in the input, yet the first healthy signal arrived before any slow one resolved.
    const firstGood = signals.findIndex((s) => s.asset === 'AAPL');
    const firstSlow = signals.findIndex((s) => s.asset === 'SLOW');
    expect(firstGood).toBeLessThan(firstSlow);
    // Each slow item costs two timed-out attempts (~2 s): one after another, the four would take over 8 s alone.
    expect(summary.elapsedMs).toBeLessThan(20_000);
  });

  it('a refused connection: every item passes on with the J5/J7 draft and the fact recorded', async () => {
    const port = await refusedPort();
    const { signals, rejects, summary } = await run(llm(`http://127.0.0.1:${port}/v1`), lines.slice(0, 10));
    expect(summary.timedOut).toBe(0);
    expect(rejects).toEqual([]);
    expect(signals).toHaveLength(10);
    for (const s of signals) expect(s.flags).toContain('llm_unavailable');
  });

  it('on_backend_error: retry naks the item, dead-letters it (with its id and the backend code) at the last delivery; the rest flow', async () => {
    server = await startOpenAiServer(byAsset);
    const subset = [...lines.filter((l) => l.asset === 'DEAD'), ...lines.filter((l) => l.asset === 'AAPL').slice(0, 5)];
    const { signals, rejects } = await run(llm(server.baseUrl, { on_backend_error: 'retry' }), subset);
    expect(signals.map((s) => s.asset).sort()).toEqual(Array(5).fill('AAPL'));
    expect(rejects).toHaveLength(3);
    for (const r of rejects) expect(r).toMatchObject({ stage: 'opt-actor', code: 'llm_backend_unavailable' });
    // Each DEAD item: 3 deliveries × 2 HTTP attempts.
    expect(server.requests.filter((b) => b.messages.some((m) => m.content.includes('Asset: DEAD')))).toHaveLength(3 * 3 * 2);
  });
});
