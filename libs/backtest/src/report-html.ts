/** The backtest's HTML page: results table, equity curves, drawdowns, calibration, and how it was done. */
import { calibrationSections, esc, htmlPage, lineChartSvg, note, table, type Cell, type LineSeries, type Section } from '@himari/reports';
import type { BacktestRun } from './backtest.ts';
import type { StrategyMetrics, StrategyResult } from './strategy.ts';

function equity(r: StrategyResult, net = true): number[] {
  let eq = 1;
  return r.daily.map((d) => (eq *= 1 + (net ? d.net : d.gross)));
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null, d = 2): string => (x === null ? '–' : x.toFixed(d));

function row(name: string, m: StrategyMetrics): Cell[] {
  return [
    name,
    num(m.sharpe_net),
    num(m.sharpe_gross),
    pct(m.annual_return),
    pct(m.gross.annual_return),
    pct(m.net.volatility),
    pct(m.max_drawdown),
    num(m.ic, 4),
    num(m.ic_t),
    num(m.ic_pooled, 4),
    pct(m.hit_rate),
    pct(m.turnover),
    m.books,
  ];
}

function costTable(r: BacktestRun['report']): string {
  const cs = r.cost_sensitivity;
  const rows: Cell[][] = [['pipeline', ...cs.pipeline.map((x) => num(x))]];
  if (cs.loughran_mcdonald) rows.push(['Loughran-McDonald', ...cs.loughran_mcdonald.map((x) => num(x))]);
  rows.push(['VADER', ...cs.vader.map((x) => num(x))]);
  rows.push([`random (mean of ${r.baselines.random.seeds.length} seeds)`, ...cs.random_mean.map((x) => num(x))]);
  return table(['strategy', ...cs.cost_bp.map((bp) => `${bp} bp`)], rows, { highlight: [0] });
}

export function backtestHtml(run: BacktestRun): string {
  const { report: r, strategies: s } = run;
  const rows: Cell[][] = [row(`pipeline (${r.scorer.name})`, r.pipeline)];
  if (r.baselines.loughran_mcdonald) rows.push(row('Loughran-McDonald', r.baselines.loughran_mcdonald));
  rows.push(row('VADER', r.baselines.vader));
  for (const run of r.baselines.random.runs) rows.push(row(`random (seed ${run.seed})`, run));
  rows.push(row('buy-and-hold (equal weight)', r.baselines.buy_and_hold));
  const results = table(
    [
      'strategy',
      'Sharpe net',
      'Sharpe gross',
      'ann. return net',
      'ann. return gross',
      'volatility',
      'max drawdown',
      'IC',
      'IC t',
      'IC pooled',
      'hit rate',
      'turnover/day',
      'books',
    ],
    rows,
    {
      highlight: [0],
    },
  );

  const labels = s.pipeline.daily.map((d) => d.date);
  const curves = (net: boolean): LineSeries[] => [
    ...s.random.map((x, i): LineSeries => ({
      name: `random (${s.random.length} seeds)`,
      values: equity(x, net),
      color: '#9a9a9a',
      faint: true,
      legend: i === 0,
    })),
    { name: 'buy-and-hold', values: equity(s.buyAndHold, net), color: '#2a9d5b' },
    { name: 'VADER', values: equity(s.vader, net), color: '#8e5bc4' },
    ...(s.lm ? [{ name: 'Loughran-McDonald', values: equity(s.lm, net), color: '#e08a1e' }] : []),
    { name: `pipeline (${r.scorer.name})`, values: equity(s.pipeline, net), color: '#1f5fa8', width: 2.5 },
  ];
  const chartOpts = { labels, yLabel: 'equity', baseline: 1, format: (v: number) => v.toFixed(2) };
  const chart = lineChartSvg(curves(true), { ...chartOpts, title: `Growth of 1, net of ${r.settings.cost_bp} bp per unit traded` });
  const grossChart = lineChartSvg(curves(false), { ...chartOpts, title: 'Growth of 1 before costs: the signals alone' });

  const c = r.comparison;
  const rnd = r.baselines.random;
  const verdict =
    c.pipeline_minus_lm_sharpe_net === null
      ? 'No comparison with Loughran-McDonald (baseline missing or undefined Sharpe).'
      : `Pipeline Sharpe (net) minus Loughran-McDonald Sharpe (net): ${c.pipeline_minus_lm_sharpe_net.toFixed(2)}; spread (max − min) of the random seeds' Sharpe: ${num(c.random_sharpe_net_spread)} (sd ${num(rnd.sharpe_net_sd)}). Goal "beat the lexicon by more than the random spread": ${c.beats_lm_by_more_than_random_spread ? 'met' : 'not met'}.`;
  const u = r.random_same_universe;
  const sameUniverse =
    ` Random signals on each scorer's own assets and trade points (net Sharpe, mean ± sd over the seeds): pipeline ${num(rnd.sharpe_net_mean)} ± ${num(rnd.sharpe_net_sd)}` +
    `${u.loughran_mcdonald ? `, Loughran-McDonald ${num(u.loughran_mcdonald.sharpe_net_mean)} ± ${num(u.loughran_mcdonald.sharpe_net_sd)}` : ''}, VADER ${num(u.vader.sharpe_net_mean)} ± ${num(u.vader.sharpe_net_sd)}:` +
    ' a scorer that ranks fewer assets per book pays the same costs against a more volatile book, so compare each with its own twin.';

  const d = r.dataset;
  const sections: Section[] = [
    {
      heading: 'Results',
      html: [
        `<p>${esc(`${d.first_session} to ${d.last_session}: ${d.sessions} sessions, ${d.assets_with_prices} assets with news and prices. ${d.items.toLocaleString('en-US')} items replayed through every actor of the pipeline (J5 scorer ${r.scorer.name} ${r.scorer.version}, ${r.scorer.kind}); ${d.signals.toLocaleString('en-US')} signals, ${d.rejected} rejected. Costs ${r.settings.cost_bp} bp per unit traded; long top ${r.settings.quantile * 100}% / short bottom ${r.settings.quantile * 100}% at every open and close with at least ${r.settings.min_assets} assets.`)}</p>`,
        results,
        note(verdict + sameUniverse),
        chart,
        grossChart,
        '<p>Net Sharpe of the same trades at other costs per unit traded (the daily recipe turns most of each book over, so costs decide the sign):</p>',
        costTable(r),
      ].join('\n'),
    },
  ];
  if (run.holdout) sections.push(...calibrationSections(run.holdout));
  else if ('error' in r.calibration) sections.push({ heading: 'Calibration', html: note(`No calibration report: ${r.calibration.error}`) });
  sections.push({
    heading: 'How this was computed',
    html: `<ul>
<li>Point in time: news is replayed in time order one trade point at a time; before each batch only the outcomes (returns) already observed are fed to J4, so each signal's calibrated confidence was fitted on returns known before the news.</li>
<li>Timing (Kirtac &amp; Germano 2024, as the issue states it): news before the 9:30 open trades at that open, news during the session at the close, news after the close (16:00, 13:00 on NYSE early-close days) at the next session's open; New York time with DST. Each position is held one session (open to next open, close to next close).</li>
<li>Signal per item: pipeline <code>sentiment × confidence</code>; Loughran-McDonald (pos − neg)/(pos + neg) word counts; VADER compound. Several items of one asset at one trade point: ${esc(r.settings.aggregate === 'mean' ? 'their mean' : `EWMA by age, half-life ${r.settings.ewma_half_life_h} h`)}. Random: uniform(−1, 1) on the same assets and trade points, ${r.settings.random_seeds} seeds.</li>
<li>Books: at every trade point with at least ${r.settings.min_assets} non-zero signals, long the top and short the bottom ${r.settings.quantile * 100}% (equal weights); the day's return is half the open book plus half the close book. Costs on every unit of notional traded. IC: mean cross-sectional Spearman correlation of signal and forward return per book (at least 3 assets), t = mean / (sd / √n); IC pooled: the same correlation over every ranked signal at once. Hit rate: share of ranked signals whose sign matched the return's.</li>
<li>Buy-and-hold: equal weights bought at the first close of the period and held.</li>
</ul>`,
  });
  return htmlPage(`HIMARI backtest: ${r.scorer.name} vs. baselines`, sections, { generatedAt: r.generated_at });
}
