export * from './injector.ts';
export * from './format.ts';
