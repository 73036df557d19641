import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { directionFromCompound } from '@himari/drafting';
import { EVENT_EVAL_SUBSETS, evalEvents, evalEventsMarkdown, type EventEvalSubset } from '@himari/event-classification';
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
  DEFAULT_LM_DIR,
  EVAL_SUBSETS,
  evalMarkdown,
  evalSentiment,
  loughranMcDonaldBaseline,
  vaderBaseline,
  type DataFormatOption,
  type EvalSubset,
} from '@himari/sentiment-model';
import { configFrom, parse, UsageError, type CommandContext } from '../context.ts';

const USAGE = `usage:
  himari eval sentiment --data FILE [--model FILE] [--json FILE] [--markdown FILE] [--format tfns|phrasebank]
                        [--subset all|valid] [--min-agreement N] [--lm-dir DIR | --no-lm] [--allow-overlap]
  himari eval events    --data FILE [--model FILE] [--json FILE] [--markdown FILE] [--subset all|valid] [--allow-overlap]
  himari eval headlines --data FILE [--json FILE] [--markdown FILE] [--labels2 FILE] [--lm-dir DIR | --no-lm] [--config FILE]
  himari eval retrieval ...`;

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

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got ${v}`);
  return n;
}

function subsetOf<T extends string>(v: string | undefined, allowed: readonly T[]): T {
  const s = v ?? 'all';
  if (!(allowed as readonly string[]).includes(s)) throw new UsageError(`--subset must be ${allowed.join(' or ')}, got ${s}`);
  return s as T;
}

async function evalSentimentCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    data: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'string' },
    format: { type: 'string' },
    subset: { type: 'string' },
    'min-agreement': { type: 'string' },
    'lm-dir': { type: 'string' },
    'no-lm': { type: 'boolean', default: false },
    'allow-overlap': { type: 'boolean', default: false },
  });
  if (!values.data) throw new UsageError(`eval sentiment needs --data FILE\n${USAGE}`);
  const format = values.format ?? 'auto';
  if (format !== 'auto' && format !== 'tfns' && format !== 'phrasebank')
    throw new UsageError(`--format must be tfns or phrasebank, got ${format}`);
  const minAgreement = num(values['min-agreement'], 'min-agreement');
  ctx.stderr.write(`himari eval sentiment: scoring ${values.data} with ${values.model ?? 'the committed model'} and the baselines…\n`);
  const r = await evalSentiment({
    data: values.data,
    format: format as DataFormatOption,
    subset: subsetOf<EvalSubset>(values.subset, EVAL_SUBSETS),
    lmDir: values['no-lm'] ? null : values['lm-dir'],
    allowOverlap: values['allow-overlap'],
    ...(values.model ? { model: values.model } : {}),
    ...(values.json ? { json: values.json } : {}),
    ...(values.markdown ? { markdown: values.markdown } : {}),
    ...(minAgreement !== undefined ? { minAgreement } : {}),
  });
  for (const w of r.warnings) ctx.stderr.write(`WARNING: ${w}\n`);
  ctx.stdout.write(evalMarkdown(r));
  ctx.stderr.write(
    `himari eval sentiment: ${r.n} rows in ${r.seconds.toFixed(1)} s${values.json ? `, JSON -> ${values.json}` : ''}${values.markdown ? `, Markdown -> ${values.markdown}` : ''}\n`,
  );
  return 0;
}

async function evalEventsCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    data: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'string' },
    subset: { type: 'string' },
    'allow-overlap': { type: 'boolean', default: false },
  });
  if (!values.data) throw new UsageError(`eval events needs --data FILE (text,label with the 20 topic ids)\n${USAGE}`);
  ctx.stderr.write(`himari eval events: scoring ${values.data} with ${values.model ?? 'the committed topic model'} and the baselines…\n`);
  let last = 0;
  const r = await evalEvents({
    data: values.data,
    subset: subsetOf<EventEvalSubset>(values.subset, EVENT_EVAL_SUBSETS),
    allowOverlap: values['allow-overlap'],
    ...(values.model ? { model: values.model } : {}),
    ...(values.json ? { json: values.json } : {}),
    ...(values.markdown ? { markdown: values.markdown } : {}),
    onProgress: (done, total) => {
      if (Date.now() - last < 2000 && done < total) return;
      last = Date.now();
      ctx.stderr.write(`himari eval events: ${done}/${total} rows classified\n`);
    },
  });
  for (const w of r.warnings) ctx.stderr.write(`WARNING: ${w}\n`);
  ctx.stdout.write(evalEventsMarkdown(r));
  ctx.stderr.write(
    `himari eval events: ${r.n} rows in ${r.seconds.toFixed(1)} s${values.json ? `, JSON -> ${values.json}` : ''}${values.markdown ? `, Markdown -> ${values.markdown}` : ''}\n`,
  );
  return 0;
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
  const lmDir = values['no-lm'] ? null : (values['lm-dir'] ?? DEFAULT_LM_DIR);
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
