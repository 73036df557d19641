export * from './gguf.ts';
export * from './tiny-llama.ts';
