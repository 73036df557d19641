import { normaliseAsset } from '@himari/contracts';
import { createFeatureInjector, formatFeaturesJson } from '@himari/features';
import { createStore, namesFor } from '@himari/pipeline';
import { configFrom, parse, UsageError, type CommandContext } from '../context.ts';

export async function featuresCommand(args: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      redis: { type: 'string' },
      config: { type: 'string' },
      prefix: { type: 'string' },
      'key-prefix': { type: 'string' },
      profile: { type: 'string' },
    },
    true,
  );
  const raw = positionals[0];
  if (!raw) throw new UsageError('features needs an ASSET, e.g. himari features BTC');
  let asset: string;
  try {
    asset = normaliseAsset(raw);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.profile !== undefined && values.profile !== 'design' && values.profile !== 'himari') {
    throw new UsageError(`--profile must be design or himari, got ${JSON.stringify(values.profile)}`);
  }
  const config = configFrom(ctx, values.config, {
    redis: { ...(values.redis ? { url: values.redis } : {}), ...(values['key-prefix'] ? { key_prefix: values['key-prefix'] } : {}) },
  });
  if (config.redis.url === null) {
    ctx.stderr.write('himari features: no --redis given: reading the empty in-memory store (every asset is "missing")\n');
  }
  const store = createStore(config, namesFor(config));
  try {
    const f = config.features;
    // A person at a terminal is not the 1 ms decision loop: allow a network round trip.
    const injector = createFeatureInjector({
      store,
      profile: (values.profile as 'design' | 'himari' | undefined) ?? f.profile,
      budgetMs: Math.max(f.budget_ms, 2000),
      staleAfterS: f.stale_after_s,
      offset: f.offset,
      vectorLength: f.vector_length,
    });
    ctx.stdout.write(`${formatFeaturesJson(await injector.read(asset))}\n`);
  } finally {
    await store.close();
  }
  return 0;
}
