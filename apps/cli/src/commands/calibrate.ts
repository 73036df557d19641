import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateHoldout, holdoutOptionsFrom, Ledger, NotEnoughOutcomesError } from '@himari/outcomes';
import { calibrationReliabilitySvg, calibrationReportHtml } from '@himari/reports';
import { configFrom, parse, UsageError, type CommandContext } from '../context.ts';

const USAGE = 'calibrate report [--ledger FILE] [--json FILE] [--out DIR] [--method isotonic|platt] [--config FILE]';

/**
 * `himari calibrate report`: J4's calibration measured on held-out outcomes of the ledger (time-ordered split, see
 * evaluateHoldout), as JSON, a reliability diagram (SVG) and a self-contained HTML page.
 */
export async function calibrateCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'report') throw new UsageError(`usage: himari ${USAGE}`);
  const { values } = parse(rest, {
    ledger: { type: 'string' },
    json: { type: 'string' },
    out: { type: 'string' },
    method: { type: 'string' },
    config: { type: 'string' },
  });
  const config = configFrom(ctx, values.config, values.method ? { calibration: { method: values.method as 'isotonic' } } : {});
  const path = values.ledger ?? config.calibration.ledger_path;
  if (path === null) throw new UsageError('calibrate report reads the ledger: pass --ledger FILE or set calibration.ledger_path');
  if (!existsSync(path)) throw new UsageError(`${path}: no ledger there`);

  const ledger = Ledger.open(path);
  let report;
  try {
    report = evaluateHoldout(ledger.directionalLabels(), holdoutOptionsFrom(config.calibration));
  } catch (err) {
    if (err instanceof NotEnoughOutcomesError) {
      ctx.stderr.write(`himari calibrate: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    ledger.close();
  }

  const generatedAt = new Date().toISOString();
  if (values.json) {
    const { ece_raw, ece_calibrated, mce_raw, mce_calibrated, n_fit, n_eval, ...details } = report;
    writeFileSync(
      values.json,
      `${JSON.stringify({ ece_raw, ece_calibrated, mce_raw, mce_calibrated, n_fit, n_eval, ledger: path, generated_at: generatedAt, ...details }, null, 2)}\n`,
    );
  }
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'reliability.svg'), calibrationReliabilitySvg(report));
    writeFileSync(join(values.out, 'calibration.html'), calibrationReportHtml(report, { generatedAt }));
  }
  const f = (x: number): string => x.toFixed(4);
  ctx.stdout.write(
    `himari calibrate: ${report.method} on ${report.n_fit} fit / ${report.n_eval} held-out outcomes (split ${report.split_at}): ` +
      `ECE ${f(report.ece_raw)} raw → ${f(report.ece_calibrated)} calibrated, MCE ${f(report.mce_raw)} → ${f(report.mce_calibrated)}` +
      `${values.out ? `; wrote ${join(values.out, 'reliability.svg')} and ${join(values.out, 'calibration.html')}` : ''}\n`,
  );
  for (const [name, s] of [
    ['raw', report.summary_raw],
    ['calibrated', report.summary_calibrated],
  ] as const) {
    ctx.stdout.write(
      `  ${name}: Brier ${f(s.brier)} = reliability ${f(s.reliability)} - resolution ${f(s.resolution)} + uncertainty ${f(s.uncertainty)}` +
        `${Math.abs(s.residual) >= 5e-5 ? ` + within-bin ${f(s.residual)}` : ''}; AUC ${s.auc === null ? 'n/a' : f(s.auc)}; ` +
        `confidence std ${f(s.sharpness.std)}\n    ${s.verdict}\n`,
    );
  }
  return 0;
}
