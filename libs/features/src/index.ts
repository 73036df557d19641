export { createFeatureInjector, FeatureConfigError, type FeatureInjector, type FeatureInjectorOptions } from './injector.ts';
export {
  FeatureProfile,
  FeatureStatus,
  FEATURE_COUNT,
  DESIGN_DECAY_S,
  fromSnapshot,
  neutralValues,
  type FeatureSource,
  type FeatureValues,
  type LlmFeatures,
} from './profiles.ts';
export { createNearCache, type NearCache, type NearCacheOptions, type NearCacheStats } from './near-cache.ts';
export { formatFeaturesJson, FEATURE_NAMES } from './format.ts';
