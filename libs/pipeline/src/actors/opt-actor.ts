import { Stage } from '@himari/contracts';
import type { ActorDefinition } from '@himari/actor-runtime';
import { createOptDrafter, drafterSettingsFrom } from '@himari/llm';
import type { PipelineDeps } from '../deps.ts';
import { drafterActor } from './drafting-actor.ts';

/** J1: one model answer per item under the signal schema (or the J5/J7 draft when no model is configured). */
export const optActor = (deps: PipelineDeps): ActorDefinition =>
  drafterActor(Stage.optActor, deps, async (_generator, base) => {
    const c = deps.config.llm.opt;
    const drafter = createOptDrafter(c.prompt, drafterSettingsFrom(c), base);
    return { draft: (scored, nowMs) => drafter.draft(scored, nowMs), close: async () => undefined };
  });
