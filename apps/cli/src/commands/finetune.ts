import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { readLabelled, toPromptCompletion } from '@himari/llm';
import { configFrom, parse, UsageError, type CommandContext } from '../context.ts';

const USAGE = `himari finetune prepare --data CSV --out FILE [--format json|lines] [--chat] [--asset SYMBOL] [--config FILE]
  Writes the design's prompt/completion pairs (JSON lines) from labelled data: Twitter Financial News Sentiment
  (text,label with 0/1/2) or Financial PhraseBank (sentence,label[,agreement]). The prompt is exactly what the
  opt-actor sends (--format picks the J6 JSON or the design's line prompt; default: llm.opt.prompt). --chat writes
  {"messages": [...]} instead of {"prompt", "completion"}. Recipe: docs/finetune.md.`;

export async function finetuneCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'prepare') throw new UsageError(`finetune: unknown subcommand ${JSON.stringify(sub ?? '')}\n${USAGE}`);
  const { values } = parse(rest, {
    data: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    chat: { type: 'boolean', default: false },
    asset: { type: 'string' },
    config: { type: 'string' },
  });
  if (!values.data || !values.out) throw new UsageError(`finetune prepare needs --data CSV and --out FILE\n${USAGE}`);
  if (values.format !== undefined && values.format !== 'json' && values.format !== 'lines')
    throw new UsageError('--format must be json or lines');
  const config = configFrom(ctx, values.config, {});
  const format = values.format ?? config.llm.opt.prompt;
  const { layout, examples, skipped } = await readLabelled(values.data);
  const out = createWriteStream(values.out);
  const counts = { positive: 0, negative: 0, neutral: 0 };
  let last = Date.now();
  for (let i = 0; i < examples.length; i++) {
    const pc = toPromptCompletion(examples[i]!, i, {
      format,
      maxInputChars: config.llm.opt.max_input_chars,
      maxReasoningChars: config.llm.opt.max_reasoning_chars,
      ...(values.asset ? { asset: values.asset } : {}),
    });
    counts[pc.label]++;
    const line = values.chat ? { messages: pc.messages } : { prompt: pc.prompt, completion: pc.completion };
    if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
    if (Date.now() - last > 3000) {
      last = Date.now();
      ctx.stderr.write(`himari finetune: ${i + 1}/${examples.length}\n`);
    }
  }
  out.end();
  await once(out, 'finish');
  ctx.stderr.write(
    `himari finetune: ${examples.length} pairs (${layout}, format ${format}) -> ${values.out}; positive ${counts.positive}, negative ${counts.negative}, neutral ${counts.neutral}; ${skipped} rows skipped\n`,
  );
  return 0;
}
