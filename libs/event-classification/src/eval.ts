/**
 * `himari eval events`: J7's category against labelled topic data, beside the baselines, on the same rows in one run.
 * Topics map onto categories through TOPIC_MAP (excluded topics are dropped for every method alike); scores are over
 * TOPIC_SCORE_CLASSES (topic-metrics.ts).
 */
import { basename } from 'node:path';
import type { EventCategory } from '@himari/contracts';
import { carvedValidRows, countOverlap, writeReports } from '@himari/text-classifier';
import type { ClassMetrics, EvalOptions, EvalReport, EvalSubset, ScoreSummary } from '@himari/text-classifier';
import { classifyEventRules, RULES_VERSION } from './classifier.ts';
import { DESIGN_BASELINE_VERSION, classifyEventDesignKeywords } from './design-baseline.ts';
import { EventEvalOverlapError, EventModelError } from './errors.ts';
import { createEventClassifier } from './event-classifier.ts';
import { loadEventModel } from './model.ts';
import type { EventTopicModel } from './model.ts';
import { DEFAULT_EVENT_MODEL_PATH } from './paths.ts';
import { readTopicCsv } from './topic-data.ts';
import { topicMetrics } from './topic-metrics.ts';
import type { TopicMetrics } from './topic-metrics.ts';
import { categoryRows } from './train.ts';
import type { CategoryRow } from './train.ts';
import { TOPIC_MAP, TOPIC_SCORE_CLASSES } from './topics.ts';
import type { TopicScoreClass } from './topics.ts';

/** The shared options; `data` is a topic CSV (`text,label`, ids 0..19); `all` means every row of a scored topic. */
export type EventEvalOptions = EvalOptions;

export interface MethodScores extends ScoreSummary {
  confusion: TopicMetrics['confusion'];
  per_class: Record<TopicScoreClass, ClassMetrics>;
}

export interface TopicBreakdown {
  topic: string;
  category: EventCategory;
  n: number;
  /** Share of the topic's rows each method put in the topic's category. */
  agreement: Record<string, number>;
}

/** The shared report (`model` is the classifier as it names itself in EventInfo.classifier), plus the topics' view. */
export interface EventEvalReport extends EvalReport<TopicScoreClass> {
  classes: TopicScoreClass[];
  confusion: TopicMetrics['confusion'];
  baseline_details: Record<string, MethodScores>;
  rows_in_file: number;
  /** Rows of excluded topics (TOPIC_MAP category null): not scored by any method. */
  excluded_rows: number;
  per_topic: TopicBreakdown[];
  /** The topic → category table the truth was built with. */
  topic_map: { id: number; topic: string; category: EventCategory | null }[];
  /** Rows per second of the full classifier (`classifyEvent`'s work, EventInfo included) in this run. */
  items_per_s: number;
}

interface Method {
  name: string;
  rule: string;
  predict(text: string): EventCategory;
}

function baselines(model: EventTopicModel): Method[] {
  const majority = majorityClass(model);
  return [
    {
      name: 'design_keywords',
      rule: `${DESIGN_BASELINE_VERSION}: the design's keyword lists, a hit when a keyword is a substring of the lower-cased text, first category with most hits, none = unknown`,
      predict: (t) => classifyEventDesignKeywords(t).category,
    },
    {
      name: 'phrase_rules',
      rule: `${RULES_VERSION}: the whole-token weighted phrase rules alone (the J7 classifier before the topic model)`,
      predict: (t) => classifyEventRules(t).category,
    },
    {
      name: 'topic_model_only',
      rule: `${model.name} alone: the model's most probable class, without the crypto rule (ablation)`,
      predict: (t) => model.predict(t).category,
    },
    { name: 'majority', rule: `always "${majority}" (the most frequent class in the model's training rows)`, predict: () => majority },
  ];
}

function majorityClass(model: EventTopicModel): EventCategory {
  let best: EventCategory = 'unknown';
  let most = -1;
  for (const c of TOPIC_SCORE_CLASSES) {
    const n = model.training.class_counts[c] ?? 0;
    if (n > most) [best, most] = [c, n];
  }
  return best;
}

const fail = (message: string, options?: ErrorOptions): Error => new EventModelError(message, options);

function selectRows(rows: CategoryRow[], sha256: string, model: EventTopicModel, subset: EvalSubset): CategoryRow[] {
  return subset === 'all' ? rows : carvedValidRows(rows, sha256, model.training, TOPIC_SCORE_CLASSES, fail);
}

function scores(m: TopicMetrics): MethodScores {
  return { accuracy: m.accuracy, macro_f1: m.macro_f1, weighted_f1: m.weighted_f1, confusion: m.confusion, per_class: m.per_class };
}

const PROGRESS_EVERY = 500;

export async function evalEvents(opts: EventEvalOptions): Promise<EventEvalReport> {
  const started = performance.now();
  const model = loadEventModel(opts.model ?? DEFAULT_EVENT_MODEL_PATH);
  const classifier = createEventClassifier(model);
  const data = readTopicCsv(opts.data);
  const subset = opts.subset ?? 'all';
  const scored = categoryRows(data.rows);
  const rows = selectRows(scored, data.sha256, model, subset);
  if (rows.length === 0) throw new EventModelError('no rows to evaluate: every topic in the file is excluded by the topic table');
  const warnings: string[] = [];

  const overlap = countOverlap(model.trainingFingerprints(), rows);
  if (overlap > 0) {
    const msg = `${overlap} of ${rows.length} evaluation texts are in the model's training rows: scores on them are not a test`;
    if (!opts.allowOverlap)
      throw new EventEvalOverlapError(`${msg} (refusing; pass allowOverlap / --allow-overlap to score anyway)`, overlap);
    warnings.push(msg);
  }

  const truth = rows.map((r) => r.label);
  const ours: EventCategory[] = [];
  const t0 = performance.now();
  rows.forEach((r, i) => {
    // The full EventInfo, as the pipeline builds it, so that items_per_s is the real per-message cost.
    ours.push(classifier.classify(r.text).category);
    if ((i + 1) % PROGRESS_EVERY === 0) opts.onProgress?.(i + 1, rows.length);
  });
  const itemsPerS = rows.length / ((performance.now() - t0) / 1000);
  opts.onProgress?.(rows.length, rows.length);
  const m = topicMetrics(truth, ours);

  const methods = baselines(model);
  const predictions: Record<string, EventCategory[]> = { [classifier.version]: ours };
  const details: Record<string, MethodScores> = {};
  const summaries: Record<string, ScoreSummary> = {};
  const rules: Record<string, string> = {};
  for (const b of methods) {
    const pred = rows.map((r) => b.predict(r.text));
    predictions[b.name] = pred;
    details[b.name] = scores(topicMetrics(truth, pred));
    const { accuracy, macro_f1, weighted_f1 } = details[b.name] as MethodScores;
    summaries[b.name] = { accuracy, macro_f1, weighted_f1 };
    rules[b.name] = b.rule;
  }

  const report: EventEvalReport = {
    model: classifier.version,
    model_version: model.version,
    data: opts.data,
    data_sha256: data.sha256,
    subset,
    n: m.n,
    accuracy: m.accuracy,
    macro_f1: m.macro_f1,
    weighted_f1: m.weighted_f1,
    baselines: summaries,
    baseline_rules: rules,
    classes: [...TOPIC_SCORE_CLASSES],
    confusion: m.confusion,
    per_class: m.per_class,
    baseline_details: details,
    rows_in_file: data.rows.length,
    excluded_rows: data.rows.length - scored.length,
    per_topic: perTopic(rows, predictions),
    topic_map: TOPIC_MAP.map(({ id, topic, category }) => ({ id, topic, category })),
    overlap,
    warnings,
    items_per_s: itemsPerS,
    seconds: (performance.now() - started) / 1000,
  };
  writeReports(report, evalEventsMarkdown, opts);
  return report;
}

function perTopic(rows: readonly CategoryRow[], predictions: Record<string, EventCategory[]>): TopicBreakdown[] {
  const out: TopicBreakdown[] = [];
  for (const t of TOPIC_MAP) {
    const idx = rows.flatMap((r, i) => (r.topic === t.id ? [i] : []));
    if (idx.length === 0 || t.category === null) continue;
    const agreement: Record<string, number> = {};
    for (const [name, pred] of Object.entries(predictions)) agreement[name] = idx.filter((i) => pred[i] === t.category).length / idx.length;
    out.push({ topic: t.topic, category: t.category, n: idx.length, agreement });
  }
  return out;
}

const f3 = (x: number): string => x.toFixed(3);

export function evalEventsMarkdown(r: EventEvalReport): string {
  const names = Object.keys(r.baselines);
  const lines = [
    `## Event category evaluation: ${basename(r.data)} (${r.subset === 'valid' ? 'carved validation split' : 'all rows'}, n = ${r.n}, ${r.excluded_rows} rows of excluded topics not scored)`,
    '',
    `Classifier \`${r.model}\` (model ${r.model_version}). Scores over ${r.classes.join(', ')}; macro F1 averages those ${r.classes.length} classes.`,
    '',
    '| method | accuracy | macro F1 | weighted F1 |',
    '| --- | --- | --- | --- |',
    `| **${r.model}** | ${f3(r.accuracy)} | ${f3(r.macro_f1)} | ${f3(r.weighted_f1)} |`,
    ...names.map(
      (n) =>
        `| ${n} | ${f3(r.baselines[n]?.accuracy ?? 0)} | ${f3(r.baselines[n]?.macro_f1 ?? 0)} | ${f3(r.baselines[n]?.weighted_f1 ?? 0)} |`,
    ),
    '',
    `| class | precision | recall | F1 | support | F1 ${names.join(' | F1 ')} |`,
    `| --- | --- | --- | --- | --- | ${names.map(() => '---').join(' | ')} |`,
    ...r.classes.map((c) => {
      const k = r.per_class[c];
      return `| ${c} | ${f3(k.precision)} | ${f3(k.recall)} | ${f3(k.f1)} | ${k.support} | ${names.map((n) => f3(r.baseline_details[n]?.per_class[c].f1 ?? 0)).join(' | ')} |`;
    }),
    '',
    `Confusion of \`${r.model}\` (rows = true, columns = predicted):`,
    '',
    '| true \\ predicted | ' + r.confusion.labels.join(' | ') + ' |',
    '| --- | ' + r.confusion.labels.map(() => '---').join(' | ') + ' |',
    ...r.confusion.matrix.slice(0, r.classes.length).map((row, i) => `| ${r.confusion.labels[i]} | ${row.join(' | ')} |`),
    '',
    "Share of each topic's rows put in its mapped category:",
    '',
    `| topic | category | n | ${r.model} | ${names.join(' | ')} |`,
    `| --- | --- | --- | --- | ${names.map(() => '---').join(' | ')} |`,
    ...r.per_topic.map(
      (t) =>
        `| ${t.topic.replace(/\|/g, '\\|')} | ${t.category} | ${t.n} | ${[r.model, ...names].map((n) => f3(t.agreement[n] ?? 0)).join(' | ')} |`,
    ),
    '',
    'Baselines: ' +
      Object.entries(r.baseline_rules)
        .map(([n, rule]) => `${n}: ${rule}`)
        .join('; ') +
      '.',
    '',
    `Throughput of the full classifier in this run: ${Math.round(r.items_per_s)} items/s (one cold pass on a shared machine; bench/events.bench.ts measures the steady state).`,
    ...r.warnings.map((w) => `\n**Warning:** ${w}`),
    '',
  ];
  return lines.join('\n');
}
