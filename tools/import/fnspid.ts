/**
 * FNSPID sample (Dong, Fan & Peng 2024; CC BY-NC 4.0: evaluation only, never shipped) → the pipeline's news JSON
 * lines and the outcome feed, in a git-ignored cache.
 *
 *   node --import tsx tools/import/fnspid.ts [--data ../shared/data/fnspid_sample] [--out .cache/fnspid] [--no-verify]
 *
 * Reads `fnspid_sample_headlines_with_next_day_returns.csv` (Nasdaq.com headlines of A, AA and AAPL) and the price
 * files in `prices/` (AA and AAPL only: A has none, so its headlines are left out). What it does, and why:
 * - time: headlines carry a date but no time. Each is stamped 20:00 New York time on its date, after the close, so
 *   it trades at the next session's open: the leakage-safe reading PROVENANCE.md recommends (a headline from that
 *   morning loses a day; none can trade on a price set before it was written). Relative dates ("14 HOURS AGO") cannot
 *   be placed in time and are dropped.
 * - duplicates: the same syndicated headline for the same ticker again is dropped, keeping its earliest date.
 * Writes `news.jsonl` and `outcomes.jsonl`, and prints what it did.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { normaliseAsset } from '@himari/contracts';
import { nyWallToUtcMs, outcomesFromPrices, PriceTable, readPrices } from '@himari/outcomes';
import { ROOT, dedupeKey, readVerified, sha256, writeJsonl, type NewsJson } from './common.ts';

const HEADLINES = 'fnspid_sample_headlines_with_next_day_returns.csv';
const HEADLINES_SHA256 = '0950ed2679b733817a4419e1f243eb4ad09c9409fae4e6d7bf39aec0705f1ec4';
const SOURCE = 'nasdaq:fnspid';
const STAMP_MINUTE = 20 * 60;

interface Row {
  ticker: string;
  date: string;
  headline: string;
  url: string;
}

export function fnspidNews(
  csv: string,
  tickers: ReadonlySet<string>,
): { news: NewsJson[]; rows: number; undated: number; duplicates: number; noPrices: number } {
  const rows = parse(csv, { columns: true, skip_empty_lines: true, bom: true }) as Row[];
  const dated = rows.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.date ?? ''));
  dated.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const seen = new Set<string>();
  const news: NewsJson[] = [];
  let duplicates = 0;
  let noPrices = 0;
  for (const r of dated) {
    const asset = normaliseAsset(r.ticker);
    if (!tickers.has(asset)) {
      noPrices += 1;
      continue;
    }
    const text = r.headline.trim();
    const key = dedupeKey(asset, text);
    if (text === '' || seen.has(key)) {
      duplicates += 1;
      continue;
    }
    seen.add(key);
    news.push({
      id: `fnspid:${asset}:${sha256(`${asset}|${r.date}|${r.url}|${text}`).slice(0, 16)}`,
      text,
      asset,
      source: SOURCE,
      kind: 'news',
      published_at: new Date(nyWallToUtcMs(r.date, STAMP_MINUTE)).toISOString(),
    });
  }
  return { news, rows: rows.length, undated: rows.length - dated.length, duplicates, noPrices };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: resolve(ROOT, '../shared/data/fnspid_sample') },
      out: { type: 'string', default: join(ROOT, '.cache/fnspid') },
      'no-verify': { type: 'boolean', default: false },
    },
  });
  const data = resolve(values.data);
  const out = resolve(values.out);
  if (!existsSync(join(data, HEADLINES)))
    throw new Error(`${join(data, HEADLINES)} not found: pass --data DIR (the fnspid_sample folder of the shared data)`);
  const pricesDir = join(data, 'prices');
  const prices = await readPrices(pricesDir);
  const table = new PriceTable(prices.bars);
  const tickers = new Set(table.assets());
  const r = fnspidNews(readVerified(join(data, HEADLINES), HEADLINES_SHA256, !values['no-verify']), tickers);
  await writeJsonl(join(out, 'news.jsonl'), r.news);
  const outcomes = outcomesFromPrices(table, [1]);
  await writeJsonl(join(out, 'outcomes.jsonl'), outcomes);
  process.stderr.write(
    `fnspid: ${r.rows} headlines read; ${r.undated} with relative dates dropped, ${r.noPrices} of tickers without prices dropped, ${r.duplicates} repeats dropped; ${r.news.length} items for ${[...tickers].join(', ')} → ${join(out, 'news.jsonl')}\n` +
      `fnspid: ${prices.bars.length} price bars from ${readdirSync(pricesDir).join(', ')} → ${outcomes.length} outcomes → ${join(out, 'outcomes.jsonl')}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`fnspid import: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
