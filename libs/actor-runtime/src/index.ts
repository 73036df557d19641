export * from './types.ts';
export * from './runner.ts';
export * from './dead-letter.ts';
