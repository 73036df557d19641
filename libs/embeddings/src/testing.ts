/** Test doubles: an encoder whose geometry a test can reason about. */
import { words } from './text.ts';
import { normalizeInPlace, type Encoder } from './types.ts';
import { fnv1a } from './text.ts';

/**
 * Bag of words hashed into `dim` buckets, unit length: texts with the same words get similarity 1, texts with no
 * word in common about 0. Deterministic and instant.
 */
export function bagOfWordsEncoder(dim = 64, id = 'test-bow'): Encoder & { encodeOne(text: string): Float32Array } {
  const encodeOne = (text: string): Float32Array => {
    const v = new Float32Array(dim);
    for (const w of words(text)) v[fnv1a(w) % dim]! += 1;
    return normalizeInPlace(v);
  };
  return {
    id: `${id}-${dim}`,
    kind: 'test',
    dim,
    encodeOne,
    async encode(texts) {
      return texts.map(encodeOne);
    },
    async close() {},
  };
}
