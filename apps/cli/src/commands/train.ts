import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_EVENT_MODEL_NAME, DEFAULT_EVENT_MODEL_PATH } from '@himari/event-classification';
import { EVENT_DATA, trainEventModel, tuneEventModel } from '@himari/event-classification/offline';
import { DEFAULT_MODEL_PATH } from '@himari/sentiment-model';
import { LOCAL_MODEL_DIR, SENTIMENT_DATA, trainSentiment, tuneSentiment, type DataFormatOption } from '@himari/sentiment-model/offline';
import {
  CLASSIFIER_METHODS,
  type ClassifierHyper,
  type ClassifierMethod,
  type CvResult,
  type Metrics,
  type TrainProgress,
  type TrainReport,
} from '@himari/text-classifier';
import { numFlag, parse, sharedData, UsageError, type CommandContext } from '../context.ts';

const USAGE = `usage:
  himari train sentiment [--data FILE] [--out FILE] [--seed N] [--format tfns|phrasebank] [--valid-fraction F]
                         [--min-agreement 50|66|75|100] [--name NAME] [--method nb-ovr|softmax] [--l2 X]
                         [--class-weight none|balanced] [--tune [--folds K]] [--config FILE]
  himari train events    [--data FILE] [--out FILE] [--seed N] [--valid-fraction F] [--name NAME@N] [--tune [--folds K]]
                         [--config FILE]
Without --data: the file in the shared data folder (config data.shared_dir, env HIMARI_DATA_DIR) the committed model
was trained from. --tune cross-validates the shipped settings' neighbours inside the training part and writes nothing.`;

/**
 * `himari train sentiment|events`: fits the project's own models (libs/sentiment-model, libs/event-classification).
 * Without --data they train from the MIT files in the shared data folder and write the committed model, byte for byte
 * what the repo holds. With other --data and no --out they write under models/local/ (git-ignored), so that a model
 * trained on non-commercial data (PhraseBank) cannot replace a committed one by accident.
 */
export async function trainCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [what, ...rest] = args;
  if (what === 'sentiment') return trainSentimentCommand(rest, ctx);
  if (what === 'events') return trainEventsCommand(rest, ctx);
  throw new UsageError(`${what === undefined ? 'train needs a model' : `cannot train ${JSON.stringify(what)}`}\n${USAGE}`);
}

/** Where a model goes when --out is not given: the committed file for the default data, else models/local/. */
function defaultOut(data: string, defaultData: string, committed: string, suffix: string): string {
  if (resolve(data) === resolve(defaultData)) return committed;
  // The folder names the data set: most files are called train.csv.
  const stem = `${basename(dirname(resolve(data)))}-${basename(data).replace(/\.csv$/i, '')}`;
  return join(LOCAL_MODEL_DIR, `${stem}-${suffix}.json`);
}

/** A line on stderr at most every `ms`: progress that works on a terminal and in a log file alike. */
function throttled(ctx: CommandContext, ms = 2000): (line: () => string) => void {
  let last = 0;
  return (line) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    ctx.stderr.write(`${line()}\n`);
  };
}

const f4 = (x: number): string => x.toFixed(4);
const LOCAL_EVENT_MODEL_NAME = 'local-topic-logreg@1';

/** The flags both models take, in the shared TrainOptions/TuneOptions shape. */
const TRAIN_FLAGS = {
  data: { type: 'string' },
  out: { type: 'string' },
  seed: { type: 'string' },
  'valid-fraction': { type: 'string' },
  name: { type: 'string' },
  tune: { type: 'boolean', default: false },
  folds: { type: 'string' },
  config: { type: 'string' },
} as const;

/** The split flags both models share, checked. */
function splitFlags(values: { seed?: string | undefined; 'valid-fraction'?: string | undefined }): {
  seed?: number;
  validFraction?: number;
} {
  const seed = numFlag(values.seed, 'seed', { integer: true, min: 0 });
  const validFraction = numFlag(values['valid-fraction'], 'valid-fraction', { min: 0, below: 1 });
  return { ...(seed !== undefined ? { seed } : {}), ...(validFraction !== undefined ? { validFraction } : {}) };
}

/** `--tune`: one line per grid point on stdout as it finishes, then the best; no model is written. */
async function tuneCommand(
  ctx: CommandContext,
  what: string,
  data: string,
  foldsFlag: string | undefined,
  tune: (o: { folds?: number; onResult: (r: CvResult) => void }) => Promise<CvResult[]>,
): Promise<number> {
  const folds = numFlag(foldsFlag, 'folds', { integer: true, min: 2 });
  ctx.stderr.write(
    `himari train ${what} --tune: cross-validation inside the training part of ${data} (the carved validation rows are not used)\n`,
  );
  const line = (r: CvResult): string =>
    `${JSON.stringify(r.candidate)}  accuracy ${f4(r.accuracy)}  macro F1 ${f4(r.macro_f1)}  weighted F1 ${f4(r.weighted_f1)}  features ${r.features}  (${r.seconds.toFixed(0)} s)`;
  const results = await tune({ ...(folds !== undefined ? { folds } : {}), onResult: (r) => ctx.stdout.write(`${line(r)}\n`) });
  ctx.stdout.write(`best: ${JSON.stringify(results[0]?.candidate)}\n`);
  return 0;
}

/** L-BFGS progress on stderr, throttled. */
function progressOf(ctx: CommandContext, what: string): (p: TrainProgress) => void {
  const progress = throttled(ctx);
  const t0 = Date.now();
  return ({ iteration, loss }) =>
    progress(
      () => `himari train ${what}: L-BFGS iteration ${iteration}, loss ${loss.toFixed(6)} (${Math.round((Date.now() - t0) / 1000)} s)`,
    );
}

/** The summary of a training run; `rows` says what the row count counts, `validNote` what the validation scores are of. */
function printTrained(ctx: CommandContext, r: TrainReport<Metrics>, rows: string, validNote: string): void {
  ctx.stdout.write(
    `trained ${r.model} (${r.model_version}) on ${r.train_rows} ${rows}, ${r.features} features, ` +
      `${r.iterations} iterations${r.converged ? '' : ' (NOT converged)'}, ${r.seconds.toFixed(1)} s -> ${r.out} (${r.bytes} bytes)\n`,
  );
  if (r.valid)
    ctx.stdout.write(
      `validation (${r.valid.n} rows${validNote}): accuracy ${f4(r.valid.accuracy)}  macro F1 ${f4(r.valid.macro_f1)}  weighted F1 ${f4(r.valid.weighted_f1)}\n`,
    );
}

async function trainSentimentCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    ...TRAIN_FLAGS,
    format: { type: 'string' },
    'min-agreement': { type: 'string' },
    method: { type: 'string' },
    l2: { type: 'string' },
    'class-weight': { type: 'string' },
  });
  const format = values.format ?? 'auto';
  if (format !== 'auto' && format !== 'tfns' && format !== 'phrasebank')
    throw new UsageError(`--format must be tfns or phrasebank, got ${format}`);
  const method = values.method;
  if (method !== undefined && !(CLASSIFIER_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`--method must be one of ${CLASSIFIER_METHODS.join(', ')}, got ${method}`);
  }
  const classWeight = values['class-weight'];
  if (classWeight !== undefined && classWeight !== 'none' && classWeight !== 'balanced')
    throw new UsageError(`--class-weight must be none or balanced, got ${classWeight}`);
  const l2 = numFlag(values.l2, 'l2', { min: 0 });
  const hyper: Partial<ClassifierHyper> = {
    ...(method !== undefined ? { method: method as ClassifierMethod } : {}),
    ...(l2 !== undefined ? { l2 } : {}),
    ...(classWeight !== undefined ? { classWeight } : {}),
  };
  const defaultData = sharedData(ctx, values.config, SENTIMENT_DATA.tfnsTrain);
  const data = values.data ?? defaultData;
  const minAgreement = numFlag(values['min-agreement'], 'min-agreement', { min: 0, max: 100 });
  const common = {
    data,
    format: format as DataFormatOption,
    ...splitFlags(values),
    ...(minAgreement !== undefined ? { minAgreement } : {}),
  };
  if (values.tune) return tuneCommand(ctx, 'sentiment', data, values.folds, (o) => tuneSentiment({ ...common, ...o }));

  const out = values.out ?? defaultOut(data, defaultData, DEFAULT_MODEL_PATH, 'logreg');
  ctx.stderr.write(`himari train sentiment: ${data} -> ${out}\n`);
  const r = await trainSentiment({
    ...common,
    out,
    hyper,
    ...(values.name ? { name: values.name } : {}),
    onProgress: progressOf(ctx, 'sentiment'),
  });
  printTrained(ctx, r, `${r.format} rows (${r.valid_rows} held out)`, '');
  return 0;
}

async function trainEventsCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, TRAIN_FLAGS);
  if (values.name !== undefined && !/^[a-z0-9-]+@\d+$/.test(values.name))
    throw new UsageError(`--name must look like name@1 (lower case, digits, dashes), got ${values.name}`);
  const defaultData = sharedData(ctx, values.config, EVENT_DATA.topicTrain);
  const data = values.data ?? defaultData;
  const common = { data, ...splitFlags(values) };
  if (values.tune) return tuneCommand(ctx, 'events', data, values.folds, (o) => tuneEventModel({ ...common, ...o }));

  const isDefaultData = resolve(data) === resolve(defaultData);
  const out = values.out ?? defaultOut(data, defaultData, DEFAULT_EVENT_MODEL_PATH, 'event-logreg');
  // EventInfo.classifier must not claim the committed model's name for weights trained on something else.
  const name = values.name ?? (isDefaultData ? DEFAULT_EVENT_MODEL_NAME : LOCAL_EVENT_MODEL_NAME);
  ctx.stderr.write(`himari train events: ${data} -> ${out}\n`);
  const r = await trainEventModel({ ...common, out, name, onProgress: progressOf(ctx, 'events') });
  printTrained(ctx, r, `rows (${r.valid_rows} held out, ${r.excluded_rows} of excluded topics)`, ', topic model alone');
  if (r.valid) ctx.stdout.write(`full comparison: himari eval events --data ${data} --subset valid\n`);
  return 0;
}
