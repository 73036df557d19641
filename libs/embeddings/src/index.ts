export * from './types.ts';
export * from './text.ts';
export * from './project-encoder.ts';
export * from './transformers-encoder.ts';
export * from './train.ts';
export * from './corpora.ts';
export * from './factory.ts';
export * from './paths.ts';
export { randomizedSvd, type Csr, type Dense } from './linalg.ts';
