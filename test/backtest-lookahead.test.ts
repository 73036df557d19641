/**
 * The backtest is point-in-time: a news item dated in the future cannot move an earlier trade, even when it is the
 * first line of the file; it does move its own trade point. And J4, inside the replay, only ever calibrates a signal
 * with a map fitted on returns that were known before the signal was published.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest, parseNewsJsonl, type BacktestRun } from '@himari/backtest';
import { syntheticMarket } from '@himari/backtest/testing';
import { loadConfig } from '@himari/config';
import { silentLogger } from '@himari/observability';
import { calibrationServiceFrom, Ledger, nyWallToUtcMs, PriceTable } from '@himari/outcomes';

const config = loadConfig({
  overrides: {
    sentiment: { backend: 'lexicon' },
    calibration: { min_samples: 10, refit_every: 5, backtest: { random_seeds: 3, min_assets: 5 } },
    observability: { log_level: 'silent' },
  },
});
const market = syntheticMarket({ assets: 10, sessions: 40, seed: 11 });
const prices = new PriceTable(market.bars);

async function backtest(lines: object[]): Promise<{ run: BacktestRun; ledger: Ledger }> {
  const ledger = Ledger.open(null);
  const calibration = calibrationServiceFrom(config.calibration, ledger, silentLogger());
  const news = parseNewsJsonl(lines.map((l) => JSON.stringify(l)).join('\n'));
  const run = await runBacktest({ config, news, prices, lm: null, calibration, log: silentLogger() });
  calibration.close();
  return { run, ledger };
}

describe('himari backtest: no look-ahead', () => {
  it('a future-dated item leaves every earlier trade and signal unchanged, and moves its own trade point', async () => {
    const plantDate = market.dates[30]!;
    const plantMs = nyWallToUtcMs(plantDate, 8 * 60 + 30); // before that session's open: trades at the open
    const plantAsset = 'SYN03';
    // SYN03 must have no other news at that open, so the planted item alone decides its place in the book.
    const base = market.news.filter((n) => !(n.asset === plantAsset && n.published_at.startsWith(plantDate)));
    const planted = {
      id: 'planted-future',
      text: `${plantAsset} collapses: fraud charges, bankruptcy filing, crash, plunge and a lawsuit`,
      asset: plantAsset,
      source: 'synthetic',
      kind: 'news',
      published_at: new Date(plantMs).toISOString(),
    };

    const a = await backtest(base);
    const b = await backtest([planted, ...base]); // first line of the file, dated 30 sessions in

    const plantTp = 2 * 30; // the open book of session 30
    const booksA = a.run.strategies.pipeline.books;
    const booksB = b.run.strategies.pipeline.books;
    expect(booksB).toHaveLength(booksA.length);
    const earlier = booksA.filter((bk) => bk.tp < plantTp);
    expect(earlier.length).toBeGreaterThan(40);
    expect(earlier.filter((bk) => bk.long.length > 0).length).toBeGreaterThan(20);
    for (const bk of earlier) expect(booksB.find((x) => x.tp === bk.tp)).toEqual(bk);
    const dailyBefore = (r: BacktestRun) => r.strategies.pipeline.daily.slice(0, 30);
    expect(dailyBefore(b.run)).toEqual(dailyBefore(a.run));

    // Every signal published before the planted item is identical, calibration included.
    for (const [id, s] of a.run.signals) {
      if (Date.parse(s.published_at) >= plantMs) continue;
      const t = b.run.signals.get(id)!;
      expect({ ...t, received_at: 0, drafted_at: 0, timestamp: 0, latency_ms: 0 }).toEqual({
        ...s,
        received_at: 0,
        drafted_at: 0,
        timestamp: 0,
        latency_ms: 0,
      });
    }

    // The planted item is not ignored: at its own trade point SYN03 joins the ranking with a negative signal.
    const own = booksB.find((x) => x.tp === plantTp)!;
    const ownA = booksA.find((x) => x.tp === plantTp)!;
    expect(own.n).toBe(ownA.n + 1);
    const s = b.run.signals.get('planted-future')!;
    expect(s.sentiment * s.confidence).toBeLessThan(0);
    expect(own.long).not.toContain(plantAsset);
  }, 120_000);

  it('calibrates each signal only with returns known before it was published', async () => {
    const { run, ledger } = await backtest(market.news);
    const labels = ledger.directionalLabels();
    const learntOrder = new Map<string, number[]>();
    for (const l of [...labels].sort((x, y) => x.seq - y.seq))
      learntOrder.set(l.cal_key, [...(learntOrder.get(l.cal_key) ?? []), l.observed_ms]);
    let calibrated = 0;
    for (const s of run.signals.values()) {
      if (!s.calibration.calibrated) continue;
      calibrated += 1;
      const n = Number(s.calibration.map_version.split(':').pop());
      const key =
        labels.find((l) => l.signal_id === s.id)?.cal_key ??
        [...learntOrder.keys()].find((k) => ledger.maps(k).some((m) => m.version === s.calibration.map_version))!;
      // The map was fitted on the key's first n labels: the newest of them was observed before this signal.
      const observed = learntOrder.get(key)!;
      expect(observed.length).toBeGreaterThanOrEqual(n);
      expect(observed[n - 1]!).toBeLessThanOrEqual(Date.parse(s.published_at));
    }
    expect(calibrated).toBeGreaterThan(50);
    // The planted predictability is found: positive IC on this market.
    expect(run.report.pipeline.ic!).toBeGreaterThan(0.2);
    ledger.close();
  }, 120_000);
});
