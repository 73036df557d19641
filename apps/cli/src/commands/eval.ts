import { evalEvents, evalEventsMarkdown } from '@himari/event-classification/offline';
import { SENTIMENT_DATA, evalMarkdown, evalSentiment, type DataFormatOption } from '@himari/sentiment-model/offline';
import { EVAL_SUBSETS, type EvalOptions, type EvalSubset } from '@himari/text-classifier';
import { numFlag, parse, sharedData, UsageError, type CommandContext } from '../context.ts';

const USAGE = `usage:
  himari eval sentiment --data FILE [--model FILE] [--json FILE] [--markdown FILE] [--format tfns|phrasebank]
                        [--subset all|valid] [--min-agreement N] [--lm-dir DIR | --no-lm] [--allow-overlap] [--config FILE]
  himari eval events    --data FILE [--model FILE] [--json FILE] [--markdown FILE] [--subset all|valid] [--allow-overlap]
  himari eval retrieval ...
--lm-dir defaults to loughran_mcdonald/ in the shared data folder (config data.shared_dir, env HIMARI_DATA_DIR).`;

type Command = (args: string[], ctx: CommandContext) => Promise<number>;

/** `himari eval sentiment|events|retrieval`: each writes its report as JSON/Markdown files and prints the Markdown. */
export async function evalCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [what, ...rest] = args;
  if (what === 'sentiment') return evalSentimentCommand(rest, ctx);
  if (what === 'events') return evalEventsCommand(rest, ctx);
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
