import type { SentimentScore } from '@himari/contracts';
import type { AsyncSentimentScorer } from '@himari/sentiment';
import { MicroBatcher } from './batcher.ts';
import { ONNX_SCORER_KIND, type OnnxClassifier } from './classifier.ts';

/** An AsyncSentimentScorer over an ONNX classifier; `score` calls from many handlers are micro-batched. */
export interface OnnxSentimentScorer extends AsyncSentimentScorer {
  readonly kind: typeof ONNX_SCORER_KIND;
  readonly classifier: OnnxClassifier;
  /** Sizes of the micro-batches run so far. */
  readonly batchSizes: readonly number[];
  /** Finishes queued work, then releases the onnxruntime session. */
  close(): Promise<void>;
}

export interface OnnxScorerOptions {
  /** Texts per micro-batch. @default the classifier's batch_size */
  maxBatch: number;
  /** @default the classifier's batch_wait_ms */
  maxWaitMs: number;
}

export function createOnnxScorer(classifier: OnnxClassifier, opts: OnnxScorerOptions): OnnxSentimentScorer {
  const batcher = new MicroBatcher<string, SentimentScore>((texts) => classifier.scoreBatch(texts), opts);
  return {
    name: classifier.name,
    version: classifier.version,
    kind: ONNX_SCORER_KIND,
    classifier,
    batchSizes: batcher.batchSizes,
    score: (text) => batcher.push(text),
    // Already a batch: straight to the model, which chunks it by batch_size.
    scoreBatch: (texts) => classifier.scoreBatch(texts),
    async close() {
      await batcher.close();
      await classifier.dispose();
    },
  };
}
