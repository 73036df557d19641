import { decodeAs, FeaturesRequest, Stage, storeKeys } from '@himari/contracts';
import type { ActorDefinition } from '@himari/actor-runtime';
import { createFeatureInjector, createNearCache, type FeatureInjectorOptions, type NearCache } from '@himari/features';
import { createRedisUpdateFeed, type UpdateFeed } from '@himari/signal-store';
import type { PipelineDeps } from '../deps.ts';

/**
 * The decision path's read as a service, for decision engines that are not in this process. A TypeScript
 * decision loop should call `createFeatureInjector` from @himari/features directly (with `createNearCache`): no bus
 * hop. With Redis and `features.near_cache.enabled`, reads are answered from a near cache kept fresh by the cache
 * writer's updates.
 */
export function featureInjectorActor(deps: PipelineDeps): ActorDefinition {
  const f = deps.config.features;
  let store: FeatureInjectorOptions['store'] = deps.store;
  let feed: UpdateFeed | undefined;
  let cache: NearCache | undefined;
  const url = deps.config.redis.url;
  if (url !== null && f.near_cache.enabled) {
    const keys = storeKeys(deps.config.redis.key_prefix, deps.names.prefix);
    feed = createRedisUpdateFeed(url, keys, { onError: (err) => deps.log.warn({ err: (err as Error).message }, 'near cache feed error') });
    cache = createNearCache({
      store: deps.store,
      feed,
      signalTtlS: deps.config.redis.signal_ttl_s,
      maxEntries: f.near_cache.max_entries,
      clock: deps.clock,
    });
    store = cache;
  }
  const injector = createFeatureInjector({
    store,
    profile: f.profile,
    budgetMs: f.budget_ms,
    staleAfterS: f.stale_after_s,
    offset: f.offset,
    vectorLength: f.vector_length,
    clock: deps.clock,
  });
  const text = new TextEncoder();
  return {
    stage: Stage.featureInjector,
    inputs: [],
    services: [
      {
        subject: deps.names.featuresRead,
        async handle(data) {
          let asset: string;
          try {
            asset = decodeAs(FeaturesRequest, data).asset;
          } catch (err) {
            return text.encode(JSON.stringify({ error: (err as Error).message }));
          }
          return text.encode(JSON.stringify(await injector.read(asset)));
        },
      },
    ],
    async start() {
      return async () => {
        cache?.close();
        await feed?.close();
      };
    },
  };
}
