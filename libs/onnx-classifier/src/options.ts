import type { Config } from '@himari/config';

/** The `sentiment.onnx` section of the configuration, as the loader takes it. */
export type OnnxClassifierOptions = Config['sentiment']['onnx'];
