// Runtime: J2's chain, policy, audit store and learner. Replays over StockNet and DPO pairs are offline work:
// `@himari/cot/offline`.
export {
  FACTOR_NAMES,
  chainOutputSchema,
  chainTokenBound,
  parseChain,
  type ChainBounds,
  type ChainParse,
  type ChainStep,
  type FactorName,
  type Factors,
} from './chain.ts';
export {
  ACTIONS,
  FEATURE_COUNT,
  actionIndex,
  reward,
  earnedReward,
  featureVector,
  initialPolicy,
  probabilities,
  expectedReward,
  greedyReward,
  ruleReward,
  rlmfUpdate,
  weighDecision,
  type Action,
  type Experience,
  type PolicyInput,
  type PolicyState,
  type UpdateOptions,
  type UpdateReport,
} from './policy.ts';
export { CotStore, type AuditTrail, type ChainSample } from './store.ts';
export { RlmfLearner, type ObserveResult, type RlmfSettings } from './learner.ts';
export { createCotDrafter, type CotDeps, type CotDrafter, type CotSettings } from './drafter.ts';
