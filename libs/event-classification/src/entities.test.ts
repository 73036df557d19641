import { describe, it, expect } from 'vitest';
import { extractEntities } from './entities.ts';
import { ENTITY_DICTIONARY } from './entity-dictionary.ts';

describe('extractEntities', () => {
  it('reads cashtags, including class shares, in order and without repeats', () => {
    expect(extractEntities('$AAPL and $btc up; $BRK.B flat; $AAPL again')).toEqual(['AAPL', 'BTC', 'BRK.B']);
  });

  it('ignores dollar amounts and tags inside words', () => {
    expect(extractEntities('Raised $5M at a $1.2B valuation; email a$b')).toEqual([]);
  });

  it('maps dictionary names, whole words only', () => {
    expect(extractEntities('Microsoft and Nvidia lead; Bitcoin and Ethereum follow')).toEqual(['MSFT', 'NVDA', 'BTC', 'ETH']);
    expect(extractEntities('Google parent Alphabet; Facebook owner Meta')).toEqual(['GOOGL', 'META']);
    expect(extractEntities('Teslamania and Applebee specials')).toEqual([]);
  });

  it('needs a capital for names that are everyday words', () => {
    expect(extractEntities('apple pie and ether anaesthesia, meta commentary')).toEqual([]);
    expect(extractEntities('Apple and Ether rally')).toEqual(['AAPL', 'ETH']);
  });

  it('matches multi-word and punctuated names', () => {
    expect(extractEntities('Bank of America and Johnson & Johnson; AT&T too')).toEqual(['BAC', 'JNJ', 'T']);
  });

  it('takes bare upper-case tickers of the dictionary that are not common words, and no unknown acronym', () => {
    expect(extractEntities('Bull sees 2020 upsides for MU, WDC')).toEqual(['MU']);
    expect(extractEntities('Bull sees 2020 upsides for $MU, $WDC')).toEqual(['MU', 'WDC']);
    expect(extractEntities('The CEO said the IPO and EPS beat the US GDP and CPI data, NEW ETF ON IT')).toEqual([]);
    // Acronyms that the old open bare-ticker rule took for tickers in the topic data.
    expect(extractEntities('GAAP EPS of $1.42 per BBG; LLP files; RTRS says VWAP held; ICYMI the FRN fix')).toEqual([]);
  });

  it('reads dictionary tickers that are English words or abbreviations as the word when bare', () => {
    expect(
      extractEntities(
        'The Dow fell as the 50 MA broke; LINK in bio; COST of living, ETC; NEAR term; a TON of coal; HD video, USB drive; MO voters',
      ),
    ).toEqual([]);
    expect(extractEntities('Costco and Polkadot rise; $COST and $DOT too')).toEqual(['COST', 'DOT']);
  });

  it('does not take a variant name for a ticker, and reads StockTwits crypto tags', () => {
    expect(extractEntities('Omicron BA.5 now dominant; Boeing (BA) rises')).toEqual(['BA']);
    expect(extractEntities('$BTC.X back over 23K, $ETH.X follows')).toEqual(['BTC', 'ETH']);
    expect(extractEntities("RBA's Philip Lowe signals more hikes")).toEqual([]);
  });

  it('finds no tickers in shouted English', () => {
    expect(extractEntities('I THINK THE CEO IS GREAT')).toEqual([]);
    expect(extractEntities('BREAKING: MARKETS PANIC AS TRUMP SPEAKS')).toEqual([]);
  });

  it('still reads cashtags and names in shouted text', () => {
    expect(extractEntities('BREAKING: TESLA RECALLS CARS, $F FALLS')).toEqual(['TSLA', 'F']);
  });

  it('skips single letters, dotted abbreviations and links', () => {
    expect(extractEntities('Class A shares of U.S. firm rise https://t.co/AbCDE')).toEqual([]);
  });

  it('keeps every dictionary ticker in the bare-ticker form the rest of the pipeline uses', () => {
    for (const e of ENTITY_DICTIONARY) expect(e.ticker).toMatch(/^[A-Z]{1,5}(\.[A-Z])?$/);
  });

  it('covers the S&P 100 by name', () => {
    const byName = (name: string): string[] => extractEntities(`${name} said on Monday it expects growth`);
    const sp100: [string, string][] = [
      ['Apple', 'AAPL'],
      ['AbbVie', 'ABBV'],
      ['Abbott Laboratories', 'ABT'],
      ['Accenture', 'ACN'],
      ['Adobe', 'ADBE'],
      ['American International Group', 'AIG'],
      ['Advanced Micro Devices', 'AMD'],
      ['Amgen', 'AMGN'],
      ['American Tower', 'AMT'],
      ['Amazon', 'AMZN'],
      ['Broadcom', 'AVGO'],
      ['American Express', 'AXP'],
      ['Boeing', 'BA'],
      ['Bank of America', 'BAC'],
      ['BNY Mellon', 'BK'],
      ['Booking Holdings', 'BKNG'],
      ['BlackRock', 'BLK'],
      ['Bristol-Myers Squibb', 'BMY'],
      ['Berkshire Hathaway', 'BRK.B'],
      ['Citigroup', 'C'],
      ['Caterpillar', 'CAT'],
      ['Charter Communications', 'CHTR'],
      ['Colgate-Palmolive', 'CL'],
      ['Comcast', 'CMCSA'],
      ['Capital One', 'COF'],
      ['ConocoPhillips', 'COP'],
      ['Costco', 'COST'],
      ['Salesforce', 'CRM'],
      ['Cisco', 'CSCO'],
      ['CVS Health', 'CVS'],
      ['Chevron', 'CVX'],
      ['Deere', 'DE'],
      ['Danaher', 'DHR'],
      ['Disney', 'DIS'],
      ['Dow Inc', 'DOW'],
      ['Duke Energy', 'DUK'],
      ['Emerson Electric', 'EMR'],
      ['Exelon', 'EXC'],
      ['Ford', 'F'],
      ['FedEx', 'FDX'],
      ['General Dynamics', 'GD'],
      ['General Electric', 'GE'],
      ['Gilead Sciences', 'GILD'],
      ['General Motors', 'GM'],
      ['Alphabet', 'GOOGL'],
      ['Goldman Sachs', 'GS'],
      ['Home Depot', 'HD'],
      ['Honeywell', 'HON'],
      ['IBM', 'IBM'],
      ['Intel', 'INTC'],
      ['Intuit', 'INTU'],
      ['Johnson & Johnson', 'JNJ'],
      ['JPMorgan Chase', 'JPM'],
      ['Kraft Heinz', 'KHC'],
      ['Coca-Cola', 'KO'],
      ['Linde', 'LIN'],
      ['Eli Lilly', 'LLY'],
      ['Lockheed Martin', 'LMT'],
      ["Lowe's Companies", 'LOW'],
      ['Mastercard', 'MA'],
      ["McDonald's", 'MCD'],
      ['Mondelez', 'MDLZ'],
      ['Medtronic', 'MDT'],
      ['MetLife', 'MET'],
      ['Meta Platforms', 'META'],
      ['3M Company', 'MMM'],
      ['Altria', 'MO'],
      ['Merck', 'MRK'],
      ['Morgan Stanley', 'MS'],
      ['Microsoft', 'MSFT'],
      ['NextEra Energy', 'NEE'],
      ['Netflix', 'NFLX'],
      ['Nike', 'NKE'],
      ['Nvidia', 'NVDA'],
      ['Oracle', 'ORCL'],
      ['PepsiCo', 'PEP'],
      ['Pfizer', 'PFE'],
      ['Procter & Gamble', 'PG'],
      ['Philip Morris International', 'PM'],
      ['PayPal', 'PYPL'],
      ['Qualcomm', 'QCOM'],
      ['Raytheon', 'RTX'],
      ['Starbucks', 'SBUX'],
      ['Charles Schwab', 'SCHW'],
      ['Southern Company', 'SO'],
      ['Simon Property Group', 'SPG'],
      ['AT&T', 'T'],
      ['Target Corp', 'TGT'],
      ['Thermo Fisher Scientific', 'TMO'],
      ['T-Mobile', 'TMUS'],
      ['Tesla', 'TSLA'],
      ['Texas Instruments', 'TXN'],
      ['UnitedHealth', 'UNH'],
      ['Union Pacific', 'UNP'],
      ['United Parcel Service', 'UPS'],
      ['U.S. Bancorp', 'USB'],
      ['Visa', 'V'],
      ['Verizon', 'VZ'],
      ['Walgreens', 'WBA'],
      ['Wells Fargo', 'WFC'],
      ['Walmart', 'WMT'],
      ['Exxon Mobil', 'XOM'],
    ];
    expect(sp100.length).toBeGreaterThanOrEqual(100);
    for (const [name, ticker] of sp100) expect(byName(name), name).toEqual([ticker]);
  });

  it('covers the top crypto assets by name, the longest name winning', () => {
    const top: [string, string][] = [
      ['Bitcoin', 'BTC'],
      ['Ethereum', 'ETH'],
      ['Tether', 'USDT'],
      ['Binance Coin', 'BNB'],
      ['Solana', 'SOL'],
      ['Ripple', 'XRP'],
      ['USD Coin', 'USDC'],
      ['Dogecoin', 'DOGE'],
      ['Cardano', 'ADA'],
      ['Tron', 'TRX'],
      ['Toncoin', 'TON'],
      ['Avalanche', 'AVAX'],
      ['Shiba Inu', 'SHIB'],
      ['Chainlink', 'LINK'],
      ['Polkadot', 'DOT'],
      ['Bitcoin Cash', 'BCH'],
      ['Litecoin', 'LTC'],
      ['NEAR Protocol', 'NEAR'],
      ['Polygon', 'POL'],
      ['Uniswap', 'UNI'],
      ['Internet Computer', 'ICP'],
      ['Stellar Lumens', 'XLM'],
      ['Monero', 'XMR'],
      ['Ethereum Classic', 'ETC'],
      ['Aptos', 'APT'],
      ['Hedera', 'HBAR'],
    ];
    for (const [name, ticker] of top) expect(extractEntities(`${name} rallies overnight`), name).toEqual([ticker]);
    expect(extractEntities('bitcoin and ethereum climb')).toEqual(['BTC', 'ETH']);
  });

  it('gives every alias one ticker and every ticker one entry', () => {
    const tickers = ENTITY_DICTIONARY.map((e) => e.ticker);
    expect(new Set(tickers).size).toBe(tickers.length);
    const aliases = ENTITY_DICTIONARY.flatMap((e) => e.aliases.map((a) => a.toLowerCase()));
    expect(new Set(aliases).size).toBe(aliases.length);
  });
});
