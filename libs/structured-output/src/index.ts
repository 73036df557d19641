export {
  directionToNumber,
  SCHEMA_VERSION,
  SignalDirection,
  MAX_REASONING_CHARS,
  ExtractedSignal,
  REQUIRED_FIELDS,
  type RequiredField,
  SIGNAL_JSON_SCHEMA,
} from './schema.ts';
export { parseModelOutput, MAX_INPUT_CHARS } from './parse.ts';
export type { ParseResult, ParseSuccess, ParseFailure, ParseFailureCode } from './parse.ts';
export { validateFields, looksLikeSignal, DEFAULT_MAGNITUDE, DEFAULT_TIMEFRAME, CONFLICT_THRESHOLD } from './fields.ts';
export type { FieldResult } from './fields.ts';
