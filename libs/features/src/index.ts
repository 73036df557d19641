export {
  createFeatureInjector,
  fromSnapshot,
  FeatureStatus,
  type FeatureValues,
  type LlmFeatures,
  FEATURE_COUNT,
  NEUTRAL,
  type FeatureInjectorOptions,
  type FeatureInjector,
  FeatureConfigError,
} from './injector.ts';
export { formatFeaturesJson, FEATURE_NAMES } from './format.ts';
