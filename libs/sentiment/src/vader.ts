/**
 * Adapter over the `vader-sentiment` package (Apache-2.0, Hutto & Gilbert 2014, JavaScript port by Comcast).
 *
 * The package exports only `SentimentIntensityAnalyzer` with static methods; its tokeniser (`SentiText`) and booster
 * list are internal. To let finance phrases take part in VADER's own arithmetic (but-check, punctuation emphasis,
 * normalisation, pos/neg/neu proportions) this module re-creates the loop of `polarity_scores` around the package's
 * `sentiment_valence` and `score_valence`, and lets a caller override the valence of chosen tokens. With no overrides
 * the result equals `polarity_scores` exactly; `vader.test.ts` checks that on tricky inputs.
 */
import { createRequire } from 'node:module';

export interface VaderScores {
  readonly neg: number;
  readonly neu: number;
  readonly pos: number;
  /** VADER's normalised sum, −1..1, rounded to 4 decimals by the package. */
  readonly compound: number;
}

interface SentiTextLike {
  words_and_emoticons: string[];
  is_cap_diff: boolean;
}

interface VaderAnalyzer {
  polarity_scores(text: string): VaderScores;
  sentiment_valence(valence: number, sentiText: SentiTextLike, item: string, index: number, sentiments: number[]): number[];
  score_valence(sentiments: number[], text: string): VaderScores;
}

export class VaderLoadError extends Error {
  override readonly name = 'VaderLoadError';
  readonly retryable = false;
}

function loadAnalyzer(): VaderAnalyzer {
  const mod: unknown = createRequire(import.meta.url)('vader-sentiment');
  const sia = (mod as { SentimentIntensityAnalyzer?: Record<string, unknown> } | null)?.SentimentIntensityAnalyzer;
  for (const fn of ['polarity_scores', 'sentiment_valence', 'score_valence'] as const) {
    if (typeof sia?.[fn] !== 'function') {
      throw new VaderLoadError(`vader-sentiment does not export SentimentIntensityAnalyzer.${fn}: unsupported version`);
    }
  }
  return sia as unknown as VaderAnalyzer;
}

const SIA: VaderAnalyzer = loadAnalyzer();

/** The package's own scorer, untouched: the "plain VADER" reference. */
export function vaderPolarityScores(text: string): VaderScores {
  return SIA.polarity_scores(text);
}

// The package's punctuation set and PUNC_LIST, needed to tokenise exactly as it does.
const PUNCT_RE = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const PUNC_LIST = ['.', '!', '?', ',', ';', ':', '-', "'", '"', '!!', '!!!', '??', '???', '?!?', '!?!', '?!?!', '!?!?'];

/**
 * Keys of the package's BOOSTER_DICT: VADER gives these words no valence of their own (they only scale a neighbour),
 * but the dict is not exported, so the word list is mirrored here. The equivalence test catches drift.
 */
const VADER_BOOSTERS: ReadonlySet<string> = new Set([
  'absolutely',
  'amazingly',
  'awfully',
  'completely',
  'considerably',
  'decidedly',
  'deeply',
  'effing',
  'enormously',
  'entirely',
  'especially',
  'exceptionally',
  'extremely',
  'fabulously',
  'flipping',
  'flippin',
  'fricking',
  'frickin',
  'frigging',
  'friggin',
  'fully',
  'fucking',
  'greatly',
  'hella',
  'highly',
  'hugely',
  'incredibly',
  'intensely',
  'majorly',
  'more',
  'most',
  'particularly',
  'purely',
  'quite',
  'really',
  'remarkably',
  'so',
  'substantially',
  'thoroughly',
  'totally',
  'tremendously',
  'uber',
  'unbelievably',
  'unusually',
  'utterly',
  'very',
  'almost',
  'barely',
  'hardly',
  'just enough',
  'kind of',
  'kinda',
  'kindof',
  'kind-of',
  'less',
  'little',
  'marginally',
  'occasionally',
  'partly',
  'scarcely',
  'slightly',
  'somewhat',
  'sort of',
  'sorta',
  'sortof',
  'sort-of',
]);

export interface VaderTokens {
  /** What VADER scores: whitespace split, one-character tokens dropped, one run of edge punctuation stripped. */
  readonly words: string[];
  /** The same tokens before stripping, index for index: where the punctuation (clause breaks) still shows. */
  readonly raw: string[];
}

export function vaderTokens(text: string): VaderTokens {
  const bare = new Set(
    text
      .replace(PUNCT_RE, '')
      .split(/\s/)
      .filter((w) => w.length > 1),
  );
  const raw = text.split(/\s/).filter((t) => t.length > 1);
  return { words: raw.map((t) => stripOnePunct(t, bare)), raw };
}

function stripOnePunct(token: string, bare: ReadonlySet<string>): string {
  for (const p of PUNC_LIST) {
    if (token.startsWith(p) && bare.has(token.slice(p.length))) return token.slice(p.length);
    if (token.endsWith(p) && bare.has(token.slice(0, -p.length))) return token.slice(0, -p.length);
  }
  return token;
}

/** Python's str.isupper as the package implements it. */
export function isUpperWord(word: string): boolean {
  return /^[^a-z]*[A-Z]+[^a-z]*$/.test(word);
}

/** True when some, but not all, words are in capitals: only then does VADER treat capitals as emphasis. */
export function capDifferential(words: readonly string[]): boolean {
  const caps = words.filter(isUpperWord).length;
  const diff = words.length - caps;
  return diff > 0 && diff < words.length;
}

/**
 * VADER's polarity scores, except that the valence at each index present in `overrides` is taken from it instead of
 * the VADER lexicon (0 silences a token). `words` must come from `vaderTokens(text).words`.
 */
export function vaderScoresWith(text: string, words: string[], overrides: ReadonlyMap<number, number>): VaderScores {
  const sentiText: SentiTextLike = { words_and_emoticons: words, is_cap_diff: capDifferential(words) };
  let sentiments: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const override = overrides.get(i);
    if (override !== undefined) {
      sentiments.push(override);
      continue;
    }
    const lower = word.toLowerCase();
    if (VADER_BOOSTERS.has(lower) || (lower === 'kind' && words[i + 1]?.toLowerCase() === 'of')) {
      sentiments.push(0);
      continue;
    }
    sentiments = SIA.sentiment_valence(0, sentiText, word, i, sentiments);
  }
  return SIA.score_valence(butCheck(words, sentiments), text);
}

/**
 * VADER's contrastive "but": halves what comes before it and multiplies what follows by 1.5. Re-implemented because
 * the package splices the array in a loop (quadratic on long texts); like the package, it looks only for `but`/`BUT`.
 */
function butCheck(words: readonly string[], sentiments: number[]): number[] {
  let at = words.indexOf('but');
  if (at === -1) at = words.indexOf('BUT');
  if (at === -1) return sentiments;
  return sentiments.map((s, i) => (i < at ? s * 0.5 : i > at ? s * 1.5 : s));
}
