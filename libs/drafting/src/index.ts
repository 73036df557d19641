export * from './draft.ts';
export {
  DEFAULT_DIRECTION_THRESHOLD,
  directionFromCompound,
  rawConfidence,
  timeframeFromEvent,
  magnitudeFrom,
  eventLabel,
  sentimentModelId,
} from './rules.ts';
