import { decodeAs, ScoredNews, Stage, Topic } from '@himari/contracts';
import type { ActorDefinition, InputBinding } from '@himari/actor-runtime';
import { draftFromUpstream } from '@himari/drafting';
import type { PipelineDeps } from '../deps.ts';

type DraftingStage = typeof Stage.optActor | typeof Stage.cotActor;

/**
 * J1 (opt-actor) and J2 (cot-actor). With no language model configured (the default until the LLM issue lands)
 * both draft from the J5/J7 outputs and say so in the signal's provenance, flags and reasoning.
 */
function drafterActor(stage: DraftingStage, deps: PipelineDeps): ActorDefinition {
  const backend = stage === Stage.optActor ? deps.config.llm.opt.backend : deps.config.llm.cot.backend;
  const input: InputBinding<ScoredNews> = {
    topic: stage === Stage.optActor ? Topic.newsScoredOpt : Topic.newsScoredCot,
    decode: (b) => decodeAs(ScoredNews, b),
    async handle(scored, ctx) {
      const draft = draftFromUpstream(scored, stage, ctx.now());
      return { kind: 'publish', outputs: [{ topic: Topic.signalDrafted, message: draft, msgId: `drafted:${scored.news.id}` }] };
    },
  };
  return {
    stage,
    inputs: [input],
    async start() {
      if (backend === 'none') {
        deps.log.warn({ stage }, 'no language model configured: signals are drafted from J5/J7 and marked generator=upstream');
      }
    },
  };
}

export const optActor = (deps: PipelineDeps): ActorDefinition => drafterActor(Stage.optActor, deps);
export const cotActor = (deps: PipelineDeps): ActorDefinition => drafterActor(Stage.cotActor, deps);
