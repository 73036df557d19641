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
export { encodeSignal, decodeSignal, decodeView, type EncodedSignal } from './codec.ts';
export { createRedisUpdateFeed, type UpdateFeed, type UpdateListener, type RedisUpdateFeedOptions } from './update-feed.ts';
