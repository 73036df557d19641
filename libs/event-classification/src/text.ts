/**
 * Tokens for whole-word matching. A token is a run of letters/digits that may hold inner `&`, `'` or `.`
 * ("s&p", "at&t", "u.s"), or a number with an optional sign and percent ("+18%", "3.5%"). Hyphens and all other
 * punctuation separate tokens, so "sell-off" and "sell off" are the same two tokens. Matching is on these tokens,
 * never on substrings: "sec" cannot match inside "second".
 */

export interface Token {
  /** Lower case, curly apostrophes straightened, possessive 's removed. */
  readonly norm: string;
  /** The token as written (case kept), for capitalisation checks. */
  readonly raw: string;
  /** Offset of the token in the text the tokens came from. */
  readonly start: number;
}

const TOKEN_RE = /[+-]?\d[\d.,]*%|[A-Za-z0-9]+(?:[&'.][A-Za-z0-9]+)*/g;
const URL_RE = /\bhttps?:\/\/\S+|\bwww\.\S+/gi;

/** Replaces links with spaces (same length, so offsets stay valid): "t.co/AbC" must not look like words. */
export function blankUrls(text: string): string {
  return text.replace(URL_RE, (m) => ' '.repeat(m.length));
}

export function tokenize(text: string): Token[] {
  const clean = blankUrls(text).replace(/[\u2018\u2019]/g, "'");
  const out: Token[] = [];
  for (const m of clean.matchAll(TOKEN_RE)) {
    let raw = m[0];
    let start = m.index;
    // A sign belongs to a number only after a space, a bracket or the start ("+5%", "(-3%)"), not in "Q3-5%".
    if (/^[+-]/.test(raw) && start > 0 && !/[\s(]/.test(clean[start - 1] as string)) {
      raw = raw.slice(1);
      start++;
    }
    if (/'s$/i.test(raw)) raw = raw.slice(0, -2);
    if (raw === '') continue;
    out.push({ norm: raw.toLowerCase(), raw, start });
  }
  return out;
}

/** Tokens of a rule phrase, normalised the same way as text. */
export function phraseTokens(phrase: string): string[] {
  return tokenize(phrase).map((t) => t.norm);
}
