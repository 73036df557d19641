/**
 * The rag-actor's request-reply services as other actors use them (here over the in-memory transport, the same
 * Transport contract as NATS): news in from news.accepted, search with filters, novelty, grounding, and the
 * latency quantiles in the process's metrics registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createMemoryTransport, type MemoryTransport } from '@himari/bus';
import { loadConfig } from '@himari/config';
import { busNames, decodeAs, encode, RagSearchResponse, Topic, type DraftSignal, type NewsItem } from '@himari/contracts';
import { makeScoredNews } from '@himari/drafting/testing';
import { createLlmMetrics, createOptDrafter, LlmFlag } from '@himari/llm';
import { createScriptedGenerator, testDrafterSettings, unlimitedBudget } from '@himari/llm/testing';
import { silentLogger } from '@himari/observability';
import { createStore, startActors, type RunningActors } from '@himari/pipeline';
import { ragGround, ragSearch, requestNovelty } from '@himari/retrieval';
import { createLexiconScorer, toAsync } from '@himari/sentiment';
import { waitFor } from './support/env.ts';

const names = busNames('tragactor');
let transport: MemoryTransport;
let running: RunningActors;

function news(id: string, text: string, asset = 'NVDA', source = 'wire'): NewsItem {
  return {
    v: 1,
    id,
    text,
    asset,
    source,
    kind: 'news',
    published_at: '2024-05-02T14:00:00.000Z',
    received_at: Date.now(),
    truncated: false,
    original_chars: text.length,
    flags: [],
  };
}

beforeAll(async () => {
  const config = loadConfig();
  transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
  await transport.ensureStream();
  running = await startActors(
    ['rag-actor'],
    {
      config,
      names,
      store: createStore(config, names),
      transport,
      scorer: toAsync(createLexiconScorer()),
      log: silentLogger(),
      clock: Date.now,
    },
    transport,
  );
  const docs = [
    news('n1', 'Nvidia reports record data center revenue of 22.1 billion dollars'),
    news('n2', 'Nvidia shares rise after earnings beat, CEO Jensen Huang cites AI demand'),
    news('a1', 'Apple unveils new iPhone lineup at its September event', 'AAPL'),
    news('o1', 'Oil prices fall as OPEC signals higher output', 'USO'),
  ];
  for (const d of docs) await transport.publish(names.subject(Topic.newsAccepted), encode(d), { msgId: `accepted:${d.id}` });
  await waitFor(
    async () => (await ragSearch(transport, names, { v: 1, query: 'x', top_k: 1, min_similarity: -1 }, 2000)).index_size === 4,
    10_000,
  );
});

afterAll(async () => {
  await running?.stop();
  await transport?.close();
});

describe('rag-actor services', () => {
  it('searches with top_k, asset filter and similarity threshold', async () => {
    const all = await ragSearch(transport, names, { v: 1, query: 'Nvidia earnings and revenue', top_k: 2, min_similarity: 0 }, 2000);
    expect(all.hits.map((h) => h.id).sort()).toEqual(['n1', 'n2']);
    expect(all.hits[0]!.source).toBe('wire');
    const apple = await ragSearch(
      transport,
      names,
      { v: 1, query: 'Nvidia earnings and revenue', top_k: 3, min_similarity: -1, asset: 'AAPL' },
      2000,
    );
    expect(apple.hits.map((h) => h.id)).toEqual(['a1']);
    const strict = await ragSearch(transport, names, { v: 1, query: 'Nvidia earnings and revenue', top_k: 3, min_similarity: 0.99 }, 2000);
    expect(strict.hits).toEqual([]);
  });

  it('answers an invalid search with a note instead of failing the caller', async () => {
    const res = decodeAs(RagSearchResponse, await transport.request(names.ragSearch, encode({ v: 1, query: '', top_k: 500 }), 2000));
    expect(res.hits).toEqual([]);
    expect(res.note).toMatch(/^invalid_request/);
  });

  it('gives the novelty of a new item and of a repeat from another source', async () => {
    const fresh = await requestNovelty(transport, names, news('g1', 'Gold hits a record high as the dollar weakens', 'GLD'), 2000);
    expect(fresh.novelty!.duplicate_of).toBeUndefined();
    const repeat = await requestNovelty(
      transport,
      names,
      news('g2', 'Gold hits a record high as the dollar weakens!', 'GLD', 'other'),
      2000,
    );
    expect(repeat.novelty).toMatchObject({ nearest_id: 'g1', duplicate_of: 'g1' });
    expect(repeat.flags).toEqual(['duplicate_story']);
  });

  it('grounds claims and entities in the source or in stored documents', async () => {
    const res = await ragGround(
      transport,
      names,
      {
        v: 1,
        source_text: 'Nvidia stock climbs',
        entities: ['Jensen Huang', 'Tim Cook'],
        claims: ['Nvidia data center revenue was 22.1 billion'],
        top_k: 3,
        asset: 'NVDA',
      },
      2000,
    );
    expect(res.results.map((r) => [r.text, r.grounded, r.where, r.evidence_id ?? null])).toEqual([
      ['Jensen Huang', true, 'retrieved', 'n2'],
      ['Tim Cook', false, 'none', null],
      ['Nvidia data center revenue was 22.1 billion', true, 'retrieved', 'n1'],
    ]);
    expect(res.grounded).toBe(false);
  });

  it('exports search latency quantiles (p50, p99) in the registry /metrics serves', async () => {
    const text = await running.runners[0]!.metrics.registry.metrics();
    expect(text).toMatch(/himari_rag_request_seconds\{quantile="0\.5",op="search"\} \d/);
    expect(text).toMatch(/himari_rag_request_seconds\{quantile="0\.99",op="search"\} \d/);
    expect(text).toMatch(/himari_rag_documents 6/);
  });
});

describe('the LLM actors use J3 grounding for the numbers a model states', () => {
  const settings = testDrafterSettings({ rag: { mode: 'augment', topK: 3, minSimilarity: 0.3, timeoutMs: 2000, maxDocChars: 600 } });
  const scored = makeScoredNews({ news: { id: 'g-1', asset: 'NVDA', text: 'Nvidia guides above consensus as AI demand stays strong' } });
  const draft = async (reasoning: string): Promise<DraftSignal> => {
    const gen = createScriptedGenerator(() =>
      JSON.stringify({
        sentiment: 0.7,
        confidence: 0.9,
        direction: 'BUY',
        reasoning,
        entities: ['Nvidia'],
        events: ['earnings/guidance'],
        timeframe: 'short_term',
        magnitude: 'medium',
      }),
    );
    const r = await createOptDrafter('json', settings, {
      generator: gen,
      budget: unlimitedBudget(),
      metrics: createLlmMetrics(new Registry()),
      ragRequest: (subject, data, timeoutMs) => transport.request(subject, data, timeoutMs),
      ragSubject: names.ragSearch,
      ragGroundSubject: names.ragGround,
    }).draft(scored, Date.now());
    if (r.kind !== 'draft') throw new Error(r.kind);
    return r.draft;
  };

  it('keeps a figure that a stored document holds', async () => {
    const d = await draft('Guidance is strong. Data center revenue reached a record 22.1 billion dollars.');
    expect(d.flags).not.toContain(LlmFlag.ungroundedClaims);
    expect(d.confidence_raw).toBe(0.9);
  });

  it('flags and caps a figure that neither the news nor any document holds', async () => {
    const d = await draft('Guidance is strong. Data center revenue reached a record 35.4 billion dollars.');
    expect(d.flags).toEqual(expect.arrayContaining([LlmFlag.ungroundedClaims, LlmFlag.confidenceCapped]));
    expect(d.confidence_raw).toBe(settings.ungroundedCap);
  });
});
