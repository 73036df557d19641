export {
  type Clock,
  type SentimentState,
  type ApplyResult,
  type ClaimResult,
  type SignalView,
  type FeatureSnapshot,
  type SignalStore,
  type SignalStoreOptions,
  StoreErrorCode,
  SignalStoreError,
} from './types.ts';
export { storeOptionsFromConfig, checkStoreOptions } from './options.ts';
export { createMemorySignalStore } from './memory-store.ts';
export { createRedisSignalStore } from './redis-store.ts';
export { encodeSignal, decodeSignal, decodeView } from './codec.ts';
