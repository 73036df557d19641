/**
 * The public, MIT-licensed text the project encoder is trained on and evaluated with, and the one split rule both
 * sides use, so an evaluation text is never a training text:
 * - TFNS topic (`twitter_financial_news_topic/train.csv`, 20 labels): a text is held out for evaluation when the first
 *   32 bits of its SHA-1 are ≡ 0 (mod 5), about a fifth;
 * - TFNS sentiment (`twitter_financial_news_sentiment/train.csv`): training only (labels unused);
 * - StockNet tweets (`stocknet/stocknet_tweets_preprocessed_flat.csv`): files dated before 2015-10-01 train (every
 *   third row, so the heavily repeated retweets do not drown the news wording), later ones evaluate.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { EncoderError } from './types.ts';

export const STOCKNET_EVAL_FROM = '2015-10-01';
const TOPIC_FILE = 'twitter_financial_news_topic/train.csv';
const SENTIMENT_FILE = 'twitter_financial_news_sentiment/train.csv';
const STOCKNET_FILE = 'stocknet/stocknet_tweets_preprocessed_flat.csv';

export interface TopicRow {
  text: string;
  label: number;
}

export interface StocknetRow {
  ticker: string;
  date: string;
  createdAt: string;
  user: string;
  text: string;
}

export interface CorpusFile {
  path: string;
  sha256: string;
  rows: number;
}

export function isTopicHeldOut(text: string): boolean {
  const h = createHash('sha1').update(text).digest();
  return h.readUInt32BE(0) % 5 === 0;
}

function readCsv(dataDir: string, rel: string): { records: Record<string, string>[]; file: CorpusFile } {
  const path = join(dataDir, rel);
  if (!existsSync(path)) throw new EncoderError(`missing ${path}: point --data at the shared data folder`);
  const bytes = readFileSync(path);
  const records = parse(bytes, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
  return { records, file: { path: rel, sha256: createHash('sha256').update(bytes).digest('hex'), rows: records.length } };
}

export function readTopic(dataDir: string): { rows: TopicRow[]; file: CorpusFile } {
  const { records, file } = readCsv(dataDir, TOPIC_FILE);
  return { rows: records.map((r) => ({ text: r['text'] ?? '', label: Number(r['label']) })), file };
}

export function readSentimentTexts(dataDir: string): { texts: string[]; file: CorpusFile } {
  const { records, file } = readCsv(dataDir, SENTIMENT_FILE);
  return { texts: records.map((r) => r['text'] ?? ''), file };
}

export function readStocknet(dataDir: string): { rows: StocknetRow[]; file: CorpusFile } {
  const { records, file } = readCsv(dataDir, STOCKNET_FILE);
  return {
    rows: records.map((r) => ({
      ticker: r['ticker'] ?? '',
      date: r['file_date'] ?? '',
      createdAt: r['created_at_utc'] ?? '',
      user: r['user_id_str'] ?? '',
      text: r['text_tokens'] ?? '',
    })),
    file,
  };
}

export interface TrainingCorpus {
  texts: string[];
  files: CorpusFile[];
  counts: Record<string, number>;
}

export function trainingCorpus(dataDir: string, opts: { stocknetEvery?: number } = {}): TrainingCorpus {
  const every = opts.stocknetEvery ?? 3;
  const topic = readTopic(dataDir);
  const sentiment = readSentimentTexts(dataDir);
  const stocknet = readStocknet(dataDir);
  const topicTexts = topic.rows.filter((r) => !isTopicHeldOut(r.text)).map((r) => r.text);
  const snTexts = stocknet.rows
    .filter((r) => r.date < STOCKNET_EVAL_FROM)
    .filter((_, i) => i % every === 0)
    .map((r) => r.text);
  return {
    texts: [...topicTexts, ...sentiment.texts, ...snTexts],
    files: [topic.file, sentiment.file, stocknet.file],
    counts: { tfns_topic: topicTexts.length, tfns_sentiment: sentiment.texts.length, stocknet: snTexts.length },
  };
}
