/**
 * Errors of the LLM layer. Each carries a stable `name`, a machine-readable `code` (what the runtime uses when it
 * dead-letters) and `retryable`, checked by property so the check survives process boundaries.
 */

export const LlmErrorCode = {
  /** The backend could not be reached or answered 5xx/429 after its retries. */
  backendUnavailable: 'llm_backend_unavailable',
  /** An attempt ran past its timeout (after retries). */
  backendTimeout: 'llm_backend_timeout',
  /** The backend answered 4xx other than 429: the request itself is wrong; retrying does not help. */
  backendRejected: 'llm_backend_rejected',
  /** The model file, folder or server model is missing or cannot be loaded. */
  modelUnavailable: 'llm_model_unavailable',
  /** The model's answer could not be read even after repair and one re-ask. */
  unparseable: 'unparseable',
  /** Hourly token or cost budget is spent. */
  budgetExhausted: 'llm_budget_exhausted',
  /** The configuration cannot work (e.g. a backend without its model path). */
  misconfigured: 'llm_misconfigured',
} as const;
export type LlmErrorCode = (typeof LlmErrorCode)[keyof typeof LlmErrorCode];

export class LlmError extends Error {
  override readonly name: string = 'LlmError';
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class BackendUnavailableError extends LlmError {
  override readonly name = 'BackendUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(LlmErrorCode.backendUnavailable, message, true, options);
  }
}

export class BackendTimeoutError extends LlmError {
  override readonly name = 'BackendTimeoutError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(LlmErrorCode.backendTimeout, message, true, options);
  }
}

export class BackendRejectedError extends LlmError {
  override readonly name = 'BackendRejectedError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(LlmErrorCode.backendRejected, message, false);
  }
}

export class ModelUnavailableError extends LlmError {
  override readonly name = 'ModelUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(LlmErrorCode.modelUnavailable, message, false, options);
  }
}

export class MisconfiguredError extends LlmError {
  override readonly name = 'MisconfiguredError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(LlmErrorCode.misconfigured, message, false, options);
  }
}

export class BudgetExhaustedError extends LlmError {
  override readonly name = 'BudgetExhaustedError';
  constructor(message: string) {
    super(LlmErrorCode.budgetExhausted, message, false);
  }
}

/** True for failures of the backend itself (as opposed to a bug or a bad answer). */
export function isBackendFailure(err: unknown): err is LlmError {
  return (
    err instanceof LlmError &&
    (err.code === LlmErrorCode.backendUnavailable || err.code === LlmErrorCode.backendTimeout || err.code === LlmErrorCode.backendRejected)
  );
}
