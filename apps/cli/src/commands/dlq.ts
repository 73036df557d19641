import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { busNames, STAGES, type Stage } from '@himari/contracts';
import { BusUnreachableError, openStreamBrowser, StreamNotFoundError } from '@himari/bus';
import {
  DeadLetterError,
  DeadLetterQueue,
  entryJson,
  formatTable,
  isStage,
  parseIds,
  parseRejects,
  parseSince,
  rejectedLines,
  RejectsFileError,
  showJson,
  type DeadLetterFilter,
} from '@himari/pipeline';
import { configFrom, parse, UsageError, type CommandContext } from '../context.ts';

const USAGE = `himari dlq list [--stage S] [--code C] [--since T]
himari dlq show ID
himari dlq replay [--stage S] [--code C] [--since T] [--ids ID,...] [--dry-run] [--again]
himari dlq purge [--stage S] [--code C] [--since T] [--ids ID,...] [--yes]
  common: [--nats URL] [--prefix NAME] [--config FILE] [--connect-timeout-ms N]
himari dlq rejects --rejects FILE --input FILE [--stage S] [--code C]
  the input lines behind a himari run's rejects, to pipe into: himari run --input -`;

/** Dead letters of a distributed deployment (the JetStream DLQ): inspect, re-drive after a fix, purge. */
export async function dlqCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || args.includes('--help') || args.includes('-h')) {
    ctx.stdout.write(`${USAGE}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'rejects') return rejects(rest, ctx);
  if (!['list', 'show', 'replay', 'purge'].includes(sub)) throw new UsageError(`dlq: unknown subcommand ${JSON.stringify(sub)}\n${USAGE}`);
  const { values, positionals } = parse(
    rest,
    {
      nats: { type: 'string' },
      prefix: { type: 'string' },
      config: { type: 'string' },
      'connect-timeout-ms': { type: 'string' },
      stage: { type: 'string' },
      code: { type: 'string' },
      since: { type: 'string' },
      ids: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      again: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
    },
    true,
  );
  const config = configFrom(ctx, values.config, {
    nats: { ...(values.nats ? { url: values.nats } : {}), ...(values.prefix ? { prefix: values.prefix } : {}) },
  });
  if (config.nats.url === null) {
    throw new UsageError('dlq needs a NATS server: --nats URL or HIMARI_NATS_URL (embedded runs write their rejects to --rejects FILE)');
  }
  const filter = filterFrom(values, sub);
  const timeoutMs = values['connect-timeout-ms'] ? positiveInt(values['connect-timeout-ms'], '--connect-timeout-ms') : 5_000;
  let showId: number | undefined;
  if (sub === 'show') {
    if (positionals.length !== 1) throw new UsageError('dlq show takes one ID (see dlq list)');
    showId = positiveInt(positionals[0]!, 'ID');
  } else if (positionals.length > 0) {
    throw new UsageError(`dlq ${sub} takes no positional arguments`);
  }

  const names = busNames(config.nats.prefix);
  try {
    const browser = await openStreamBrowser({ url: config.nats.url, names, connectTimeoutMs: timeoutMs, name: `himari-dlq-${sub}` });
    try {
      const dlq = new DeadLetterQueue(browser, names);
      switch (sub) {
        case 'list':
          return await list(dlq, filter, ctx);
        case 'show':
          return await show(dlq, showId!, ctx);
        case 'replay':
          return await replay(dlq, filter, { dryRun: values['dry-run'], again: values.again }, ctx);
        default:
          return await purge(dlq, filter, values.yes, ctx);
      }
    } finally {
      await browser.close();
    }
  } catch (err) {
    // What an operator can act on gets one line; anything else is a bug and keeps its stack (main prints it).
    if (err instanceof BusUnreachableError || err instanceof StreamNotFoundError || err instanceof DeadLetterError) {
      ctx.stderr.write(`himari dlq: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function filterFrom(values: { stage?: string; code?: string; since?: string; ids?: string[] }, sub: string): DeadLetterFilter {
  const f: DeadLetterFilter = {};
  if (values.stage !== undefined) {
    if (!isStage(values.stage)) throw new UsageError(`--stage ${JSON.stringify(values.stage)}: one of ${STAGES.join(', ')}`);
    f.stage = values.stage as Stage;
  }
  if (values.code !== undefined) f.code = values.code;
  try {
    if (values.since !== undefined) f.sinceMs = parseSince(values.since, Date.now());
    if (values.ids !== undefined) {
      if (sub === 'list') throw new UsageError('--ids is for replay and purge; list everything and pick from it');
      f.ids = parseIds(values.ids);
    }
  } catch (err) {
    if (err instanceof DeadLetterError) throw new UsageError(err.message);
    throw err;
  }
  return f;
}

async function list(dlq: DeadLetterQueue, filter: DeadLetterFilter, ctx: CommandContext): Promise<number> {
  const entries = await dlq.list(filter);
  const out = ctx.stdout as NodeJS.WriteStream;
  if (out.isTTY) out.write(formatTable(entries, out.columns || 160));
  else for (const e of entries) out.write(`${JSON.stringify(entryJson(e))}\n`);
  return 0;
}

async function show(dlq: DeadLetterQueue, id: number, ctx: CommandContext): Promise<number> {
  const e = await dlq.show(id);
  if (!e) {
    ctx.stderr.write(`himari dlq: no dead letter ${id} (purged, aged out, or not a dead letter)\n`);
    return 1;
  }
  const pretty = (ctx.stdout as NodeJS.WriteStream).isTTY ? 2 : undefined;
  ctx.stdout.write(`${JSON.stringify(showJson(e), null, pretty)}\n`);
  return 0;
}

async function replay(
  dlq: DeadLetterQueue,
  filter: DeadLetterFilter,
  opts: { dryRun: boolean; again: boolean },
  ctx: CommandContext,
): Promise<number> {
  const results = await dlq.replay({ ...filter, ...opts });
  for (const r of results) ctx.stdout.write(`${JSON.stringify(r)}\n`);
  const count = (s: string): number => results.filter((r) => r.status === s).length;
  ctx.stderr.write(
    `replay: ${count('replayed')} replayed, ${count('duplicate')} already on the bus, ${count('skipped')} skipped (replayed before; --again to repeat)` +
      (opts.dryRun ? `, ${count('dry-run')} would be replayed (dry run)` : '') +
      '\n',
  );
  return 0;
}

async function purge(dlq: DeadLetterQueue, filter: DeadLetterFilter, yes: boolean, ctx: CommandContext): Promise<number> {
  if (!yes) {
    const stdin = ctx.stdin as NodeJS.ReadStream;
    if (!stdin.isTTY) {
      ctx.stderr.write('himari dlq: purge deletes dead letters for good: pass --yes when stdin is not a terminal\n');
      return 2;
    }
    const n = (await dlq.list(filter)).length;
    if (n === 0) {
      ctx.stderr.write('purge: nothing matches\n');
      return 0;
    }
    const rl = createInterface({ input: stdin, output: ctx.stderr });
    const answer = await rl.question(`Delete ${n} dead letter${n === 1 ? '' : 's'} for good? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.stderr.write('purge: cancelled\n');
      return 1;
    }
  }
  const removed = await dlq.purge(filter);
  ctx.stdout.write(`${JSON.stringify({ purged: removed.length, ids: removed })}\n`);
  return 0;
}

/** Embedded runs have no DLQ stream: their rejects file names input lines, which go back through `himari run`. */
async function rejects(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    rejects: { type: 'string' },
    input: { type: 'string' },
    stage: { type: 'string' },
    code: { type: 'string' },
  });
  if (!values.rejects || !values.input) throw new UsageError("dlq rejects needs --rejects FILE and --input FILE (the run's own input)");
  if (values.stage !== undefined && !isStage(values.stage))
    throw new UsageError(`--stage ${JSON.stringify(values.stage)}: one of ${STAGES.join(', ')}`);
  try {
    const list = parseRejects(readFileSync(values.rejects, 'utf8'));
    const lines = await rejectedLines(createReadStream(values.input), list, {
      ...(values.stage !== undefined ? { stage: values.stage } : {}),
      ...(values.code !== undefined ? { code: values.code } : {}),
    });
    for (const l of lines) {
      ctx.stdout.write(l);
      ctx.stdout.write('\n');
    }
    ctx.stderr.write(`rejects: ${lines.length} of ${list.length} lines to replay\n`);
    return 0;
  } catch (err) {
    if (err instanceof RejectsFileError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      ctx.stderr.write(`himari dlq: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${what} ${JSON.stringify(text)}: a positive integer`);
  return n;
}
