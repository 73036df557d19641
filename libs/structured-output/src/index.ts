export * from './schema.ts';
export { parseModelOutput, MAX_INPUT_CHARS } from './parse.ts';
export type { ParseResult, ParseSuccess, ParseFailure, ParseFailureCode } from './parse.ts';
export { validateFields, looksLikeSignal, DEFAULT_MAGNITUDE, DEFAULT_TIMEFRAME, CONFLICT_THRESHOLD } from './fields.ts';
export type { FieldResult } from './fields.ts';
