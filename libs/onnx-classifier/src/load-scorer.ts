import { loadOnnxClassifier, type LoadOptions } from './classifier.ts';
import type { OnnxClassifierOptions } from './options.ts';
import { createOnnxScorer, type OnnxSentimentScorer } from './scorer.ts';

/** Loads the model (with every load-time check) and wraps it in a micro-batching scorer sized by the config. */
export async function loadOnnxScorer(opts: OnnxClassifierOptions, load: LoadOptions = {}): Promise<OnnxSentimentScorer> {
  const classifier = await loadOnnxClassifier(opts, load);
  return createOnnxScorer(classifier, { maxBatch: opts.batch_size, maxWaitMs: opts.batch_wait_ms });
}
