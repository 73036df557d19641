/**
 * `himari dlq` on a real NATS deployment: a poison message is dead-lettered, a replay before the fix fails again and
 * keeps its history, the actor is fixed by a config change, a replay brings the item through to exactly one signal,
 * and list/show/purge filter as asked.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '@himari/config';
import { connectNatsTransport, openStreamBrowser, type NatsTransport, type StreamBrowser } from '@himari/bus';
import { busNames, decodeAs, DeadLetterReplay, ReplayHeader, Stage, STAGES, Topic, TradingSignal } from '@himari/contracts';
import { silentLogger } from '@himari/observability';
import { createScorer, createStore, DeadLetterQueue, startActors, type DeadLetterEntry, type RunningActors } from '@himari/pipeline';
import type { SignalStore } from '@himari/signal-store';
import { cleanup } from './support/cleanup.ts';
import { HIMARI_BIN, NATS_URL, REDIS_URL, ROOT, uniquePrefixes, waitFor } from './support/env.ts';

const exec = promisify(execFile);
const prefixes = uniquePrefixes();
const names = busNames(prefixes.bus);
const log = silentLogger();
let bus: NatsTransport;
let browser: StreamBrowser;
let dlq: DeadLetterQueue;
let running: { actors: RunningActors; store: SignalStore } | undefined;

function configWith(maxMessageBytes: number): Config {
  return loadConfig({
    overrides: {
      nats: { url: NATS_URL, prefix: prefixes.bus },
      redis: { url: REDIS_URL, key_prefix: prefixes.keys },
      actors: { retry: { ack_wait_ms: 2000 } },
      ingest: { max_message_bytes: maxMessageBytes },
    },
  });
}

async function startPipeline(config: Config): Promise<void> {
  const store = createStore(config, names);
  const scorer = await createScorer(config, log, STAGES);
  const actors = await startActors(STAGES, { config, names, store, scorer, log, clock: Date.now, transport: bus }, bus);
  running = { actors, store };
}

async function stopPipeline(): Promise<void> {
  await running?.actors.stop();
  await running?.store.close();
  running = undefined;
}

async function himari(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [HIMARI_BIN, 'dlq', ...args, '--nats', NATS_URL, '--prefix', prefixes.bus], { cwd: ROOT });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function waitForEntries(pred: (es: DeadLetterEntry[]) => boolean, what: string): Promise<DeadLetterEntry[]> {
  let last: DeadLetterEntry[] = [];
  await waitFor(
    async () => {
      last = await dlq.list();
      return pred(last);
    },
    30_000,
    { message: what, intervalMs: 200 },
  );
  return last;
}

async function storedSignals(newsId: string): Promise<number> {
  let n = 0;
  await bus.readStored(names.subject(Topic.signalStored), (m) => {
    if (decodeAs(TradingSignal, m.data).id === newsId) n += 1;
  });
  return n;
}

const bigId = 'dlq-big-1';
// A valid item over the 256-byte limit: poison until the limit is raised.
const big = Buffer.from(
  JSON.stringify({
    id: bigId,
    asset: 'NVDA',
    text: `Shares of Nvidia jump 8% after an earnings beat. ${'Analysts raise targets. '.repeat(20)}`,
  }),
);
const junk = Buffer.from('{"id": "dlq-junk-1", not json');

beforeAll(async () => {
  bus = await connectNatsTransport({ url: NATS_URL, names, duplicateWindowMs: 600_000, maxAgeMs: 3_600_000 });
  await bus.ensureStream();
  browser = await openStreamBrowser({ url: NATS_URL, names });
  dlq = new DeadLetterQueue(browser, names);
  await startPipeline(configWith(256));
}, 60_000);

afterAll(async () => {
  await stopPipeline();
  await browser?.close();
  await bus?.close();
  await cleanup(prefixes);
}, 30_000);

describe('himari dlq', () => {
  let first: DeadLetterEntry;
  let again: DeadLetterEntry;

  it('dead-letters a poison message with its original bytes, and lists and shows it', async () => {
    expect(big.length).toBeGreaterThan(256);
    await bus.publish(names.subject(Topic.newsRaw), big, { msgId: `raw:${bigId}` });
    await bus.publish(names.subject(Topic.newsRaw), junk, { msgId: 'raw:junk' });
    const entries = await waitForEntries((es) => es.length >= 2, 'two dead letters');
    expect(entries).toHaveLength(2);
    first = entries.find((e) => e.code === 'too_large')!;
    expect(first).toBeDefined();
    expect(first.stage).toBe(Stage.ingestor);
    expect(first.subject).toBe(names.subject(Topic.newsRaw));
    expect(Buffer.from(first.payload).equals(big)).toBe(true);
    expect(first.replay_count).toBe(0);

    const listed = await himari(['list', '--code', 'too_large']);
    expect(listed.code).toBe(0);
    const lines = jsonLines(listed.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ id: first.id, stage: 'ingestor', code: 'too_large', replays: 0, deliveries: 1 });

    // The CLI parses the flags (unit-tested); the filters are the library's, cheaper to check without a process each.
    expect(await dlq.list({ stage: Stage.ingestor })).toHaveLength(2);
    expect(await dlq.list({ stage: Stage.calibrator })).toHaveLength(0);
    expect(await dlq.list({ sinceMs: Date.now() + 60_000 })).toHaveLength(0);
    expect(await dlq.list({ sinceMs: Date.now() - 3_600_000 })).toHaveLength(2);
    expect((await dlq.list({ ids: [first.id] })).map((e) => e.id)).toEqual([first.id]);

    const shown = await himari(['show', String(first.id)]);
    expect(shown.code).toBe(0);
    const doc = JSON.parse(shown.stdout) as { reason: string; original: { json: { id: string } } };
    expect(doc.reason).toMatch(/over the limit of 256/);
    expect(doc.original.json.id).toBe(bigId);
    expect((await himari(['show', '999999'])).code).toBe(1);
  }, 90_000);

  it('a replay before the fix fails again and returns to the DLQ with its history', async () => {
    const results = await dlq.replay({ ids: [first.id] });
    expect(results).toMatchObject([{ id: first.id, status: 'replayed', replay_count: 1 }]);
    const entries = await waitForEntries((es) => es.some((e) => e.replay_count === 1), 'the replayed item dead-lettered again');
    again = entries.find((e) => e.replay_count === 1)!;
    expect(again.id).not.toBe(first.id);
    expect(again.code).toBe('too_large');
    expect(again.previous).toEqual([first.id]);
    expect(again.first_seen_ms).toBe(first.first_seen_ms);
    expect(entries.find((e) => e.id === first.id)!.replays).toBe(1);

    const stored = await browser.get(again.id);
    expect(stored!.headers[ReplayHeader.count]).toBe('1');
    const records = await browser.list(names.replayedAll);
    expect(records.map((r) => decodeAs(DeadLetterReplay, r.data))).toMatchObject([{ dlq_seq: first.id, replay_count: 1 }]);
  }, 60_000);

  it('after the fix, replay brings the item through to exactly one signal', async () => {
    await stopPipeline();
    await startPipeline(configWith(65_536));

    const dry = await himari(['replay', '--stage', 'ingestor', '--code', 'too_large', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(jsonLines(dry.stdout).map((r) => [r['id'], r['status']])).toEqual([
      [first.id, 'skipped'],
      [again.id, 'dry-run'],
    ]);
    expect(await storedSignals(bigId)).toBe(0);

    const replayed = await himari(['replay', '--stage', 'ingestor', '--code', 'too_large']);
    expect(replayed.code).toBe(0);
    expect(jsonLines(replayed.stdout).map((r) => [r['id'], r['status'], r['replay_count']])).toEqual([
      [first.id, 'skipped', 1],
      [again.id, 'replayed', 2],
    ]);
    await waitFor(async () => (await storedSignals(bigId)) >= 1, 30_000, { message: 'the replayed item became a signal', intervalMs: 200 });

    // Forcing a second replay of the same dead letter is processed (it comes back as duplicate_id), not a 2nd signal.
    const forced = await dlq.replay({ ids: [again.id], again: true });
    expect(forced).toMatchObject([{ id: again.id, status: 'replayed', replay_count: 2 }]);
    await waitForEntries(
      (es) => es.some((e) => e.code === 'duplicate_id' && e.news_id === bigId),
      'the forced replay refused as a duplicate',
    );
    expect(await storedSignals(bigId)).toBe(1);
  }, 90_000);

  it('purge refuses without --yes off a terminal, then deletes only what the filters match', async () => {
    const refused = await himari(['purge', '--code', 'invalid_json']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    const before = await dlq.list();
    const junkEntry = before.find((e) => e.code === 'invalid_json')!;
    expect(junkEntry).toBeDefined();

    const purged = await himari(['purge', '--code', 'invalid_json', '--yes']);
    expect(purged.code).toBe(0);
    expect(JSON.parse(purged.stdout)).toEqual({ purged: 1, ids: [junkEntry.id] });
    const after = await dlq.list();
    expect(after.map((e) => e.id).sort()).toEqual(
      before
        .filter((e) => e.id !== junkEntry.id)
        .map((e) => e.id)
        .sort(),
    );

    expect(await dlq.purge({ ids: [first.id] })).toEqual([first.id]);
    expect(await dlq.show(first.id)).toBeUndefined();
  }, 60_000);

  it('fails in one line, non-zero, when NATS is unreachable', async () => {
    const r = await exec(process.execPath, [HIMARI_BIN, 'dlq', 'list', '--nats', 'nats://127.0.0.1:1', '--connect-timeout-ms', '1000'], {
      cwd: ROOT,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code ?? -1, stderr: err.stderr ?? '' }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
  }, 30_000);
});
