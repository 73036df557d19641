import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { deleteStream } from '@himari/bus';
import { busNames } from '@himari/contracts';
import { createLogger, prettyDestination } from '@himari/observability';
import { runBatch, type BatchRunSummary } from '@himari/pipeline';
import { checkReadable, checkWritable, configFrom, numFlag, parse, UsageError, type CommandContext } from '../context.ts';
import { natsSecurity, secretsOf } from '@himari/config';
import { countItems, RunProgress } from '../progress.ts';

/** Guard flags (from the cache writer) counted in the summary, so that a replay or old news is said plainly. */
const COUNTED_FLAGS = ['already_applied', 'stale_news', 'injection_capped'] as const;

export async function runCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    input: { type: 'string', short: 'i' },
    output: { type: 'string', short: 'o' },
    rejects: { type: 'string' },
    redis: { type: 'string' },
    nats: { type: 'string' },
    prefix: { type: 'string' },
    external: { type: 'boolean', default: false },
    config: { type: 'string' },
    'idle-timeout-ms': { type: 'string' },
    quiet: { type: 'boolean', short: 'q', default: false },
  });
  if (!values.input) throw new UsageError('run needs --input FILE (or - for standard input)');
  if (values.external && !values.nats && !ctx.env['HIMARI_NATS_URL'])
    throw new UsageError('--external needs --nats: the actors must be reachable');
  const idleTimeoutMs = numFlag(values['idle-timeout-ms'], 'idle-timeout-ms', { integer: true, above: 0 });

  const base = configFrom(ctx, values.config, {});
  const natsUrl = values.nats ?? base.nats.url;
  // A run on NATS gets a bus of its own unless told otherwise, so that reruns of a file are not duplicates of the last run.
  const ownPrefix = natsUrl !== null && !values.prefix && !values.external;
  const prefix = values.prefix ?? (ownPrefix ? `run-${randomUUID().slice(0, 8)}` : base.nats.prefix);
  const config = configFrom(ctx, values.config, {
    nats: { url: natsUrl, prefix },
    redis: { url: values.redis ?? base.redis.url },
    observability: { log_level: ctx.env['HIMARI_LOG_LEVEL'] ? base.observability.log_level : 'warn' },
  });
  if (values.input !== '-') checkReadable(values.input, 'input file');
  if (values.output) checkWritable(values.output, '--output');
  if (values.rejects) checkWritable(values.rejects, '--rejects');

  const input: Readable = values.input === '-' ? (ctx.stdin as Readable) : createReadStream(values.input);
  const output = values.output ? createWriteStream(values.output) : undefined;
  const rejects = values.rejects ? createWriteStream(values.rejects) : undefined;

  // On a terminal: a bar whose total is the input's item count, read before the run, and log lines printed readably
  // above it. Elsewhere: no bar, log lines as JSON.
  const tty = Boolean(ctx.stderr.isTTY);
  const bar = tty && !values.quiet ? new RunProgress(ctx.stderr, await countItems(values.input)) : undefined;
  const log = createLogger({
    name: 'himari-run',
    level: config.observability.log_level,
    secrets: secretsOf(config),
    ...(bar
      ? { destination: prettyDestination((l) => bar.log(l)) }
      : tty
        ? { destination: prettyDestination((l) => ctx.stderr.write(l)) }
        : {}),
  });
  // Lines meant for the terminal the bar is on go above it.
  const above = (stream: NodeJS.WritableStream): ((line: string) => void) =>
    bar && (stream as NodeJS.WriteStream).isTTY ? (l) => bar.log(l) : (l) => void stream.write(l);
  const out = output ? (l: string) => void output.write(l) : above(ctx.stdout);
  const rej = rejects ? (l: string) => void rejects.write(l) : above(ctx.stderr);

  const flagged: Record<(typeof COUNTED_FLAGS)[number], number> = { already_applied: 0, stale_news: 0, injection_capped: 0 };
  let summary: BatchRunSummary;
  try {
    summary = await runBatch({
      config,
      input,
      log,
      startActors: !values.external,
      ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
      onSignal: (signal) => {
        for (const flag of COUNTED_FLAGS) if (signal.flags.includes(flag)) flagged[flag] += 1;
        out(`${JSON.stringify(signal)}\n`);
      },
      onReject: (r) => rej(`${JSON.stringify(r)}\n`),
      onProgress: (p) => bar?.update(p),
    });
  } finally {
    bar?.stop();
    await Promise.all([closeStream(output), closeStream(rejects)]);
    if (ownPrefix && natsUrl) await deleteStream(natsUrl, busNames(prefix).stream, natsSecurity(config)).catch(() => undefined);
  }
  ctx.stderr.write(
    `himari run: ${summary.items} items, ${summary.signals} signals, ${summary.rejected} rejected` +
      (summary.timedOut ? `, ${summary.timedOut} TIMED OUT` : '') +
      ` in ${(summary.elapsedMs / 1000).toFixed(2)} s (${summary.itemsPerS.toFixed(0)} items/s; bus ${summary.transport}, store ${summary.store}; J5 ${summary.sentimentModel})\n`,
  );
  if (flagged.already_applied > 0) {
    ctx.stderr.write(
      `himari run: ${flagged.already_applied} signals were ALREADY APPLIED under bus prefix ${summary.prefix} (a replay): ` +
        `Redis keeps the earlier writes, not these (run on a fresh --prefix to write again)\n`,
    );
  }
  if (flagged.stale_news > 0 || flagged.injection_capped > 0) {
    ctx.stderr.write(
      `himari run: ${flagged.stale_news} stale news (published over signals.stale_news.max_age_s ago: confidence decayed), ` +
        `${flagged.injection_capped} capped for suspected prompt injection\n`,
    );
  }
  return summary.timedOut > 0 ? 1 : 0;
}

function closeStream(s: WriteStream | undefined): Promise<void> {
  return s ? new Promise((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve()))) : Promise.resolve();
}
