/**
 * The one configuration of the sidecar. Every option has a default that runs on a laptop; units are in the names.
 * YAML files use the same keys (see `config/himari.example.yaml`); environment variables override a few deployment keys.
 */
import { z } from 'zod';
import { CalibrationSection } from './sections/calibration.ts';
import { LlmSection } from './sections/llm.ts';
import { RagSection } from './sections/rag.ts';
import { HealthSection, NatsAuthSection, NatsTlsSection, RedisAuthSection, RedisTlsSection } from './sections/security.ts';
import { SentimentSection } from './sections/sentiment.ts';

const RetrySchema = z.object({
  /** Deliveries before a message is dead-lettered with `max_deliveries`. @default 5 */
  max_deliver: z.number().int().min(1).max(100).default(5),
  /** Delay before redelivery n (the last value repeats). @default [200, 1000, 5000, 15000] */
  backoff_ms: z.array(z.number().int().positive()).min(1).default([200, 1000, 5000, 15000]),
  /** An unacked delivery is redelivered after this long. @default 30000 */
  ack_wait_ms: z.number().int().min(100).default(30_000),
});

export const ConfigSchema = z.object({
  nats: z
    .object({
      /** `null`: the embedded in-memory transport. */
      url: z.string().nullable().default(null),
      /** More servers of the same cluster, tried with `url` (any one is enough to connect; the client learns the rest). */
      servers: z.array(z.string().min(1)).default([]),
      /** Copies of the stream (and its consumers) kept by a JetStream cluster: 3 survives one server lost. @default 1 */
      stream_replicas: z.number().int().min(1).max(5).default(1),
      /** Names the stream, subjects and durables; one prefix per deployment (tests use a unique one each). */
      prefix: z.string().default('himari'),
      /** JetStream de-duplication window: a redelivered input inside it never makes a second output. @default 600000 */
      duplicate_window_ms: z.number().int().min(1000).default(600_000),
      /** Messages older than this leave the stream. @default 7 days */
      max_age_ms: z
        .number()
        .int()
        .min(60_000)
        .default(7 * 24 * 3600 * 1000),
      auth: NatsAuthSection,
      tls: NatsTlsSection,
    })
    .prefault({}),
  redis: z
    .object({
      /** `null`: the embedded in-memory store. With `sentinel.name` set, only its password and db apply. */
      url: z.string().nullable().default(null),
      /** Redis Sentinel: the master is found (and found again after a failover) through the sentinels. */
      sentinel: z
        .object({
          /** The master's name in the sentinels' configuration; `null`: no Sentinel, `url` is the server. */
          name: z.string().min(1).nullable().default(null),
          /** `host:port` of each sentinel. */
          sentinels: z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'host:port')).default([]),
        })
        .prefault({})
        .refine((s) => s.name === null || s.sentinels.length > 0, 'sentinel.name needs at least one sentinels entry'),
      key_prefix: z.string().default('llm'),
      /** TTL of `llm:signal:{asset}:latest`. @default 300 */
      signal_ttl_s: z.number().int().positive().default(300),
      history_length: z.number().int().min(1).max(1000).default(10),
      ewma_alpha: z.number().gt(0).lte(1).default(0.3),
      /** How long the cache writer remembers applied signal ids (idempotency). @default 86400 */
      applied_ttl_s: z.number().int().positive().default(86_400),
      auth: RedisAuthSection,
      tls: RedisTlsSection,
    })
    .prefault({}),
  actors: z
    .object({
      retry: RetrySchema.prefault({}),
      /** Messages one actor process holds unacked at once (pulled, in handlers, publishing). @default 64 */
      concurrency: z.number().int().min(1).max(4096).default(64),
      /** Most messages pulled in one fetch and handed to an actor's batch handler in one call. @default 32 */
      batch_size: z.number().int().min(1).max(1024).default(32),
      /** JetStream max_ack_pending of each durable, shared by its replicas: past it a slow actor queues. @default 1000 */
      max_ack_pending: z.number().int().min(1).max(1_000_000).default(1000),
      /** Outputs of one process awaiting their stream acknowledgement at once. @default 256 */
      publish_in_flight: z.number().int().min(1).max(65_536).default(256),
      /** Per-stage overrides of the three bounds above, e.g. `finbert-actor: { concurrency: 128 }`. @default {} */
      per_actor: z
        .record(
          z.string().regex(/^[a-z][a-z-]*$/),
          z
            .object({
              concurrency: z.number().int().min(1).max(4096).optional(),
              batch_size: z.number().int().min(1).max(1024).optional(),
              max_ack_pending: z.number().int().min(1).max(1_000_000).optional(),
            })
            .strict(),
        )
        .default({}),
      /** Grace period to finish in-flight work on SIGTERM. @default 10000 */
      drain_timeout_ms: z.number().int().min(0).default(10_000),
      /**
       * Lease of the single-writer actors (cot-actor, rag-actor, calibrator) in Redis: a replica that stops renewing
       * loses it after this long and a waiting one takes over. @default 15000
       */
      lease_ttl_ms: z.number().int().min(1000).default(15_000),
    })
    .prefault({}),
  ingest: z
    .object({
      /** Longer texts are truncated here and flagged `truncated`. @default 20000 */
      max_text_chars: z.number().int().min(16).default(20_000),
      /** Raw messages larger than this are rejected before parsing. @default 1048576 */
      max_message_bytes: z.number().int().min(256).default(1_048_576),
      /** How long a news id is remembered for duplicate detection. @default 604800 */
      dedupe_ttl_s: z
        .number()
        .int()
        .positive()
        .default(7 * 24 * 3600),
      default_source: z.string().default('unknown'),
      /** A `published_at` further ahead of the receive time than this is rejected (`published_at_future`). @default 300 */
      max_future_skew_s: z.number().int().min(0).default(300),
    })
    .prefault({}),
  signals: z
    .object({
      /**
       * Last guards of the cache writer, whatever scorer made the signal: confidence of an item flagged
       * `possible_prompt_injection` is capped here. @default 0.3
       */
      injection_confidence_cap: z.number().min(0).max(1).default(0.3),
      stale_news: z
        .object({
          /**
           * News published longer ago than `max_age_s` (a replay, a late feed): `decay` flags it `stale_news` and
           * decays its confidence; `reject` dead-letters it (`stale_news`); `off` passes it unchanged (the backtest,
           * which replays history point in time). @default decay
           */
          policy: z.enum(['decay', 'reject', 'off']).default('decay'),
          /** @default 14400 (4 hours) */
          max_age_s: z.number().int().positive().default(14_400),
          /** Confidence halves for each this many seconds beyond `max_age_s`. @default 3600 */
          half_life_s: z.number().positive().default(3600),
        })
        .prefault({}),
    })
    .prefault({}),
  routing: z
    .object({
      /** Items with these impacts go to the chain-of-thought actor. @default ["high"] */
      cot_impacts: z.array(z.enum(['low', 'medium', 'high'])).default(['high']),
      /** Items with these urgencies go to the chain-of-thought actor. @default ["immediate"] */
      cot_urgencies: z.array(z.enum(['immediate', 'short_term', 'long_term'])).default(['immediate']),
    })
    .prefault({}),
  sentiment: SentimentSection,
  llm: LlmSection,
  rag: RagSection,
  calibration: CalibrationSection,
  features: z
    .object({
      /**
       * `design`: positions 55-59 exactly as the decision loop's contract (CONTRACT.md); `himari`: event half-life
       * decay and age from publication for 56, impact high for 58 (libs/features/README.md). @default design
       */
      profile: z.enum(['design', 'himari']).default('design'),
      /** The injector answers within this budget or returns neutral features flagged `timeout`. @default 1 */
      budget_ms: z.number().positive().default(1),
      /** (himari profile) a latest signal published longer ago than this is `stale`: 55-58 neutral. @default 14400 */
      stale_after_s: z.number().positive().default(14_400),
      /** In-process near cache of latest signal + EWMA (with Redis), invalidated by the cache writer's updates. */
      near_cache: z
        .object({
          enabled: z.boolean().default(true),
          max_entries: z.number().int().min(1).default(10_000),
        })
        .prefault({}),
      /** First of the five LLM positions in the decision vector. @default 55 */
      offset: z.number().int().min(0).default(55),
      vector_length: z.number().int().min(5).default(60),
    })
    .prefault({}),
  data: z
    .object({
      /**
       * The shared data folder: public data sets kept outside the repo (TFNS, the topic tweets, PhraseBank, StockNet,
       * the Loughran-McDonald lists) that training, evaluation and benches read; never read at run time. Relative to
       * the working directory. @default ../shared/data
       */
      shared_dir: z.string().min(1).default('../shared/data'),
    })
    .prefault({}),
  observability: z
    .object({
      log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Port of the `/metrics` endpoint of `himari serve`; 0 disables it. @default 0 */
      metrics_port: z.number().int().min(0).max(65535).default(0),
    })
    .prefault({}),
  health: HealthSection,
});

export type Config = z.infer<typeof ConfigSchema>;
/** What a YAML file or a caller may give: every key optional. */
export type ConfigInput = z.input<typeof ConfigSchema>;
