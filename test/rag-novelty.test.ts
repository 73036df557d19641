/**
 * Novelty reaches the signal: the event classifier asks J3 on the path, the signal carries `novelty`, and repeats of
 * one story from other sources point at the chain's first story (`duplicate_of`). Without J3 the path does not
 * block: `novelty: null` and the flag `novelty_unavailable`.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMemoryTransport } from '@himari/bus';
import { loadConfig } from '@himari/config';
import { busNames, ClassifiedNews, type NewsItem, type TradingSignal } from '@himari/contracts';
import { createLexiconScorer, toAsync } from '@himari/sentiment';
import { silentLogger } from '@himari/observability';
import { ACTORS, createStore, runBatch, type PipelineDeps, type RejectLine } from '@himari/pipeline';
import { NoveltyFlag } from '@himari/retrieval';

const T = '2024-05-02T14:00:00.000Z';

function lines(items: object[]): Readable {
  return Readable.from([Buffer.from(items.map((i) => JSON.stringify(i)).join('\n') + '\n')]);
}

describe('novelty on the signal path (embedded pipeline)', () => {
  it('gives every signal a novelty and marks repeats of one story from other sources', async () => {
    const story = 'Federal Reserve raises interest rates by 25 basis points, citing sticky inflation';
    const items = [
      { id: 'fed-1', text: story, asset: 'SPY', source: 'wire-a', published_at: T },
      { id: 'oil-1', text: 'Oil prices slide as OPEC signals higher output next quarter', asset: 'USO', source: 'wire-a', published_at: T },
      { id: 'fed-2', text: `${story}.`, asset: 'SPY', source: 'wire-b', published_at: T },
      { id: 'fed-3', text: `BREAKING: ${story}`, asset: 'SPY', source: 'blog-c', published_at: T },
      {
        id: 'fed-4',
        text: 'Federal Reserve raises interest rates by 50 basis points, citing sticky inflation',
        asset: 'SPY',
        source: 'wire-d',
        published_at: T,
      },
    ];
    const signals: TradingSignal[] = [];
    const rejects: RejectLine[] = [];
    const summary = await runBatch({
      config: loadConfig({ overrides: { actors: { concurrency: 1 } } }),
      input: lines(items),
      log: silentLogger(),
      onSignal: (s) => signals.push(s),
      onReject: (r) => rejects.push(r),
      idleTimeoutMs: 20_000,
    });
    expect(rejects).toEqual([]);
    expect(summary.signals).toBe(5);
    const by = new Map(signals.map((s) => [s.id, s]));
    for (const s of signals) {
      expect(s.novelty).toBeTruthy();
      expect(s.novelty!.score).toBeGreaterThanOrEqual(0);
      expect(s.novelty!.score).toBeLessThanOrEqual(1);
      expect(s.flags).not.toContain(NoveltyFlag.unavailable);
    }
    // One chain: whichever fed story J3 stored first is the root, the two other repeats point at it.
    const fed = ['fed-1', 'fed-2', 'fed-3'].map((id) => by.get(id)!);
    const roots = fed.filter((s) => s.novelty!.duplicate_of === undefined);
    expect(roots).toHaveLength(1);
    for (const s of fed) {
      if (s === roots[0]) continue;
      expect(s.novelty!.duplicate_of).toBe(roots[0]!.id);
      expect(s.novelty!.similarity!).toBeGreaterThanOrEqual(0.9);
      expect(s.flags).toContain(NoveltyFlag.duplicate);
    }
    // A different number is a different event; a different story is novel.
    expect(by.get('fed-4')!.novelty!.duplicate_of).toBeUndefined();
    expect(by.get('oil-1')!.novelty!.duplicate_of).toBeUndefined();
    expect(by.get('oil-1')!.novelty!.score).toBeGreaterThan(0.5);
  });
});

describe('novelty when J3 does not answer', () => {
  function deps(timeoutMs: number) {
    const config = loadConfig({ overrides: { rag: { novelty: { timeout_ms: timeoutMs } } } });
    const transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
    const d: PipelineDeps = {
      config,
      names: busNames('tnov'),
      store: createStore(config, busNames('tnov')),
      transport,
      scorer: toAsync(createLexiconScorer()),
      log: silentLogger(),
      clock: Date.now,
    };
    return { d, transport };
  }

  const news: NewsItem = {
    v: 1,
    id: 'n1',
    text: 'Apple beats earnings estimates',
    asset: 'AAPL',
    source: 'wire',
    kind: 'news',
    published_at: T,
    received_at: Date.parse(T),
    truncated: false,
    original_chars: 30,
    flags: [],
  };
  const ctx = { msgId: 'm', seq: 1, deliveryCount: 1, subject: 's', log: silentLogger(), now: Date.now, working: () => undefined };

  it('passes the item on with novelty null and the flag when nobody serves J3', async () => {
    const { d } = deps(500);
    const started = Date.now();
    const out = await ACTORS['event-classifier'](d).inputs[0]!.handle(news, ctx);
    expect(Date.now() - started).toBeLessThan(400);
    expect(out.kind).toBe('publish');
    const classified = ClassifiedNews.parse((out as { outputs: { message: unknown }[] }).outputs[0]!.message);
    expect(classified.news.novelty).toBeNull();
    expect(classified.news.flags).toContain(NoveltyFlag.unavailable);
  });

  it('waits at most rag.novelty.timeout_ms for a J3 that hangs', async () => {
    const { d, transport } = deps(150);
    let release: (b: Uint8Array) => void = () => undefined;
    const sub = await transport.serve(d.names.ragNovelty, () => new Promise<Uint8Array>((resolve) => (release = resolve)), 'q');
    const started = Date.now();
    const out = await ACTORS['event-classifier'](d).inputs[0]!.handle(news, ctx);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(1500);
    const classified = ClassifiedNews.parse((out as { outputs: { message: unknown }[] }).outputs[0]!.message);
    expect(classified.news.novelty).toBeNull();
    expect(classified.news.flags).toContain(NoveltyFlag.unavailable);
    release(new Uint8Array());
    await sub.drain();
  });
});
