import { dot } from '@himari/numeric';

/** What J3 needs from any text encoder: fixed-size, L2-normalised vectors, so inner product is cosine similarity. */
export interface Encoder {
  /**
   * Identifies the vector space: model name and a content hash of its weights. Vectors made by encoders with
   * different ids are not comparable; the document store re-encodes its texts when the id changes.
   */
  readonly id: string;
  readonly kind: 'project' | 'transformers' | 'test';
  readonly dim: number;
  /** One vector per text, unit length (or all zeros for a text with no known feature, which matches nothing). */
  encode(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export class EncoderError extends Error {
  override readonly name = 'EncoderError';
  constructor(
    message: string,
    /** A missing or corrupt model stays missing on retry; a busy runtime may not. */
    readonly retryable = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Scales v to unit length in place; a zero vector stays zero. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  const s = dot(v, v);
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}
