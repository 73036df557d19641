import { existsSync } from 'node:fs';
import type { Config } from '@himari/config';
import { busNames, Stage, STAGES, type BusNames } from '@himari/contracts';
import type { Transport } from '@himari/bus';
import { ActorRunner } from '@himari/actor-runtime';
import { createActorMetrics, type Logger } from '@himari/observability';
import { createLexiconScorer, toAsync, type AsyncSentimentScorer, type SentimentScorer } from '@himari/sentiment';
import type { PipelineDeps } from './deps.ts';
import { ACTORS } from './registry.ts';

/** A J5 scorer that owns resources (an onnxruntime session): close it when the process stops. */
export interface SelectedScorer extends AsyncSentimentScorer {
  close(): Promise<void>;
}

/**
 * J5 scorer selection (`sentiment.backend`), logged at start:
 * - `auto`: the ONNX model when one is configured (`sentiment.onnx.path` / `hub_id`) and its files are there, else
 *   the trained model (`sentiment.trained.path`, default the committed models/sentiment/tfns-logreg.json), else the
 *   lexicon. Each fallback from something configured or expected is a warning. A model that is present but fails
 *   to load (bad labels, tokenizer/model mismatch, failed self-check, corrupt file) stops the start: falling back
 *   would hide a broken model.
 * - `onnx` / `trained` / `lexicon`: exactly that scorer; if it cannot load, the start fails.
 * Every score names its maker (`scorer`, `model`, `model_version`), which the drafters copy into
 * `provenance.sentiment_model`. With `stages` given and no finbert-actor among them, no model is loaded: the
 * returned scorer rejects every call (only J5 scores).
 */
export async function createScorer(config: Config, log: Logger, stages?: readonly Stage[]): Promise<SelectedScorer> {
  if (stages !== undefined && !stages.includes(Stage.finbertActor)) return scorerNotInThisProcess(stages);
  const s = config.sentiment;
  const chosen = await selectScorer(s, log);
  log.info(
    { backend: s.backend, scorer: chosen.kind, model: chosen.name, model_version: chosen.version },
    `J5 sentiment scorer: ${chosen.kind} (${chosen.name} ${chosen.version})`,
  );
  return chosen;

  async function selectScorer(s: Config['sentiment'], log: Logger): Promise<SelectedScorer> {
    switch (s.backend) {
      case 'lexicon':
        return lexicon();
      case 'trained':
        return trained(s.trained.path);
      case 'onnx':
        return onnx(s.onnx);
      case 'auto': {
        if (s.onnx.path === null && s.onnx.hub_id === null) {
          log.info('J5: no ONNX model configured (sentiment.onnx.path / sentiment.onnx.hub_id)');
        } else {
          const { OnnxModelNotFoundError } = await import('@himari/onnx-classifier');
          try {
            return await onnx(s.onnx);
          } catch (e) {
            if (!(e instanceof OnnxModelNotFoundError)) throw e;
            log.warn({ err: e.message }, 'J5: the configured ONNX model is not present; falling back to the trained model');
          }
        }
        const { DEFAULT_MODEL_PATH } = await import('@himari/sentiment-model');
        const path = s.trained.path ?? DEFAULT_MODEL_PATH;
        if (existsSync(path)) return trained(path);
        log.warn({ path }, 'J5: the trained sentiment model file is missing; falling back to the lexicon scorer (weaker)');
        return lexicon();
      }
    }
  }

  async function onnx(opts: Config['sentiment']['onnx']): Promise<SelectedScorer> {
    const { loadOnnxScorer } = await import('@himari/onnx-classifier');
    const scorer = await loadOnnxScorer(opts);
    const i = scorer.classifier.info;
    log.info(
      {
        source: i.source,
        id2label: i.id2label,
        load_ms: Math.round(i.loadMs),
        self_check_spread: i.selfCheck?.spread,
        batch_size: opts.batch_size,
        threads: opts.threads,
      },
      'J5: ONNX model loaded',
    );
    return scorer;
  }

  async function trained(path: string | null): Promise<SelectedScorer> {
    const { loadSentimentModel, DEFAULT_MODEL_PATH, SCORER_KIND } = await import('@himari/sentiment-model');
    const model = loadSentimentModel(path ?? DEFAULT_MODEL_PATH);
    const sync: SentimentScorer = {
      name: model.name,
      version: model.version,
      kind: SCORER_KIND,
      score: (text) => model.score(text),
      scoreBatch: (texts) => model.scoreBatch(texts),
    };
    return { ...toAsync(sync), close: async () => {} };
  }

  function lexicon(): SelectedScorer {
    return { ...toAsync(createLexiconScorer()), close: async () => {} };
  }
}

function scorerNotInThisProcess(stages: readonly Stage[]): SelectedScorer {
  const refuse = (): Promise<never> => Promise.reject(new Error(`no J5 scorer in a process running ${stages.join(', ')}`));
  return { name: 'none', version: 'none', kind: 'upstream', score: refuse, scoreBatch: refuse, close: async () => {} };
}

export interface RunningActors {
  runners: ActorRunner[];
  stop(): Promise<void>;
}

/** Starts the given actors on one transport, sharing one metrics registry. */
export async function startActors(stages: readonly Stage[], deps: PipelineDeps, transport: Transport): Promise<RunningActors> {
  const metrics = createActorMetrics();
  const runners: ActorRunner[] = [];
  const c = deps.config.actors;
  const unknown = Object.keys(c.per_actor).filter((k) => !(STAGES as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`actors.per_actor: unknown stage ${unknown.join(', ')} (stages: ${STAGES.join(', ')})`);
  for (const stage of stages) {
    const own = c.per_actor[stage] ?? {};
    const runner = new ActorRunner(
      transport,
      // Actors with metrics of their own (J3's latency quantiles, the LLM actors') register them where /metrics reads.
      ACTORS[stage]({ ...deps, registry: metrics.registry }),
      {
        names: deps.names,
        retry: { maxDeliver: c.retry.max_deliver, backoffMs: c.retry.backoff_ms, ackWaitMs: c.retry.ack_wait_ms },
        concurrency: own.concurrency ?? c.concurrency,
        batchSize: own.batch_size ?? c.batch_size,
        maxAckPending: own.max_ack_pending ?? c.max_ack_pending,
        publishInFlight: c.publish_in_flight,
        drainTimeoutMs: c.drain_timeout_ms,
        maxMessageBytes: deps.config.ingest.max_message_bytes,
        log: deps.log.child({ stage }),
        clock: deps.clock,
      },
      metrics,
    );
    await runner.start();
    runners.push(runner);
  }
  return {
    runners,
    // Upstream first, so that downstream actors can still take what upstream finishes while draining.
    async stop() {
      for (const r of runners) await r.stop();
    },
  };
}

export function namesFor(config: Config): BusNames {
  return busNames(config.nats.prefix);
}
