/**
 * StockNet (Xu & Cohen 2018, MIT) → the pipeline's news JSON lines and the outcome feed, in a git-ignored cache.
 *
 *   node --import tsx tools/import/stocknet.ts [--data ../shared/data/stocknet] [--out .cache/stocknet] [--no-verify]
 *
 * Reads `stocknet_tweets_preprocessed_flat.csv` (106,338 tweets, one row per ticker folder) and the per-ticker Yahoo
 * prices in `price/raw/`. What it does to the tweets, and why:
 * - time: `created_at_utc` as given (UTC). Not the folder date, which is bucketed about 1-3 hours ahead of UTC (see
 *   PROVENANCE.md); the backtest converts to New York time and trades after-close news at the next open.
 * - duplicates: the same text about the same ticker again (retweets, spam; 18,473 rows) is dropped, keeping the
 *   earliest copy: a repeat tells the market nothing new, and replaying it would only weigh spam.
 * - text: the set is pre-tokenised and lower-cased; cashtags are re-joined (`$ aapl` → `$AAPL`), `AT_USER` becomes
 *   `@user` and the `URL` placeholder is dropped, so that scorers see tweet-like text. Nothing else is changed.
 * Writes `news.jsonl` (time-ordered) and `outcomes.jsonl` (open→next open and close→next close returns of every
 * ticker, for `himari outcomes ingest`), and prints what it did.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { normaliseAsset } from '@himari/contracts';
import { outcomesFromPrices, PriceTable, readPrices } from '@himari/outcomes';
import { ROOT, dedupeKey, readVerified, sha256, writeJsonl, type NewsJson } from './common.ts';

const FLAT = 'stocknet_tweets_preprocessed_flat.csv';
const FLAT_SHA256 = '37a143cfca600d2f760d46130be5d8264f00939b3f88022c9c7d95e2daea01d3';
const SOURCE = 'twitter:stocknet';

interface Row {
  ticker: string;
  file_date: string;
  created_at_utc: string;
  user_id_str: string;
  text_tokens: string;
}

export function tweetText(tokens: string): string {
  return tokens
    .replace(/\$ ([a-z][a-z0-9]*(?:[.-][a-z0-9]+)?)\b/g, (_m, t: string) => `$${t.toUpperCase()}`)
    .replace(/\bAT_USER\b/g, '@user')
    .replace(/\bURL\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function stocknetNews(csv: string): { news: NewsJson[]; rows: number; duplicates: number; empty: number } {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Row[];
  rows.sort((a, b) => (a.created_at_utc < b.created_at_utc ? -1 : a.created_at_utc > b.created_at_utc ? 1 : 0));
  const seen = new Set<string>();
  const news: NewsJson[] = [];
  let duplicates = 0;
  let empty = 0;
  for (const r of rows) {
    const asset = normaliseAsset(r.ticker);
    const text = tweetText(r.text_tokens);
    if (text === '') {
      empty += 1;
      continue;
    }
    const key = dedupeKey(asset, text);
    if (seen.has(key)) {
      duplicates += 1;
      continue;
    }
    seen.add(key);
    const publishedMs = Date.parse(r.created_at_utc);
    if (!Number.isFinite(publishedMs)) throw new Error(`unreadable created_at_utc ${JSON.stringify(r.created_at_utc)}`);
    news.push({
      id: `stocknet:${asset}:${sha256(`${asset}|${r.created_at_utc}|${r.user_id_str}|${r.text_tokens}`).slice(0, 16)}`,
      text,
      asset,
      source: SOURCE,
      kind: 'social',
      published_at: new Date(publishedMs).toISOString(),
    });
  }
  return { news, rows: rows.length, duplicates, empty };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: resolve(ROOT, '../shared/data/stocknet') },
      out: { type: 'string', default: join(ROOT, '.cache/stocknet') },
      'no-verify': { type: 'boolean', default: false },
    },
  });
  const data = resolve(values.data);
  const out = resolve(values.out);
  if (!existsSync(join(data, FLAT)))
    throw new Error(`${join(data, FLAT)} not found: pass --data DIR (the StockNet folder of the shared data)`);
  const t0 = Date.now();
  const { news, rows, duplicates, empty } = stocknetNews(readVerified(join(data, FLAT), FLAT_SHA256, !values['no-verify']));
  await writeJsonl(join(out, 'news.jsonl'), news);
  const prices = await readPrices(join(data, 'price/raw'));
  const table = new PriceTable(prices.bars);
  const outcomes = outcomesFromPrices(table, [1]);
  await writeJsonl(join(out, 'outcomes.jsonl'), outcomes);
  const tickers = new Set(news.map((n) => n.asset));
  process.stderr.write(
    `stocknet: ${rows} tweets read, ${duplicates} repeats of a ticker's text dropped, ${empty} empty; ${news.length} items for ${tickers.size} tickers → ${join(out, 'news.jsonl')}\n` +
      `stocknet: ${prices.bars.length} price bars of ${table.assets().length} tickers (${prices.skipped.reduce((a, s) => a + s.rows, 0)} null rows skipped) → ${outcomes.length} outcomes → ${join(out, 'outcomes.jsonl')} (${Date.now() - t0} ms)\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`stocknet import: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
