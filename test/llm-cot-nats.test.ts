/**
 * The cot-actor on real NATS JetStream: chains drafted through the openai-compatible backend (a scripted server),
 * audit trails persisted in SQLite and readable by signal id (library and `himari rlmf trail`), outcomes consumed on
 * the cot-actor's own durable and joined to the chains, and the policy updated after `update_every` experiences.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNatsTransport, type TapMessage, type Transport } from '@himari/bus';
import { loadConfig } from '@himari/config';
import { busNames, decodeAs, DraftSignal, encode, Stage, Topic, type Outcome } from '@himari/contracts';
import { CotStore } from '@himari/cot';
import { chainAnswer } from '@himari/cot/testing';
import { makeScoredNews } from '@himari/drafting/testing';
import { completion, startOpenAiServer, type TestServer } from '@himari/llm/testing';
import { silentLogger } from '@himari/observability';
import { createStore, startActors, type RunningActors } from '@himari/pipeline';
import { toAsync, createLexiconScorer } from '@himari/sentiment';
import { cleanup } from './support/cleanup.ts';
import { HIMARI_BIN, NATS_URL, ROOT, uniquePrefixes, waitFor } from './support/env.ts';

const exec = promisify(execFile);
const prefixes = uniquePrefixes();
const names = busNames(prefixes.bus);
const dbPath = join(mkdtempSync(join(tmpdir(), 'himari-cot-nats-')), 'cot.sqlite');
let server: TestServer;
let transport: Transport;
let running: RunningActors;
let signalStore: ReturnType<typeof createStore>;
const drafted: DraftSignal[] = [];

beforeAll(async () => {
  server = await startOpenAiServer((body) => {
    const user = body.messages.map((m) => m.content).join('\n');
    return { body: completion(chainAnswer({ direction: /misses/.test(user) ? 'SELL' : 'BUY', confidence: 0.7 })) };
  });
  const config = loadConfig({
    overrides: {
      nats: { url: NATS_URL, prefix: prefixes.bus },
      llm: {
        cot: {
          backend: 'openai-compatible',
          openai: { base_url: server.baseUrl, timeout_ms: 5_000 },
          db_path: dbPath,
          rag: { mode: 'off' },
          rlmf: { update_every: 2, min_experiences: 0 },
        },
      },
    },
  });
  transport = await connectNatsTransport({ url: NATS_URL, names, duplicateWindowMs: 60_000, maxAgeMs: 3_600_000, name: 'llm-cot-test' });
  await transport.ensureStream();
  await transport.tap(names.subject(Topic.signalDrafted), (m: TapMessage) => drafted.push(decodeAs(DraftSignal, m.data)));
  signalStore = createStore(config, names);
  running = await startActors(
    [Stage.cotActor],
    { config, names, store: signalStore, scorer: toAsync(createLexiconScorer()), log: silentLogger(), clock: Date.now, transport },
    transport,
  );
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await signalStore?.close();
  await transport?.close();
  await server?.close();
  await cleanup(prefixes);
}, 30_000);

describe('cot-actor on NATS', () => {
  it('drafts chains, persists audit trails, learns from outcomes on its own durable', async () => {
    const items = [
      makeScoredNews({ news: { id: 'c1', text: 'Apple beats estimates and raises guidance' }, route: 'cot' }),
      makeScoredNews({
        news: { id: 'c2', text: 'Apple misses estimates and cuts guidance' },
        sentiment: { label: 'negative', compound: -0.6, probabilities: { positive: 0.05, negative: 0.8, neutral: 0.15 } },
        route: 'cot',
      }),
      makeScoredNews({ news: { id: 'c3', text: 'Apple beats on services' }, route: 'cot' }),
    ];
    for (const s of items) await transport.publish(names.subject(Topic.newsScoredCot), encode(s), { msgId: `scored:${s.news.id}` });
    await waitFor(() => drafted.length === 3, 20_000, { message: 'three drafted signals' });
    const byId = new Map(drafted.map((d) => [d.id, d]));
    expect(byId.get('c1')).toMatchObject({ direction: 1, provenance: { actor: 'cot-actor', generator: 'llm', prompt_version: 'cot/1' } });
    expect(byId.get('c2')).toMatchObject({ direction: -1 });

    const reader = new CotStore(dbPath);
    try {
      expect(reader.trail('c2')!.steps).toHaveLength(5);
      const outcome = (id: string, r: number): Outcome => ({
        v: 1,
        id: `o-${id}`,
        signal_id: id,
        asset: 'AAPL',
        horizon_s: 86_400,
        realised_return: r,
        observed_at: Date.now(),
      });
      await transport.publish(names.subject(Topic.outcome), encode(outcome('c1', 0.01)), { msgId: 'o-c1' });
      await transport.publish(names.subject(Topic.outcome), encode(outcome('c2', 0.02)), { msgId: 'o-c2' });
      await waitFor(() => reader.experienceCount() === 2 && reader.loadPolicy()?.version === 1, 20_000, {
        message: 'two experiences and one policy update',
      });
    } finally {
      reader.close();
    }

    const { stdout } = await exec(process.execPath, [HIMARI_BIN, 'rlmf', 'trail', '--db', dbPath, '--id', 'c1'], { cwd: ROOT });
    const trail = JSON.parse(stdout) as { signal_id: string; steps: Array<{ key: string }>; final_direction: number };
    expect(trail.signal_id).toBe('c1');
    expect(trail.steps.map((s) => s.key)).toEqual(['key_information', 'sentiment', 'market_context', 'impact', 'conclusion']);
    expect(trail.final_direction).toBe(1);
  });

  it("puts the regime the decision engine set into the chain's market context, the asset's own before the market's", async () => {
    await signalStore.setRegime('high_volatility');
    await signalStore.setRegime('earnings_season', { asset: 'NVDA' });
    const items = [
      makeScoredNews({ news: { id: 'r1', asset: 'MSFT', text: 'Microsoft beats estimates on cloud growth' }, route: 'cot' }),
      makeScoredNews({ news: { id: 'r2', asset: 'NVDA', text: 'Nvidia beats estimates on data center demand' }, route: 'cot' }),
    ];
    for (const s of items) await transport.publish(names.subject(Topic.newsScoredCot), encode(s), { msgId: `scored:${s.news.id}` });
    await waitFor(() => drafted.some((d) => d.id === 'r1') && drafted.some((d) => d.id === 'r2'), 20_000, {
      message: 'two drafted signals',
    });
    const promptOf = (text: string): string =>
      server.requests.map((r) => r.messages.map((m) => m.content).join('\n')).find((p) => p.includes(text)) ?? '';
    expect(promptOf('Microsoft beats estimates')).toContain('Regime: high_volatility');
    expect(promptOf('Nvidia beats estimates')).toContain('Regime: earnings_season');
  });
});
