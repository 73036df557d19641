/** Errors carry a stable `name` and a `retryable` flag; none of these go away by retrying. */
export class SentimentModelError extends Error {
  override readonly name = 'SentimentModelError';
  readonly retryable = false;
}

/** The CSV is not one of the layouts we read (TFNS `text,label` or PhraseBank `sentence,label[,agreement]`). */
export class DatasetFormatError extends Error {
  override readonly name = 'DatasetFormatError';
  readonly retryable = false;
}

/** The evaluation data shares texts with the model's training data: its scores would be inflated. */
export class EvalOverlapError extends Error {
  override readonly name = 'EvalOverlapError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly overlapping: number,
  ) {
    super(message);
  }
}
