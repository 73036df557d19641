// Offline: replay experience through the policy (before/after an update) and export preference pairs (CLI, benches).
export {
  replay,
  experienceFromStockNet,
  experienceToJsonl,
  experienceFromJsonl,
  type ReplayOptions,
  type ReplayReport,
  type RewardSummary,
  type StockNetOptions,
} from './replay.ts';
export { preferencePairs, type PreferencePair, type PairsReport } from './pairs.ts';
