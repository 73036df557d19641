import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import {
  backtestHtml,
  loadLoughranMcDonald,
  readNews,
  runBacktest,
  type BacktestReport,
  type LoughranMcDonald,
  type ReplayProgress,
} from '@himari/backtest';
import type { ConfigInput } from '@himari/config';
import { createLogger } from '@himari/observability';
import { calibrationServiceFrom, openLedger, PriceTable, readPrices } from '@himari/outcomes';
import { configFrom, numFlag, parse, sharedData, UsageError, type CommandContext } from '../context.ts';

export async function backtestCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    news: { type: 'string' },
    prices: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'string' },
    html: { type: 'string' },
    ledger: { type: 'string' },
    lm: { type: 'string' },
    config: { type: 'string' },
    'cost-bp': { type: 'string' },
    quantile: { type: 'string' },
    'min-assets': { type: 'string' },
    quiet: { type: 'boolean', short: 'q', default: false },
  });
  if (!values.news || !values.prices) throw new UsageError('backtest needs --news FILE (JSON lines) and --prices DIR|FILE (daily prices)');

  const backtest: Record<string, number> = {};
  const costBp = numFlag(values['cost-bp'], 'cost-bp', { min: 0 });
  const quantile = numFlag(values.quantile, 'quantile', { above: 0, max: 0.5 });
  const minAssets = numFlag(values['min-assets'], 'min-assets', { integer: true, min: 2 });
  if (costBp !== undefined) backtest['cost_bp'] = costBp;
  if (quantile !== undefined) backtest['quantile'] = quantile;
  if (minAssets !== undefined) backtest['min_assets'] = minAssets;
  const base = configFrom(ctx, values.config, {});
  // --model names the J5 backend; the config schema validates it (and lists the valid ones when it is wrong).
  const overrides = {
    nats: { url: null },
    redis: { url: null },
    calibration: { backtest },
    observability: { log_level: ctx.env['HIMARI_LOG_LEVEL'] ? base.observability.log_level : 'warn' },
    ...(values.model ? { sentiment: { backend: values.model } } : {}),
  } as ConfigInput;
  const config = configFrom(ctx, values.config, overrides);
  const log = createLogger({ name: 'himari-backtest', level: config.observability.log_level });

  const lmDir = values.lm ?? sharedData(ctx, values.config, 'loughran_mcdonald');
  let lm: LoughranMcDonald | null = null;
  if (lmDir !== 'none') {
    if (!existsSync(resolve(lmDir))) {
      throw new UsageError(
        `the Loughran-McDonald lists are not at ${lmDir} (academic licence: not shipped); pass --lm DIR, or --lm none to leave that baseline out`,
      );
    }
    lm = await loadLoughranMcDonald(resolve(lmDir));
  }

  const t0 = Date.now();
  const news = await readNews(values.news);
  const priceRead = await readPrices(values.prices);
  const prices = new PriceTable(priceRead.bars);
  say(
    ctx,
    values.quiet,
    `himari backtest: ${news.items.length.toLocaleString('en-US')} news items (${news.skipped.length} lines without a time left out), ${prices.assets().length} assets × ${prices.calendar.length} sessions of prices`,
  );

  // A backtest's ledger starts empty: a ledger with history would let its calibration know the future.
  if (values.ledger) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${values.ledger}${suffix}`, { force: true });
    mkdirSync(dirname(resolve(values.ledger)), { recursive: true });
  }
  const ledger = openLedger(config.calibration, values.ledger ?? null);
  const calibration = calibrationServiceFrom(config.calibration, ledger, log);

  const bar =
    ctx.stderr.isTTY && !values.quiet
      ? new SingleBar(
          {
            format: 'himari backtest |{bar}| {percentage}% | {value}/{total} items | {signals} signals | ETA {eta_formatted}',
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : undefined;
  let lastLine = 0;
  const onProgress = (p: ReplayProgress): void => {
    if (bar) {
      if (bar.getTotal() !== p.total) bar.setTotal(p.total);
      bar.update(p.done, { signals: p.signals });
    } else if (!values.quiet && Date.now() - lastLine > 5000) {
      lastLine = Date.now();
      ctx.stderr.write(
        `himari backtest: ${p.done}/${p.total} items replayed, ${p.signals} signals (${Math.round((Date.now() - t0) / 1000)} s)\n`,
      );
    }
  };
  bar?.start(news.items.length, 0, { signals: 0 });
  let run;
  try {
    run = await runBacktest({ config, news, prices, lm, calibration, log, onProgress });
  } finally {
    bar?.stop();
    calibration.close();
    ledger.close();
  }

  if (values.json) writeOut(values.json, `${JSON.stringify(run.report, null, 2)}\n`);
  if (values.html) writeOut(values.html, backtestHtml(run));
  if (!values.quiet) ctx.stderr.write(summary(run.report, Date.now() - t0));
  return 0;
}

function writeOut(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}

function say(ctx: CommandContext, quiet: boolean, line: string): void {
  if (!quiet) ctx.stderr.write(`${line}\n`);
}

function summary(r: BacktestReport, ms: number): string {
  const f = (x: number | null, d = 2): string => (x === null ? '–' : x.toFixed(d));
  const p = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
  const line = (
    name: string,
    m: {
      sharpe_net: number | null;
      sharpe_gross: number | null;
      annual_return: number;
      max_drawdown: number;
      ic: number | null;
      ic_t: number | null;
      hit_rate: number | null;
      turnover: number;
    },
  ): string =>
    `  ${name.padEnd(22)} ${f(m.sharpe_net).padStart(7)} ${f(m.sharpe_gross).padStart(7)} ${p(m.annual_return).padStart(8)} ${p(m.max_drawdown).padStart(7)} ${f(m.ic, 4).padStart(8)} ${f(m.ic_t).padStart(6)} ${p(m.hit_rate).padStart(7)} ${p(m.turnover).padStart(7)}\n`;
  const b = r.baselines;
  let out = `himari backtest: ${r.dataset.first_session}..${r.dataset.last_session}, ${r.dataset.signals} signals (${r.dataset.rejected} rejected), J5 ${r.scorer.name} ${r.scorer.version}, costs ${r.settings.cost_bp} bp\n`;
  out += `  ${'strategy'.padEnd(22)} ${'Sh net'.padStart(7)} ${'Sh gro'.padStart(7)} ${'ann net'.padStart(8)} ${'max DD'.padStart(7)} ${'IC'.padStart(8)} ${'IC t'.padStart(6)} ${'hit'.padStart(7)} ${'turn'.padStart(7)}\n`;
  out += line('pipeline', r.pipeline);
  if (b.loughran_mcdonald) out += line('Loughran-McDonald', b.loughran_mcdonald);
  out += line('VADER', b.vader);
  out += `  ${'random'.padEnd(22)} Sharpe net mean ${f(b.random.sharpe_net_mean)}, sd ${f(b.random.sharpe_net_sd)}, range ${f(b.random.sharpe_net_min)}..${f(b.random.sharpe_net_max)} over ${b.random.seeds.length} seeds\n`;
  out += line('buy-and-hold', b.buy_and_hold);
  const same = (name: string, x: { sharpe_net_mean: number | null; sharpe_net_sd: number | null }): string =>
    `${name} ${f(x.sharpe_net_mean)} ± ${f(x.sharpe_net_sd)}`;
  const u = r.random_same_universe;
  out += `  random on each lexicon's own assets and trade points (Sharpe net): ${[u.loughran_mcdonald ? same('Loughran-McDonald', u.loughran_mcdonald) : null, same('VADER', u.vader)].filter(Boolean).join(', ')}\n`;
  if ('ece_raw' in r.calibration) {
    out += `  calibration (held out, n ${r.calibration.n_eval}): ECE ${r.calibration.ece_raw.toFixed(3)} raw → ${r.calibration.ece_calibrated.toFixed(3)} ${r.calibration.method}\n`;
    const s = r.calibration.summary_calibrated;
    const auc = s.auc === null ? 'n/a' : s.auc.toFixed(3);
    out += `    Brier ${r.calibration.summary_raw.brier.toFixed(4)} raw → ${s.brier.toFixed(4)} (reliability ${s.reliability.toFixed(4)}, resolution ${s.resolution.toFixed(4)}, uncertainty ${s.uncertainty.toFixed(4)}), AUC ${auc}\n    ${s.verdict}\n`;
  }
  out += `  done in ${(ms / 1000).toFixed(1)} s (replay ${(r.timing.replay_ms / 1000).toFixed(1)} s, ${r.timing.items_per_s.toFixed(0)} items/s)\n`;
  return out;
}
