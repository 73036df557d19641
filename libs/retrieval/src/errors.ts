export class RetrievalError extends Error {
  override readonly name: string = 'RetrievalError';
  readonly retryable: boolean = false;
}

/** Another process holds the folder (a serving rag-actor, or `himari rag ingest`). */
export class RetrievalLockedError extends RetrievalError {
  override readonly name = 'RetrievalLockedError';
  override readonly retryable = true;
}
