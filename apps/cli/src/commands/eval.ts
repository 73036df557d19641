import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { directionFromCompound } from '@himari/drafting';
import { evalEvents, evalEventsMarkdown } from '@himari/event-classification/offline';
import {
  agreementWith,
  evaluateMethod,
  headlineMarkdown,
  judge,
  readHeadlineSet,
  readSecondLabels,
  type Direction,
  type HeadlineReport,
} from '@himari/judgement';
import { createLogger } from '@himari/observability';
import { createScorer, runBatch } from '@himari/pipeline';
import {
  SENTIMENT_DATA,
  evalMarkdown,
  evalSentiment,
  loughranMcDonaldBaseline,
  vaderBaseline,
  type DataFormatOption,
} from '@himari/sentiment-model/offline';
import { EVAL_SUBSETS, type EvalOptions, type EvalSubset } from '@himari/text-classifier';
import { configFrom, numFlag, parse, sharedData, UsageError, type CommandContext } from '../context.ts';

const USAGE = `usage:
  himari eval sentiment --data FILE [--model FILE] [--json FILE] [--markdown FILE] [--format tfns|phrasebank]
                        [--subset all|valid] [--min-agreement N] [--lm-dir DIR | --no-lm] [--allow-overlap] [--config FILE]
  himari eval events    --data FILE [--model FILE] [--json FILE] [--markdown FILE] [--subset all|valid] [--allow-overlap]
  himari eval headlines --data FILE [--json FILE] [--markdown FILE] [--labels2 FILE] [--lm-dir DIR | --no-lm] [--config FILE]
  himari eval retrieval ...
--lm-dir defaults to loughran_mcdonald/ in the shared data folder (config data.shared_dir, env HIMARI_DATA_DIR).`;

type Command = (args: string[], ctx: CommandContext) => Promise<number>;

/** `himari eval sentiment|events|retrieval`: each writes its report as JSON/Markdown files and prints the Markdown. */
export async function evalCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [what, ...rest] = args;
  if (what === 'sentiment') return evalSentimentCommand(rest, ctx);
  if (what === 'events') return evalEventsCommand(rest, ctx);
  if (what === 'headlines') return evalHeadlinesCommand(rest, ctx);
  if (what === 'retrieval') {
    const command = await loadRetrieval(ctx);
    return command ? command(rest, ctx) : 2;
  }
  throw new UsageError(`${what === undefined ? 'eval needs a target' : `cannot evaluate ${JSON.stringify(what)}`}\n${USAGE}`);
}

/** eval-retrieval.ts is built by the retrieval work; until it exists, say so instead of failing obscurely. */
async function loadRetrieval(ctx: CommandContext): Promise<Command | null> {
  // A variable specifier: the type checker must not require the file before it exists.
  const path: string = './eval-retrieval.ts';
  let mod: { evalRetrievalCommand?: Command };
  try {
    mod = (await import(path)) as { evalRetrievalCommand?: Command };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if ((e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && String(e.message).includes('eval-retrieval')) {
      ctx.stderr.write('himari eval retrieval: not built yet (apps/cli/src/commands/eval-retrieval.ts is missing)\n');
      return null;
    }
    throw err;
  }
  if (typeof mod.evalRetrievalCommand !== 'function') {
    ctx.stderr.write('himari eval retrieval: not built yet (eval-retrieval.ts exports no evalRetrievalCommand)\n');
    return null;
  }
  return mod.evalRetrievalCommand;
}

function subsetOf(v: string | undefined): EvalSubset {
  const s = v ?? 'all';
  if (!(EVAL_SUBSETS as readonly string[]).includes(s)) throw new UsageError(`--subset must be ${EVAL_SUBSETS.join(' or ')}, got ${s}`);
  return s as EvalSubset;
}

/** The flags both classifiers' evaluations take, in the shared EvalOptions shape. */
const EVAL_FLAGS = {
  data: { type: 'string' },
  model: { type: 'string' },
  json: { type: 'string' },
  markdown: { type: 'string' },
  subset: { type: 'string' },
  'allow-overlap': { type: 'boolean', default: false },
} as const;

type EvalFlagValues = { data?: string | undefined; model?: string | undefined; json?: string | undefined; markdown?: string | undefined };

function evalOptions(
  values: EvalFlagValues & { subset?: string | undefined; 'allow-overlap'?: boolean | undefined },
  need: string,
): EvalOptions {
  if (!values.data) throw new UsageError(`${need}\n${USAGE}`);
  return {
    data: values.data,
    subset: subsetOf(values.subset),
    allowOverlap: values['allow-overlap'] ?? false,
    ...(values.model ? { model: values.model } : {}),
    ...(values.json ? { json: values.json } : {}),
    ...(values.markdown ? { markdown: values.markdown } : {}),
  };
}

/** Warnings and the summary line on stderr, the Markdown report on stdout. */
function printReport(
  ctx: CommandContext,
  what: string,
  r: { n: number; seconds: number; warnings: string[] },
  markdown: string,
  values: EvalFlagValues,
): number {
  for (const w of r.warnings) ctx.stderr.write(`WARNING: ${w}\n`);
  ctx.stdout.write(markdown);
  ctx.stderr.write(
    `himari eval ${what}: ${r.n} rows in ${r.seconds.toFixed(1)} s${values.json ? `, JSON -> ${values.json}` : ''}${values.markdown ? `, Markdown -> ${values.markdown}` : ''}\n`,
  );
  return 0;
}

async function evalSentimentCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    ...EVAL_FLAGS,
    format: { type: 'string' },
    'min-agreement': { type: 'string' },
    'lm-dir': { type: 'string' },
    'no-lm': { type: 'boolean', default: false },
    config: { type: 'string' },
  });
  const base = evalOptions(values, 'eval sentiment needs --data FILE');
  const format = values.format ?? 'auto';
  if (format !== 'auto' && format !== 'tfns' && format !== 'phrasebank')
    throw new UsageError(`--format must be tfns or phrasebank, got ${format}`);
  const minAgreement = numFlag(values['min-agreement'], 'min-agreement', { min: 0, max: 100 });
  const lmDir = values['no-lm'] ? null : (values['lm-dir'] ?? sharedData(ctx, values.config, SENTIMENT_DATA.loughranMcDonald));
  ctx.stderr.write(`himari eval sentiment: scoring ${base.data} with ${values.model ?? 'the committed model'} and the baselines…\n`);
  const r = await evalSentiment({
    ...base,
    format: format as DataFormatOption,
    lmDir,
    ...(minAgreement !== undefined ? { minAgreement } : {}),
  });
  return printReport(ctx, 'sentiment', r, evalMarkdown(r), values);
}

async function evalEventsCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, EVAL_FLAGS);
  const base = evalOptions(values, 'eval events needs --data FILE (text,label with the 20 topic ids)');
  ctx.stderr.write(`himari eval events: scoring ${base.data} with ${values.model ?? 'the committed topic model'} and the baselines…\n`);
  let last = 0;
  const r = await evalEvents({
    ...base,
    onProgress: (done, total) => {
      if (Date.now() - last < 2000 && done < total) return;
      last = Date.now();
      ctx.stderr.write(`himari eval events: ${done}/${total} rows classified\n`);
    },
  });
  return printReport(ctx, 'events', r, evalEventsMarkdown(r), values);
}

const LABEL_DIRECTION: Record<'positive' | 'negative' | 'neutral', Direction> = { positive: 1, negative: -1, neutral: 0 };

/**
 * `himari eval headlines`: direction for the named asset on the headline set. The default pipeline runs embedded
 * (in-memory bus and store, the configured J5 and J7, no language model), exactly as `himari run`; beside it J5's own
 * direction (what the draft said before the event judgement), the judgement's rules alone, and the lexicon
 * baselines. With `--labels2`, Cohen's kappa against a second labeller.
 */
async function evalHeadlinesCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    data: { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'string' },
    labels2: { type: 'string' },
    config: { type: 'string' },
    'lm-dir': { type: 'string' },
    'no-lm': { type: 'boolean', default: false },
  });
  if (!values.data) throw new UsageError(`eval headlines needs --data FILE (e.g. data/eval/headlines.jsonl)\n${USAGE}`);
  const items = readHeadlineSet(values.data);
  const warnings: string[] = [];
  const config = configFrom(ctx, values.config, { nats: { url: null }, redis: { url: null }, observability: { log_level: 'error' } });
  const log = createLogger({ name: 'himari-eval', level: 'error' });
  ctx.stderr.write(`himari eval headlines: ${items.length} headlines through the embedded pipeline…\n`);

  const pipeline = new Map<string, Direction>();
  const lines = items.map((it) => `${JSON.stringify({ id: it.id, text: it.headline, asset: it.asset })}\n`).join('');
  const summary = await runBatch({
    config,
    input: Readable.from([Buffer.from(lines)]),
    log,
    onSignal: (s) => pipeline.set(s.id, s.direction),
    onReject: (r) => warnings.push(`pipeline rejected ${r.id ?? `line ${r.line}`}: ${r.code} ${r.reason}`),
  });
  const missing = items.filter((it) => !pipeline.has(it.id));
  if (missing.length > 0) warnings.push(`${missing.length} headlines got no signal; counted as HOLD`);

  const scorer = await createScorer(config, log);
  const j5 = new Map<string, Direction>();
  try {
    for (const it of items) {
      const s = await scorer.score(it.headline);
      j5.set(it.id, s.label === 'neutral' ? 0 : directionFromCompound(s.compound));
    }
  } finally {
    await scorer.close();
  }

  const methods = [
    evaluateMethod(
      items,
      'pipeline (default, no LLM)',
      `the signal's direction from the embedded himari run (J5 ${summary.sentimentModel}, J7, event judgement)`,
      (it) => pipeline.get(it.id) ?? 0,
    ),
    evaluateMethod(
      items,
      'J5 alone (before)',
      `J5 ${summary.sentimentModel}: its label if not neutral and |compound| >= 0.15, as the draft read it before the event judgement`,
      (it) => j5.get(it.id) ?? 0,
    ),
    evaluateMethod(
      items,
      'judgement rules alone',
      'the event judgement; where it finds no rule, HOLD',
      (it) => judge({ text: it.headline, asset: it.asset }).direction ?? 0,
    ),
  ];
  const vader = vaderBaseline();
  methods.push(evaluateMethod(items, 'VADER', vader.rule, (it) => LABEL_DIRECTION[vader.predict(it.headline)]));
  const lmDir = values['no-lm'] ? null : (values['lm-dir'] ?? sharedData(ctx, values.config, SENTIMENT_DATA.loughranMcDonald));
  if (lmDir !== null) {
    let lm: ReturnType<typeof loughranMcDonaldBaseline> | null = null;
    try {
      lm = loughranMcDonaldBaseline(lmDir);
    } catch (err) {
      warnings.push(`Loughran-McDonald baseline skipped: no word lists in ${lmDir} (${(err as Error).message})`);
    }
    if (lm) {
      const baseline = lm;
      methods.push(evaluateMethod(items, 'Loughran-McDonald', baseline.rule, (it) => LABEL_DIRECTION[baseline.predict(it.headline)]));
    }
  }

  const count = (d: Direction): number => items.filter((it) => it.label === d).length;
  const report: HeadlineReport = {
    data: values.data,
    n: items.length,
    splits: { dev: items.filter((i) => i.split === 'dev').length, test: items.filter((i) => i.split === 'test').length },
    labels: { SELL: count(-1), HOLD: count(0), BUY: count(1) },
    methods,
    agreement: values.labels2 ? agreementWith(items, readSecondLabels(values.labels2)) : null,
    errors: items
      .filter((it) => (pipeline.get(it.id) ?? 0) !== it.label)
      .map((it) => ({
        id: it.id,
        split: it.split,
        asset: it.asset,
        headline: it.headline,
        gold: it.label,
        predicted: pipeline.get(it.id) ?? 0,
      })),
    warnings,
  };
  const md = headlineMarkdown(report);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  if (values.markdown) writeFileSync(values.markdown, md);
  for (const w of warnings) ctx.stderr.write(`WARNING: ${w}\n`);
  ctx.stdout.write(md);
  return 0;
}
