/**
 * Ticker extraction: cashtags (`$AAPL`, `$BRK.B`), names from the entity dictionary (whole words), and bare
 * upper-case tickers of two to five letters that are not stop words. Bare tickers are skipped in shouted text (most
 * words in capitals), where every short word would look like one; a one-letter bare ticker is never taken ("Class
 * A shares", "Plan B"), though `$F` or a dictionary name can still give one.
 */
import { ENTITY_DICTIONARY, TICKER_STOP_WORDS, type EntityEntry } from './entity-dictionary.ts';
import { PhraseIndex } from './phrase-index.ts';
import { blankUrls, phraseTokens, tokenize } from './text.ts';

const CASHTAG_RE = /(?<![\w$])\$([A-Za-z]{1,6}(?:\.[A-Za-z]{1,2})?)(?![\w])/g;
const BARE_RE = /(?<![\w$.&'\-])[A-Z]{2,5}(?![\w&\-]|\.[A-Za-z])/g;
const STOP: ReadonlySet<string> = new Set(TICKER_STOP_WORDS);
/** Share of letter words in capitals above which a text is "shouting". */
const SHOUTING_SHARE = 0.5;

const DICTIONARY = buildDictionary(ENTITY_DICTIONARY);

function buildDictionary(entries: readonly EntityEntry[]): PhraseIndex<EntityEntry> {
  const index = new PhraseIndex<EntityEntry>();
  for (const e of entries) for (const alias of e.aliases) index.add(phraseTokens(alias), e);
  return index;
}

interface Found {
  readonly ticker: string;
  readonly at: number;
}

/** Tickers in order of first appearance, without repeats. */
export function extractEntities(text: string): string[] {
  const clean = blankUrls(text);
  const found: Found[] = [...cashtags(clean), ...dictionaryNames(clean)];
  if (!isShouting(clean)) found.push(...bareTickers(clean));
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.ticker))];
}

function cashtags(text: string): Found[] {
  return [...text.matchAll(CASHTAG_RE)].map((m) => ({ ticker: (m[1] as string).toUpperCase(), at: m.index }));
}

function dictionaryNames(text: string): Found[] {
  const tokens = tokenize(text);
  const out: Found[] = [];
  for (const m of DICTIONARY.match(tokens.map((t) => t.norm))) {
    const first = tokens[m.start];
    if (!first) continue;
    for (const e of m.values) {
      if (e.properNoun && !/^[A-Z]/.test(first.raw)) continue;
      out.push({ ticker: e.ticker, at: first.start });
    }
  }
  return out;
}

function bareTickers(text: string): Found[] {
  return [...text.matchAll(BARE_RE)].filter((m) => !STOP.has(m[0])).map((m) => ({ ticker: m[0], at: m.index }));
}

const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'the', 'an', 'and', 'or', 'of', 'to', 'in', 'is', 'are', 'was', 'for', 'on', 'with', 'at', 'by', 'from', 'this',
  'that', 'it', 'as', 'be', 'has', 'have', 'will', 'not', 'but', 'its', 'after', 'over', 'think', 'just',
]);

/**
 * Shouting: most function words are written in capitals ("I THINK THE CEO IS GREAT"), or, without function words,
 * most words are in capitals and at least one is too long to be a ticker ("BREAKING: TESLA RECALLS CARS").
 */
function isShouting(text: string): boolean {
  const words = text.match(/[A-Za-z]{2,}/g) ?? [];
  const isCaps = (w: string): boolean => w === w.toUpperCase();
  const fn = words.filter((w) => FUNCTION_WORDS.has(w.toLowerCase()));
  if (fn.length > 0) return fn.filter(isCaps).length / fn.length > SHOUTING_SHARE;
  const caps = words.filter(isCaps);
  return caps.some((w) => w.length > 5) && caps.length / words.length > SHOUTING_SHARE;
}
