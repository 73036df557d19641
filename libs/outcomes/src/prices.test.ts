import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionCloseMs, sessionOpenMs } from './calendar.ts';
import { outcomeStartMs, outcomesFromPrices } from './price-outcomes.ts';
import { PriceTable, parsePriceCsv, parsePriceJsonl, readPrices } from './prices.ts';
import { readOutcomeFile } from './outcome-file.ts';

const YAHOO = `Date,Open,High,Low,Close,Adj Close,Volume
2015-03-05,10,11,9,10,5,100
2015-03-06,11,12,10,12,6,100
2015-03-09,null,null,null,null,null,null
2015-03-10,12,13,11,12.6,6.3,100
`;

describe('price files', () => {
  it('reads Yahoo CSVs named after the asset, skips null rows and adjusts the open like the close', () => {
    const { bars, skipped } = parsePriceCsv(YAHOO, 'brk-a.csv');
    expect(skipped).toBe(1);
    expect(bars.map((b) => b.date)).toEqual(['2015-03-05', '2015-03-06', '2015-03-10']);
    expect(bars[0]!.asset).toBe('BRK-A');
    const t = new PriceTable(bars);
    expect(t.price('BRK-A', 0, 'open')).toBeCloseTo(5, 12); // 10 × 5/10
    expect(t.forwardReturn('BRK-A', 0, 'open')).toBeCloseTo((11 * (6 / 12)) / 5 - 1, 12);
    expect(t.forwardReturn('BRK-A', 0, 'close')).toBeCloseTo(6 / 5 - 1, 12);
    expect(t.forwardReturn('BRK-A', 2, 'close')).toBeUndefined(); // no later session
  });

  it('reads a long CSV with a ticker column and JSON lines', () => {
    const long = 'ticker,date,open,high,low,close,adj_close\nAAPL,2015-03-05,1,1,1,2,2\nMSFT,2015-03-05,3,3,3,4,4\n';
    expect(parsePriceCsv(long).bars.map((b) => b.asset)).toEqual(['AAPL', 'MSFT']);
    const jl = '{"asset":"btc","date":"2015-03-05","open":1,"close":2}\n\n{"asset":"BTC","date":"2015-03-06","open":2,"close":3}\n';
    const { bars } = parsePriceJsonl(jl);
    expect(bars).toEqual([
      { asset: 'BTC', date: '2015-03-05', open: 1, close: 2, adjClose: 2 },
      { asset: 'BTC', date: '2015-03-06', open: 2, close: 3, adjClose: 3 },
    ]);
    expect(() => parsePriceCsv('date,open,close\n05/03/2015,1,2\n', 'X.csv')).toThrow(/YYYY-MM-DD/);
  });

  it('treats a date missing for one asset as unknown, not as zero return', () => {
    const t = new PriceTable([
      { asset: 'A', date: '2015-03-05', open: 1, close: 1, adjClose: 1 },
      { asset: 'A', date: '2015-03-06', open: 1, close: 1, adjClose: 1 },
      { asset: 'B', date: '2015-03-05', open: 1, close: 1, adjClose: 1 },
    ]);
    expect(t.calendar.length).toBe(2);
    expect(t.forwardReturn('B', 0, 'close')).toBeUndefined();
  });
});

describe('outcomesFromPrices', () => {
  it('makes open→next open and close→next close outcomes, ordered by when they became known', () => {
    const t = new PriceTable(parsePriceCsv(YAHOO, 'X.csv').bars);
    const os = outcomesFromPrices(t, [1, 2]);
    expect(os.map((o) => o.id)).toEqual([
      'px:X:open:2015-03-05:1',
      'px:X:close:2015-03-05:1',
      'px:X:open:2015-03-05:2',
      'px:X:open:2015-03-06:1',
      'px:X:close:2015-03-05:2',
      'px:X:close:2015-03-06:1',
    ]);
    const first = os[0]!;
    expect(outcomeStartMs(first)).toBe(sessionOpenMs('2015-03-05'));
    expect(first.observed_at).toBe(sessionOpenMs('2015-03-06'));
    expect(first.sessions).toBe(1);
    const twoDay = os.find((o) => o.id === 'px:X:close:2015-03-05:2')!;
    expect(outcomeStartMs(twoDay)).toBe(sessionCloseMs('2015-03-05'));
    expect(twoDay.realised_return).toBeCloseTo(6.3 / 5 - 1, 12);
  });

  const dir = mkdtempSync(join(tmpdir(), 'himari-px-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a directory of price files, or JSON lines of ready outcomes', async () => {
    writeFileSync(join(dir, 'AAA.csv'), YAHOO);
    writeFileSync(join(dir, 'BBB.csv'), YAHOO);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const r = await readPrices(dir);
    expect(r.files).toBe(2);
    expect(r.skipped).toEqual([
      { file: 'AAA.csv', rows: 1 },
      { file: 'BBB.csv', rows: 1 },
    ]);
    const fromDir = await readOutcomeFile(dir, [1]);
    expect(fromDir).toMatchObject({ kind: 'prices', bars: 6, assets: 2, skipped: 2 });
    expect(fromDir.outcomes).toHaveLength(8);

    const file = join(dir, 'outcomes.jsonl');
    writeFileSync(
      file,
      `${JSON.stringify({ id: 'o1', signal_id: 's1', asset: 'AAA', horizon_s: 86400, realised_return: 0.01, observed_at: 1 })}\n`,
    );
    const direct = await readOutcomeFile(file, [1]);
    expect(direct.kind).toBe('outcomes');
    expect(direct.outcomes[0]).toMatchObject({ v: 1, id: 'o1', signal_id: 's1' });
    writeFileSync(file, `${JSON.stringify({ id: 'o1', asset: 'AAA', horizon_s: -1, realised_return: 0.01, observed_at: 1 })}\n`);
    await expect(readOutcomeFile(file, [1])).rejects.toThrow(/line 1: horizon_s/);
  });
});
