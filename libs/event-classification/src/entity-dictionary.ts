/**
 * Company and crypto names that map to tickers, written for this project. Data, not code: a later issue grows it.
 * Aliases match as whole words, case-insensitively, except that `properNoun` entries need a capital first letter in
 * the text, because their lower-case form is an everyday word ("apple", "meta", "ether", "visa").
 */

export interface EntityEntry {
  readonly ticker: string;
  readonly kind: 'equity' | 'crypto';
  readonly aliases: readonly string[];
  readonly properNoun?: boolean;
}

export const ENTITY_DICTIONARY: readonly EntityEntry[] = [
  // Equities
  { ticker: 'AAPL', kind: 'equity', aliases: ['Apple'], properNoun: true },
  { ticker: 'MSFT', kind: 'equity', aliases: ['Microsoft'] },
  { ticker: 'TSLA', kind: 'equity', aliases: ['Tesla'] },
  { ticker: 'AMZN', kind: 'equity', aliases: ['Amazon'], properNoun: true },
  { ticker: 'NVDA', kind: 'equity', aliases: ['Nvidia'] },
  { ticker: 'GOOGL', kind: 'equity', aliases: ['Alphabet', 'Google'], properNoun: true },
  { ticker: 'META', kind: 'equity', aliases: ['Meta Platforms', 'Meta', 'Facebook'], properNoun: true },
  { ticker: 'NFLX', kind: 'equity', aliases: ['Netflix'] },
  { ticker: 'INTC', kind: 'equity', aliases: ['Intel'] },
  { ticker: 'AMD', kind: 'equity', aliases: ['Advanced Micro Devices'] },
  { ticker: 'BRK.B', kind: 'equity', aliases: ['Berkshire Hathaway', 'Berkshire'] },
  { ticker: 'JPM', kind: 'equity', aliases: ['JPMorgan Chase', 'JPMorgan', 'JP Morgan', 'J.P. Morgan'] },
  { ticker: 'GS', kind: 'equity', aliases: ['Goldman Sachs'] },
  { ticker: 'MS', kind: 'equity', aliases: ['Morgan Stanley'] },
  { ticker: 'BAC', kind: 'equity', aliases: ['Bank of America', 'BofA'] },
  { ticker: 'C', kind: 'equity', aliases: ['Citigroup', 'Citi'], properNoun: true },
  { ticker: 'WFC', kind: 'equity', aliases: ['Wells Fargo'] },
  { ticker: 'BA', kind: 'equity', aliases: ['Boeing'] },
  { ticker: 'WMT', kind: 'equity', aliases: ['Walmart'] },
  { ticker: 'DIS', kind: 'equity', aliases: ['Walt Disney', 'Disney'] },
  { ticker: 'KO', kind: 'equity', aliases: ['Coca-Cola', 'Coca Cola'] },
  { ticker: 'XOM', kind: 'equity', aliases: ['Exxon Mobil', 'ExxonMobil', 'Exxon'] },
  { ticker: 'CVX', kind: 'equity', aliases: ['Chevron'] },
  { ticker: 'PFE', kind: 'equity', aliases: ['Pfizer'] },
  { ticker: 'MRNA', kind: 'equity', aliases: ['Moderna'] },
  { ticker: 'JNJ', kind: 'equity', aliases: ['Johnson & Johnson'] },
  { ticker: 'V', kind: 'equity', aliases: ['Visa'], properNoun: true },
  { ticker: 'MA', kind: 'equity', aliases: ['Mastercard'] },
  { ticker: 'ORCL', kind: 'equity', aliases: ['Oracle'], properNoun: true },
  { ticker: 'CRM', kind: 'equity', aliases: ['Salesforce'] },
  { ticker: 'UBER', kind: 'equity', aliases: ['Uber'], properNoun: true },
  { ticker: 'PYPL', kind: 'equity', aliases: ['PayPal'] },
  { ticker: 'SBUX', kind: 'equity', aliases: ['Starbucks'] },
  { ticker: 'NKE', kind: 'equity', aliases: ['Nike'], properNoun: true },
  { ticker: 'MCD', kind: 'equity', aliases: ["McDonald's", 'McDonalds'] },
  { ticker: 'F', kind: 'equity', aliases: ['Ford Motor', 'Ford'], properNoun: true },
  { ticker: 'GM', kind: 'equity', aliases: ['General Motors'] },
  { ticker: 'T', kind: 'equity', aliases: ['AT&T'] },
  { ticker: 'QCOM', kind: 'equity', aliases: ['Qualcomm'] },
  { ticker: 'AVGO', kind: 'equity', aliases: ['Broadcom'] },
  { ticker: 'PLTR', kind: 'equity', aliases: ['Palantir'] },
  { ticker: 'COIN', kind: 'equity', aliases: ['Coinbase'] },
  { ticker: 'MSTR', kind: 'equity', aliases: ['MicroStrategy', 'Strategy Inc'] },
  // Crypto assets
  { ticker: 'BTC', kind: 'crypto', aliases: ['Bitcoin'] },
  { ticker: 'ETH', kind: 'crypto', aliases: ['Ethereum', 'Ether'], properNoun: true },
  { ticker: 'SOL', kind: 'crypto', aliases: ['Solana'] },
  { ticker: 'XRP', kind: 'crypto', aliases: ['Ripple'], properNoun: true },
  { ticker: 'ADA', kind: 'crypto', aliases: ['Cardano'] },
  { ticker: 'DOGE', kind: 'crypto', aliases: ['Dogecoin'] },
  { ticker: 'LTC', kind: 'crypto', aliases: ['Litecoin'] },
  { ticker: 'DOT', kind: 'crypto', aliases: ['Polkadot'] },
  { ticker: 'LINK', kind: 'crypto', aliases: ['Chainlink'] },
  { ticker: 'AVAX', kind: 'crypto', aliases: ['Avalanche'], properNoun: true },
  { ticker: 'USDT', kind: 'crypto', aliases: ['Tether'], properNoun: true },
  { ticker: 'USDC', kind: 'crypto', aliases: ['USD Coin'] },
  { ticker: 'BNB', kind: 'crypto', aliases: ['Binance Coin'] },
  { ticker: 'SHIB', kind: 'crypto', aliases: ['Shiba Inu'] },
  { ticker: 'TRX', kind: 'crypto', aliases: ['Tron'], properNoun: true },
  { ticker: 'TON', kind: 'crypto', aliases: ['Toncoin'] },
];

/**
 * Upper-case words of one to five letters that are not tickers when written bare (a cashtag such as `$ON` still
 * counts). Acronyms common in financial news, short English words as they appear in capitalised headlines, and
 * datelines.
 */
export const TICKER_STOP_WORDS: readonly string[] = [
  // Finance, economics, regulators, institutions
  'CEO', 'CFO', 'COO', 'CTO', 'CIO', 'EPS', 'IPO', 'IPOS', 'SEC', 'FED', 'FOMC', 'GDP', 'CPI', 'PPI', 'PCE', 'PMI',
  'ETF', 'ETFS', 'ETN', 'NAV', 'AUM', 'YOY', 'QOQ', 'MOM', 'YTD', 'TTM', 'ATH', 'ATL', 'M&A', 'LLC', 'INC', 'LTD',
  'PLC', 'CORP', 'CO', 'AG', 'SA', 'NV', 'SE', 'NYSE', 'OTC', 'IRS', 'DOJ', 'FTC', 'FDA', 'FCC', 'CFTC', 'OCC',
  'FDIC', 'ECB', 'BOE', 'BOJ', 'PBOC', 'RBA', 'RBI', 'SNB', 'IMF', 'WTO', 'OPEC', 'NATO', 'UN', 'WHO', 'EU', 'EPA',
  'FAA', 'NTSB', 'NHTSA', 'OECD', 'G7', 'G20', 'QE', 'QT', 'ESG', 'EV', 'EVS', 'AI', 'AGI', 'API', 'GPU', 'CPU',
  'IT', 'IP', 'PR', 'HR', 'IR', 'PE', 'VC', 'PT', 'EBIT', 'ROI', 'ROE', 'FY', 'Q1', 'Q2', 'Q3', 'Q4', 'H1', 'H2',
  'NFT', 'NFTS', 'DEFI', 'DAO', 'DEX', 'CEX', 'TVL', 'KYC', 'AML', 'CBDC', 'USD', 'EUR', 'GBP', 'JPY', 'CNY',
  'CAD', 'AUD', 'CHF', 'HKD', 'INR', 'RMB', 'WTI', 'LNG', 'OIL', 'GAS', 'BPS', 'ADR', 'ADRS', 'REIT', 'SPAC',
  'SPACS', 'NDA', 'BLA', 'EUA', 'PDUFA', 'COVID', 'SARS', 'MW', 'GW', 'KW', 'BN', 'MN', 'BLN', 'MLN', 'TRN',
  'AM', 'PM', 'ET', 'EST', 'EDT', 'GMT', 'UTC', 'PST', 'CET',
  // Places, datelines and media
  'US', 'USA', 'UK', 'UAE', 'NY', 'NYC', 'DC', 'LA', 'SF', 'HK', 'YORK', 'HONG', 'KONG', 'CHINA', 'JAPAN',
  'INDIA', 'TEXAS', 'PARIS', 'CNBC', 'WSJ', 'AP', 'AFP', 'BBC', 'CNN', 'FT', 'NYT', 'NPR', 'CBS', 'NBC', 'ABC',
  // English words as they appear in capitalised headlines and shouting posts
  'A', 'I', 'AN', 'AND', 'ARE', 'AS', 'AT', 'BE', 'BEEN', 'BUT', 'BY', 'CAN', 'DID', 'DO', 'DOES', 'FOR', 'FROM',
  'GET', 'GO', 'GOT', 'HAD', 'HAS', 'HAVE', 'HE', 'HER', 'HIS', 'HOW', 'IF', 'IN', 'INTO', 'IS', 'ITS', 'JUST',
  'LIKE', 'ME', 'MORE', 'MOST', 'MY', 'NO', 'NOT', 'NOW', 'OF', 'OFF', 'ON', 'ONE', 'OR', 'OUR', 'OUT', 'OVER',
  'SO', 'THAN', 'THAT', 'THE', 'THEIR', 'THEM', 'THEN', 'THERE', 'THESE', 'THEY', 'THIS', 'TO', 'TOO', 'UP',
  'VERY', 'WAS', 'WE', 'WERE', 'WHAT', 'WHEN', 'WHERE', 'WHICH', 'WHO', 'WHY', 'WILL', 'WITH', 'YOU',
  'YOUR', 'ALL', 'ANY', 'NEW', 'BIG', 'TOP', 'LOW', 'HIGH', 'OLD', 'BEST', 'GOOD', 'BAD', 'GREAT', 'HUGE', 'FIRST',
  'LAST', 'NEXT', 'AFTER', 'AGAIN', 'ABOUT', 'THINK', 'KNOW', 'SAYS', 'SAID', 'SAY', 'SEE', 'SEES', 'MAKE', 'TAKE',
  'BACK', 'STILL', 'EVEN', 'EVER', 'NEVER', 'ONLY', 'OWN', 'SAME', 'SOME', 'SUCH', 'EACH', 'BOTH', 'FEW', 'MANY',
  'MUCH', 'OTHER', 'WELL', 'ALSO', 'HERE', 'YES', 'OK', 'WOW', 'LOL', 'OMG', 'IMO', 'IMHO', 'TBH', 'FYI', 'BTW',
  'RIP', 'WTF', 'NEWS', 'ALERT', 'LIVE', 'WATCH', 'VIDEO', 'UPDATE', 'HOT', 'BUY', 'SELL', 'HOLD', 'LONG',
  'SHORT', 'CALL', 'CALLS', 'PUT', 'PUTS', 'BULL', 'BEAR', 'MOON', 'PUMP', 'DUMP', 'HODL', 'FOMO', 'FUD', 'REKT',
  'GAIN', 'GAINS', 'LOSS', 'RISK', 'WEEK', 'DAY', 'TODAY', 'YEAR', 'STOCK', 'SHARE', 'PRICE', 'RATE', 'RATES',
  'DEAL', 'CASH', 'DEBT', 'BANK', 'FUND', 'MONEY', 'MAJOR', 'BREAK', 'CRASH', 'DROP', 'RALLY', 'SURGE', 'JUMP',
  'FALL', 'RISE', 'DOWN', 'WAR', 'MAY', 'JUNE', 'JULY', 'MARCH', 'APRIL', 'JAN', 'FEB', 'MAR', 'APR', 'JUN',
  'JUL', 'AUG', 'SEP', 'SEPT', 'OCT', 'NOV', 'DEC', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN', 'CEOS',
];
