import { decodeAs, Outcome, Stage, Topic } from '@himari/contracts';
import type { ActorDefinition, HandleContext, HandlerOutcome, InputBinding } from '@himari/actor-runtime';
import { CotStore, RlmfLearner, createCotDrafter } from '@himari/cot';
import { drafterSettingsFrom } from '@himari/llm';
import type { PipelineDeps } from '../deps.ts';
import { drafterActor } from './drafting-actor.ts';

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
