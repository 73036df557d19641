export * from './deps.ts';
export * from './registry.ts';
export * from './process.ts';
export * from './serve.ts';
export * from './batch-run.ts';
export * from './lines.ts';
export { routeFor } from './actors/finbert-actor.ts';
export { calibrationKey } from './actors/calibrator.ts';
export { guardSignal, GuardFlag, type GuardOutcome } from './actors/signal-guards.ts';
