/** Errors carry a stable `name` and a `retryable` flag; none of these go away by retrying. */

/** The file is not in the topic layout (`text,label`, label a topic id 0..19). */
export class TopicDataError extends Error {
  override readonly name = 'TopicDataError';
  readonly retryable = false;
}

/** An event model file that cannot be read, parsed or trusted. */
export class EventModelError extends Error {
  override readonly name = 'EventModelError';
  readonly retryable = false;
}

/** The evaluation data shares texts with the model's training rows: its scores would be inflated. */
export class EventEvalOverlapError extends Error {
  override readonly name = 'EventEvalOverlapError';
  readonly retryable = false;
  constructor(
    message: string,
    readonly overlapping: number,
  ) {
    super(message);
  }
}
