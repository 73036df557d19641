/**
 * What `himari outcomes ingest FILE` reads: prices (a CSV file, a directory of per-asset CSVs, or JSON lines of
 * bars), turned into the outcome feed; or JSON lines that already are outcome messages (with `realised_return`).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Outcome } from '@himari/contracts';
import { outcomesFromPrices } from './price-outcomes.ts';
import { PriceTable, parsePriceJsonl, readPrices } from './prices.ts';

export class OutcomeFileError extends Error {
  override readonly name = 'OutcomeFileError';
  readonly retryable = false;
}

export interface OutcomeFileResult {
  kind: 'prices' | 'outcomes';
  outcomes: Outcome[];
  /** Price bars read (0 for an outcome file). */
  bars: number;
  assets: number;
  /** Rows without usable prices. */
  skipped: number;
}

function firstObject(text: string): Record<string, unknown> | undefined {
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v: unknown = JSON.parse(line);
      return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function parseOutcomeLines(text: string, file: string): Outcome[] {
  const out: Outcome[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new OutcomeFileError(`${file} line ${i + 1}: not JSON`, { cause: err });
    }
    const r = Outcome.safeParse({ v: 1, ...(obj as object) });
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new OutcomeFileError(`${file} line ${i + 1}: ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid outcome'}`);
    }
    out.push(r.data);
  });
  return out;
}

export async function readOutcomeFile(path: string, horizons: readonly number[]): Promise<OutcomeFileResult> {
  const isDir = (await stat(path)).isDirectory();
  if (!isDir && /\.jsonl$/i.test(path)) {
    const text = await readFile(path, 'utf8');
    const first = firstObject(text);
    if (first && 'realised_return' in first) {
      const outcomes = parseOutcomeLines(text, basename(path));
      return { kind: 'outcomes', outcomes, bars: 0, assets: new Set(outcomes.map((o) => o.asset)).size, skipped: 0 };
    }
    const { bars, skipped } = parsePriceJsonl(text, basename(path));
    const table = new PriceTable(bars);
    return { kind: 'prices', outcomes: outcomesFromPrices(table, horizons), bars: bars.length, assets: table.assets().length, skipped };
  }
  if (!isDir && !/\.csv$/i.test(path)) throw new OutcomeFileError(`${path}: expected a directory, a .csv or a .jsonl file`);
  const read = await readPrices(path);
  const table = new PriceTable(read.bars);
  return {
    kind: 'prices',
    outcomes: outcomesFromPrices(table, horizons),
    bars: read.bars.length,
    assets: table.assets().length,
    skipped: read.skipped.reduce((a, s) => a + s.rows, 0),
  };
}
