import type { ScorerKind, SentimentScore } from '@himari/contracts';

/** A scorer that answers in the caller's turn: lexicons and other pure-CPU models. */
export interface SentimentScorer {
  /** Stable name for logs and metrics, e.g. `lexicon`. */
  readonly name: string;
  /** Equals the `model_version` of every score it returns. */
  readonly version: string;
  readonly kind: ScorerKind;
  score(text: string): SentimentScore;
  /** Same result as mapping `score`, index for index. */
  scoreBatch(texts: readonly string[]): SentimentScore[];
}

/** A scorer whose model runs off the caller's turn (ONNX sessions, remote models). */
export interface AsyncSentimentScorer {
  readonly name: string;
  readonly version: string;
  readonly kind: ScorerKind;
  score(text: string): Promise<SentimentScore>;
  scoreBatch(texts: readonly string[]): Promise<SentimentScore[]>;
}

/** Lets a sync scorer stand wherever an async one is expected; errors become rejections, not throws. */
export function toAsync(scorer: SentimentScorer): AsyncSentimentScorer {
  return {
    name: scorer.name,
    version: scorer.version,
    kind: scorer.kind,
    score: async (text) => scorer.score(text),
    scoreBatch: async (texts) => scorer.scoreBatch(texts),
  };
}
