/**
 * finbert-actor on the ONNX scorer: the deliveries of one pull (actors.batch_size) are scored in one call, and each
 * output carries the same score the model gives that text directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@himari/config';
import { createMemoryTransport } from '@himari/bus';
import { busNames, decodeAs, encode, ScoredNews, Stage, Topic, type ClassifiedNews } from '@himari/contracts';
import { eventInfo } from '@himari/event-classification/testing';
import { silentLogger } from '@himari/observability';
import type { OnnxSentimentScorer } from '@himari/onnx-classifier';
import { createScorer, createStore, startActors } from '@himari/pipeline';
import { tinyModels, type TinyModels } from '../tools/tiny-bert/fixtures.ts';

const TEXTS = [
  'Apple beats estimates and raises guidance. Shares jump after hours.',
  'Bitcoin exchange hacked, withdrawals halted',
  'Tesla to hold its annual meeting on Tuesday',
  'Nvidia shares soar to a record high',
  'Oil falls as supply fears ease. Traders expect a long delay.',
  'The bank was fined for fraud by the regulator',
  'Microsoft announces a new product launch in Europe',
  'Gold is flat',
];

let models: TinyModels;
beforeAll(() => {
  models = tinyModels('himari-finbert-actor-');
});
afterAll(() => models?.cleanup());

function classified(i: number, text: string): ClassifiedNews {
  return {
    v: 1,
    news: {
      v: 1,
      id: `n${i}`,
      text,
      asset: 'AAPL',
      source: 'test',
      kind: 'news',
      published_at: new Date(0).toISOString(),
      received_at: 1,
      truncated: false,
      original_chars: text.length,
      flags: [],
    },
    event: eventInfo(),
    classified_at: 2,
  };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for outputs');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('finbert-actor with the ONNX scorer', () => {
  it('scores a pulled batch in one call and publishes the model’s own scores', async () => {
    const dir = models.make('tiny-finbert', { seed: 3 }).dir;
    const config = loadConfig({
      overrides: {
        actors: { concurrency: 8 },
        // A long wait, so that the batch fills from the deliveries in flight rather than by the timer.
        sentiment: { backend: 'onnx', onnx: { path: dir, batch_size: 8, batch_wait_ms: 2000, self_check: { expect_direction: false } } },
      },
    });
    const log = silentLogger();
    const names = busNames(`t${Math.random().toString(36).slice(2, 10)}`);
    const transport = createMemoryTransport({ duplicateWindowMs: 60_000 });
    const store = createStore(config, names);
    const scorer = (await createScorer(config, log, [Stage.finbertActor])) as OnnxSentimentScorer;
    const callSizes: number[] = [];
    const scoreBatch = scorer.scoreBatch.bind(scorer);
    scorer.scoreBatch = async (texts) => {
      callSizes.push(texts.length);
      return scoreBatch(texts);
    };
    const outputs: ScoredNews[] = [];
    const taps = [Topic.newsScoredOpt, Topic.newsScoredCot].map((t) =>
      transport.tap(names.subject(t), (m) => outputs.push(decodeAs(ScoredNews, m.data))),
    );
    await Promise.all(taps);
    await transport.ensureStream();
    const actors = await startActors([Stage.finbertActor], { config, names, store, scorer, log, clock: Date.now, transport }, transport);
    try {
      await Promise.all(
        TEXTS.map((t, i) => transport.publish(names.subject(Topic.newsClassified), encode(classified(i, t)), { msgId: `c${i}` })),
      );
      await until(() => outputs.length === TEXTS.length, 20_000);

      // The deliveries of one pull reach the model together (actors.batch_size), not one call per message.
      expect(callSizes.reduce((a, b) => a + b, 0) + scorer.batchSizes.reduce((a, b) => a + b, 0)).toBe(TEXTS.length);
      expect(Math.max(...callSizes)).toBeGreaterThan(1);
      const direct = await scoreBatch(TEXTS);
      for (const o of outputs) {
        const i = Number(o.news.id.slice(1));
        expect(o.sentiment).toMatchObject({
          scorer: 'onnx',
          model: 'tiny-finbert',
          model_version: scorer.version,
          label: direct[i]!.label,
        });
        expect(Math.abs(o.sentiment.compound - direct[i]!.compound)).toBeLessThan(1e-5);
      }
    } finally {
      await actors.stop();
      await scorer.close();
      for (const t of await Promise.all(taps)) await t.drain();
      await store.close();
      await transport.close();
    }
  });
});
