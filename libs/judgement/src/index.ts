export { judge, type Judgement, type JudgementInput, type Direction } from './judge.ts';
export { roleOf, isMarketProxy, AssetRole } from './assets.ts';
export {
  parseHeadlineSet,
  readHeadlineSet,
  readSecondLabels,
  directionMetrics,
  cohenKappa,
  evaluateMethod,
  agreementWith,
  headlineMarkdown,
  HeadlineSetError,
  type HeadlineItem,
  type DirectionMetrics,
  type ClassFigures,
  type MethodResult,
  type Agreement,
  type HeadlineReport,
} from './eval.ts';
