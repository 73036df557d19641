/**
 * What kind of asset a symbol is, and the words that name it in a headline. The role decides how an event reads for
 * the asset: rising yields are bad for a bond fund, a stablecoin wants to sit at its peg, a rate cut lifts an index.
 */
import { ENTITY_DICTIONARY } from '@himari/event-classification';

export const AssetRole = {
  /** A single company's shares. */
  equity: 'equity',
  /** A fund that stands for a stock market (S&P 500, Dow, Nasdaq, a country index). */
  index: 'index',
  /** A fund of government bonds: its price falls when yields rise. */
  bond: 'bond',
  gold: 'gold',
  oil: 'oil',
  /** A coin or token whose price floats. */
  crypto: 'crypto',
  /** A coin meant to stay at $1: losing the peg is bad, regaining it only undoes the loss. */
  stablecoin: 'stablecoin',
} as const;
export type AssetRole = (typeof AssetRole)[keyof typeof AssetRole];

interface Proxy {
  readonly role: AssetRole;
  /** Lower-case phrases that name the market the symbol stands for. */
  readonly names: readonly string[];
}

const US_INDEX = ['stocks', 'wall street', 'wall st', 's&p 500', 's&p', 'equities', 'stock market', 'stock futures', 'futures'];

/** Funds and coins that stand for a market rather than a company; the names are how headlines call that market. */
const PROXIES: Readonly<Record<string, Proxy>> = {
  SPY: { role: 'index', names: US_INDEX },
  VOO: { role: 'index', names: US_INDEX },
  IVV: { role: 'index', names: US_INDEX },
  DIA: { role: 'index', names: ['dow jones industrial average', 'dow jones', 'djia', 'dow', ...US_INDEX] },
  QQQ: { role: 'index', names: ['nasdaq composite', 'nasdaq', 'tech stocks', ...US_INDEX] },
  IWM: { role: 'index', names: ['russell 2000', 'small caps', 'small-cap stocks'] },
  EWJ: { role: 'index', names: ['nikkei', 'japanese stocks', "japan's"] },
  TLT: { role: 'bond', names: ['treasuries', 'treasury', 'bonds', 'bond', 'government debt'] },
  IEF: { role: 'bond', names: ['treasuries', 'treasury', 'bonds', 'bond'] },
  SHY: { role: 'bond', names: ['treasuries', 'treasury', 'bonds', 'bond'] },
  AGG: { role: 'bond', names: ['bonds', 'bond'] },
  BND: { role: 'bond', names: ['bonds', 'bond'] },
  GLD: { role: 'gold', names: ['gold', 'bullion'] },
  IAU: { role: 'gold', names: ['gold', 'bullion'] },
  XAU: { role: 'gold', names: ['gold', 'bullion'] },
  USO: { role: 'oil', names: ['oil', 'crude', 'brent', 'wti'] },
  BNO: { role: 'oil', names: ['oil', 'crude', 'brent'] },
  BTC: { role: 'crypto', names: ['bitcoin', 'crypto market', 'crypto markets', 'cryptocurrency', 'cryptocurrencies', 'crypto'] },
};

const STABLECOINS: ReadonlySet<string> = new Set(['USDT', 'USDC', 'DAI', 'BUSD', 'TUSD', 'UST', 'USDD', 'FDUSD', 'PYUSD', 'USDE', 'FRAX']);
const STABLECOIN_NAMES: Readonly<Record<string, readonly string[]>> = {
  UST: ['terrausd', 'terra usd'],
  USDC: ['usd coin'],
  USDT: ['tether'],
};

const CRYPTO: ReadonlySet<string> = new Set(ENTITY_DICTIONARY.filter((e) => e.kind === 'crypto').map((e) => e.ticker));

export function roleOf(asset: string): AssetRole {
  const a = asset.toUpperCase();
  if (STABLECOINS.has(a)) return 'stablecoin';
  const proxy = PROXIES[a];
  if (proxy) return proxy.role;
  if (CRYPTO.has(a)) return 'crypto';
  return 'equity';
}

export interface Alias {
  readonly ticker: string;
  /** Matched case-insensitively unless `proper`: then the first letter must be a capital in the text. */
  readonly text: string;
  readonly proper: boolean;
}

/** Every name the judgement knows for every symbol: the J7 entity dictionary, the market proxies, the stablecoins. */
export const ALIASES: readonly Alias[] = buildAliases();

function buildAliases(): Alias[] {
  const out: Alias[] = [];
  for (const e of ENTITY_DICTIONARY) {
    for (const text of e.aliases) {
      const proper = e.properNoun === true || (Array.isArray(e.properNoun) && e.properNoun.includes(text));
      out.push({ ticker: e.ticker, text: text.toLowerCase(), proper });
    }
  }
  for (const [ticker, p] of Object.entries(PROXIES)) for (const text of p.names) out.push({ ticker, text, proper: false });
  for (const [ticker, names] of Object.entries(STABLECOIN_NAMES)) for (const text of names) out.push({ ticker, text, proper: false });
  return out;
}

/** True when the symbol stands for a whole market (index, bonds, gold, oil, the crypto market). */
export function isMarketProxy(asset: string): boolean {
  return PROXIES[asset.toUpperCase()] !== undefined;
}
