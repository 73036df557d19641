/**
 * J3 keeps everything across a crash: `himari serve rag-actor` on NATS ingests documents from news.accepted (some
 * after its last index snapshot, some after a background switch to an approximate index), is SIGKILLed, restarts on
 * the same folder, and answers the same searches with the same results.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNatsTransport, type NatsTransport } from '@himari/bus';
import { busNames, decodeAs, encode, RagSearchResponse, Topic, type NewsItem, type RagSearchRequest } from '@himari/contracts';
import { tempDir } from '@himari/retrieval/testing';
import { cleanup } from './support/cleanup.ts';
import { NATS_URL, REDIS_URL, ROOT, uniquePrefixes, waitFor, writeConfig } from './support/env.ts';
import { startActorProcess, stopProcess, type ActorProcess } from './support/processes.ts';

const prefixes = uniquePrefixes();
const names = busNames(prefixes.bus);
const tmp = tempDir('himari-rag-restart-');
let bus: NatsTransport;
let proc: ActorProcess | undefined;
let env: Record<string, string>;

const samples = readFileSync(join(ROOT, 'samples/news.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { id: string; text: string; asset: string; published_at: string });

function news(i: number): NewsItem {
  const s = samples[i % samples.length]!;
  return {
    v: 1,
    id: `rr-${i}`,
    text: i < samples.length ? s.text : `${s.text} (update ${i})`,
    asset: s.asset,
    source: i % 3 ? 'wire-a' : 'wire-b',
    kind: 'social',
    published_at: s.published_at,
    received_at: Date.now(),
    truncated: false,
    original_chars: s.text.length,
    flags: [],
  };
}

async function publish(from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await bus.publish(names.subject(Topic.newsAccepted), encode(news(i)), { msgId: `accepted:rr-${i}` });
}

async function search(req: Omit<RagSearchRequest, 'v'>): Promise<RagSearchResponse> {
  return decodeAs(RagSearchResponse, await bus.request(names.ragSearch, encode({ v: 1, ...req }), 5000));
}

async function indexSize(): Promise<number> {
  try {
    return (await search({ query: 'probe', top_k: 1, min_similarity: -1 })).index_size;
  } catch {
    return -1;
  }
}

const QUERIES: Omit<RagSearchRequest, 'v'>[] = [
  { query: 'earnings beat estimates', top_k: 10, min_similarity: 0 },
  { query: 'recession risk ETF portfolios', top_k: 5, min_similarity: 0.1 },
  { query: 'stock rallies after upgrade', top_k: 10, min_similarity: 0, asset: samples[5]!.asset },
  { query: 'analyst downgrades shares', top_k: 7, min_similarity: 0, since_ms: Date.parse(samples[200]!.published_at) },
  ...samples.slice(0, 6).map((s) => ({ query: s.text, top_k: 3, min_similarity: 0 })),
];

describe('rag-actor restart', () => {
  beforeAll(async () => {
    bus = await connectNatsTransport({ url: NATS_URL, names, duplicateWindowMs: 600_000, maxAgeMs: 3_600_000 });
    await bus.ensureStream();
    const config = writeConfig(
      [
        'himari:',
        '  rag:',
        `    dir: ${JSON.stringify(tmp.dir)}`,
        '    snapshot_every_docs: 250',
        '    snapshot_interval_ms: 3600000',
        '    index:',
        '      approximate_after: 300',
        '      nprobe: 8',
        '  actors:',
        '    drain_timeout_ms: 2000',
      ].join('\n'),
    );
    env = {
      HIMARI_CONFIG: config,
      HIMARI_NATS_URL: NATS_URL,
      HIMARI_REDIS_URL: REDIS_URL,
      HIMARI_NATS_PREFIX: prefixes.bus,
      HIMARI_REDIS_KEY_PREFIX: prefixes.keys,
    };
  });

  afterAll(async () => {
    if (proc) await stopProcess(proc, 'SIGKILL');
    await bus?.close();
    await cleanup(prefixes);
    tmp.cleanup();
  }, 30_000);

  it('answers the same searches after kill -9 and a restart, with nothing lost', async () => {
    proc = await startActorProcess('rag-actor', env);
    // 420 documents: a snapshot at 250, the switch to IVF past 300 (a background build), 170 after the snapshot.
    await publish(0, 420);
    await waitFor(async () => (await indexSize()) === 420, 60_000, { message: 'rag-actor to store 420 documents' });
    await waitFor(() => proc!.stderr.some((l) => l.includes('J3 index swapped in')), 60_000, {
      message: 'the approximate index to be swapped in',
    });
    const before = await Promise.all(QUERIES.map(search));
    expect(before.every((r) => r.index_size === 420)).toBe(true);
    expect(before[0]!.hits.length).toBe(10);

    const code = await stopProcess(proc, 'SIGKILL');
    expect(proc.child.signalCode).toBe('SIGKILL');
    expect(code).toBeNull();
    proc = await startActorProcess('rag-actor', env);
    expect(proc.stderr.some((l) => l.includes('J3 index snapshot loaded'))).toBe(true);

    const after = await Promise.all(QUERIES.map(search));
    expect(after).toEqual(before);

    // And it keeps working: new documents are searchable, old ids are not stored twice.
    await publish(410, 440);
    await waitFor(async () => (await indexSize()) === 440, 30_000, { message: 'the 20 new documents' });
    const top = await search({ query: news(435).text, top_k: 1, min_similarity: 0 });
    expect(top.hits[0]!.id).toBe('rr-435');
  });
});
