import { decodeAs, Outcome, ScoredNews, Stage, Topic, type DraftSignal } from '@himari/contracts';
import type { ActorDefinition, HandleContext, HandlerOutcome, InputBinding } from '@himari/actor-runtime';
import { CotStore, RlmfLearner, createCotDrafter } from '@himari/cot';
import { draftFromUpstream } from '@himari/drafting';
import {
  budgetFrom,
  createGenerator,
  createLlmMetrics,
  createOptDrafter,
  drafterSettingsFrom,
  LlmErrorCode,
  type DraftOutcome,
  type DrafterDeps,
  type OptDrafter,
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
function drafterActor(
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

export const optActor = (deps: PipelineDeps): ActorDefinition =>
  drafterActor(Stage.optActor, deps, async (_generator, base) => {
    const c = deps.config.llm.opt;
    const drafter: OptDrafter = createOptDrafter(c.prompt, drafterSettingsFrom(c), base);
    return { draft: (scored, nowMs) => drafter.draft(scored, nowMs), close: async () => undefined };
  });

/**
 * The market regime for J2's context, as the decision engine last set it in the store (`himari regime set`). A store
 * that cannot answer leaves the regime out rather than holding the item.
 */
async function regimeFor(deps: PipelineDeps, asset: string): Promise<string | undefined> {
  try {
    return (await deps.store.regime(asset)) ?? undefined;
  } catch (err) {
    deps.log.warn({ err: (err as Error).message, asset }, 'regime unreadable: the chain goes on without it');
    return undefined;
  }
}

/**
 * J2 also learns from market feedback: its own durable on `himari.v1.outcome` (the calibrator has another; distinct
 * durables each see every outcome) joins outcomes to its chains and updates the policy.
 */
export const cotActor = (deps: PipelineDeps): ActorDefinition => {
  const c = deps.config.llm.cot;
  let learner: RlmfLearner | undefined;
  return drafterActor(
    Stage.cotActor,
    deps,
    async (_generator, base) => {
      const store = new CotStore(c.db_path);
      learner = new RlmfLearner(
        store,
        {
          enabled: c.rlmf.enabled,
          bufferSize: c.rlmf.buffer_size,
          updateEvery: c.rlmf.update_every,
          epochs: c.rlmf.epochs,
          learningRate: c.rlmf.learning_rate,
          policyWeight: c.rlmf.policy_weight,
          minExperiences: c.rlmf.min_experiences,
          seed: c.rlmf.seed,
        },
        deps.clock,
        (report, state) => {
          base.metrics.policyUpdates.inc({ stage: Stage.cotActor });
          deps.log.info(
            { version: state.version, steps: report.steps, meanReward: report.meanReward, baseline: report.baseline },
            'rlmf policy updated',
          );
        },
      );
      const drafter = createCotDrafter(
        { ...drafterSettingsFrom(c), maxStepChars: c.max_step_chars, samples: c.samples, historySignals: c.history_signals },
        {
          ...base,
          store,
          learner,
          history: (asset, limit) => deps.store.history(asset, limit),
          runningSentiment: async (asset) => {
            const s = await deps.store.sentiment(asset);
            return s === null ? null : { value: s.value, count: s.count };
          },
        },
      );
      return {
        draft: async (scored, nowMs) => drafter.draft(scored, nowMs, await regimeFor(deps, scored.news.asset)),
        close: async () => store.close(),
      };
    },
    (load) =>
      c.backend === 'none' || !c.rlmf.enabled
        ? []
        : [
            {
              topic: Topic.outcome,
              decode: (b: Uint8Array) => decodeAs(Outcome, b),
              async handle(outcome: Outcome, ctx: HandleContext): Promise<HandlerOutcome> {
                await load();
                const r = learner?.observe(outcome) ?? 'disabled';
                ctx.log.debug({ outcome: outcome.id, result: r }, 'outcome for rlmf');
                return { kind: 'done' };
              },
            } satisfies InputBinding<Outcome>,
          ],
  );
};
