import { loadConfig, type ConfigInput } from '@himari/config';
import type { OnnxClassifierOptions } from './options.ts';

type OnnxInput = NonNullable<NonNullable<ConfigInput['sentiment']>['onnx']>;

/**
 * Options for a random-weight test model in `dir` (tools/tiny-bert): every default of `sentiment.onnx`, with the
 * self-check's direction test off (random weights have no opinion on tone) and its spread test on.
 */
export function testModelOptions(dir: string, overrides: OnnxInput = {}): OnnxClassifierOptions {
  const { self_check, ...rest } = overrides;
  return loadConfig({ overrides: { sentiment: { onnx: { path: dir, ...rest, self_check: { expect_direction: false, ...self_check } } } } })
    .sentiment.onnx;
}
