import { decodeAs, FeaturesRequest, Stage } from '@himari/contracts';
import type { ActorDefinition } from '@himari/actor-runtime';
import { createFeatureInjector } from '@himari/features';
import type { PipelineDeps } from '../deps.ts';
import { featureReadMetrics } from './metrics.ts';

/**
 * The decision path's read as a service, for decision engines that are not in this process. A TypeScript
 * decision loop should call `createFeatureInjector` from @himari/features directly: no bus hop.
 */
export function featureInjectorActor(deps: PipelineDeps): ActorDefinition {
  const f = deps.config.features;
  const injector = createFeatureInjector({
    store: deps.store,
    budgetMs: f.budget_ms,
    staleAfterS: f.stale_after_s,
    offset: f.offset,
    vectorLength: f.vector_length,
    clock: deps.clock,
  });
  const text = new TextEncoder();
  const metrics = featureReadMetrics(deps.registry);
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
          const end = metrics.seconds.startTimer();
          const features = await injector.read(asset);
          end();
          metrics.reads.inc({ status: features.status });
          return text.encode(JSON.stringify(features));
        },
      },
    ],
  };
}
