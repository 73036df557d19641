/**
 * Every name that appears on the wire or in Redis is built here and nowhere else.
 * Wire names carry a version so that a v2 schema can run beside v1 during a rollout.
 */

export const WIRE_VERSION = 1 as const;

/** Stages of the pipeline, in the design's order. Each owns one dead-letter subject. */
export const Stage = {
  ingestor: 'ingestor',
  eventClassifier: 'event-classifier',
  finbertActor: 'finbert-actor',
  optActor: 'opt-actor',
  cotActor: 'cot-actor',
  ragActor: 'rag-actor',
  calibrator: 'calibrator',
  cacheWriter: 'cache-writer',
  featureInjector: 'feature-injector',
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];
export const STAGES: readonly Stage[] = Object.values(Stage);

/** Topics inside one deployment's stream (the part after `<prefix>.v1.`). */
export const Topic = {
  newsRaw: 'news.raw',
  newsAccepted: 'news.accepted',
  newsClassified: 'news.classified',
  newsScoredOpt: 'news.scored.opt',
  newsScoredCot: 'news.scored.cot',
  signalDrafted: 'signal.drafted',
  signalCalibrated: 'signal.calibrated',
  signalStored: 'signal.stored',
  outcome: 'outcome',
} as const;
export type Topic = (typeof Topic)[keyof typeof Topic];

const PREFIX_RE = /^[a-z][a-z0-9_-]{0,47}$/;

/** Fails fast: a prefix becomes part of subjects, stream and consumer names. */
export function assertPrefix(prefix: string): string {
  if (!PREFIX_RE.test(prefix)) {
    throw new Error(`invalid bus prefix ${JSON.stringify(prefix)}: use ${PREFIX_RE.source}`);
  }
  return prefix;
}

/**
 * Subject and stream names for one deployment. Tests use a unique prefix each, so they can share one NATS server.
 */
export interface BusNames {
  readonly prefix: string;
  /** JetStream stream holding every versioned topic of this deployment. */
  readonly stream: string;
  /** `<prefix>.v1.>`: what the stream captures. */
  readonly streamSubjects: string;
  subject(topic: Topic): string;
  /** Dead letters of one stage: `<prefix>.v1.dlq.<stage>`. */
  deadLetter(stage: Stage): string;
  /** All dead letters: `<prefix>.v1.dlq.>`. */
  readonly deadLetterAll: string;
  /** Records of dead letters re-driven by `himari dlq replay`: `<prefix>.v1.replayed.<stage>` (outside `dlq.>`). */
  replayed(stage: Stage): string;
  /** All replay records: `<prefix>.v1.replayed.>`. */
  readonly replayedAll: string;
  /** Durable consumer name of a stage on a topic. */
  durable(stage: Stage, topic: Topic): string;
  /** Request-reply subjects live outside the stream: a stream would otherwise answer requests with its own ack. */
  readonly ragSearch: string;
  readonly ragGround: string;
  /** J3 novelty of one item (asked on the path by the event classifier). */
  readonly ragNovelty: string;
  /** The feature injector's request-reply read for processes that are not written in TypeScript. */
  readonly featuresRead: string;
}

export function busNames(prefix = 'himari'): BusNames {
  const p = assertPrefix(prefix);
  const base = `${p}.v${WIRE_VERSION}`;
  return {
    prefix: p,
    stream: `${p.toUpperCase().replace(/-/g, '_')}_V${WIRE_VERSION}`,
    streamSubjects: `${base}.>`,
    subject: (topic) => `${base}.${topic}`,
    deadLetter: (stage) => `${base}.dlq.${stage}`,
    deadLetterAll: `${base}.dlq.>`,
    replayed: (stage) => `${base}.replayed.${stage}`,
    replayedAll: `${base}.replayed.>`,
    durable: (stage, topic) => `${p}_${stage}_${topic}`.replace(/[.\s]/g, '_'),
    ragSearch: `${p}.rpc.v${WIRE_VERSION}.rag.search`,
    ragGround: `${p}.rpc.v${WIRE_VERSION}.rag.ground`,
    ragNovelty: `${p}.rpc.v${WIRE_VERSION}.rag.novelty`,
    featuresRead: `${p}.rpc.v${WIRE_VERSION}.features.read`,
  };
}

/**
 * Headers a replayed dead letter travels with; the actor runtime copies them onto the item's next dead letter, so an
 * item that fails again keeps its history.
 */
export const ReplayHeader = {
  /** How many times this item has been re-driven from the DLQ (1 on the first replay). */
  count: 'Himari-Replay-Count',
  /** Stream sequences of the item's earlier dead letters, oldest first, comma-separated. */
  previous: 'Himari-Replay-Previous',
  /** Epoch ms of the item's first dead letter. */
  firstSeen: 'Himari-Replay-First-Seen',
} as const;
export type ReplayHeader = (typeof ReplayHeader)[keyof typeof ReplayHeader];

/** Asset symbols become part of Redis keys: bounded, no separators, no control characters. */
export const ASSET_RE = /^[A-Z0-9][A-Z0-9._\-/]{0,31}$/;

export class InvalidAssetError extends Error {
  override readonly name = 'InvalidAssetError';
  readonly retryable = false;
}

/** Upper-cases and checks an asset symbol (`$btc` → `BTC`). Throws InvalidAssetError with the reason. */
export function normaliseAsset(raw: string): string {
  const asset = raw.trim().replace(/^\$/, '').toUpperCase();
  if (!ASSET_RE.test(asset)) {
    throw new InvalidAssetError(
      `invalid asset ${JSON.stringify(raw.slice(0, 40))}: 1-32 characters of A-Z 0-9 . _ - /, starting with a letter or digit`,
    );
  }
  return asset;
}

/** Redis key layout, documented in the README for readers in other languages. */
export interface StoreKeys {
  readonly prefix: string;
  /** JSON of the newest signal, with a TTL (SETEX). */
  latest(asset: string): string;
  /** List of the newest signals' JSON, newest first, trimmed to the configured length. */
  history(asset: string): string;
  /** String holding the EWMA of sentiment as a decimal float (the design's `float(r.get(key))`). */
  sentiment(asset: string): string;
  /** Hash {count, updated_ms}: how many signals the EWMA folded in and when it last moved (our addition). */
  sentimentStats(asset: string): string;
  /**
   * Marker that a signal id was applied under this deployment's bus prefix: makes the cache writer idempotent, and
   * lets a rerun on a fresh bus prefix write again instead of being told "already applied" by another deployment.
   */
  applied(signalId: string): string;
  /** Pub/sub channel: the cache writer publishes the asset after each apply, so near caches can drop it. */
  readonly updates: string;
  /** Claim of a news id by the first raw message that carried it (duplicate detection at ingest). */
  ingestSeen(newsId: string): string;
  /** Integer counter of signal ids applied under this prefix (INCR with each first apply): exact across replicas. */
  readonly appliedCount: string;
  /** String: the market regime the decision engine set for one asset, or (no asset) for the whole market. */
  regime(asset?: string): string;
}

/**
 * @param prefix the deployment's key prefix (`llm` in the design).
 * @param busScope the bus prefix: separates ingest duplicate detection and applied markers between bus deployments
 *   that share one Redis (a rerun of the same file on a fresh bus prefix is not a duplicate of the last run's news).
 */
export function storeKeys(prefix = 'llm', busScope = 'himari'): StoreKeys {
  if (!/^[A-Za-z0-9_:.-]{1,64}$/.test(prefix)) throw new Error(`invalid key prefix ${JSON.stringify(prefix)}`);
  const asset = (a: string): string => {
    if (!ASSET_RE.test(a)) throw new InvalidAssetError(`invalid asset in key: ${JSON.stringify(a.slice(0, 40))}`);
    return a;
  };
  const id = (s: string): string => encodeURIComponent(s);
  return {
    prefix,
    latest: (a) => `${prefix}:signal:${asset(a)}:latest`,
    history: (a) => `${prefix}:signal:${asset(a)}:history`,
    sentiment: (a) => `${prefix}:sentiment:${asset(a)}`,
    sentimentStats: (a) => `${prefix}:stats:sentiment:${asset(a)}`,
    applied: (s) => `${prefix}:applied:${busScope}:${id(s)}`,
    updates: `${prefix}:updates`,
    ingestSeen: (n) => `${prefix}:ingest:${busScope}:seen:${id(n)}`,
    appliedCount: `${prefix}:stats:applied_count`,
    regime: (a) => (a === undefined ? `${prefix}:regime` : `${prefix}:regime:${asset(a)}`),
  };
}
