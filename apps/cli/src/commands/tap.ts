import { decodeRaw, busNames } from '@himari/contracts';
import { connectNatsTransport, type TapMessage } from '@himari/bus';
import { shutdownSignal } from '@himari/pipeline';
import { configFrom, numFlag, parse, UsageError, type CommandContext } from '../context.ts';

/** Prints decoded bus traffic, one JSON line per message: the design's "NATS taps for debugging". */
export async function tapCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      nats: { type: 'string' },
      prefix: { type: 'string' },
      config: { type: 'string' },
      'from-start': { type: 'boolean', default: false },
      count: { type: 'string' },
    },
    true,
  );
  const config = configFrom(ctx, values.config, {
    nats: { ...(values.nats ? { url: values.nats } : {}), ...(values.prefix ? { prefix: values.prefix } : {}) },
  });
  if (config.nats.url === null)
    throw new UsageError('tap needs a NATS server: --nats URL or HIMARI_NATS_URL (the embedded bus lives inside one process)');
  const names = busNames(config.nats.prefix);
  const subject = positionals[0] ?? `${names.prefix}.>`;
  const limit = numFlag(values.count, 'count', { integer: true, min: 1 }) ?? Infinity;
  const transport = await connectNatsTransport({
    url: config.nats.url,
    names,
    duplicateWindowMs: config.nats.duplicate_window_ms,
    maxAgeMs: config.nats.max_age_ms,
    name: 'himari-tap',
  });
  let seen = 0;
  let done: (v: string) => void = () => undefined;
  const finished = new Promise<string>((resolve) => (done = resolve));
  const print = (m: TapMessage): void => {
    if (seen >= limit) return;
    seen += 1;
    ctx.stdout.write(`${JSON.stringify({ subject: m.subject, msg_id: m.msgId, body: describe(m.data) }, bytesReplacer)}\n`);
    if (seen >= limit) done('count');
  };
  try {
    if (values['from-start']) await transport.readStored(subject, print);
    if (seen < limit) {
      const sub = await transport.tap(subject, print);
      await Promise.race([finished, shutdownSignal(ctx.proc)]);
      await sub.drain();
    }
  } finally {
    await transport.close();
  }
  return 0;
}

/** msgpack when it decodes, else the UTF-8 text (raw ingest lines are JSON text), else hex. */
function describe(data: Uint8Array): unknown {
  try {
    return decodeRaw(data);
  } catch {
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(data) };
    } catch {
      return { hex: Buffer.from(data).toString('hex') };
    }
  }
}

function bytesReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: value.length, text: Buffer.from(value).toString('utf8').slice(0, 500) };
  if (
    value &&
    typeof value === 'object' &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  ) {
    const data = (value as { data: number[] }).data;
    return { bytes: data.length, text: Buffer.from(data).toString('utf8').slice(0, 500) };
  }
  return value;
}
