import { basename } from 'node:path';
import { hasLoughranMcDonald, loughranMcDonaldBaseline, majorityBaseline, vaderBaseline } from './baselines.ts';
import type { Baseline } from './baselines.ts';
import { writeTextFile } from './classifier.ts';
import { filterAgreement, readLabelledCsv } from './csv.ts';
import type { DataFormat, DataFormatOption, LabelledRow } from './csv.ts';
import { EvalOverlapError, SentimentModelError } from './errors.ts';
import { fingerprintText } from './fingerprint.ts';
import { LABELS } from './labels.ts';
import type { Label } from './labels.ts';
import { computeMetrics } from './metrics.ts';
import type { ClassMetrics, Metrics } from './metrics.ts';
import { loadSentimentModel } from './model.ts';
import type { TrainedSentimentModel } from './model.ts';
import { DEFAULT_LM_DIR, DEFAULT_MODEL_PATH } from './paths.ts';
import { splitRows } from './split.ts';

export const EVAL_SUBSETS = ['all', 'valid'] as const;
export type EvalSubset = (typeof EVAL_SUBSETS)[number];

export interface EvalOptions {
  /** CSV path: TFNS `text,label` (0/1/2) or PhraseBank `sentence,label[,agreement]`. */
  data: string;
  /** Model file; default models/sentiment/tfns-logreg.json. */
  model?: string;
  /** Write the JSON report here. */
  json?: string;
  /** Write the Markdown report here. */
  markdown?: string;
  format?: DataFormatOption;
  /**
   * `valid`: evaluate on the validation rows the model's own training run carved out of this very file (same seed and
   * fraction, checked by the file's sha256). `all` (default): every row.
   */
  subset?: EvalSubset;
  /** PhraseBank: keep rows with agreement >= this (100 = AllAgree), after any subset selection. */
  minAgreement?: number;
  /** Loughran-McDonald lists for the baseline; null skips it. Default: ../shared/data/loughran_mcdonald. */
  lmDir?: string | null;
  /** Score even when the data shares texts with the training data (the report then says so). Default false: refuse. */
  allowOverlap?: boolean;
}

export interface ScoreSummary {
  accuracy: number;
  macro_f1: number;
  weighted_f1: number;
}

export interface EvalReport {
  model: string;
  model_version: string;
  data: string;
  data_sha256: string;
  format: DataFormat;
  subset: EvalSubset;
  min_agreement: number | null;
  n: number;
  accuracy: number;
  macro_f1: number;
  weighted_f1: number;
  baselines: Record<string, ScoreSummary>;
  /** How each baseline decides. */
  baseline_rules: Record<string, string>;
  confusion: Metrics['confusion'];
  per_class: Record<Label, ClassMetrics>;
  /** Evaluation rows whose text the model was trained on (0 unless allowOverlap was set). */
  overlap: number;
  warnings: string[];
  seconds: number;
}

function summary(m: Metrics): ScoreSummary {
  return { accuracy: m.accuracy, macro_f1: m.macro_f1, weighted_f1: m.weighted_f1 };
}

function selectRows(all: readonly LabelledRow[], sha256: string, model: TrainedSentimentModel, opts: EvalOptions): LabelledRow[] {
  if ((opts.subset ?? 'all') === 'all') return filterAgreement(all, opts.minAgreement);
  const t = model.training;
  if (t.data_sha256 !== sha256) {
    throw new SentimentModelError(
      `subset "valid" needs the file the model was trained on (${t.data_file}, sha256 ${t.data_sha256.slice(0, 12)}…); this file is ${sha256.slice(0, 12)}…`,
    );
  }
  if (t.split.valid_fraction === 0)
    throw new SentimentModelError('the model was trained on every row of its file: it has no validation rows');
  const trainedOn = filterAgreement(all, t.min_agreement ?? undefined);
  const { valid } = splitRows(trainedOn, { seed: t.split.seed, validFraction: t.split.valid_fraction });
  return filterAgreement(valid, opts.minAgreement);
}

/** Rows whose (case/whitespace-folded) text is among the model's training texts. */
export function countOverlap(model: TrainedSentimentModel, rows: readonly LabelledRow[]): number {
  const seen = model.trainingFingerprints();
  return rows.reduce((n, r) => n + (seen.has(fingerprintText(r.text)) ? 1 : 0), 0);
}

function majorityOf(counts: Record<Label, number>): Label {
  return LABELS.reduce((best, l) => (counts[l] > counts[best] ? l : best), LABELS[1] as Label);
}

/** Scores the model and the baselines on the same rows, in one run. */
export async function evalSentiment(opts: EvalOptions): Promise<EvalReport> {
  const started = performance.now();
  const model = loadSentimentModel(opts.model ?? DEFAULT_MODEL_PATH);
  const data = readLabelledCsv(opts.data, opts.format ?? 'auto');
  const rows = selectRows(data.rows, data.sha256, model, opts);
  if (rows.length === 0) throw new SentimentModelError('no rows to evaluate after the subset/agreement selection');
  const warnings: string[] = [];

  const overlap = countOverlap(model, rows);
  if (overlap > 0) {
    const msg = `${overlap} of ${rows.length} evaluation texts are in the model's training data: scores on them are not a test`;
    if (!opts.allowOverlap) throw new EvalOverlapError(msg + ' (refusing; pass allowOverlap to score anyway)', overlap);
    warnings.push(msg);
  }

  const baselines: Baseline[] = [majorityBaseline(majorityOf(model.training.class_counts)), vaderBaseline()];
  const lmDir = opts.lmDir === undefined ? DEFAULT_LM_DIR : opts.lmDir;
  if (lmDir !== null) {
    if (hasLoughranMcDonald(lmDir)) baselines.push(loughranMcDonaldBaseline(lmDir));
    else warnings.push(`Loughran-McDonald baseline skipped: no word lists in ${lmDir}`);
  }

  const truth = rows.map((r) => r.label);
  const m = computeMetrics(
    truth,
    rows.map((r) => model.predictLabel(r.text)),
  );
  const baselineScores: Record<string, ScoreSummary> = {};
  const rules: Record<string, string> = {};
  for (const b of baselines) {
    baselineScores[b.name] = summary(
      computeMetrics(
        truth,
        rows.map((r) => b.predict(r.text)),
      ),
    );
    rules[b.name] = b.rule;
  }

  const report: EvalReport = {
    model: model.name,
    model_version: model.version,
    data: opts.data,
    data_sha256: data.sha256,
    format: data.format,
    subset: opts.subset ?? 'all',
    min_agreement: opts.minAgreement ?? null,
    n: m.n,
    accuracy: m.accuracy,
    macro_f1: m.macro_f1,
    weighted_f1: m.weighted_f1,
    baselines: baselineScores,
    baseline_rules: rules,
    confusion: m.confusion,
    per_class: m.per_class,
    overlap,
    warnings,
    seconds: (performance.now() - started) / 1000,
  };
  if (opts.json) writeTextFile(opts.json, JSON.stringify(report, null, 2) + '\n');
  if (opts.markdown) writeTextFile(opts.markdown, evalMarkdown(report));
  return report;
}

const f3 = (x: number): string => x.toFixed(3);

export function evalMarkdown(r: EvalReport): string {
  const scope = [
    r.subset === 'valid' ? 'validation split' : 'all rows',
    r.min_agreement !== null ? `agreement >= ${r.min_agreement}` : null,
  ]
    .filter((x) => x !== null)
    .join(', ');
  const lines = [
    `## Sentiment evaluation: ${basename(r.data)} (${r.format}, ${scope}, n = ${r.n})`,
    '',
    `Model \`${r.model}\` (${r.model_version}).`,
    '',
    '| scorer | accuracy | macro F1 | weighted F1 |',
    '| --- | --- | --- | --- |',
    `| **${r.model}** | ${f3(r.accuracy)} | ${f3(r.macro_f1)} | ${f3(r.weighted_f1)} |`,
    ...Object.entries(r.baselines).map(([name, s]) => `| ${name} | ${f3(s.accuracy)} | ${f3(s.macro_f1)} | ${f3(s.weighted_f1)} |`),
    '',
    '| class | precision | recall | F1 | support |',
    '| --- | --- | --- | --- | --- |',
    ...LABELS.map((l) => {
      const c = r.per_class[l];
      return `| ${l} | ${f3(c.precision)} | ${f3(c.recall)} | ${f3(c.f1)} | ${c.support} |`;
    }),
    '',
    `Confusion (rows = true, columns = predicted; ${r.confusion.labels.join(', ')}):`,
    '',
    '| true \\ predicted | ' + r.confusion.labels.join(' | ') + ' |',
    '| --- | ' + r.confusion.labels.map(() => '---').join(' | ') + ' |',
    ...r.confusion.matrix.map((row, i) => `| ${r.confusion.labels[i]} | ${row.join(' | ')} |`),
    '',
    'Baselines: ' +
      Object.entries(r.baseline_rules)
        .map(([n, rule]) => `${n}: ${rule}`)
        .join('; ') +
      '.',
    ...r.warnings.map((w) => `\n**Warning:** ${w}`),
    '',
  ];
  return lines.join('\n');
}
