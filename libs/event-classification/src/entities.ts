/**
 * Ticker extraction: cashtags (`$AAPL`, `$BRK.B`), names from the entity dictionary (whole words), and bare
 * upper-case tickers of two to five letters that are tickers of the dictionary and not stop words. An unknown bare
 * capitalised word is not taken: in finance news it is far more often an acronym (GAAP, LLP, BBG, RTRS, VWAP, FRN,
 * ICYMI, ...) than a ticker, and tickers in posts come as cashtags. Bare tickers are skipped in shouted text (most
 * words in capitals), where every short word would look like one; a one-letter bare ticker is never taken ("Class
 * A shares", "Plan B"), though `$F` or a dictionary name can still give one.
 */
import { ENTITY_DICTIONARY, TICKER_STOP_WORDS, type EntityEntry } from './entity-dictionary.ts';
import { PhraseIndex } from './phrase-index.ts';
import { blankUrls, phraseTokens, tokenize } from './text.ts';

const CASHTAG_RE = /(?<![\w$])\$([A-Za-z]{1,6}(?:\.[A-Za-z]{1,2})?)(?![\w])/g;
// Not inside a word, a cashtag, a dotted or hyphenated token, or a version such as "BA.5".
const BARE_RE = /(?<![\w$.&'-])[A-Z]{2,5}(?![\w&-]|\.\w)/g;
const STOP: ReadonlySet<string> = new Set(TICKER_STOP_WORDS);
const KNOWN: ReadonlySet<string> = new Set(ENTITY_DICTIONARY.map((e) => e.ticker));
/** StockTwits writes crypto as `$BTC.X`: the suffix marks the asset class, the ticker is BTC. */
const CRYPTO_SUFFIX = '.X';
/** Share of letter words in capitals above which a text is "shouting". */
const SHOUTING_SHARE = 0.5;

const DICTIONARY = buildDictionary(ENTITY_DICTIONARY);

interface DictionaryHit {
  readonly ticker: string;
  readonly needsCapital: boolean;
}

function buildDictionary(entries: readonly EntityEntry[]): PhraseIndex<DictionaryHit> {
  const index = new PhraseIndex<DictionaryHit>();
  for (const e of entries) {
    for (const alias of e.aliases) {
      const needsCapital = e.properNoun === true || (Array.isArray(e.properNoun) && e.properNoun.includes(alias));
      index.add(phraseTokens(alias), { ticker: e.ticker, needsCapital });
    }
  }
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
  return [...text.matchAll(CASHTAG_RE)].map((m) => {
    const tag = (m[1] as string).toUpperCase();
    return { ticker: tag.endsWith(CRYPTO_SUFFIX) ? tag.slice(0, -CRYPTO_SUFFIX.length) : tag, at: m.index };
  });
}

function dictionaryNames(text: string): Found[] {
  const tokens = tokenize(text);
  const out: Found[] = [];
  for (const m of DICTIONARY.match(tokens.map((t) => t.norm))) {
    const first = tokens[m.start];
    if (!first) continue;
    for (const hit of m.values) {
      if (hit.needsCapital && !/^[A-Z]/.test(first.raw)) continue;
      out.push({ ticker: hit.ticker, at: first.start });
    }
  }
  return out;
}

function bareTickers(text: string): Found[] {
  return [...text.matchAll(BARE_RE)].filter((m) => KNOWN.has(m[0]) && !STOP.has(m[0])).map((m) => ({ ticker: m[0], at: m.index }));
}

const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'the',
  'an',
  'and',
  'or',
  'of',
  'to',
  'in',
  'is',
  'are',
  'was',
  'for',
  'on',
  'with',
  'at',
  'by',
  'from',
  'this',
  'that',
  'it',
  'as',
  'be',
  'has',
  'have',
  'will',
  'not',
  'but',
  'its',
  'after',
  'over',
  'think',
  'just',
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
