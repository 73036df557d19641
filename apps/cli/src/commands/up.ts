import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STAGES, type Stage } from '@himari/contracts';
import { formatLogLine } from '@himari/observability';
import { isStage } from '@himari/pipeline';
import { configFrom, parse, UsageError, type CommandContext } from '../context.ts';

const HIMARI_BIN = fileURLToPath(new URL('../../bin/himari.mjs', import.meta.url));
/** Distinct ANSI colours, so that interleaved actors can be told apart at a glance. */
const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95];

/**
 * `himari up`: the nine actors as child processes against one NATS and one Redis (a developer's laptop), their
 * log lines prefixed with the actor. Both urls are required: nine actors on private in-memory buses or stores would
 * never see each other's work. The first signal drains every child; a child that dies on its own stops the rest.
 */
export async function upCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values } = parse(args, {
    nats: { type: 'string' },
    redis: { type: 'string' },
    prefix: { type: 'string' },
    config: { type: 'string' },
    'metrics-base-port': { type: 'string' },
    only: { type: 'string' },
  });
  const config = configFrom(ctx, values.config, {
    nats: { ...(values.nats ? { url: values.nats } : {}), ...(values.prefix ? { prefix: values.prefix } : {}) },
    redis: values.redis ? { url: values.redis } : {},
  });
  if (config.nats.url === null || config.redis.url === null) {
    ctx.stderr.write(
      `himari up: needs ${config.nats.url === null ? '--nats URL (or HIMARI_NATS_URL)' : '--redis URL (or HIMARI_REDIS_URL)'}: ` +
        'nine processes on private in-memory buses or stores would never see each other\n',
    );
    return 2;
  }
  const stages = values.only ? values.only.split(',').map((s) => s.trim()) : [...STAGES];
  const unknown = stages.filter((s) => !isStage(s));
  if (unknown.length) throw new UsageError(`--only: unknown actor(s) ${unknown.join(', ')}; one of ${STAGES.join(', ')}`);
  const basePort = values['metrics-base-port'] ? Number(values['metrics-base-port']) : 0;
  if (!Number.isInteger(basePort) || basePort < 0 || basePort + stages.length > 65535)
    throw new UsageError('--metrics-base-port must be a port number');

  const tty = Boolean(ctx.stderr.isTTY);
  const width = Math.max(...stages.map((s) => s.length));
  const children = new Map<Stage, ChildProcess>();
  let stopping = false;
  let failed = 0;
  let serving = 0;
  const say = (m: string): void => void ctx.stderr.write(`himari up: ${m}\n`);

  const exits = (stages as Stage[]).map((stage, i) => {
    const childArgs = [
      HIMARI_BIN,
      'serve',
      stage,
      '--nats',
      config.nats.url!,
      '--redis',
      config.redis.url!,
      '--prefix',
      config.nats.prefix,
    ];
    if (values.config) childArgs.push('--config', values.config);
    if (basePort > 0) childArgs.push('--metrics-port', String(basePort + i));
    // Own process group: a terminal's Ctrl-C reaches only this process, which sends each child one SIGTERM (a child
    // that saw both would take the second as "exit now" and skip its drain).
    const child = spawn(process.execPath, childArgs, { env: { ...ctx.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.set(stage, child);
    const tag = tty ? `\x1b[${COLOURS[i % COLOURS.length]}m${stage.padEnd(width)}\x1b[0m | ` : `${stage.padEnd(width)} | `;
    const onLine = (line: string): void => {
      if (line.includes('"msg":"serving"') && ++serving === stages.length)
        say(
          `${serving} actors serving (nats ${config.nats.url}, redis ${config.redis.url}, prefix ${config.nats.prefix}); Ctrl-C drains them`,
        );
      ctx.stderr.write(`${tag}${tty ? formatLogLine(line) : line}\n`);
    };
    prefixLines(child.stdout!, onLine);
    prefixLines(child.stderr!, onLine);
    return new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        children.delete(stage);
        if (!stopping) {
          failed += 1;
          say(`${stage} exited (${signal ?? `code ${code}`}) on its own: stopping the others`);
          stopAll('SIGTERM');
        } else if (code !== 0 && signal === null) {
          failed += 1;
          say(`${stage} exited with code ${code} while draining`);
        }
        resolve();
      });
    });
  });

  function stopAll(signal: NodeJS.Signals): void {
    stopping = true;
    for (const c of children.values()) c.kill(signal);
  }
  const onSignal = (sig: NodeJS.Signals): void => {
    // A second Ctrl-C does not wait for the drain.
    if (stopping) return stopAll('SIGKILL');
    say(`${sig}: draining ${children.size} actors`);
    stopAll('SIGTERM');
  };
  const onExit = (): void => stopAll('SIGKILL');
  ctx.proc.on('SIGINT', onSignal);
  ctx.proc.on('SIGTERM', onSignal);
  ctx.proc.on('exit', onExit);
  try {
    await Promise.all(exits);
  } finally {
    ctx.proc.off('SIGINT', onSignal);
    ctx.proc.off('SIGTERM', onSignal);
    ctx.proc.off('exit', onExit);
  }
  say(failed ? `${failed} actor(s) failed` : 'all actors stopped');
  return failed ? 1 : 0;
}

function prefixLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buf) onLine(buf);
  });
}
