export * from './types.ts';
export * from './runner.ts';
