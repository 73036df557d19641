import { Stage, STAGES } from '@himari/contracts';
import type { ActorDefinition } from '@himari/actor-runtime';
import type { PipelineDeps } from './deps.ts';
import { cacheWriterActor } from './actors/cache-writer.ts';
import { calibratorActor } from './actors/calibrator.ts';
import { cotActor } from './actors/cot-actor.ts';
import { eventClassifierActor } from './actors/event-classifier.ts';
import { featureInjectorActor } from './actors/feature-injector.ts';
import { finbertActor } from './actors/finbert-actor.ts';
import { ingestorActor } from './actors/ingestor.ts';
import { optActor } from './actors/opt-actor.ts';
import { ragActor } from './actors/rag-actor.ts';

/** Every actor by its stage name: what `himari serve ACTOR` and the embedded runner start. */
export const ACTORS: Record<Stage, (deps: PipelineDeps) => ActorDefinition> = {
  [Stage.ingestor]: ingestorActor,
  [Stage.eventClassifier]: eventClassifierActor,
  [Stage.finbertActor]: finbertActor,
  [Stage.optActor]: optActor,
  [Stage.cotActor]: cotActor,
  [Stage.ragActor]: ragActor,
  [Stage.calibrator]: calibratorActor,
  [Stage.cacheWriter]: cacheWriterActor,
  [Stage.featureInjector]: featureInjectorActor,
};

export function isStage(name: string): name is Stage {
  return (STAGES as readonly string[]).includes(name);
}
