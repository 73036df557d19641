import { normaliseAsset } from '@himari/contracts';
import { createStore, namesFor } from '@himari/pipeline';
import { SignalStoreError } from '@himari/signal-store';
import { configFrom, numFlag, parse, UsageError, type CommandContext } from '../context.ts';

const USAGE = `usage:
  himari regime set REGIME [--asset X] [--ttl SECONDS] [--redis URL] [--config FILE]
  himari regime get ASSET [--redis URL] [--config FILE]`;

/**
 * `himari regime`: what the decision engine (or an operator) tells J2 about the market, kept in Redis beside the
 * signals (`<prefix>:regime`, `<prefix>:regime:<ASSET>`). The cot-actor reads it into each chain's market context.
 */
export async function regimeCommand(args: string[], ctx: CommandContext): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parse(
    rest,
    { asset: { type: 'string' }, ttl: { type: 'string' }, redis: { type: 'string' }, config: { type: 'string' } },
    true,
  );
  if (verb !== 'set' && verb !== 'get') throw new UsageError(USAGE);
  const value = positionals[0];
  if (!value) throw new UsageError(USAGE);
  const config = configFrom(ctx, values.config, { redis: values.redis ? { url: values.redis } : {} });
  if (config.redis.url === null) {
    throw new UsageError('regime needs Redis (--redis URL or HIMARI_REDIS_URL): an in-memory store lives only inside one process');
  }
  const asset = (raw: string): string => {
    try {
      return normaliseAsset(raw);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  };
  const store = createStore(config, namesFor(config));
  try {
    if (verb === 'get') {
      const a = asset(value);
      ctx.stdout.write(`${JSON.stringify({ asset: a, regime: await store.regime(a) })}\n`);
      return 0;
    }
    const ttlS = numFlag(values.ttl, 'ttl', { integer: true, min: 0 }) ?? 0;
    const target = values.asset === undefined ? {} : { asset: asset(values.asset) };
    try {
      await store.setRegime(value, { ...target, ttlS });
    } catch (err) {
      if (err instanceof SignalStoreError) throw new UsageError(err.message);
      throw err;
    }
    ctx.stderr.write(`himari regime: ${target.asset ?? 'market'} = ${value}${ttlS > 0 ? ` for ${ttlS} s` : ''}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
