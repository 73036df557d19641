/**
 * Text normalisation and tokenisation for the trained model. Entities that carry no sentiment by themselves but vary
 * endlessly (URLs, cashtags, handles, numbers) become placeholder tokens so that the model learns from their presence,
 * not from their spelling; a signed number keeps its sign because "-4.2%" in a market tweet is itself a signal.
 */
export const TOKEN_KINDS = { word: 'word', placeholder: 'placeholder', punct: 'punct' } as const;
export type TokenKind = (typeof TOKEN_KINDS)[keyof typeof TOKEN_KINDS];

export interface Token {
  kind: TokenKind;
  text: string;
}

/** Prefix for words inside a negation scope ("not good" → not NEG_good). Upper case cannot clash with a word. */
export const NEG_PREFIX = 'NEG_';

const NEGATORS: ReadonlySet<string> = new Set(['not', 'no', 'never', 'nor', 'neither', 'cannot']);

// One pass, one alternative per token class; the order matters (URL before word, signed number before punctuation).
// A full stop ends a clause only before whitespace, so abbreviations like "J.P." do not cut a negation scope short.
const TOKEN_RE =
  /(https?:\/\/\S*[^\s.,;:!?)]|www\.\S*[^\s.,;:!?)])|(\$\p{L}[\p{L}\p{N}._-]*)|(@\w+)|((?<![\p{L}\p{N}.])[+-])?([$€£])?(\d+(?:,\d{3})*(?:\.\d+)?)(%)?|(\p{L}[\p{L}\p{N}]*(?:'\p{L}+)*|'\p{L}+)|([,:;!?]+|\.+(?=\s|$))/gu;

function numberPlaceholder(sign: string | undefined, currency: string | undefined, percent: string | undefined): string {
  const kind = percent ? 'pct' : currency ? 'money' : 'num';
  const s = sign === '+' ? 'plus_' : sign === '-' ? 'minus_' : '';
  return `__${s}${kind}__`;
}

export function normalizeText(text: string): string {
  // Curly apostrophes and the Unicode minus are common in wire copy; fold them so "don’t" and "−3%" tokenise as ASCII.
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u2212\u2013]/g, '-');
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of normalizeText(text).matchAll(TOKEN_RE)) {
    if (m[1] !== undefined) out.push({ kind: 'placeholder', text: '__url__' });
    else if (m[2] !== undefined) out.push({ kind: 'placeholder', text: '__cashtag__' });
    else if (m[3] !== undefined) out.push({ kind: 'placeholder', text: '__user__' });
    else if (m[6] !== undefined) out.push({ kind: 'placeholder', text: numberPlaceholder(m[4], m[5], m[7]) });
    else if (m[8] !== undefined) out.push({ kind: 'word', text: m[8] });
    else if (m[9] !== undefined) out.push({ kind: 'punct', text: m[9] });
  }
  return out;
}

export function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't");
}

export interface AnalyzerOptions {
  /** Mark words after a negator with NEG_ until punctuation. */
  negation: boolean;
  /** At most this many words are marked after a negator; 0 = until punctuation. */
  negationWindow: number;
}

/** Prior word valences (e.g. VADER's); each hit adds a polarity token that negation flips. */
export type Lexicon = ReadonlyMap<string, number>;

export interface Analysis {
  /** Words (negation-marked), placeholders, and "!" / "?". */
  unigrams: string[];
  /** Adjacent word/placeholder pairs inside one clause, joined by a space. */
  bigrams: string[];
  /** Plain words (no NEG_ mark) for character n-grams. */
  charWords: string[];
}

export function analyze(text: string, opts: AnalyzerOptions, lexicon?: Lexicon): Analysis {
  const unigrams: string[] = [];
  const bigrams: string[] = [];
  const charWords: string[] = [];
  let prev: string | null = null;
  let inScope = false;
  let marked = 0;
  for (const tok of tokenize(text)) {
    if (tok.kind === 'punct') {
      if (tok.text.includes('!')) unigrams.push('!');
      if (tok.text.includes('?')) unigrams.push('?');
      prev = null;
      inScope = false;
      continue;
    }
    let form = tok.text;
    if (tok.kind === 'word') {
      charWords.push(tok.text);
      if (opts.negation && isNegator(tok.text)) {
        inScope = true;
        marked = 0;
      } else if (inScope) {
        form = NEG_PREFIX + tok.text;
        marked += 1;
        if (opts.negationWindow > 0 && marked >= opts.negationWindow) inScope = false;
      }
    }
    unigrams.push(form);
    if (lexicon && tok.kind === 'word') {
      const v = lexicon.get(tok.text);
      if (v !== undefined && v !== 0) {
        const positive = form === tok.text ? v > 0 : v < 0;
        unigrams.push(positive ? '__lex_pos__' : '__lex_neg__');
        if (Math.abs(v) >= 2) unigrams.push(positive ? '__lex_pos2__' : '__lex_neg2__');
      }
    }
    if (prev !== null) bigrams.push(prev + ' ' + form);
    prev = form;
  }
  return { unigrams, bigrams, charWords };
}

/** Character n-grams of one word padded with spaces (so prefixes and suffixes are distinct from inner n-grams). */
export function charNgrams(word: string, minN: number, maxN: number, out: string[]): void {
  const padded = ' ' + word + ' ';
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= padded.length; i++) out.push(padded.slice(i, i + n));
  }
}
