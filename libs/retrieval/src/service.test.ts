import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { bagOfWordsEncoder } from '@himari/embeddings/testing';
import { silentLogger } from '@himari/observability';
import { probeFaiss, type BackendName } from './backend.ts';
import { RetrievalLockedError, RetrievalService, type IngestItem } from './service.ts';
import { ragConfig, tempDir } from './testing.ts';
import { waitFor } from '@himari/bus/testing';

const DAY = 86_400_000;
const scratchDirs = (): string[] =>
  readdirSync(tmpdir())
    .filter((f) => f.startsWith('himari-j3-build-'))
    .sort();
const T0 = Date.parse('2024-03-01T12:00:00Z');

function item(id: string, text: string, over: Partial<IngestItem> = {}): IngestItem {
  return { id, text, asset: 'AAPL', source: 'wire', kind: 'news', published_at: new Date(T0).toISOString(), received_at: T0, ...over };
}

const backends: BackendName[] = probeFaiss().ok ? ['faiss', 'hnswlib'] : ['hnswlib'];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function open(backend: BackendName, over: Parameters<typeof ragConfig>[0] = {}, clock = () => T0, dir: string | null = null) {
  const svc = await RetrievalService.open({
    lockWaitMs: 0,
    config: ragConfig({ dir, ...over, index: { backend, ...(over.index ?? {}) } }),
    log: silentLogger(),
    clock,
    encoder: bagOfWordsEncoder(256),
  });
  cleanups.push(() => svc.close());
  return svc;
}

describe.each(backends)('RetrievalService on %s', (backend) => {
  it('finds the nearest documents, with asset, time and similarity filters', async () => {
    const svc = await open(backend);
    await svc.ingest(item('a', 'apple beats earnings estimates on iphone sales'));
    await svc.ingest(item('b', 'apple iphone sales slump in china', { asset: 'AAPL' }));
    await svc.ingest(item('c', 'bitcoin rallies as etf inflows grow', { asset: 'BTC' }));
    await svc.ingest(item('d', 'apple earnings call scheduled', { asset: 'AAPL', published_at: new Date(T0 - 10 * DAY).toISOString() }));

    const all = await svc.search({ v: 1, query: 'apple iphone sales', top_k: 2, min_similarity: 0 });
    expect(all.hits.map((h) => h.id)).toEqual(['b', 'a']);
    expect(all.hits[0]!.similarity).toBeGreaterThan(all.hits[1]!.similarity);
    expect(all.index_size).toBe(4);

    const btc = await svc.search({ v: 1, query: 'apple iphone sales', top_k: 3, min_similarity: -1, asset: 'BTC' });
    expect(btc.hits.map((h) => h.id)).toEqual(['c']);

    const recent = await svc.search({ v: 1, query: 'apple earnings', top_k: 5, min_similarity: 0.01, since_ms: T0 - DAY });
    expect(recent.hits.map((h) => h.id)).not.toContain('d');
    expect(recent.hits.map((h) => h.id)).toContain('a');

    const strict = await svc.search({ v: 1, query: 'apple iphone sales', top_k: 5, min_similarity: 0.99 });
    expect(strict.hits).toEqual([]);
    expect(strict.note).toBe('no_match');
  });

  it('scores novelty against the window before the item and chains repeats to the first story', async () => {
    const svc = await open(backend, { novelty: { window_days: 3, duplicate_similarity: 0.9 } });
    const first = await svc.ingest(item('s1', 'Fed raises rates by 25 basis points'));
    expect(first.novelty).toEqual({ score: 1, nearest_id: null, similarity: null });

    const repeat = await svc.ingest(item('s2', 'fed raises rates by 25 basis points', { source: 'other-wire' }));
    expect(repeat.novelty).toMatchObject({ nearest_id: 's1', duplicate_of: 's1', score: 0 });

    // Nearest is the repeat s2, but the chain's first story stays s1: one event, counted once.
    const third = await svc.ingest(item('s3', 'FED RAISES RATES BY 25 BASIS POINTS!', { source: 'blog' }));
    expect(third.novelty.duplicate_of).toBe('s1');

    // Same wording, a different number: a different event, not a repeat.
    const other = await svc.ingest(item('s4', 'Fed raises rates by 50 basis points'));
    expect(other.novelty.duplicate_of).toBeUndefined();
    expect(other.novelty.similarity!).toBeGreaterThan(0.8);

    const fresh = await svc.ingest(item('s5', 'oil prices drop on opec supply news'));
    expect(fresh.novelty.score).toBeGreaterThan(0.8);
    expect(fresh.novelty.duplicate_of).toBeUndefined();

    // Outside the window: the old story does not make the new one a repeat.
    const later = await svc.ingest(
      item('s6', 'fed raises rates by 25 basis points', { published_at: new Date(T0 + 10 * DAY).toISOString() }),
    );
    expect(later.novelty).toEqual({ score: 1, nearest_id: null, similarity: null });
  });

  it('judges a late item, older than the in-memory window, against the store', async () => {
    const svc = await open(backend, { novelty: { window_days: 3 } });
    await svc.ingest(item('old', 'Fed raises rates by 25 basis points'));
    await svc.ingest(item('new', 'oil prices drop on opec supply news', { published_at: new Date(T0 + 10 * DAY).toISOString() }));
    const late = await svc.ingest(
      item('late', 'fed raises rates by 25 basis points', { published_at: new Date(T0 + 3_600_000).toISOString() }),
    );
    expect(late.novelty).toMatchObject({ nearest_id: 'old', duplicate_of: 'old' });
  });

  it('is idempotent by id: the second offer returns the first answer and stores nothing', async () => {
    const svc = await open(backend);
    await svc.ingest(item('x1', 'tesla recalls cars'));
    const a = await svc.ingest(item('x2', 'tesla recalls cars again'));
    const b = await svc.ingest(item('x2', 'a different text under the same id'));
    expect(b).toEqual({ ...a, known: true });
    expect(svc.stats().documents).toBe(2);
  });

  it('serialises concurrent ingests so each novelty sees every earlier document exactly once', async () => {
    const svc = await open(backend);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => svc.ingest(item(`c${i}`, 'identical wire text about nvidia'))));
    expect(results.filter((r) => r.novelty.nearest_id === null)).toHaveLength(1);
    expect(new Set(results.map((r) => r.novelty.duplicate_of).filter(Boolean))).toEqual(new Set(['c0']));
  });

  it('drops documents past retention from search and store, and does not store items already too old', async () => {
    let now = T0;
    const svc = await open(backend, { retention: { max_age_days: 2 } }, () => now);
    await svc.ingest(item('old', 'copper prices climb', { received_at: T0 }));
    now = T0 + DAY;
    await svc.ingest(item('new', 'copper prices climb further', { received_at: now }));
    const expired = await svc.ingest(item('ancient', 'copper prices', { received_at: T0 - 5 * DAY }));
    expect(expired.stored).toBe(false);
    now = T0 + 2 * DAY + 1;
    expect(svc.sweep()).toBe(1);
    const res = await svc.search({ v: 1, query: 'copper prices', top_k: 5, min_similarity: 0 });
    expect(res.hits.map((h) => h.id)).toEqual(['new']);
    expect(svc.getDocument('old')).toBeNull();
    expect(svc.stats().documents).toBe(1);
  });

  it('grounds entities and claims in the source first, then in retrieved documents', async () => {
    const svc = await open(backend);
    await svc.ingest(item('g1', 'Nvidia reported revenue of 22.1 billion dollars, up 265 percent'));
    const res = await svc.ground({
      v: 1,
      source_text: 'NVDA jumps after earnings; CEO Jensen Huang cites AI demand',
      entities: ['Jensen Huang', '$NVDA', 'Lisa Su'],
      claims: ['Nvidia revenue rose 265 percent', 'Nvidia revenue rose 300 percent', 'CEO cites AI demand'],
      top_k: 3,
    });
    const by = Object.fromEntries(res.results.map((r) => [r.text, r]));
    expect(by['Jensen Huang']).toMatchObject({ grounded: true, where: 'source' });
    expect(by['$NVDA']).toMatchObject({ grounded: true, where: 'source' });
    expect(by['Lisa Su']).toMatchObject({ grounded: false, where: 'none' });
    expect(by['Nvidia revenue rose 265 percent']).toMatchObject({ grounded: true, where: 'retrieved', evidence_id: 'g1' });
    expect(by['Nvidia revenue rose 300 percent']).toMatchObject({ grounded: false, missing_numbers: ['300'] });
    expect(by['CEO cites AI demand']).toMatchObject({ grounded: true, where: 'source' });
    expect(res.grounded).toBe(false);
  });
});

describe.each(backends)('persistence and background rebuilds on %s', (backend) => {
  it('switches from flat to an approximate index in the background and serves the same top hit', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const svc = await open(backend, { index: { approximate_after: 120, nprobe: 64, ef_search: 64 } }, () => T0, tmp.dir);
    for (let i = 0; i < 160; i++) await svc.ingest(item(`d${i}`, `story ${i} about topic${i % 40} and detail${i}`));
    await waitFor(() => svc.stats().index.kind !== 'flat' && !svc.stats().index.building, 30_000, {
      message: 'approximate index swapped in',
    });
    await svc.settle();
    const st = svc.stats();
    expect(st.index.kind).toBe(backend === 'faiss' ? 'ivf' : 'hnsw');
    expect(st.index.entries).toBe(160);
    const res = await svc.search({ v: 1, query: 'story 77 about topic37 and detail77', top_k: 1, min_similarity: 0 });
    expect(res.hits[0]!.id).toBe('d77');
  });

  it('in memory too, the approximate index is built by a child from a copy of the store, which is then removed', async () => {
    const scratchBefore = scratchDirs();
    const svc = await open(backend, { index: { approximate_after: 120, nprobe: 64, ef_search: 64 } });
    for (let i = 0; i < 160; i++) await svc.ingest(item(`m${i}`, `story ${i} about topic${i % 40} and detail${i}`));
    await waitFor(() => svc.stats().index.kind !== 'flat' && !svc.stats().index.building, 30_000, {
      message: 'approximate index swapped in',
    });
    await svc.settle();
    expect(svc.stats().index.kind).toBe(backend === 'faiss' ? 'ivf' : 'hnsw');
    expect(svc.stats().index.entries).toBe(160);
    const res = await svc.search({ v: 1, query: 'story 77 about topic37 and detail77', top_k: 1, min_similarity: 0 });
    expect(res.hits[0]!.id).toBe('m77');
    expect(scratchDirs()).toEqual(scratchBefore);
  });

  it('reloads after close: the same documents and the same answers', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const a = await open(backend, {}, () => T0, tmp.dir);
    for (let i = 0; i < 30; i++) await a.ingest(item(`p${i}`, `persisted story number ${i} on ${i % 3 === 0 ? 'gold' : 'silver'}`));
    const before = await a.search({ v: 1, query: 'persisted story on gold', top_k: 5, min_similarity: 0 });
    await a.close();
    const b = await open(backend, {}, () => T0, tmp.dir);
    expect(b.stats().documents).toBe(30);
    expect(await b.search({ v: 1, query: 'persisted story on gold', top_k: 5, min_similarity: 0 })).toEqual(before);
  });

  it('refuses a folder another live process holds', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    await open(backend, {}, () => T0, tmp.dir);
    await expect(open(backend, {}, () => T0, tmp.dir)).rejects.toBeInstanceOf(RetrievalLockedError);
  });
});
