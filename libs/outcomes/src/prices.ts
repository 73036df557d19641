/**
 * Daily price bars, read from the formats public data comes in:
 * - one CSV per asset named after it (`AAPL.csv`, Yahoo columns `Date,Open,High,Low,Close,Adj Close,Volume`);
 * - one long CSV with an asset column (`ticker`, `asset` or `symbol`) and `date, open, close[, adj_close]`;
 * - JSON lines `{asset, date, open, close, adj_close?}`.
 *
 * Opens are not adjusted by Yahoo; an adjusted open is `open × adj_close / close`, so that open-to-open and
 * close-to-close returns both include splits and dividends the same way.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { normaliseAsset } from '@himari/contracts';
import { SessionCalendar, type TradePointKind } from './calendar.ts';

export interface PriceBar {
  asset: string;
  /** Session date, `YYYY-MM-DD` (New York). */
  date: string;
  open: number;
  close: number;
  adjClose: number;
}

export interface PriceReadResult {
  bars: PriceBar[];
  /** Rows without usable prices (e.g. `null`), by file. */
  skipped: { file: string; rows: number }[];
  files: number;
}

export class PriceFormatError extends Error {
  override readonly name = 'PriceFormatError';
  readonly retryable = false;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const ASSET_COLUMNS = ['asset', 'ticker', 'symbol'];

function column(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '_');
}

function positive(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** One bar from a record with normalised column names; undefined when a price is missing or not positive. */
function barOf(rec: Record<string, unknown>, assetFallback: string | undefined, where: string): PriceBar | undefined {
  const rawAsset = ASSET_COLUMNS.map((c) => rec[c]).find((v) => typeof v === 'string' && v !== '') as string | undefined;
  const assetName = rawAsset ?? assetFallback;
  if (assetName === undefined)
    throw new PriceFormatError(`${where}: no asset column (${ASSET_COLUMNS.join('/')}) and no asset in the file name`);
  const date = String(rec['date'] ?? '').slice(0, 10);
  if (!DATE_RE.test(date)) throw new PriceFormatError(`${where}: date ${JSON.stringify(rec['date'])} is not YYYY-MM-DD`);
  const open = positive(rec['open']);
  const close = positive(rec['close']);
  const adj = rec['adj_close'] === undefined ? close : positive(rec['adj_close']);
  if (open === undefined || close === undefined || adj === undefined) return undefined;
  return { asset: normaliseAsset(assetName), date, open, close, adjClose: adj };
}

export function parsePriceCsv(text: string, file = 'prices.csv'): { bars: PriceBar[]; skipped: number } {
  const rows = parse(text, { columns: (h: string[]) => h.map(column), skip_empty_lines: true, bom: true, trim: true }) as Record<
    string,
    string
  >[];
  const fallback = basename(file, extname(file));
  const bars: PriceBar[] = [];
  let skipped = 0;
  rows.forEach((r, i) => {
    const b = barOf(r, fallback, `${file} row ${i + 2}`);
    if (b) bars.push(b);
    else skipped += 1;
  });
  return { bars, skipped };
}

export function parsePriceJsonl(text: string, file = 'prices.jsonl'): { bars: PriceBar[]; skipped: number } {
  const bars: PriceBar[] = [];
  let skipped = 0;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new PriceFormatError(`${file} line ${i + 1}: not JSON`, { cause: err });
    }
    if (obj === null || typeof obj !== 'object') throw new PriceFormatError(`${file} line ${i + 1}: not an object`);
    const rec = Object.fromEntries(Object.entries(obj).map(([k, v]) => [column(k), v]));
    const b = barOf(rec, undefined, `${file} line ${i + 1}`);
    if (b) bars.push(b);
    else skipped += 1;
  });
  return { bars, skipped };
}

/** A price file, or every `.csv`/`.jsonl` file directly inside a directory. */
export async function readPrices(path: string): Promise<PriceReadResult> {
  const files = (await stat(path)).isDirectory()
    ? (await readdir(path))
        .filter((f) => /\.(csv|jsonl)$/i.test(f))
        .sort()
        .map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new PriceFormatError(`${path}: no .csv or .jsonl price files`);
  const bars: PriceBar[] = [];
  const skipped: PriceReadResult['skipped'] = [];
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    const r = /\.jsonl$/i.test(f) ? parsePriceJsonl(text, basename(f)) : parsePriceCsv(text, basename(f));
    for (const b of r.bars) bars.push(b);
    if (r.skipped) skipped.push({ file: basename(f), rows: r.skipped });
  }
  return { bars, skipped, files: files.length };
}

interface AssetSeries {
  adjOpen: Float64Array;
  adjClose: Float64Array;
}

/**
 * Bars indexed by (asset, session). The calendar is the union of all assets' dates; an asset without a bar on a
 * session has no price there (NaN), and any return touching it is unknown.
 */
export class PriceTable {
  readonly calendar: SessionCalendar;
  private readonly series = new Map<string, AssetSeries>();

  constructor(bars: readonly PriceBar[]) {
    this.calendar = new SessionCalendar(bars.map((b) => b.date));
    const n = this.calendar.length;
    for (const b of bars) {
      let s = this.series.get(b.asset);
      if (!s) {
        s = { adjOpen: new Float64Array(n).fill(NaN), adjClose: new Float64Array(n).fill(NaN) };
        this.series.set(b.asset, s);
      }
      const i = this.calendar.indexOf(b.date)!;
      s.adjOpen[i] = (b.open * b.adjClose) / b.close;
      s.adjClose[i] = b.adjClose;
    }
  }

  assets(): string[] {
    return [...this.series.keys()].sort();
  }

  has(asset: string): boolean {
    return this.series.has(asset);
  }

  price(asset: string, session: number, point: TradePointKind): number | undefined {
    const s = this.series.get(asset);
    const v = point === 'open' ? s?.adjOpen[session] : s?.adjClose[session];
    return v === undefined || Number.isNaN(v) ? undefined : v;
  }

  /** Return from a trade point to the same point `sessions` later; undefined when either price is missing. */
  forwardReturn(asset: string, session: number, point: TradePointKind, sessions = 1): number | undefined {
    const a = this.price(asset, session, point);
    const b = this.price(asset, session + sessions, point);
    return a === undefined || b === undefined ? undefined : b / a - 1;
  }
}
