import { createHash } from 'node:crypto';

/** Hex digits kept per text: 48 bits, so ~10k training texts against ~10k eval texts collide by chance ~1 in 3 million. */
export const FINGERPRINT_HEX = 12;

/** Case and whitespace do not make a text new: "Apple  beats" and "apple beats" are the same example. */
export function canonicalText(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function fingerprintText(text: string): string {
  return createHash('sha256').update(canonicalText(text)).digest('hex').slice(0, FINGERPRINT_HEX);
}

/** Sorted, de-duplicated, concatenated: one compact string in the model file. */
export function packFingerprints(texts: Iterable<string>): string {
  return [...new Set([...texts].map(fingerprintText))].sort().join('');
}

export function unpackFingerprints(packed: string): Set<string> {
  if (packed.length % FINGERPRINT_HEX !== 0) throw new RangeError('fingerprint list length is not a multiple of ' + FINGERPRINT_HEX);
  const out = new Set<string>();
  for (let i = 0; i < packed.length; i += FINGERPRINT_HEX) out.add(packed.slice(i, i + FINGERPRINT_HEX));
  return out;
}
