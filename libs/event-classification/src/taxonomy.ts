/**
 * J7 taxonomy as data: the phrases that are evidence for each category and subcategory, with weights, plus impact,
 * urgency and decay defaults. Written for this project; see README.md for the reasoning behind the numbers.
 *
 * Weights: 3 = the phrase names the event ("chapter 11", "rate hike", "sec charges"); 2 = strong but shared or
 * indirect (an actor such as "fed" or "binance", a common verb such as "launches"); 1 = weak, only supporting
 * evidence ("results", "stocks"). A category needs MIN_CATEGORY_SCORE in total, so one weak cue alone is not enough.
 *
 * Phrases are matched as whole tokens (see text.ts): inflections are listed, hyphens are word breaks.
 */
import type { EventCategory, Impact, Urgency } from '@himari/contracts';

export type KnownCategory = Exclude<EventCategory, 'unknown'>;

export interface RuleTags {
  /** The least impact an event with this phrase has, whatever its category. */
  readonly impact?: Impact;
  readonly urgency?: Urgency;
}

export interface Rule {
  readonly phrase: string;
  readonly subcategory: string;
  readonly weight: number;
  readonly tags: RuleTags;
}

const HIGH: RuleTags = { impact: 'high' };
const MEDIUM: RuleTags = { impact: 'medium' };
const HIGH_NOW: RuleTags = { impact: 'high', urgency: 'immediate' };
const NONE: RuleTags = {};

function rules(subcategory: string, weight: number, phrases: readonly string[], tags: RuleTags = NONE): Rule[] {
  return phrases.map((phrase) => ({ phrase, subcategory, weight, tags }));
}

/** Subcategory given when a category wins on evidence that names no subcategory. */
export const GENERAL_SUBCATEGORY = 'general';
export const UNKNOWN_SUBCATEGORY = 'none';

/** Below this total weight the best category is not trusted and the event is `unknown`. */
export const MIN_CATEGORY_SCORE = 1.5;

/** Category order: it breaks exact ties (first wins), after the strongest single phrase has had its say. */
export const CATEGORY_ORDER: readonly KnownCategory[] = ['earnings', 'macro', 'corporate', 'regulatory', 'market', 'crypto_specific'];

export const CATEGORY_RULES: { readonly [C in KnownCategory]: readonly Rule[] } = {
  earnings: [
    ...rules('beat', 3, [
      'beats estimates', 'beat estimates', 'tops estimates', 'topped estimates', 'above estimates', 'above expectations',
      'above consensus', 'better than expected', 'earnings beat', 'beats on earnings', 'beat on earnings',
      'beats expectations', 'beat expectations', 'tops expectations', 'exceeds expectations', 'beat and raise',
    ]),
    ...rules('beat', 1, ['beats', 'beat', 'tops', 'topped', 'exceeds', 'surpasses']),
    ...rules('miss', 3, [
      'misses estimates', 'missed estimates', 'below estimates', 'below expectations', 'below consensus',
      'worse than expected', 'earnings miss', 'misses on earnings', 'misses expectations', 'missed expectations',
      'falls short of estimates', 'fell short of estimates',
    ]),
    ...rules('miss', 1, ['misses', 'missed', 'miss']),
    ...rules('guidance', 3, [
      'raises guidance', 'raised guidance', 'cuts guidance', 'cut guidance', 'guidance cut', 'lowers guidance',
      'lowered guidance', 'reaffirms guidance', 'withdraws guidance', 'full year outlook', 'raises outlook',
      'cuts outlook', 'lowers outlook', 'raises forecast', 'cuts forecast', 'lowers forecast',
    ]),
    ...rules('guidance', 3, ['profit warning', 'slashes guidance', 'slashes forecast'], HIGH),
    ...rules('guidance', 2, ['guidance', 'outlook']),
    ...rules('report', 3, [
      'earnings', 'quarterly results', 'quarterly earnings', 'earnings report', 'reports earnings', 'eps',
      'earnings per share', 'earnings call', 'first quarter', 'second quarter', 'third quarter', 'fourth quarter',
      'same store sales', 'comparable sales', 'quarterly revenue', 'quarterly profit', 'annual results',
      'full year results', 'q1', 'q2', 'q3', 'q4', 'fy', 'ebitda',
    ]),
    ...rules('report', 2, ['revenue', 'revenues', 'net income', 'net loss', 'gross margin', 'operating margin', 'consensus']),
    ...rules('report', 1, ['results', 'profit', 'profits', 'sales', 'margin', 'margins', 'fiscal', 'quarter']),
  ],

  macro: [
    ...rules('rates', 3, [
      'rate hike', 'rate hikes', 'rate cut', 'rate cuts', 'rate decision', 'hikes rates', 'cuts rates', 'raises rates',
      'interest rate decision', 'emergency rate cut', 'rates unchanged', 'holds rates', 'interest rate hike',
      'interest rate hikes', 'interest rate cut', 'interest rate cuts', 'interest rate increase',
    ], HIGH),
    ...rules('rates', 3, ['interest rate', 'interest rates', 'basis points', 'treasury yields', 'bond yields', '10 year yield']),
    ...rules('rates', 1, ['rate', 'rates', 'yields', 'bps']),
    ...rules('inflation', 3, [
      'inflation', 'cpi', 'consumer price index', 'ppi', 'producer price index', 'consumer prices', 'producer prices',
      'pce', 'deflation', 'stagflation', 'core inflation', 'price pressures',
    ]),
    ...rules('employment', 3, [
      'jobs report', 'nonfarm payrolls', 'non farm payrolls', 'payrolls', 'unemployment', 'unemployment rate',
      'jobless claims', 'labor market', 'labour market', 'job growth', 'employment report',
    ]),
    ...rules('employment', 2, ['employment', 'wages', 'wage growth', 'hiring']),
    ...rules('gdp', 3, [
      'gdp', 'gross domestic product', 'recession', 'economic growth', 'pmi', 'retail sales', 'industrial production',
      'consumer confidence', 'housing starts', 'soft landing', 'hard landing', 'economic data',
    ]),
    ...rules('gdp', 2, ['economy', 'economic', 'manufacturing', 'slowdown']),
    ...rules('central_bank', 3, [
      'federal reserve', 'fomc', 'european central bank', 'ecb', 'bank of japan', 'boj', 'bank of england', 'boe',
      'pboc', 'central bank', 'central banks', 'monetary policy', 'quantitative easing', 'quantitative tightening',
      'fed chair', 'rba', 'rbi', 'snb',
    ]),
    ...rules('central_bank', 2, ['fed', 'powell', 'lagarde', 'hawkish', 'dovish', 'qe', 'policymakers']),
    ...rules('trade', 3, [
      'tariff', 'tariffs', 'trade war', 'trade deal', 'trade talks', 'trade deficit', 'trade surplus', 'usmca',
      'trade tensions', 'export controls',
    ]),
    ...rules('trade', 2, ['exports', 'imports', 'brexit', 'opec', 'sanctions']),
  ],

  corporate: [
    ...rules('m_and_a', 3, [
      'merger', 'mergers', 'acquisition', 'acquisitions', 'acquire', 'acquires', 'acquired', 'acquiring', 'takeover',
      'buyout', 'tender offer', 'agrees to buy', 'to acquire', 'all stock deal', 'all cash deal', 'spin off',
      'spinoff', 'divestiture', 'divest', 'divests', 'm&a', 'takeover bid',
    ], MEDIUM),
    ...rules('m_and_a', 2, ['stake', 'bid for', 'deal talks', 'in talks to buy', 'buys']),
    ...rules('management', 3, [
      'steps down', 'step down', 'resigns', 'resigned', 'resignation', 'appoints', 'names new ceo', 'new ceo',
      'successor', 'ousted', 'fires ceo', 'retire', 'retires', 'succession',
    ]),
    ...rules('management', 3, ['appointment', 'appointments', 'executive appointments', 'the hiring of', 'leadership change', 'to depart']),
    ...rules('management', 2, [
      'ceo', 'cfo', 'coo', 'cto', 'chief executive', 'chief financial officer', 'chief operating officer', 'appointed',
      'hires', 'hire', 'chairman', 'board', 'president', 'vice president', 'svp', 'evp', 'promotes', 'promoted',
      'departs', 'executive director', 'managing director', 'leadership team',
    ]),
    ...rules('management', 1, ['chief', 'officer', 'named', 'names', 'head of', 'joins', 'welcomes']),
    ...rules('product', 3, ['launches', 'launched', 'unveils', 'unveiled', 'new product', 'rollout', 'rolls out', 'product launch']),
    ...rules('product', 3, ['recall', 'recalls', 'recalled'], MEDIUM),
    ...rules('product', 1, ['launch', 'release', 'releases', 'product', 'products']),
    ...rules('partnership', 3, [
      'partnership', 'partners with', 'partnered with', 'joint venture', 'teams up', 'team up', 'collaboration',
      'strategic alliance', 'wins contract', 'awarded contract', 'contract win', 'supply deal', 'licensing deal',
    ]),
    ...rules('partnership', 2, ['alliance', 'contract', 'contracts', 'agreement', 'awarded', 'orders']),
    ...rules('layoffs', 3, [
      'layoffs', 'lays off', 'laid off', 'job cuts', 'cuts jobs', 'cut jobs', 'workforce reduction', 'headcount',
      'cut workforce', 'plant closure', 'closes plant', 'close factories',
    ], MEDIUM),
    ...rules('layoffs', 2, ['restructuring']),
    ...rules('bankruptcy', 3, [
      'bankruptcy', 'bankrupt', 'chapter 11', 'chapter 7', 'insolvency', 'insolvent', 'files for bankruptcy',
      'going concern', 'liquidation', 'receivership', 'default', 'defaults', 'defaulted',
    ], HIGH),
    ...rules('bankruptcy', 1, ['creditors', 'debt restructuring']),
    ...rules('dividend', 3, ['dividend', 'dividends', 'special dividend', 'ex dividend', 'payout', 'monthly distribution', 'quarterly distribution', 'quarterly distributions']),
    ...rules('dividend', 2, ['distribution', 'distributions']),
    ...rules('dividend', 3, ['dividend cut', 'suspends dividend', 'cuts dividend'], MEDIUM),
    ...rules('buyback', 3, [
      'buyback', 'buybacks', 'share repurchase', 'share repurchases', 'stock buyback', 'repurchase program',
      'repurchase plan', 'buy back',
    ]),
    ...rules('buyback', 2, ['repurchase', 'repurchases']),
  ],

  regulatory: [
    ...rules('sec', 3, ['securities and exchange commission', 'sec filing', 'cftc', 'finra', '10 k', '10 q', '8 k']),
    // The regulator's name alone is an actor, like "fed": what it does decides the subcategory.
    ...rules('sec', 2, ['sec']),
    ...rules('sec', 3, ['sec charges', 'charged by the sec', 'sec sues', 'sec lawsuit', 'wells notice'], HIGH),
    ...rules('sec', 2, ['regulator', 'regulators', 'regulatory', 'regulation', 'regulations', 'watchdog', 'compliance']),
    ...rules('lawsuit', 3, [
      'lawsuit', 'lawsuits', 'sues', 'sued', 'class action', 'litigation', 'verdict', 'patent infringement',
      'settlement', 'settles', 'court ruling', 'jury',
    ]),
    ...rules('lawsuit', 2, ['court', 'judge', 'supreme court', 'appeal', 'appeals court', 'legal']),
    ...rules('approval', 3, [
      'fda approval', 'fda approves', 'approval', 'approves', 'approved', 'clearance', 'authorization',
      'emergency use', 'cleared by', 'greenlights', 'complete response letter',
    ]),
    ...rules('approval', 2, ['fda', 'license', 'licence', 'nda']),
    ...rules('ban', 3, ['ban', 'bans', 'banned', 'prohibits', 'prohibited', 'blacklist', 'blacklisted', 'crackdown', 'outlaws'], MEDIUM),
    ...rules('ban', 3, ['delisting', 'delisted', 'delist'], HIGH),
    ...rules('ban', 2, ['restrict', 'restricts', 'restrictions']),
    ...rules('fine', 3, ['fined', 'fines', 'penalty', 'penalties', 'settle charges'], MEDIUM),
    ...rules('investigation', 3, [
      'investigation', 'investigations', 'probe', 'probes', 'probing', 'subpoena', 'subpoenaed', 'investigating',
      'inquiry', 'doj', 'department of justice', 'ftc', 'antitrust', 'whistleblower',
    ], MEDIUM),
    ...rules('investigation', 3, ['fraud', 'indicted', 'indictment', 'accounting irregularities', 'arrested', 'raided'], HIGH),
    ...rules('investigation', 2, ['charged', 'allegations', 'alleged']),
  ],

  market: [
    ...rules('price_move', 3, ['all time high', 'all time highs', 'record high', 'record highs', '52 week high', '52 week low', 'all time low', 'gainers', 'movers', 'biggest movers']),
    ...rules('price_move', 2, ['losers']),
    ...rules('price_move', 2, [
      'soars', 'soared', 'soar', 'surges', 'surged', 'plunges', 'plunged', 'plunge', 'tumbles', 'tumbled', 'slumps',
      'slumped', 'skyrockets', 'skyrocketed', 'plummets', 'plummeted', 'shares rose', 'shares fell', 'stock price',
      'share price', 'price action',
    ]),
    ...rules('price_move', 1, [
      'jumps', 'jumped', 'jump', 'rallies', 'rallied', 'rally', 'sinks', 'sank', 'climbs', 'climbed', 'climb', 'slides',
      'slid', 'rises', 'rose', 'falls', 'fell', 'drops', 'dropped', 'gains', 'gained', 'higher', 'lower', 'premarket',
      'pre market', 'after hours', 'intraday',
    ]),
    ...rules('price_move', 0.5, ['shares', 'stock']),
    ...rules('analyst_rating', 3, [
      'upgrade', 'upgrades', 'upgraded', 'downgrade', 'downgrades', 'downgraded', 'price target', 'price targets',
      'outperform', 'underperform', 'overweight', 'underweight', 'buy rating', 'sell rating', 'neutral rating',
      'market perform', 'sector perform', 'peer perform', 'equal weight', 'top pick', 'initiates coverage',
      'initiated coverage', 'initiated at', 'upped to', 'cut to neutral', 'cuts to neutral', 'sector weight', 'top picks',
      'conviction buy', 'is a buy', 'is a sell', 'initiated with',
    ], MEDIUM),
    ...rules('analyst_rating', 2, ['analyst', 'analysts', 'coverage', 'rating', 'ratings', 'pt', 'starts at', 'started at', 'reiterated', 'reiterates', 'overbought', 'oversold']),
    ...rules('ipo', 3, [
      'ipo', 'ipos', 'initial public offering', 'goes public', 'going public', 'go public', 'direct listing', 'spac',
      'files to go public', 'public debut', 'market debut', 'trading debut',
    ], MEDIUM),
    ...rules('ipo', 2, ['debut', 'debuts', 'listing', 'public offering', 'secondary offering']),
    ...rules('index', 3, [
      's&p 500', 'dow jones', 'nasdaq composite', 'russell 2000', 'ftse', 'nikkei', 'dax', 'hang seng', 'stoxx',
      'stock market', 'wall street', 'msci',
    ]),
    ...rules('index', 2, ['s&p', 'dow', 'nasdaq', 'index', 'indexes', 'indices', 'futures', 'equities']),
    ...rules('index', 1, ['stocks', 'markets', 'benchmark']),
    ...rules('volatility', 3, ['volatility', 'vix', 'turmoil', 'market crash', 'correction', 'bear market', 'bull market']),
    ...rules('volatility', 3, [
      'flash crash', 'circuit breaker', 'trading halt', 'trading halted', 'halts trading', 'halted', 'margin calls',
    ], HIGH_NOW),
    ...rules('volatility', 2, ['sell off', 'selloff', 'crash', 'crashes', 'panic', 'short squeeze', 'liquidations', 'whipsaw']),
  ],

  crypto_specific: [
    ...rules('hack', 3, [
      'hack', 'hacked', 'hacker', 'hackers', 'exploit', 'exploited', 'exploits', 'drained', 'rug pull', 'rugpull',
      'exit scam', '51% attack', 'private keys', 'stolen funds', 'bridge exploit',
    ], HIGH_NOW),
    ...rules('hack', 2, ['breach', 'stolen', 'phishing', 'vulnerability', 'attacker']),
    ...rules('exchange', 3, [
      'crypto exchange', 'halts withdrawals', 'paused withdrawals', 'suspends withdrawals', 'withdrawals halted',
    ], HIGH_NOW),
    ...rules('exchange', 2, ['binance', 'coinbase', 'kraken', 'ftx', 'bitfinex', 'okx', 'bybit', 'withdrawals']),
    ...rules('etf', 3, ['bitcoin etf', 'spot etf', 'spot bitcoin etf', 'ether etf', 'ethereum etf', 'crypto etf', 'etf inflows', 'etf outflows']),
    ...rules('etf', 2, ['grayscale', 'gbtc']),
    ...rules('etf', 1, ['etf', 'etfs']),
    ...rules('halving', 3, ['halving', 'halvening', 'block reward', 'difficulty adjustment', 'hashrate', 'hash rate']),
    ...rules('halving', 1, ['miners', 'mining']),
    ...rules('protocol', 3, [
      'hard fork', 'network upgrade', 'mainnet', 'testnet', 'layer 2', 'smart contract', 'smart contracts', 'defi',
      'staking', 'airdrop', 'tvl', 'gas fees', 'validators', 'consensus mechanism', 'proof of stake', 'the merge',
    ]),
    ...rules('protocol', 2, ['fork', 'protocol', 'blockchain', 'nft', 'nfts', 'dao', 'token', 'tokens', 'web3']),
    ...rules('stablecoin', 3, ['stablecoin', 'stablecoins', 'usdt', 'usdc', 'tether']),
    ...rules('stablecoin', 3, ['depeg', 'depegged', 'depegs', 'loses peg', 'lost its peg'], HIGH_NOW),
    ...rules('stablecoin', 2, ['peg', 'dai']),
    ...rules('onchain_flow', 3, [
      'whale', 'whales', 'on chain', 'onchain', 'exchange inflows', 'exchange outflows', 'cold wallet',
      'wallet address', 'moved to exchange', 'transferred to',
    ]),
    ...rules('onchain_flow', 2, ['wallet', 'wallets', 'inflows', 'outflows', 'addresses']),
    ...rules(GENERAL_SUBCATEGORY, 1, [
      'bitcoin', 'btc', 'ethereum', 'eth', 'ether', 'crypto', 'cryptocurrency', 'cryptocurrencies', 'altcoin',
      'altcoins', 'solana', 'xrp', 'dogecoin', 'digital asset', 'digital assets',
    ]),
  ],
};

/**
 * Phrases only crypto news uses. The topic model cannot answer `crypto_specific` (its data has no crypto topic), so
 * `classifyEvent` lets the rules' crypto answer stand only when the text names a crypto asset (an entity of kind
 * crypto) or one of these: generic crypto_specific cues alone ("etfs", "inflows", "wallet", "hacked") also fire on
 * equity and company news.
 */
export const CRYPTO_ANCHORS: readonly string[] = [
  'bitcoin', 'btc', 'ethereum', 'eth', 'ether', 'crypto', 'cryptocurrency', 'cryptocurrencies', 'altcoin', 'altcoins',
  'solana', 'xrp', 'dogecoin', 'digital asset', 'digital assets', 'blockchain', 'defi', 'nft', 'nfts', 'web3', 'dao',
  'stablecoin', 'stablecoins', 'usdt', 'usdc', 'tether', 'token', 'tokens', 'crypto exchange', 'binance', 'coinbase',
  'kraken', 'ftx', 'bitfinex', 'okx', 'bybit', 'bitcoin etf', 'spot bitcoin etf', 'ether etf', 'ethereum etf',
  'crypto etf', 'grayscale', 'gbtc', 'halving', 'halvening', 'hashrate', 'hash rate', 'mainnet', 'testnet', 'staking',
  'airdrop', 'rug pull', 'rugpull', 'depeg', 'depegged', 'depegs', 'on chain', 'onchain', 'layer 2', 'smart contract',
  'smart contracts', 'proof of stake', 'the merge', '51% attack', 'private keys',
];

/**
 * Impact and urgency of an event by its subcategory, before phrase tags and numbers adjust them. `general` and any
 * subcategory not listed fall back to the category's `general`.
 */
export const SUBCATEGORY_DEFAULTS: {
  readonly [C in KnownCategory]: { readonly [sub: string]: { readonly impact: Impact; readonly urgency: Urgency } };
} = {
  earnings: {
    general: { impact: 'medium', urgency: 'short_term' },
    beat: { impact: 'medium', urgency: 'short_term' },
    miss: { impact: 'medium', urgency: 'short_term' },
    guidance: { impact: 'medium', urgency: 'short_term' },
    report: { impact: 'medium', urgency: 'short_term' },
  },
  macro: {
    general: { impact: 'medium', urgency: 'short_term' },
    rates: { impact: 'medium', urgency: 'short_term' },
    inflation: { impact: 'medium', urgency: 'short_term' },
    employment: { impact: 'medium', urgency: 'short_term' },
    gdp: { impact: 'medium', urgency: 'short_term' },
    central_bank: { impact: 'medium', urgency: 'short_term' },
    trade: { impact: 'medium', urgency: 'long_term' },
  },
  corporate: {
    general: { impact: 'low', urgency: 'short_term' },
    m_and_a: { impact: 'medium', urgency: 'short_term' },
    management: { impact: 'low', urgency: 'short_term' },
    product: { impact: 'low', urgency: 'long_term' },
    partnership: { impact: 'low', urgency: 'long_term' },
    layoffs: { impact: 'medium', urgency: 'short_term' },
    bankruptcy: { impact: 'high', urgency: 'immediate' },
    dividend: { impact: 'low', urgency: 'short_term' },
    buyback: { impact: 'low', urgency: 'short_term' },
  },
  regulatory: {
    general: { impact: 'medium', urgency: 'short_term' },
    sec: { impact: 'medium', urgency: 'short_term' },
    lawsuit: { impact: 'low', urgency: 'long_term' },
    approval: { impact: 'medium', urgency: 'short_term' },
    ban: { impact: 'medium', urgency: 'short_term' },
    fine: { impact: 'medium', urgency: 'short_term' },
    investigation: { impact: 'medium', urgency: 'short_term' },
  },
  market: {
    general: { impact: 'low', urgency: 'short_term' },
    price_move: { impact: 'low', urgency: 'immediate' },
    analyst_rating: { impact: 'medium', urgency: 'short_term' },
    ipo: { impact: 'medium', urgency: 'short_term' },
    index: { impact: 'low', urgency: 'short_term' },
    volatility: { impact: 'medium', urgency: 'immediate' },
  },
  crypto_specific: {
    general: { impact: 'low', urgency: 'short_term' },
    hack: { impact: 'high', urgency: 'immediate' },
    exchange: { impact: 'medium', urgency: 'short_term' },
    etf: { impact: 'medium', urgency: 'short_term' },
    halving: { impact: 'medium', urgency: 'long_term' },
    protocol: { impact: 'low', urgency: 'long_term' },
    stablecoin: { impact: 'medium', urgency: 'immediate' },
    onchain_flow: { impact: 'low', urgency: 'immediate' },
  },
};

export const UNKNOWN_DEFAULTS = { impact: 'low', urgency: 'short_term' } as const satisfies {
  impact: Impact;
  urgency: Urgency;
};

/** Cues of timing that hold whatever the category. `immediate` wins over `long_term` when both fire. */
export const URGENCY_CUES: { readonly immediate: readonly string[]; readonly long_term: readonly string[] } = {
  immediate: [
    'breaking', 'just in', 'alert', 'urgent', 'developing', 'flash', 'halted', 'halts', 'halt', 'flash crash',
    'right now', 'moments ago', 'emergency',
  ],
  long_term: [
    'long term', 'long run', 'next decade', 'over the next', 'multi year', 'five year', 'ten year plan', 'roadmap',
    'strategy', 'strategic plan', 'by 2025', 'by 2026', 'by 2027', 'by 2028', 'by 2030', 'by 2035', 'by 2040',
    'by 2050', 'in the coming years', 'years ahead', 'secular',
  ],
};

/** Phrases that make any event high impact when they appear, even outside the winning category's evidence. */
export const HIGH_IMPACT_CUES: readonly string[] = ['fraud', 'bankruptcy', 'chapter 11', 'halted', 'trading halt', 'hack', 'exploit'];

/** Words that state a price move when a percentage follows them ("up 3.8%", "falling 6%"). */
export const MOVE_WORDS: readonly string[] = [
  'up', 'down', 'rose', 'fell', 'rises', 'falls', 'rising', 'falling', 'jumps', 'jumped', 'gains', 'gained', 'drops',
  'dropped', 'slides', 'slid', 'climbs', 'climbed', 'sinks', 'sank', 'surges', 'surged', 'plunges', 'plunged', 'soars',
  'soared', 'tumbles', 'tumbled', 'higher', 'lower', 'off', 'gaining', 'losing', 'lost', 'added', 'shed',
];

/** A move this large (in percent, either sign) lifts price moves, beats and misses to high impact; half of it to medium. */
export const BIG_MOVE_PCT = 10;

/**
 * Decay half-lives in seconds, by category and urgency (README.md explains the choices). The feature injector
 * multiplies a signal's confidence by 0.5^(age / half_life).
 */
const MIN = 60;
const HOUR = 3600;
const DAY = 86_400;
export const HALF_LIFE_S: { readonly [C in EventCategory]: { readonly [U in Urgency]: number } } = {
  earnings: { immediate: 1 * HOUR, short_term: 12 * HOUR, long_term: 3 * DAY },
  macro: { immediate: 2 * HOUR, short_term: 2 * DAY, long_term: 7 * DAY },
  corporate: { immediate: 1 * HOUR, short_term: 12 * HOUR, long_term: 5 * DAY },
  regulatory: { immediate: 1 * HOUR, short_term: 1 * DAY, long_term: 7 * DAY },
  market: { immediate: 15 * MIN, short_term: 4 * HOUR, long_term: 2 * DAY },
  crypto_specific: { immediate: 30 * MIN, short_term: 6 * HOUR, long_term: 3 * DAY },
  unknown: { immediate: 15 * MIN, short_term: 2 * HOUR, long_term: 12 * HOUR },
};
