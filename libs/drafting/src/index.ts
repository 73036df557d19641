export {
  draftFromUpstream,
  assembleDraft,
  type DraftingActor,
  DraftFlag,
  DraftingError,
  type DraftOptions,
  type LlmProvenance,
  type ParsedOutput,
  type AssembleInput,
  sourceSummary,
} from './draft.ts';
export {
  DEFAULT_DIRECTION_THRESHOLD,
  directionFromCompound,
  rawConfidence,
  timeframeFromEvent,
  magnitudeFrom,
  eventLabel,
  sentimentModelId,
} from './rules.ts';
