/**
 * HIMARI finance lexicon, version 1.
 *
 * Provenance: written by hand for this project (HIMARI LLM sidecar) from general knowledge of how market news is
 * worded. It is NOT derived from the Loughran-McDonald lists or any other licensed word list, and was not fitted
 * token by token to any data set; the twitter_financial_news_sentiment train split was used only to compare the
 * whole scorer against plain VADER. Valences use VADER's scale (−4 most negative … +4 most positive) so that an entry
 * weighs the same as a VADER word of equal strength.
 *
 * Entries are whole words or phrases, matched on token boundaries, case-insensitive; a hyphen inside an entry or a
 * text token counts as a word break ("sell-off" = "sell off", "52-week high" = "52 week high"). Inflected forms are
 * listed explicitly. An entry overrides VADER for the words it covers, which is how valence 0 entries silence words
 * whose everyday sense misleads on financial text ("shares", "interest", "credit", "crude").
 *
 * Direction is from the point of view of a holder of the asset the news is about (a rate hike is bearish for risk
 * assets, a rate cut bullish).
 */

export type LexiconEntry = readonly [phrase: string, valence: number];

export const FINANCE_LEXICON_VERSION = '1';

/** Hand-written entries; `FINANCE_LEXICON` adds the expanded rating phrases. */
const CORE_ENTRIES: readonly LexiconEntry[] = [
  // Results against expectations
  ['beat', 2.2], ['beats', 2.2], ['beating', 2.0], ['topped', 2.0], ['tops', 1.8],
  ['beat estimates', 2.5], ['beats estimates', 2.5], ['tops estimates', 2.5], ['topped estimates', 2.5],
  ['exceeds', 1.8], ['exceeded', 1.8], ['surpasses', 1.8], ['surpassed', 1.8],
  ['above estimates', 2.0], ['above expectations', 2.0], ['above consensus', 2.0],
  ['better than expected', 2.2], ['stronger than expected', 2.2], ['ahead of expectations', 2.0],
  ['miss', -2.2], ['misses', -2.2], ['missed', -2.2], ['missing', -1.8],
  ['misses estimates', -2.5], ['missed estimates', -2.5],
  ['below estimates', -2.0], ['below expectations', -2.0], ['below consensus', -2.0],
  ['worse than expected', -2.2], ['weaker than expected', -2.2],
  ['falls short', -2.0], ['fell short', -2.0], ['short of estimates', -2.0],
  ['record revenue', 2.5], ['record sales', 2.5], ['record profit', 2.6], ['record earnings', 2.6],
  ['swings to profit', 2.2], ['swung to profit', 2.2], ['return to profit', 2.0], ['returns to profit', 2.0],
  ['swings to loss', -2.2], ['swung to loss', -2.2],
  ['narrower loss', 1.2], ['narrows loss', 1.2], ['wider loss', -1.6], ['widens loss', -1.6], ['net loss', -1.0],
  ['profit warning', -2.6], ['warns on profit', -2.4], ['warns', -1.6], ['warned', -1.6], ['write-down', -1.8], ['writedown', -1.8], ['impairment', -1.5],
  ['profit', 0.5], ['profits', 0.5], ['earnings', 0], ['revenue', 0],

  // Guidance and outlook
  ['raises guidance', 2.5], ['raised guidance', 2.5], ['lifts guidance', 2.5], ['boosts guidance', 2.5],
  ['ups guidance', 2.4], ['raises outlook', 2.5], ['raised outlook', 2.5], ['lifts outlook', 2.4],
  ['raises forecast', 2.4], ['raised forecast', 2.4], ['guidance raised', 2.4], ['raises full-year', 2.2],
  ['cuts guidance', -2.5], ['cut guidance', -2.5], ['lowers guidance', -2.5], ['lowered guidance', -2.5],
  ['guidance cut', -2.5], ['slashes guidance', -2.8], ['cuts outlook', -2.5], ['lowers outlook', -2.4],
  ['cuts forecast', -2.4], ['lowers forecast', -2.4], ['slashes forecast', -2.7], ['withdraws guidance', -2.2],
  ['reaffirms guidance', 0.8], ['reiterates guidance', 0.6], ['weak guidance', -2.3], ['strong guidance', 2.3],

  // Analyst actions; the rating a stock is moved *from* carries no signal of its own
  ['upgrade', 2.2], ['upgrades', 2.2], ['upgraded', 2.3],
  ['downgrade', -2.2], ['downgrades', -2.2], ['downgraded', -2.3],
  ['outperform', 1.5], ['outperforms', 1.5], ['outperformed', 1.5], ['overweight', 1.2],
  ['underperform', -1.5], ['underperforms', -1.5], ['underperformed', -1.5], ['underweight', -1.2],
  ['raises price target', 1.8], ['raised price target', 1.8], ['boosts price target', 1.8], ['lifts price target', 1.8],
  ['price target raised', 1.8], ['lowers price target', -1.8], ['cuts price target', -1.8], ['price target cut', -1.8],
  ['slashes price target', -2.2], ['price target lowered', -1.8], ['raises pt', 1.8], ['lifts pt', 1.8], ['boosts pt', 1.8],
  ['cuts pt', -1.8], ['lowers pt', -1.8], ['slashes pt', -2.2], ['target raised', 1.6], ['targets raised', 1.6],
  ['target lowered', -1.6], ['target cut', -1.6], ['raises target', 1.6], ['boosts target', 1.6], ['lifts target', 1.6],
  ['cuts target', -1.6], ['lowers target', -1.6], ['pares', -0.8], ['beat and raise', 2.6], ['street-high', 1.5], ['street-low', -1.5],
  ['top pick', 2.0], ['buy rating', 1.5], ['sell rating', -1.5], ['upside', 1.5], ['downside', -1.5],
  ['bull', 1.2], ['bulls', 1.2], ['bear', -1.2], ['bears', -1.2], ['constructive on', 1.2], ['cools on', -1.2],
  ['sours on', -1.8], ['warming up to', 1.2], ['warms to', 1.2], ['trims', -0.8], ['trimmed', -0.8], ['trimming', -0.8],

  // Price action
  ['soar', 2.6], ['soars', 2.6], ['soared', 2.6], ['soaring', 2.6],
  ['surge', 2.4], ['surges', 2.4], ['surged', 2.4], ['surging', 2.4],
  ['skyrocket', 2.8], ['skyrockets', 2.8], ['skyrocketed', 2.8], ['skyrocketing', 2.8],
  ['jump', 2.0], ['jumps', 2.0], ['jumped', 2.0], ['spikes', 1.4], ['spiked', 1.4], ['pops', 1.6], ['popped', 1.6],
  ['rally', 2.2], ['rallies', 2.2], ['rallied', 2.2], ['rallying', 2.2],
  ['climb', 1.6], ['climbs', 1.6], ['climbed', 1.6], ['climbing', 1.6],
  ['rise', 1.3], ['rises', 1.3], ['rose', 1.3], ['rising', 1.2], ['gained', 1.6], ['gaining', 1.4],
  ['advances', 1.2], ['advanced', 1.2], ['rebound', 1.6], ['rebounds', 1.6], ['rebounded', 1.6],
  ['recovers', 1.4], ['recovered', 1.4], ['higher', 1.0], ['moving higher', 1.4], ['edges higher', 0.8],
  ['record high', 2.4], ['record highs', 2.4], ['all-time high', 2.4], ['all-time highs', 2.4], ['new high', 1.8],
  ['52-week high', 1.8], ['highs', 1.2], ['new highs', 1.8], ['lows', -1.2], ['new lows', -1.8], ['insider buying', 1.2],
  ['insider selling', -1.2], ['fresh records', 2.2], ['record close', 2.0], ['breakout', 1.5], ['bull run', 2.2],
  ['bull market', 1.8], ['bullish', 2.0], ['short squeeze', 1.5], ['to the moon', 2.5], ['mooning', 2.5],
  ['tumble', -2.2], ['tumbles', -2.2], ['tumbled', -2.2], ['tumbling', -2.2],
  ['plunge', -2.7], ['plunges', -2.7], ['plunged', -2.7], ['plunging', -2.7],
  ['plummet', -2.8], ['plummets', -2.8], ['plummeted', -2.8], ['plummeting', -2.8],
  ['slump', -2.2], ['slumps', -2.2], ['slumped', -2.2], ['slumping', -2.2],
  ['sink', -2.0], ['sinks', -2.0], ['sank', -2.0], ['sinking', -2.0],
  ['slide', -1.6], ['slides', -1.6], ['slid', -1.6], ['sliding', -1.6],
  ['fall', -1.5], ['falls', -1.5], ['fell', -1.5], ['falling', -1.5],
  ['drops', -1.5], ['dropped', -1.5], ['dropping', -1.5], ['declines', -1.4], ['declined', -1.4], ['declining', -1.4],
  ['dips', -1.0], ['dipped', -1.0], ['slip', -1.0], ['slips', -1.0], ['slipped', -1.0], ['edges lower', -0.8], ['decline', -1.4],
  ['retreats', -1.0], ['retreated', -1.0], ['sheds', -1.2], ['shed', -1.2],
  ['tank', -2.4], ['tanks', -2.4], ['tanked', -2.4], ['tanking', -2.4],
  ['crash', -2.8], ['crashes', -2.8], ['crashed', -2.8], ['crashing', -2.8], ['flash crash', -3.0],
  ['sell-off', -2.2], ['selloff', -2.2], ['rout', -2.4], ['bloodbath', -3.0],
  ['record low', -2.2], ['record lows', -2.2], ['all-time low', -2.2], ['new low', -1.8], ['52-week low', -1.8],
  ['bear market', -2.0], ['bearish', -2.0], ['correction', -1.2], ['capitulation', -2.2],
  ['dead cat bounce', -1.0], ['liquidations', -1.5], ['margin call', -2.0],

  // Corporate events
  ['bankruptcy', -3.2], ['bankruptcies', -3.0], ['chapter 11', -3.2], ['liquidation', -2.5],
  ['files for bankruptcy', -3.4], ['filed for bankruptcy', -3.4], ['insolvency', -3.0], ['insolvent', -3.0],
  ['default', -2.4], ['defaults', -2.4], ['defaulted', -2.6], ['going concern', -2.5],
  ['delisting', -2.8], ['delisted', -2.8], ['delist', -2.6],
  ['layoffs', -1.8], ['lays off', -1.8], ['laid off', -1.8], ['job cuts', -1.8], ['cuts jobs', -1.8],
  ['cut jobs', -1.8], ['restructuring', -0.8],
  ['recall', -1.8], ['recalls', -1.8], ['recalled', -1.8], ['suspends', -1.2], ['grounded', -1.5], ['grounding', -1.5],
  ['dividend cut', -2.4], ['cuts dividend', -2.4], ['slashes dividend', -2.6], ['suspends dividend', -2.6],
  ['raises dividend', 2.0], ['dividend increase', 2.0], ['dividend hike', 2.0], ['hikes dividend', 2.0],
  ['boosts dividend', 2.0], ['special dividend', 1.5],
  ['buyback', 1.5], ['buybacks', 1.5], ['share buyback', 1.6], ['stock buyback', 1.6], ['share repurchase', 1.6],
  ['repurchase program', 1.5], ['dilution', -1.4], ['dilutive', -1.4], ['secondary offering', -1.2],
  ['wins contract', 1.8], ['awarded contract', 1.8], ['contract win', 1.8],
  ['fda approval', 2.3], ['fda approves', 2.3], ['complete response letter', -2.2], ['clinical hold', -2.4],
  ['trial failed', -2.6], ['fails trial', -2.6], ['accounting irregularities', -3.0], ['short seller', -1.2],
  ['short report', -1.8],

  // Legal and regulatory
  ['lawsuit', -1.8], ['lawsuits', -1.8], ['sued', -1.8], ['sues', -1.8], ['class action', -2.0],
  ['fraud', -3.0], ['probe', -1.8], ['probes', -1.8], ['investigation', -1.5], ['subpoena', -1.8],
  ['subpoenaed', -1.8], ['sec charges', -2.8], ['charged by sec', -2.8], ['indicted', -2.8], ['indictment', -2.8],
  ['fined', -2.0], ['antitrust', -1.2], ['crackdown', -2.2], ['halted', -2.0], ['trading halt', -2.0],
  ['halts trading', -2.0], ['sanctions', -1.6],

  // Crypto
  ['hack', -2.8], ['hacks', -2.8], ['hacked', -2.8], ['hacker', -2.4], ['hackers', -2.4],
  ['exploit', -2.8], ['exploits', -2.8], ['exploited', -2.8], ['rug pull', -3.2], ['rugpull', -3.2],
  ['rugged', -3.0], ['exit scam', -3.4], ['depeg', -3.0], ['depegs', -3.0], ['depegged', -3.0],
  ['loses peg', -3.0], ['lost its peg', -3.0], ['halts withdrawals', -3.0], ['paused withdrawals', -3.0],
  ['suspends withdrawals', -3.0], ['withdrawals halted', -3.0], ['drained', -2.5], ['rekt', -2.5],
  ['inflows', 1.2], ['net inflows', 1.5], ['outflows', -1.2], ['net outflows', -1.5],
  ['accumulation', 1.0], ['adoption', 1.2], ['mainnet launch', 1.2], ['etf approval', 2.5],

  // Macro, from a risk-asset holder's point of view
  ['rate hike', -1.2], ['rate hikes', -1.2], ['hikes rates', -1.2], ['raises rates', -1.2],
  ['rate cut', 1.2], ['rate cuts', 1.2], ['cuts rates', 1.2], ['cuts interest rates', 1.2], ['raises interest rates', -1.2],
  ['hikes interest rates', -1.2], ['hawkish', -1.2], ['dovish', 1.2],
  ['stagflation', -2.2], ['soft landing', 1.8], ['hard landing', -2.0], ['stimulus', 1.5],
  ['trade war', -2.2], ['tariffs', -1.0], ['trade deal', 1.8], ['slowdown', -1.6], ['downturn', -1.8],
  ['contraction', -1.5], ['contracted', -1.5], ['shutdown', -1.5], ['headwinds', -1.4], ['tailwinds', 1.4],

  // Words VADER reads in their everyday sense that are mostly neutral in market news
  ['share', 0], ['shares', 0], ['interest', 0], ['credit', 0],
  ['trust', 0], ['securities', 0], ['security', 0], ['crude', 0], ['united', 0], ['justice', 0], ['care', 0],
  ['vision', 0], ['gross', 0], ['free', 0], ['free cash flow', 1.0], ['demand', 0], ['fine', 0], ['warming', 0],
  ['well', 0], ['support', 0], ['charges', 0], ['lower', -1.2],
  // Sector, topic and format words ("Highlight:", "top gainers and losers", "clean energy", "asset value")
  ['highlight', 0], ['highlights', 0], ['value', 0], ['values', 0], ['debt', 0], ['energy', 0], ['asset', 0],
  ['assets', 0], ['holiday', 0], ['holidays', 0], ['entertainment', 0], ['intelligence', 0], ['safety', 0],
  ['diamond', 0], ['clean', 0], ['special', 0], ['supreme', 0], ['party', 0], ['play', 0], ['beauty', 0],
  ['cancer', 0], ['gainers', 0], ['losers', 0], ['top', 0], ['like', 0], ['agreement', 0.5], ['growth', 0.5],
];

/**
 * Broker ratings, grouped by what they say about the stock. The verb decides a rating change ("cut to buy" is still a
 * cut), the rating decides a first rating ("starts at buy"), and the rating a stock leaves ("from outperform") is
 * silent. `ratingPhrases` expands these small tables into lexicon entries.
 */
export const RATINGS = {
  positive: ['buy', 'strong buy', 'conviction buy', 'outperform', 'market outperform', 'sector outperform', 'overweight', 'accumulate'],
  neutral: ['hold', 'neutral', 'perform', 'market perform', 'mkt perform', 'peer perform', 'sector perform', 'equal weight', 'in-line', 'sector weight'],
  negative: ['sell', 'strong sell', 'underperform', 'market underperform', 'sector underperform', 'underweight'],
} as const;

export const RATING_VERBS = {
  /** Moves a stock up whatever the rating it lands on. */
  up: ['raised to', 'raises to', 'upgraded to', 'upgrades to', 'upped to', 'ups to', 'lifted to', 'boosted to'],
  down: ['cut to', 'cuts to', 'lowered to', 'lowers to', 'downgraded to', 'downgrades to'],
  /** A first or restated rating: the rating itself is the signal. */
  assign: [
    'starts at', 'started at', 'initiated at', 'initiated as', 'initiated with', 'initiates at', 'resumed at',
    'rated', 'maintained as', 'maintained at', 'reiterated as', 'reiterated at', 'reiterates', 'named', 'assumed at',
  ],
} as const;

const RATING_VALENCE = { move: 2.0, assign: 1.5, standalone: { 'strong buy': 2.2, 'strong sell': -2.2 } } as const;

export function ratingPhrases(): LexiconEntry[] {
  const out: LexiconEntry[] = [];
  const sign = { positive: 1, neutral: 0, negative: -1 } as const;
  for (const [group, ratings] of Object.entries(RATINGS) as [keyof typeof RATINGS, readonly string[]][]) {
    for (const r of ratings) {
      for (const v of RATING_VERBS.up) out.push([`${v} ${r}`, RATING_VALENCE.move]);
      for (const v of RATING_VERBS.down) out.push([`${v} ${r}`, -RATING_VALENCE.move]);
      for (const v of RATING_VERBS.assign) out.push([`${v} ${r}`, sign[group] * RATING_VALENCE.assign]);
      out.push([`from ${r}`, 0]);
    }
  }
  for (const [r, v] of Object.entries(RATING_VALENCE.standalone)) out.push([r, v]);
  return out;
}

export const FINANCE_LEXICON: readonly LexiconEntry[] = [...CORE_ENTRIES, ...ratingPhrases()];

/**
 * Words that turn the polarity of a finance entry within the three tokens before it, like VADER's own negation
 * (scalar −0.74). Unlike VADER's list this includes "no" ("no bankruptcy") and "fail…" ("failed to beat").
 */
export const FINANCE_NEGATORS: readonly string[] = [
  'not', 'no', 'never', 'without', 'neither', 'nor', 'none', 'nothing', 'cannot', 'fail', 'fails', 'failed',
  'failing', 'unable', 'avoid', 'avoids', 'avoided', 'averts', 'averted', 'rules out', 'ruled out', 'denies',
  'denied',
];

/**
 * Intensity modifiers for finance entries, added to (positive) or taken from (negative) the entry's magnitude when
 * they stand up to three tokens before it or right after it ("sharply lower", "fell slightly"). VADER's booster step
 * is 0.293; market verbs carry most of their force in the adverb, so these steps are larger.
 */
export const FINANCE_INTENSIFIERS: readonly LexiconEntry[] = [
  ['sharply', 0.8], ['steeply', 0.8], ['dramatically', 0.8], ['massively', 0.8], ['significantly', 0.6],
  ['substantially', 0.6], ['heavily', 0.6], ['strongly', 0.6], ['hugely', 0.6], ['deeply', 0.5], ['very', 0.4],
  ['extremely', 0.7], ['sharp', 0.6], ['steep', 0.6], ['big', 0.4], ['huge', 0.6], ['massive', 0.7],
  ['slightly', -0.8], ['marginally', -0.8], ['modestly', -0.7], ['somewhat', -0.5], ['mildly', -0.6],
  ['barely', -0.7], ['slight', -0.7], ['modest', -0.6], ['small', -0.5],
];

/**
 * Direction words that state a move only when a number follows ("down 3%", "up 120 points"); alone they are too
 * common ("steps down", "sets up") to score.
 */
export const MOVE_BEFORE_NUMBER: readonly LexiconEntry[] = [['up', 1.2], ['down', -1.2]];

/** Valence of a signed percentage token ("+18%" → +1.5, "-3.5%" → −1.5): the sign states the move's direction. */
export const SIGNED_PERCENT_VALENCE = 1.5;
