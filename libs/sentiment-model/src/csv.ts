import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sha256Hex } from '@himari/text-classifier';
import { DatasetFormatError } from './errors.ts';
import type { Label } from './labels.ts';

/**
 * `tfns`: Twitter Financial News Sentiment, `text,label` with 0 bearish, 1 bullish, 2 neutral.
 * `phrasebank`: Financial PhraseBank, `sentence,label[,agreement]` with the words positive/negative/neutral.
 */
export const DATA_FORMATS = ['tfns', 'phrasebank'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];
export type DataFormatOption = DataFormat | 'auto';

export interface LabelledRow {
  text: string;
  label: Label;
  /** PhraseBank only: the strictest annotator-agreement split (50/66/75/100) that holds the sentence. */
  agreement?: number;
}

export interface LabelledData {
  format: DataFormat;
  rows: LabelledRow[];
  /** sha256 of the file bytes: ties a model's split and fingerprints to the exact file it was trained on. */
  sha256: string;
}

const TFNS_LABELS: Readonly<Record<string, Label>> = { '0': 'negative', '1': 'positive', '2': 'neutral' };
const PHRASEBANK_LABELS: Readonly<Record<string, Label>> = {
  negative: 'negative',
  neutral: 'neutral',
  positive: 'positive',
};
const LABEL_MAPS: Readonly<Record<DataFormat, Readonly<Record<string, Label>>>> = {
  tfns: TFNS_LABELS,
  phrasebank: PHRASEBANK_LABELS,
};
const TEXT_COLUMNS = ['text', 'sentence'];

/** Which layout the label values belong to; null when they fit neither (or both, which cannot happen). */
export function detectFormat(labels: readonly string[]): DataFormat | null {
  const fits = (f: DataFormat): boolean => labels.length > 0 && labels.every((l) => l in LABEL_MAPS[f]);
  if (fits('tfns')) return 'tfns';
  if (fits('phrasebank')) return 'phrasebank';
  return null;
}

interface Columns {
  text: number;
  label: number;
  agreement: number | null;
}

function headerColumns(first: readonly string[]): Columns | null {
  const names = first.map((c) => c.trim().toLowerCase());
  const label = names.indexOf('label');
  const text = names.findIndex((n) => TEXT_COLUMNS.includes(n));
  if (label < 0 || text < 0) return null;
  const agreement = names.indexOf('agreement');
  return { text, label, agreement: agreement < 0 ? null : agreement };
}

/**
 * Parses a labelled CSV held in memory. A header row is used when it names the columns; otherwise the file is read as
 * headerless `text,label[,agreement]`. Labels are normalised to negative/neutral/positive.
 */
export function parseLabelledCsv(content: string, format: DataFormatOption = 'auto'): { format: DataFormat; rows: LabelledRow[] } {
  // A real CSV parser: some tweets contain newlines inside quoted fields.
  const records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  const first = records[0];
  if (first === undefined) throw new DatasetFormatError('the CSV has no rows');
  const header = headerColumns(first);
  const cols: Columns = header ?? { text: 0, label: 1, agreement: first.length > 2 ? 2 : null };
  const body = header ? records.slice(1) : records;
  if (body.length === 0) throw new DatasetFormatError('the CSV has a header but no data rows');

  const rawLabels = body.map((r) => (r[cols.label] ?? '').trim().toLowerCase());
  const resolved = format === 'auto' ? detectFormat(rawLabels) : format;
  if (resolved === null) {
    const seen = [...new Set(rawLabels)].slice(0, 6).join(', ');
    throw new DatasetFormatError(
      `cannot tell the CSV layout: labels must all be 0/1/2 (TFNS) or positive/negative/neutral (PhraseBank); saw ${seen}`,
    );
  }
  const map = LABEL_MAPS[resolved];
  const rows = body.map((r, i): LabelledRow => {
    const raw = rawLabels[i] ?? '';
    const label = map[raw];
    // Data rows start after the header; +1 for 1-based numbering in the message.
    if (label === undefined) throw new DatasetFormatError(`row ${i + 1}: label ${JSON.stringify(raw)} is not a ${resolved} label`);
    const row: LabelledRow = { text: r[cols.text] ?? '', label };
    if (cols.agreement !== null) {
      const a = Number(r[cols.agreement]);
      if (!Number.isFinite(a)) throw new DatasetFormatError(`row ${i + 1}: agreement ${JSON.stringify(r[cols.agreement])} is not a number`);
      row.agreement = a;
    }
    return row;
  });
  return { format: resolved, rows };
}

export function readLabelledCsv(path: string, format: DataFormatOption = 'auto'): LabelledData {
  const bytes = readFileSync(path);
  const parsed = parseLabelledCsv(bytes.toString('utf8'), format);
  return { ...parsed, sha256: sha256Hex(bytes) };
}

/** Keeps PhraseBank rows at or above an agreement level (e.g. 100 = AllAgree); rows without agreement are refused. */
export function filterAgreement(rows: readonly LabelledRow[], minAgreement: number | undefined): LabelledRow[] {
  if (minAgreement === undefined) return [...rows];
  return rows.filter((r) => {
    if (r.agreement === undefined) throw new DatasetFormatError('an agreement filter was asked for, but the data has no agreement column');
    return r.agreement >= minAgreement;
  });
}
