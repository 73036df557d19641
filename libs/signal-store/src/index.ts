export * from './types.ts';
export { storeOptionsFromConfig, checkStoreOptions } from './options.ts';
export { createMemorySignalStore } from './memory-store.ts';
export { createRedisSignalStore } from './redis-store.ts';
export { encodeSignal, decodeSignal, decodeView } from './codec.ts';
