/**
 * Errors carry a stable `name` and a `retryable` flag. Nothing that goes wrong while loading a model goes away by
 * retrying, so every load error is non-retryable; `OnnxModelNotFoundError` is the one a caller may treat as
 * "not present" (the `auto` scorer selection falls back on it, and on nothing else).
 */
export class OnnxClassifierError extends Error {
  override readonly name: string = 'OnnxClassifierError';
  readonly retryable: boolean = false;
}

/** The model's files are not where the configuration says, or cannot be fetched (remote loading off, no network). */
export class OnnxModelNotFoundError extends OnnxClassifierError {
  override readonly name = 'OnnxModelNotFoundError';
}

/** The configuration names no model, or asks for something the model cannot do (max_length past its positions). */
export class OnnxConfigError extends OnnxClassifierError {
  override readonly name = 'OnnxConfigError';
}

/** The model's `id2label` cannot be mapped onto positive / negative / neutral. */
export class OnnxLabelError extends OnnxClassifierError {
  override readonly name = 'OnnxLabelError';
}

/** Tokenizer and model do not belong together (token ids past the embedding table, wrong number of logits). */
export class OnnxModelMismatchError extends OnnxClassifierError {
  override readonly name = 'OnnxModelMismatchError';
}

/** The load-time self-check found a model that answers very different sentences alike. */
export class OnnxDegenerateModelError extends OnnxClassifierError {
  override readonly name = 'OnnxDegenerateModelError';
}

/** The model's graph has no `last_hidden_state` output, so it cannot give [CLS] embeddings. */
export class OnnxEmbeddingUnavailableError extends OnnxClassifierError {
  override readonly name = 'OnnxEmbeddingUnavailableError';
}

/** onnxruntime failed on an input: deterministic for that input, so not retryable. */
export class OnnxInferenceError extends OnnxClassifierError {
  override readonly name = 'OnnxInferenceError';
}

/** The scorer was disposed while work was queued. */
export class OnnxScorerClosedError extends OnnxClassifierError {
  override readonly name = 'OnnxScorerClosedError';
}
