/**
 * Throughput of J7 on one core (a single-threaded loop): `classifyEvent` (topic model + phrase rules + entities,
 * the whole EventInfo, as the event-classifier actor calls it per message), beside its parts and the design's keyword
 * baseline in the same run. Texts: the topic tweets cycled to ITEMS, each pass timed after a warm-up pass.
 *   node --import tsx bench/events.bench.ts
 * Writes bench/results/events.json.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadNow, machineInfo, sharedData, passesMeta, timedPasses, writeResult } from './support.ts';
import {
  CLASSIFIER_VERSION,
  classifyEvent,
  classifyEventRules,
  defaultEventClassifier,
  extractEntities,
} from '@himari/event-classification';
import { EVENT_DATA, classifyEventDesignKeywords, readTopicCsv } from '@himari/event-classification/offline';

const ITEMS = 20_000;
const REPEATS = 5;
const OUT = fileURLToPath(new URL('./results/events.json', import.meta.url));

interface Throughput {
  items_per_s: number;
  passes: number[];
}

function measure(texts: readonly string[], fn: (t: string) => number): Throughput {
  const { perS, passes } = timedPasses(texts, fn, REPEATS);
  return { items_per_s: Math.round(perS), passes: passes.map(Math.round) };
}

export function runEventsBench(): Record<string, unknown> {
  const loadBefore = loadNow();
  const source = readTopicCsv(sharedData(EVENT_DATA.topicTrain)).rows.map((r) => r.text);
  const texts = Array.from({ length: ITEMS }, (_, i) => source[i % source.length] as string);
  const t0 = performance.now();
  const model = defaultEventClassifier().model;
  const loadMs = performance.now() - t0;
  const full = measure(texts, (t) => classifyEvent(t).category_confidence);
  const result = {
    bench: 'events',
    classifier: CLASSIFIER_VERSION,
    model_version: model.version,
    model_load_ms: Math.round(loadMs),
    items: ITEMS,
    ...passesMeta(texts, REPEATS),
    items_per_s: full.items_per_s,
    passes: full.passes,
    parts: {
      topic_model_only: measure(texts, (t) => model.predict(t).probability),
      phrase_rules_only: measure(texts, (t) => classifyEventRules(t).category_confidence),
      entities_only: measure(texts, (t) => extractEntities(t).length),
    },
    baselines: { design_keywords: measure(texts, (t) => classifyEventDesignKeywords(t).matched.length) },
    ...machineInfo(loadBefore),
  };
  writeResult(OUT, result);
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = runEventsBench();
  console.log(`J7 ${r['classifier']}: ${r['items_per_s']} items/s on one thread (parts: ${JSON.stringify(r['parts'])}) -> ${OUT}`);
}
