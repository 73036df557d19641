/**
 * The headline evaluation: direction for the named asset against gold labels (data/eval/headlines.jsonl), per split
 * (dev: looked at while writing the rules; test: held out by a fixed seed before any rule was written), beside other
 * methods, with Cohen's kappa against a second, independent labeller when one is given.
 */
import { readFileSync } from 'node:fs';
import type { Direction } from './judge.ts';

export interface HeadlineItem {
  id: string;
  headline: string;
  asset: string;
  source: string;
  dataset: string;
  label: Direction;
  split: 'dev' | 'test';
}

export class HeadlineSetError extends Error {
  override readonly name = 'HeadlineSetError';
}

const DIRECTIONS: readonly Direction[] = [-1, 0, 1];
const NAME: Record<Direction, string> = { [-1]: 'SELL', 0: 'HOLD', 1: 'BUY' };

function isDirection(x: unknown): x is Direction {
  return x === -1 || x === 0 || x === 1;
}

/** Each non-blank line as a JSON object, with its 1-based line number. */
function jsonLines(text: string, what: string): { n: number; r: Record<string, unknown> }[] {
  return text.split(/\r?\n/).flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [{ n: i + 1, r: JSON.parse(line) as Record<string, unknown> }];
    } catch (err) {
      throw new HeadlineSetError(`${what} line ${i + 1}: not JSON`, { cause: err });
    }
  });
}

/** One JSON object a line: `id`, `headline`, `asset`, `label` (-1/0/1), `split` (dev/test), `source`, `dataset`. */
export function parseHeadlineSet(text: string, what = 'headline set'): HeadlineItem[] {
  const items: HeadlineItem[] = [];
  const seen = new Set<string>();
  for (const { n, r } of jsonLines(text, what)) {
    const { id, headline, asset, label, split } = r;
    if (typeof id !== 'string' || typeof headline !== 'string' || typeof asset !== 'string' || !isDirection(label))
      throw new HeadlineSetError(`${what} line ${n}: needs string id, headline, asset and a label of -1, 0 or 1`);
    if (split !== 'dev' && split !== 'test') throw new HeadlineSetError(`${what} line ${n}: split must be dev or test`);
    if (seen.has(id)) throw new HeadlineSetError(`${what} line ${n}: id ${id} repeats`);
    seen.add(id);
    items.push({ id, headline, asset, label, split, source: String(r['source'] ?? ''), dataset: String(r['dataset'] ?? '') });
  }
  if (items.length === 0) throw new HeadlineSetError(`${what}: no items`);
  return items;
}

export function readHeadlineSet(path: string): HeadlineItem[] {
  return parseHeadlineSet(readFileSync(path, 'utf8'), path);
}

/** A second labeller's file: `id` and `label` per line (other fields ignored). */
export function readSecondLabels(path: string): Map<string, Direction> {
  const out = new Map<string, Direction>();
  for (const { n, r } of jsonLines(readFileSync(path, 'utf8'), path)) {
    const label = typeof r['label'] === 'string' ? Number(r['label']) : r['label'];
    if (typeof r['id'] !== 'string' || !isDirection(label)) throw new HeadlineSetError(`${path} line ${n}: needs id and label -1/0/1`);
    out.set(r['id'], label);
  }
  return out;
}

export interface ClassFigures {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface DirectionMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: Record<'SELL' | 'HOLD' | 'BUY', ClassFigures>;
  /** confusion[gold][predicted], in the order SELL, HOLD, BUY. */
  confusion: number[][];
}

export function directionMetrics(gold: readonly Direction[], pred: readonly Direction[]): DirectionMetrics {
  if (gold.length !== pred.length) throw new RangeError(`gold has ${gold.length} labels, predictions ${pred.length}`);
  const idx = (d: Direction): number => d + 1;
  const confusion = DIRECTIONS.map(() => DIRECTIONS.map(() => 0));
  gold.forEach((g, i) => {
    const row = confusion[idx(g)] as number[];
    const col = idx(pred[i] as Direction);
    row[col] = (row[col] ?? 0) + 1;
  });
  const perClass = {} as DirectionMetrics['perClass'];
  let f1Sum = 0;
  for (const d of DIRECTIONS) {
    const tp = (confusion[idx(d)] as number[])[idx(d)] as number;
    const support = (confusion[idx(d)] as number[]).reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + (row[idx(d)] as number), 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[NAME[d] as 'SELL' | 'HOLD' | 'BUY'] = { precision, recall, f1, support };
    f1Sum += f1;
  }
  const correct = gold.filter((g, i) => g === pred[i]).length;
  return {
    n: gold.length,
    accuracy: gold.length === 0 ? 0 : correct / gold.length,
    macroF1: f1Sum / DIRECTIONS.length,
    perClass,
    confusion,
  };
}

/**
 * Cohen's kappa of two labellings of the same items: (p_o − p_e) / (1 − p_e), p_o the share of agreement, p_e the
 * agreement expected from each labeller's own class frequencies. 1 when p_e is 1 and they agree everywhere.
 */
export function cohenKappa(a: readonly Direction[], b: readonly Direction[]): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError('kappa needs two labellings of the same, non-empty items');
  const n = a.length;
  const po = a.filter((x, i) => x === b[i]).length / n;
  let pe = 0;
  for (const d of DIRECTIONS) pe += (a.filter((x) => x === d).length / n) * (b.filter((x) => x === d).length / n);
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}

export interface MethodResult {
  name: string;
  /** How it decides, for the report. */
  rule: string;
  bySplit: Record<'dev' | 'test' | 'all', DirectionMetrics>;
}

export interface Agreement {
  /** Items both labellers labelled. */
  n: number;
  missing: number;
  kappa: number;
  observed: number;
  disagreements: { id: string; headline: string; asset: string; first: Direction; second: Direction }[];
}

export interface HeadlineReport {
  data: string;
  n: number;
  splits: { dev: number; test: number };
  labels: Record<'SELL' | 'HOLD' | 'BUY', number>;
  methods: MethodResult[];
  agreement: Agreement | null;
  /** Items the pipeline got wrong, for reading (never for tuning on the test split). */
  errors: { id: string; split: string; asset: string; headline: string; gold: Direction; predicted: Direction }[];
  warnings: string[];
}

export function evaluateMethod(
  items: readonly HeadlineItem[],
  name: string,
  rule: string,
  predict: (item: HeadlineItem) => Direction,
): MethodResult {
  const preds = new Map(items.map((it) => [it.id, predict(it)]));
  const on = (sel: readonly HeadlineItem[]): DirectionMetrics =>
    directionMetrics(
      sel.map((it) => it.label),
      sel.map((it) => preds.get(it.id) as Direction),
    );
  return {
    name,
    rule,
    bySplit: { dev: on(items.filter((i) => i.split === 'dev')), test: on(items.filter((i) => i.split === 'test')), all: on(items) },
  };
}

export function agreementWith(items: readonly HeadlineItem[], second: ReadonlyMap<string, Direction>): Agreement {
  const both = items.filter((it) => second.has(it.id));
  const a = both.map((it) => it.label);
  const b = both.map((it) => second.get(it.id) as Direction);
  return {
    n: both.length,
    missing: items.length - both.length,
    kappa: both.length > 0 ? cohenKappa(a, b) : Number.NaN,
    observed: both.length > 0 ? a.filter((x, i) => x === b[i]).length / both.length : Number.NaN,
    disagreements: both
      .filter((it) => second.get(it.id) !== it.label)
      .map((it) => ({ id: it.id, headline: it.headline, asset: it.asset, first: it.label, second: second.get(it.id) as Direction })),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number): string => x.toFixed(3);

export function headlineMarkdown(r: HeadlineReport): string {
  const lines: string[] = [];
  lines.push(`# Headline direction for the named asset: ${r.data}`, '');
  lines.push(
    `${r.n} headlines (dev ${r.splits.dev}, held-out test ${r.splits.test}); gold labels SELL ${r.labels.SELL}, HOLD ${r.labels.HOLD}, BUY ${r.labels.BUY}.`,
    '',
  );
  lines.push('| method | dev accuracy | test accuracy | all accuracy | all macro-F1 |', '| --- | --- | --- | --- | --- |');
  for (const m of r.methods)
    lines.push(
      `| ${m.name} | ${pct(m.bySplit.dev.accuracy)} | ${pct(m.bySplit.test.accuracy)} | ${pct(m.bySplit.all.accuracy)} | ${f3(m.bySplit.all.macroF1)} |`,
    );
  lines.push('');
  for (const m of r.methods) lines.push(`- **${m.name}**: ${m.rule}`);
  const main = r.methods[0];
  if (main) {
    lines.push(
      '',
      `## ${main.name}: per class (all items)`,
      '',
      '| class | precision | recall | F1 | support |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const [c, f] of Object.entries(main.bySplit.all.perClass))
      lines.push(`| ${c} | ${f3(f.precision)} | ${f3(f.recall)} | ${f3(f.f1)} | ${f.support} |`);
    lines.push('', 'Confusion (rows gold, columns predicted): ', '', '| gold \\ pred | SELL | HOLD | BUY |', '| --- | --- | --- | --- |');
    (['SELL', 'HOLD', 'BUY'] as const).forEach((c, i) =>
      lines.push(`| ${c} | ${(main.bySplit.all.confusion[i] as number[]).join(' | ')} |`),
    );
  }
  lines.push('', '## Agreement of the labels', '');
  if (r.agreement === null) lines.push('No second labelling given (`--labels2 FILE`): no kappa.');
  else
    lines.push(
      `Cohen's kappa ${f3(r.agreement.kappa)} on ${r.agreement.n} items labelled twice (observed agreement ${pct(r.agreement.observed)}, ${r.agreement.disagreements.length} disagreements${r.agreement.missing > 0 ? `, ${r.agreement.missing} items without a second label` : ''}).`,
    );
  for (const w of r.warnings) lines.push('', `WARNING: ${w}`);
  return `${lines.join('\n')}\n`;
}
