/**
 * Train, evaluate and tune the trained sentiment model from the command line:
 *   node --import tsx libs/sentiment-model/src/cli.ts train --data CSV --out MODEL.json [options]
 *   node --import tsx libs/sentiment-model/src/cli.ts eval  --data CSV [--model MODEL.json] [options]
 *   node --import tsx libs/sentiment-model/src/cli.ts tune  --data CSV [options]
 * The `himari train sentiment` / `himari eval sentiment` commands call the same functions.
 */
import { parseArgs } from 'node:util';
import type { DataFormatOption } from './csv.ts';
import { EVAL_SUBSETS, evalMarkdown, evalSentiment } from './eval.ts';
import type { EvalSubset } from './eval.ts';
import { trainSentiment } from './train.ts';
import type { TrainHyper } from './train.ts';
import { tuneSentiment } from './tune.ts';

const USAGE = `usage:
  train --data CSV --out MODEL.json [--format auto|tfns|phrasebank] [--seed N] [--valid-fraction F]
        [--min-agreement 50|66|75|100] [--name NAME] [--l2 X] [--class-weight none|balanced]
  eval  --data CSV [--model MODEL.json] [--subset all|valid] [--min-agreement N] [--json FILE] [--markdown FILE]
        [--format ...] [--lm-dir DIR | --no-lm] [--allow-overlap]
  tune  --data CSV [--seed N] [--valid-fraction F] [--min-agreement N] [--folds K]`;

class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly retryable = false;
}

function num(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${what} must be a number, got ${v}`);
  return n;
}

function format(v: string | undefined): DataFormatOption {
  if (v === undefined || v === 'auto' || v === 'tfns' || v === 'phrasebank') return v ?? 'auto';
  throw new UsageError(`--format must be auto, tfns or phrasebank, got ${v}`);
}

function required(v: string | undefined, what: string): string {
  if (!v) throw new UsageError(`--${what} is required`);
  return v;
}

const pct = (x: number): string => x.toFixed(4);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      format: { type: 'string' },
      seed: { type: 'string' },
      'valid-fraction': { type: 'string' },
      'min-agreement': { type: 'string' },
      name: { type: 'string' },
      l2: { type: 'string' },
      'class-weight': { type: 'string' },
      subset: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      'lm-dir': { type: 'string' },
      'no-lm': { type: 'boolean' },
      'allow-overlap': { type: 'boolean' },
      folds: { type: 'string' },
    },
  });
  const data = required(values.data, 'data');
  const seed = num(values.seed, 'seed');
  const validFraction = num(values['valid-fraction'], 'valid-fraction');
  const minAgreement = num(values['min-agreement'], 'min-agreement');

  if (command === 'train') {
    const hyper: Partial<TrainHyper> = {};
    const l2 = num(values.l2, 'l2');
    if (l2 !== undefined) hyper.l2 = l2;
    const cw = values['class-weight'];
    if (cw !== undefined) {
      if (cw !== 'none' && cw !== 'balanced') throw new UsageError('--class-weight must be none or balanced');
      hyper.classWeight = cw;
    }
    const r = await trainSentiment({
      data,
      out: required(values.out, 'out'),
      format: format(values.format),
      hyper,
      ...(seed !== undefined ? { seed } : {}),
      ...(validFraction !== undefined ? { validFraction } : {}),
      ...(minAgreement !== undefined ? { minAgreement } : {}),
      ...(values.name ? { name: values.name } : {}),
      onProgress: ({ epoch, loss }) => {
        if (epoch % 25 === 0) process.stderr.write(`  iteration ${epoch}  loss ${loss.toFixed(6)}\n`);
      },
    });
    console.log(
      `trained ${r.model} (${r.model_version}) on ${r.train_rows} rows (${r.valid_rows} held out), ${r.features} features, ` +
        `${r.iterations} iterations${r.converged ? '' : ' (NOT converged)'}, ${r.seconds.toFixed(1)} s -> ${r.out} (${r.bytes} bytes)`,
    );
    if (r.valid)
      console.log(
        `validation: accuracy ${pct(r.valid.accuracy)}  macro F1 ${pct(r.valid.macro_f1)}  weighted F1 ${pct(r.valid.weighted_f1)}`,
      );
    return 0;
  }

  if (command === 'eval') {
    const subset = values.subset ?? 'all';
    if (!(EVAL_SUBSETS as readonly string[]).includes(subset)) throw new UsageError('--subset must be all or valid');
    const r = await evalSentiment({
      data,
      format: format(values.format),
      subset: subset as EvalSubset,
      lmDir: values['no-lm'] ? null : (values['lm-dir'] ?? undefined),
      allowOverlap: values['allow-overlap'] ?? false,
      ...(values.model ? { model: values.model } : {}),
      ...(values.json ? { json: values.json } : {}),
      ...(values.markdown ? { markdown: values.markdown } : {}),
      ...(minAgreement !== undefined ? { minAgreement } : {}),
    });
    for (const w of r.warnings) process.stderr.write(`WARNING: ${w}\n`);
    console.log(evalMarkdown(r));
    return 0;
  }

  if (command === 'tune') {
    const folds = num(values.folds, 'folds');
    const results = await tuneSentiment({
      data,
      format: format(values.format),
      ...(seed !== undefined ? { seed } : {}),
      ...(validFraction !== undefined ? { validFraction } : {}),
      ...(minAgreement !== undefined ? { minAgreement } : {}),
      ...(folds !== undefined ? { folds } : {}),
      onResult: (r) =>
        console.log(
          `${JSON.stringify(r.candidate)}  accuracy ${pct(r.accuracy)}  macro F1 ${pct(r.macro_f1)}  weighted F1 ${pct(r.weighted_f1)}  (${r.seconds.toFixed(1)} s)`,
        ),
    });
    console.log(`best: ${JSON.stringify(results[0]?.candidate)}`);
    return 0;
  }
  throw new UsageError(command ? `unknown command ${command}` : 'no command');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as Error;
    if (err.name === 'UsageError') process.stderr.write(`${err.message}\n${USAGE}\n`);
    else process.stderr.write(`${err.name}: ${err.message}\n`);
    process.exit(err.name === 'UsageError' ? 2 : 1);
  },
);
