/**
 * Throughput of the committed trained sentiment model on one core (a single-threaded loop; Node runs it on one thread),
 * beside VADER in the same run. Texts: TFNS tweets cycled to `SENTENCES`, each pass timed after a warm-up pass.
 *   node --import tsx bench/sentiment.bench.ts
 * Writes bench/results/sentiment.json.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadNow, machineInfo, sharedData, passesMeta, timedPasses, writeResult } from './support.ts';
import { DEFAULT_MODEL_PATH, loadSentimentModel } from '@himari/sentiment-model';
import { SENTIMENT_DATA, readLabelledCsv, vaderBaseline } from '@himari/sentiment-model/offline';

const SENTENCES = 20_000;
const REPEATS = 5;
const DATA = sharedData(SENTIMENT_DATA.tfnsTrain);
const OUT = fileURLToPath(new URL('./results/sentiment.json', import.meta.url));

export interface ThroughputResult {
  sentences_per_s: number;
  /** Every pass, sentences per second. */
  passes: number[];
}

function measure(texts: readonly string[], fn: (t: string) => number): ThroughputResult {
  const { perS, passes } = timedPasses(texts, fn, REPEATS);
  return { sentences_per_s: perS, passes };
}

export function runSentimentBench(): Record<string, unknown> {
  const loadBefore = loadNow();
  const model = loadSentimentModel(DEFAULT_MODEL_PATH);
  const source = readLabelledCsv(DATA).rows.map((r) => r.text);
  const texts = Array.from({ length: SENTENCES }, (_, i) => source[i % source.length] as string);
  const trained = measure(texts, (t) => model.score(t).compound);
  const vader = vaderBaseline();
  const vaderRes = measure(texts, (t) => vader.predict(t).length);
  const result = {
    bench: 'sentiment',
    model: model.name,
    model_version: model.version,
    sentences: SENTENCES,
    ...passesMeta(texts, REPEATS),
    sentences_per_s: Math.round(trained.sentences_per_s),
    passes: trained.passes.map(Math.round),
    baselines: { vader: { sentences_per_s: Math.round(vaderRes.sentences_per_s), passes: vaderRes.passes.map(Math.round) } },
    ...machineInfo(loadBefore),
  };
  writeResult(OUT, result);
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = runSentimentBench();
  console.log(
    `trained ${r['model']} ${r['sentences_per_s']} sentences/s; vader ${(r['baselines'] as { vader: { sentences_per_s: number } }).vader.sentences_per_s} sentences/s (one thread) -> ${OUT}`,
  );
}
