/**
 * What J1 (opt-actor.ts) and J2 (cot-actor.ts) share as actors: loading the model once, the keep-alive during a
 * generation, and mapping a drafting result onto publish / reject / retry.
 */
import { decodeAs, ScoredNews, Stage, Topic, type DraftSignal } from '@himari/contracts';
import type { ActorDefinition, HandleContext, HandlerOutcome, InputBinding } from '@himari/actor-runtime';
import { draftFromUpstream } from '@himari/drafting';
import {
  budgetFrom,
  createGenerator,
  createLlmMetrics,
  LlmErrorCode,
  type DraftOutcome,
  type DrafterDeps,
  type TextGenerator,
} from '@himari/llm';
import { Registry } from 'prom-client';
import type { PipelineDeps } from '../deps.ts';

type DraftingStage = typeof Stage.optActor | typeof Stage.cotActor;

/** Tells the bus the handler is alive while a model works, so a long generation is not redelivered elsewhere. */
const KEEPALIVE_MS = 5_000;

function publish(draft: DraftSignal): HandlerOutcome {
  return { kind: 'publish', outputs: [{ topic: Topic.signalDrafted, message: draft, msgId: `drafted:${draft.id}` }] };
}

/**
 * Maps a drafting result onto the runtime: a draft is published, `unparseable` dead-lettered, a backend failure
 * retried (thrown: the runtime naks it with backoff) until the last delivery, which dead-letters it with the
 * backend's code and the news id.
 */
function toHandlerOutcome(r: DraftOutcome, newsId: string, ctx: HandleContext, maxDeliver: number): HandlerOutcome {
  switch (r.kind) {
    case 'draft':
      return publish(r.draft);
    case 'unparseable':
      return { kind: 'reject', code: LlmErrorCode.unparseable, reason: r.reason, newsId };
    case 'retry':
      if (ctx.deliveryCount >= maxDeliver) {
        return {
          kind: 'reject',
          code: r.error.code,
          reason: `${r.error.message} (delivery ${ctx.deliveryCount} of ${maxDeliver})`,
          newsId,
        };
      }
      throw r.error;
  }
}

async function withKeepAlive<T>(ctx: HandleContext, fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => ctx.working(), KEEPALIVE_MS);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

type Draft = (scored: ScoredNews, nowMs: number) => Promise<DraftOutcome>;

interface Engine {
  generator: TextGenerator;
  draft: Draft;
  close(): Promise<void>;
}

/**
 * J1 (opt-actor) and J2 (cot-actor). With `backend: none` (the default: no model is shipped) both draft from the
 * J5/J7 outputs and say so in the signal's provenance, flags and reasoning. With a backend, the model is loaded
 * once (a load failure fails the actor's start: fail fast) and every item goes through the LLM drafter; a delivery
 * that arrives while the model is still loading waits for it.
 */
export function drafterActor(
  stage: DraftingStage,
  deps: PipelineDeps,
  build: (generator: TextGenerator, base: DrafterDeps) => Promise<{ draft: Draft; close(): Promise<void> }>,
  extraInputs: (engine: () => Promise<Engine | null>) => InputBinding[] = () => [],
): ActorDefinition {
  const section = stage === Stage.optActor ? deps.config.llm.opt : deps.config.llm.cot;
  const metrics = createLlmMetrics(deps.registry ?? new Registry());
  let engine: Promise<Engine | null> | undefined;
  const load = (): Promise<Engine | null> =>
    (engine ??= (async () => {
      const generator = await createGenerator(section);
      if (generator === null) return null;
      const base: DrafterDeps = {
        generator,
        budget: budgetFrom(section, deps.clock),
        metrics,
        ragRequest: (subject, data, timeoutMs) => deps.transport.request(subject, data, timeoutMs),
        ragSubject: deps.names.ragSearch,
        ragGroundSubject: deps.names.ragGround,
      };
      const built = await build(generator, base);
      deps.log.info({ stage, backend: generator.kind, model: generator.model, version: generator.modelVersion }, 'language model ready');
      return {
        generator,
        draft: built.draft,
        async close() {
          await built.close();
          await generator.dispose();
        },
      };
    })());

  const input: InputBinding<ScoredNews> = {
    topic: stage === Stage.optActor ? Topic.newsScoredOpt : Topic.newsScoredCot,
    decode: (b) => decodeAs(ScoredNews, b),
    async handle(scored, ctx) {
      const e = await load();
      if (e === null) return publish(draftFromUpstream(scored, stage, ctx.now()));
      const result = await withKeepAlive(ctx, () => e.draft(scored, ctx.now()));
      if (result.kind === 'draft' && result.outcome !== 'llm')
        ctx.log.warn({ id: scored.news.id, outcome: result.outcome, flags: result.draft.flags }, 'drafted without a model answer');
      if (result.kind === 'unparseable')
        ctx.log.warn({ id: scored.news.id, reason: result.reason }, 'model answer unparseable after one re-ask: dead-lettering');
      return toHandlerOutcome(result, scored.news.id, ctx, deps.config.actors.retry.max_deliver);
    },
  };
  return {
    stage,
    inputs: [input, ...extraInputs(load)],
    async start() {
      if (section.backend === 'none') {
        deps.log.warn({ stage }, 'no language model configured: signals are drafted from J5/J7 and marked generator=upstream');
        return;
      }
      await load();
      return async () => {
        const e = await engine?.catch(() => null);
        await e?.close();
      };
    },
  };
}
