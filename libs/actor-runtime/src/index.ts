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
