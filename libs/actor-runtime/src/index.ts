export {
  isRetryable,
  errorCode,
  type Output,
  type HandlerOutcome,
  type HandleContext,
  type InputBinding,
  type ActorDefinition,
  type ServiceBinding,
  type RetryPolicy,
  type RuntimeOptions,
  type ActorState,
} from './types.ts';
export { InvalidOutputError, ActorRunner } from './runner.ts';
export {
  DEAD_LETTER_PAYLOAD_BYTES,
  DEAD_LETTER_REASON_CHARS,
  OVERSIZED_CODE,
  deadLetterPayload,
  boundedReason,
  type DeadLetterPayload,
} from './dead-letter.ts';
