import { basename } from 'node:path';
import { carvedValidRows, computeMetrics, countOverlap, scoreSummary, writeReports } from '@himari/text-classifier';
import type { EvalOptions, EvalReport, ScoreSummary } from '@himari/text-classifier';
import { hasLoughranMcDonald, loughranMcDonaldBaseline, majorityBaseline, vaderBaseline } from './baselines.ts';
import type { Baseline } from './baselines.ts';
import { filterAgreement, readLabelledCsv } from './csv.ts';
import type { DataFormat, DataFormatOption, LabelledRow } from './csv.ts';
import { EvalOverlapError, SentimentModelError } from './errors.ts';
import { LABELS } from './labels.ts';
import type { Label } from './labels.ts';
import { loadSentimentModel } from './model.ts';
import type { TrainedSentimentModel } from './model.ts';
import { DEFAULT_MODEL_PATH } from './paths.ts';

/** The shared options, plus the layouts' own, and the Loughran-McDonald word lists for that baseline. */
export interface SentimentEvalOptions extends EvalOptions {
  /** TFNS `text,label` (0/1/2) or PhraseBank `sentence,label[,agreement]`; default `auto`. */
  format?: DataFormatOption;
  /** PhraseBank: keep rows with agreement >= this (100 = AllAgree), after any subset selection. */
  minAgreement?: number;
  /**
   * Folder of the Loughran-McDonald lists (a licensed data set, never part of the repo); null or absent: no LM
   * baseline. `himari eval sentiment` passes `<data.shared_dir>/loughran_mcdonald`.
   */
  lmDir?: string | null;
}

export interface SentimentEvalReport extends EvalReport<Label> {
  format: DataFormat;
  min_agreement: number | null;
}

const fail = (message: string, options?: ErrorOptions): Error => new SentimentModelError(message, options);

function selectRows(all: readonly LabelledRow[], sha256: string, model: TrainedSentimentModel, opts: SentimentEvalOptions): LabelledRow[] {
  if ((opts.subset ?? 'all') === 'all') return filterAgreement(all, opts.minAgreement);
  const trainedOn = filterAgreement(all, model.training.min_agreement ?? undefined);
  return filterAgreement(carvedValidRows(trainedOn, sha256, model.training, LABELS, fail), opts.minAgreement);
}

function majorityOf(counts: Record<Label, number>): Label {
  return LABELS.reduce((best, l) => (counts[l] > counts[best] ? l : best), LABELS[1] as Label);
}

/** Scores the model and the baselines on the same rows, in one run. */
export async function evalSentiment(opts: SentimentEvalOptions): Promise<SentimentEvalReport> {
  const started = performance.now();
  const model = loadSentimentModel(opts.model ?? DEFAULT_MODEL_PATH);
  const data = readLabelledCsv(opts.data, opts.format ?? 'auto');
  const rows = selectRows(data.rows, data.sha256, model, opts);
  if (rows.length === 0) throw new SentimentModelError('no rows to evaluate after the subset/agreement selection');
  const warnings: string[] = [];

  const overlap = countOverlap(model.trainingFingerprints(), rows);
  if (overlap > 0) {
    const msg = `${overlap} of ${rows.length} evaluation texts are in the model's training data: scores on them are not a test`;
    if (!opts.allowOverlap) throw new EvalOverlapError(msg + ' (refusing; pass allowOverlap to score anyway)', overlap);
    warnings.push(msg);
  }

  const baselines: Baseline[] = [majorityBaseline(majorityOf(model.training.class_counts)), vaderBaseline()];
  const lmDir = opts.lmDir ?? null;
  if (lmDir !== null) {
    if (hasLoughranMcDonald(lmDir)) baselines.push(loughranMcDonaldBaseline(lmDir));
    else warnings.push(`Loughran-McDonald baseline skipped: no word lists in ${lmDir}`);
  }

  const truth = rows.map((r) => r.label);
  const m = computeMetrics(
    LABELS,
    truth,
    rows.map((r) => model.predictLabel(r.text)),
  );
  const baselineScores: Record<string, ScoreSummary> = {};
  const rules: Record<string, string> = {};
  for (const b of baselines) {
    baselineScores[b.name] = scoreSummary(
      computeMetrics(
        LABELS,
        truth,
        rows.map((r) => b.predict(r.text)),
      ),
    );
    rules[b.name] = b.rule;
  }

  const report: SentimentEvalReport = {
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
  writeReports(report, evalMarkdown, opts);
  return report;
}

const f3 = (x: number): string => x.toFixed(3);

export function evalMarkdown(r: SentimentEvalReport): string {
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
