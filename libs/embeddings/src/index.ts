// Runtime: the Encoder interface and its two implementations, and the word splitter J3's novelty and grounding share.
// Training the project encoder and reading its corpora are offline: `@himari/embeddings/offline`.
export { EncoderError, normalizeInPlace, type Encoder } from './types.ts';
export { cleanText, words, features, normalisedWords, fnv1a, DEFAULT_FEATURES, type FeatureOptions } from './text.ts';
export { ProjectEncoder, PROJECT_ENCODER_FORMAT, type ProjectEncoderFile } from './project-encoder.ts';
export { loadTransformersEncoder, type TransformersEncoderOptions } from './transformers-encoder.ts';
export { createEncoder } from './factory.ts';
export { DEFAULT_ENCODER_PATH } from './paths.ts';
