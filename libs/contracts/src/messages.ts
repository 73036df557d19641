/**
 * One schema per message that crosses the bus. Types are derived from the schemas, so the validator and the type
 * cannot drift apart. Every message carries `v` (its schema version); a consumer rejects versions it does not know.
 */
import { z } from 'zod';
import { ASSET_RE, STAGES } from './names.ts';

const unit = z.number().min(0).max(1);
const signed = z.number().min(-1).max(1);
const asset = z.string().regex(ASSET_RE, 'asset must match ' + ASSET_RE.source);
const id = z.string().min(1).max(256);
const epochMs = z.number().int().nonnegative();

export const NewsKind = z.enum(['news', 'social', 'onchain']);

/**
 * J3 novelty of one item (RavenPack-style): how unlike it is to what was already known in the novelty window, the
 * nearest earlier document, and the first story of its chain when it repeats one. The decision engine counts a
 * story once: items with `duplicate_of` are repeats of that id.
 */
export const Novelty = z.object({
  /** 1: nothing similar in the window; 0: the same text again. `1 − max(0, similarity)`. */
  score: z.number().min(0).max(1),
  /** The most similar earlier document in the window, or null when the window was empty. */
  nearest_id: id.nullable(),
  /** Cosine similarity to `nearest_id` (−1..1), null when the window was empty. */
  similarity: z.number().min(-1).max(1).nullable(),
  /** Set when `similarity` reaches `rag.novelty.duplicate_similarity`: the id of the chain's first story. */
  duplicate_of: id.optional(),
});
export type Novelty = z.infer<typeof Novelty>;
export type NewsKind = z.infer<typeof NewsKind>;

/** J8 output: a validated, normalised item. */
export const NewsItem = z.object({
  v: z.literal(1),
  id,
  text: z.string().min(1),
  asset,
  source: z.string().min(1).max(128),
  kind: NewsKind,
  /** ISO-8601 time the item was published; the receive time when the input had none. */
  published_at: z.string(),
  received_at: epochMs,
  /** Set when the text was cut at the configured limit; `original_chars` says how long it was. */
  truncated: z.boolean(),
  original_chars: z.number().int().nonnegative(),
  /** What normalisation did or noticed, e.g. `control_chars_stripped`, `possible_prompt_injection`. */
  flags: z.array(z.string()),
  /** Filled on the path by J3 (asked by the event classifier); null with flag `novelty_unavailable` when J3 did not answer. */
  novelty: Novelty.nullable().optional(),
});
export type NewsItem = z.infer<typeof NewsItem>;

export const EventCategory = z.enum(['earnings', 'macro', 'corporate', 'regulatory', 'market', 'crypto_specific', 'unknown']);
export type EventCategory = z.infer<typeof EventCategory>;
export const Impact = z.enum(['low', 'medium', 'high']);
export type Impact = z.infer<typeof Impact>;
export const Urgency = z.enum(['immediate', 'short_term', 'long_term']);
export type Urgency = z.infer<typeof Urgency>;

/** J7 result. */
export const EventInfo = z.object({
  category: EventCategory,
  subcategory: z.string(),
  impact: Impact,
  urgency: Urgency,
  /** How fast the news loses relevance; the feature injector decays confidence with it. */
  half_life_s: z.number().positive(),
  /** 0..1: how sure the classifier is of the category. */
  category_confidence: unit,
  entities: z.array(z.string()),
  matched: z.array(z.string()),
  classifier: z.string(),
});
export type EventInfo = z.infer<typeof EventInfo>;

export const ClassifiedNews = z.object({
  v: z.literal(1),
  news: NewsItem,
  event: EventInfo,
  classified_at: epochMs,
});
export type ClassifiedNews = z.infer<typeof ClassifiedNews>;

/** Which kind of model produced a score: the decision engine can weigh or filter by it. */
export const ScorerKind = z.enum(['lexicon', 'trained', 'onnx', 'llm', 'upstream']);
export type ScorerKind = z.infer<typeof ScorerKind>;

/** J5 result. */
export const SentimentScore = z.object({
  label: z.enum(['positive', 'negative', 'neutral']),
  probabilities: z.object({ positive: unit, negative: unit, neutral: unit }),
  /** −1..1; the scorer documents its formula. */
  compound: signed,
  scorer: ScorerKind,
  model: z.string(),
  model_version: z.string(),
});
export type SentimentScore = z.infer<typeof SentimentScore>;

export const Route = z.enum(['opt', 'cot']);
export type Route = z.infer<typeof Route>;

export const ScoredNews = z.object({
  v: z.literal(1),
  news: NewsItem,
  event: EventInfo,
  sentiment: SentimentScore,
  route: Route,
  scored_at: epochMs,
});
export type ScoredNews = z.infer<typeof ScoredNews>;

export const Direction = z.union([z.literal(-1), z.literal(0), z.literal(1)]);
export type Direction = z.infer<typeof Direction>;
export const Timeframe = z.enum(['intraday', 'short_term', 'medium_term', 'long_term']);
export type Timeframe = z.infer<typeof Timeframe>;
export const Magnitude = z.enum(['low', 'medium', 'high']);
export type Magnitude = z.infer<typeof Magnitude>;

/** Who drafted the signal and with which versions: provenance travels with every signal. */
export const Provenance = z.object({
  actor: z.enum(['opt-actor', 'cot-actor']),
  /** `upstream`: no language model ran; the signal was drafted from J5/J7 outputs. */
  generator: ScorerKind,
  model: z.string(),
  model_version: z.string(),
  prompt_version: z.string(),
  sentiment_model: z.string(),
  event_classifier: z.string(),
});
export type Provenance = z.infer<typeof Provenance>;

/** Longest `source_summary` a signal carries: a head of the text, not the text. */
export const SOURCE_SUMMARY_CHARS = 280;

const signalCore = {
  v: z.literal(1),
  /** The news id the signal was made from; one signal per news id. */
  id,
  asset,
  sentiment: signed,
  direction: Direction,
  reasoning: z.string().max(4000),
  entities: z.array(z.string()),
  events: z.array(z.string()),
  timeframe: Timeframe,
  magnitude: Magnitude,
  event_type: EventCategory,
  event: EventInfo,
  /** Where the news came from (feed, account, chain monitor). */
  source: z.string(),
  provenance: Provenance,
  flags: z.array(z.string()),
  published_at: z.string(),
  received_at: epochMs,
  drafted_at: epochMs,
  /** J3 novelty of the news the signal was made from (see Novelty); null when J3 did not answer in time. */
  novelty: Novelty.nullable().optional(),
  /** What was analysed: the head of the news text (the design's reader shows it as `source_summary`). */
  source_summary: z.string().max(SOURCE_SUMMARY_CHARS).optional(),
};

/** J1/J2 (+J6) output: confidence is the model's or the drafter's own, not yet calibrated. */
export const DraftSignal = z.object({ ...signalCore, confidence_raw: unit });
export type DraftSignal = z.infer<typeof DraftSignal>;

export const CalibrationInfo = z.object({
  calibrated: z.boolean(),
  method: z.enum(['none', 'isotonic', 'platt']),
  map_version: z.string(),
  raw_confidence: unit,
});
export type CalibrationInfo = z.infer<typeof CalibrationInfo>;

/** J4 output: the signal as the decision engine sees it. */
export const TradingSignal = z.object({
  ...signalCore,
  confidence: unit,
  calibration: CalibrationInfo,
  /** Epoch ms when the signal was finalised; the feature injector ages confidence from here. */
  timestamp: epochMs,
  /** Receive → calibrated, in ms. */
  latency_ms: z.number().nonnegative(),
});
export type TradingSignal = z.infer<typeof TradingSignal>;

/** A realised return after a signal, fed back to J4 and J2's market-feedback learning. */
export const Outcome = z.object({
  v: z.literal(1),
  id,
  /** The news/signal id the outcome belongs to, when known; otherwise it is joined by asset and time. */
  signal_id: id.optional(),
  asset,
  /** Length of the return's window; it started at `observed_at − horizon_s·1000`. */
  horizon_s: z.number().positive(),
  realised_return: z.number().finite(),
  /** Epoch ms the window ended (the return became known). */
  observed_at: epochMs,
  /**
   * Trading sessions the window spans (1: from an open or close to the next session's open or close). Needed to join
   * an outcome without `signal_id` to signals by asset and time; J4 maps a signal's timeframe to a session count.
   */
  sessions: z.number().int().positive().optional(),
  /**
   * The position the decision engine actually took on the signal (−1, 0, 1), for J2's learning from market feedback
   * (the reward depends on whether the action followed the signal). Absent: it followed the signal.
   */
  action: Direction.optional(),
});
export type Outcome = z.infer<typeof Outcome>;

/** A dead letter: the original bytes and the reason, so that nothing is lost and it can be replayed. */
export const Rejection = z.object({
  v: z.literal(1),
  stage: z.enum(STAGES as [string, ...string[]]),
  /** Stable machine-readable code, e.g. `invalid_json`, `duplicate_id`, `max_deliveries`. */
  code: z.string(),
  reason: z.string(),
  /** The transport message id of the rejected message. */
  msg_id: z.string(),
  /** The news id, when it could be read. */
  news_id: z.string().optional(),
  subject: z.string(),
  delivery_count: z.number().int().nonnegative(),
  payload: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'payload must be bytes'),
  at: epochMs,
});
export type Rejection = z.infer<typeof Rejection>;

/** A dead letter re-published to its stage's input by `himari dlq replay`: the audit trail of re-drives. */
export const DeadLetterReplay = z.object({
  v: z.literal(1),
  stage: z.enum(STAGES as [string, ...string[]]),
  /** Stream sequence of the dead letter that was replayed. */
  dlq_seq: z.number().int().positive(),
  /** The input subject it went back to and the fresh message id it went with. */
  subject: z.string(),
  msg_id: z.string(),
  /** 1 on the item's first replay; counts across the item's earlier dead letters too. */
  replay_count: z.number().int().positive(),
  news_id: z.string().optional(),
  at: epochMs,
});
export type DeadLetterReplay = z.infer<typeof DeadLetterReplay>;

/** J3 request-reply. */
export const RagSearchRequest = z.object({
  v: z.literal(1),
  query: z.string().min(1).max(20_000),
  top_k: z.number().int().min(1).max(100).default(5),
  min_similarity: z.number().min(-1).max(1).default(0),
  asset: asset.optional(),
  since_ms: epochMs.optional(),
});
export type RagSearchRequest = z.infer<typeof RagSearchRequest>;

export const RagHit = z.object({
  id,
  text: z.string(),
  asset: z.string(),
  similarity: z.number(),
  published_at: z.string(),
  source: z.string().optional(),
  /** The chain's first story when this document repeats one. */
  duplicate_of: z.string().optional(),
});
export type RagHit = z.infer<typeof RagHit>;

export const RagSearchResponse = z.object({
  v: z.literal(1),
  hits: z.array(RagHit),
  index_size: z.number().int().nonnegative(),
  /** Why the answer is empty when it is, e.g. `no_index` until J3 has documents. */
  note: z.string().optional(),
});
export type RagSearchResponse = z.infer<typeof RagSearchResponse>;

/** J3: the novelty of one item; J3 stores the item if it has not seen its id (idempotent, first answer wins). */
export const RagNoveltyRequest = z.object({ v: z.literal(1), news: NewsItem });
export type RagNoveltyRequest = z.infer<typeof RagNoveltyRequest>;

export const RagNoveltyResponse = z.object({
  v: z.literal(1),
  novelty: Novelty,
  /** False when the item was not kept (e.g. `rag.retention` says it is already too old). */
  stored: z.boolean(),
  index_size: z.number().int().nonnegative(),
});
export type RagNoveltyResponse = z.infer<typeof RagNoveltyResponse>;

/**
 * J3 grounding check for the LLM actors: is each entity or claim supported by the source text or by retrieved
 * documents? Entities must occur as whole words; claims need their content words (and every number) in one text.
 */
export const RagGroundRequest = z.object({
  v: z.literal(1),
  /** The news text the model was given; checked first. */
  source_text: z.string().max(20_000).optional(),
  /** A stored document to use as the source instead of (or besides) `source_text`. */
  source_id: id.optional(),
  entities: z.array(z.string().min(1).max(200)).max(100).default([]),
  claims: z.array(z.string().min(1).max(2000)).max(50).default([]),
  asset: asset.optional(),
  since_ms: epochMs.optional(),
  /** Documents retrieved per claim or entity when the source does not support it. */
  top_k: z.number().int().min(0).max(50).default(5),
});
export type RagGroundRequest = z.infer<typeof RagGroundRequest>;

export const GroundingResult = z.object({
  kind: z.enum(['entity', 'claim']),
  text: z.string(),
  grounded: z.boolean(),
  /** Where the support was found. */
  where: z.enum(['source', 'retrieved', 'none']),
  /** The supporting document's id when `where` is `retrieved` (or the source document's id). */
  evidence_id: z.string().optional(),
  /** Fraction of the claim's content words found in the best text (1 for a found entity). */
  coverage: z.number().min(0).max(1),
  /** Numbers of the claim that no supporting text contains (a claim with one is never grounded). */
  missing_numbers: z.array(z.string()).optional(),
});
export type GroundingResult = z.infer<typeof GroundingResult>;

export const RagGroundResponse = z.object({
  v: z.literal(1),
  results: z.array(GroundingResult),
  /** True when every entity and claim is grounded. */
  grounded: z.boolean(),
  note: z.string().optional(),
});
export type RagGroundResponse = z.infer<typeof RagGroundResponse>;

export const FeaturesRequest = z.object({ v: z.literal(1), asset: z.string().min(1).max(64) });
export type FeaturesRequest = z.infer<typeof FeaturesRequest>;
