export { judge, type Judgement, type JudgementInput, type Direction } from './judge.ts';
export { roleOf, isMarketProxy, AssetRole } from './assets.ts';
