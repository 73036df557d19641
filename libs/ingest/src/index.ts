export {
  reject,
  duplicateIdRejection,
  quote,
  RejectCode,
  REJECT_CODES,
  IngestFlag,
  type IngestOptions,
  type IngestRejection,
  type IngestResult,
} from './codes.ts';
export { normaliseRaw, normaliseObject, MAX_ID_CHARS } from './normalise.ts';
export { decodeObject } from './decode.ts';
export {
  PROMPT_INJECTION_PATTERNS,
  INJECTION_PLACEHOLDER,
  detectPromptInjection,
  scrubPromptInjection,
  type InjectionPattern,
  type InjectionScrub,
} from './injection.ts';
export { assertIngestOptions, ingestOptionsFromConfig, IngestOptionsError, MAX_SOURCE_CHARS } from './options.ts';
export { cleanText, truncateAtWord, codePointLength, type CleanedText, type Truncated } from './text.ts';
export { parsePublishedAt, DEFAULT_FUTURE_SKEW_MS, type ParsedTime } from './timestamp.ts';
