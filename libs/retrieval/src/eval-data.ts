/**
 * The two retrieval tasks `himari eval retrieval` measures, built from the held-out parts of the shared data
 * (see @himari/embeddings corpora.ts for the split):
 * - topic: held-out TFNS topic tweets; a good neighbour shares the query's label (20 labels);
 * - duplicates: StockNet tweets from 2015-10-01 on, exact repeats folded into one text; two texts are the same
 *   story when they were posted within a day of each other and share at least half of their word 3-grams
 *   (Jaccard ≥ 0.5) without being the same words. Retweets that add a comment, cut a headline or reorder cashtags
 *   are the typical pairs: what novelty must mark as `duplicate_of`.
 */
import { normalisedWords } from '@himari/embeddings';
import { isTopicHeldOut, readStocknet, readTopic, STOCKNET_EVAL_FROM, type CorpusFile } from '@himari/embeddings/offline';

export interface TopicTask {
  texts: string[];
  labels: number[];
  file: CorpusFile;
}

export interface DuplicateTask {
  texts: string[];
  /** For each text index with partners: the indices of its same-story texts. */
  partners: Map<number, Set<number>>;
  /** Day number (days since 1970) each text was first posted. */
  days: number[];
  rows: number;
  file: CorpusFile;
}

export const DUPLICATE_RULE = {
  shingle: 3,
  minJaccard: 0.5,
  /** The default novelty window (rag.novelty.window_days). */
  maxDaysApart: 3,
  minWords: 4,
  /** Shingles in more texts than this are boilerplate ("check out our latest"), not evidence of one story. */
  maxPostings: 200,
} as const;

export function topicTask(dataDir: string, limit?: number): TopicTask {
  const { rows, file } = readTopic(dataDir);
  const held = rows.filter((r) => isTopicHeldOut(r.text)).slice(0, limit ?? Infinity);
  return { texts: held.map((r) => r.text), labels: held.map((r) => r.label), file };
}

export function duplicateTask(dataDir: string): DuplicateTask {
  const { rows, file } = readStocknet(dataDir);
  const evalRows = rows.filter((r) => r.date >= STOCKNET_EVAL_FROM);
  const firstDay = new Map<string, string>();
  const original = new Map<string, string>();
  for (const r of evalRows) {
    const key = normalisedWords(r.text);
    if (key.split(' ').length < DUPLICATE_RULE.minWords) continue;
    const seen = firstDay.get(key);
    if (seen === undefined || r.date < seen) firstDay.set(key, r.date);
    if (!original.has(key)) original.set(key, r.text);
  }
  const keys = [...firstDay.keys()].sort();
  const days = keys.map((k) => Date.parse(firstDay.get(k)!) / 86_400_000);
  const shingles = keys.map((k) => shingleSet(k.split(' '), DUPLICATE_RULE.shingle));
  const postings = new Map<string, number[]>();
  shingles.forEach((s, i) => {
    for (const g of s) {
      const list = postings.get(g);
      if (list) list.push(i);
      else postings.set(g, [i]);
    }
  });
  const partners = new Map<number, Set<number>>();
  shingles.forEach((s, i) => {
    const shared = new Map<number, number>();
    for (const g of s) {
      const list = postings.get(g)!;
      if (list.length > DUPLICATE_RULE.maxPostings) continue;
      for (const j of list) if (j !== i) shared.set(j, (shared.get(j) ?? 0) + 1);
    }
    for (const [j, c] of shared) {
      const union = s.size + shingles[j]!.size - c;
      if (c / union >= DUPLICATE_RULE.minJaccard && Math.abs(days[i]! - days[j]!) <= DUPLICATE_RULE.maxDaysApart) {
        let set = partners.get(i);
        if (!set) partners.set(i, (set = new Set()));
        set.add(j);
      }
    }
  });
  return { texts: keys.map((k) => original.get(k)!), partners, days, rows: evalRows.length, file };
}

function shingleSet(words: string[], n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
  return out;
}
