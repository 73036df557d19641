/**
 * Text → features for the project encoder. Tweets and wire copy differ in noise, not in meaning: links, handles,
 * retweet markers and StockNet's placeholders (`URL`, `AT_USER`) say nothing about the story, so they go; a cashtag
 * split by a tokenizer (`$ aapl`) is joined again, because `$aapl` and `aapl` name the same story.
 */

export interface FeatureOptions {
  /** Word unigrams (`w:`). */
  words: boolean;
  /** Adjacent word pairs (`b:`): phrases like "rate cut" carry the story. */
  bigrams: boolean;
  /** Character n-gram lengths inside `<word>` (`c:`): morphology and spelling variants. */
  charNgrams: readonly number[];
}

export const DEFAULT_FEATURES: FeatureOptions = { words: true, bigrams: true, charNgrams: [4] };

const URL_RE = /https?:\/\/\S+|www\.\S+/gu;
const PLACEHOLDER_RE = /\b(?:url|at_user)\b/gu;
const HANDLE_RE = /@\w+/gu;
const RT_RE = /^\s*rt\b/u;
const SPLIT_CASHTAG_RE = /\$\s+(\p{L})/gu;
const WORD_RE = /\$?[\p{L}\p{N}]+(?:['.][\p{L}\p{N}]+)*/gu;

export function cleanText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&amp;/g, '&')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(URL_RE, ' ')
    .replace(PLACEHOLDER_RE, ' ')
    .replace(HANDLE_RE, ' ')
    .replace(RT_RE, ' ')
    .replace(SPLIT_CASHTAG_RE, '$$$1');
}

export function words(text: string): string[] {
  return cleanText(text).match(WORD_RE) ?? [];
}

/** Feature strings of one text, repeated as often as they occur (term frequency). */
export function features(text: string, opts: FeatureOptions = DEFAULT_FEATURES): string[] {
  const w = words(text);
  const out: string[] = [];
  if (opts.words) for (const x of w) out.push(`w:${x}`);
  if (opts.bigrams) for (let i = 0; i + 1 < w.length; i++) out.push(`b:${w[i]} ${w[i + 1]}`);
  for (const n of opts.charNgrams) {
    for (const x of w) {
      const padded = `<${x}>`;
      for (let i = 0; i + n <= padded.length; i++) out.push(`c:${padded.slice(i, i + n)}`);
    }
  }
  return out;
}

/** The text with only its words, for exact-repeat detection and evaluation grouping. */
export function normalisedWords(text: string): string {
  return words(text).join(' ');
}

/** FNV-1a, 32 bits: a stable, dependency-free hash for the hashed half of the encoder. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
