/**
 * Reads labelled topic data in the layout of Twitter Financial News Topic: a CSV with `text,label`, label an integer
 * topic id 0..19 (TOPIC_MAP). A header row is used when it names the columns; otherwise the first two columns are read
 * as text and label. Any file of that layout works (the train file, the held-out test split, a sample of either).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { EventCategory } from '@himari/contracts';
import { sha256Hex } from '@himari/text-classifier';
import { TopicDataError } from './errors.ts';
import { TOPIC_MAP, topicCategory } from './topics.ts';

export interface TopicRow {
  readonly text: string;
  readonly topic: number;
  /** From TOPIC_MAP; null for an excluded topic. */
  readonly category: EventCategory | null;
}

export interface TopicData {
  readonly rows: TopicRow[];
  /** sha256 of the file's bytes: ties a model's carved split to the exact file. */
  readonly sha256: string;
}

const TOPIC_ID_RE = /^\d{1,2}$/;

export function parseTopicCsv(content: string): TopicRow[] {
  // A real CSV parser: some tweets hold newlines inside quoted fields.
  const records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  const first = records[0];
  if (first === undefined) throw new TopicDataError('the CSV has no rows');
  const names = first.map((c) => c.trim().toLowerCase());
  const hasHeader = names.includes('text') && names.includes('label');
  const textCol = hasHeader ? names.indexOf('text') : 0;
  const labelCol = hasHeader ? names.indexOf('label') : 1;
  const body = hasHeader ? records.slice(1) : records;
  if (body.length === 0) throw new TopicDataError('the CSV has a header but no data rows');
  return body.map((r, i) => {
    const raw = (r[labelCol] ?? '').trim();
    const topic = Number(raw);
    if (!TOPIC_ID_RE.test(raw) || topic >= TOPIC_MAP.length) {
      throw new TopicDataError(
        `row ${i + 1}: label ${JSON.stringify(raw)} is not a topic id 0..${TOPIC_MAP.length - 1} (expected the layout text,label of twitter_financial_news_topic)`,
      );
    }
    return { text: r[textCol] ?? '', topic, category: topicCategory(topic) };
  });
}

export function readTopicCsv(path: string): TopicData {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new TopicDataError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return { rows: parseTopicCsv(bytes.toString('utf8')), sha256: sha256Hex(bytes) };
}
