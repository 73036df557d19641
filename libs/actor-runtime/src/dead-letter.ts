import { createHash } from 'node:crypto';

/**
 * Most bytes of the original message a dead letter carries. With the bounded reason and fields the envelope stays
 * far below any NATS server's max_payload (1 MiB by default), so that a message at the limit can still be
 * dead-lettered instead of vanishing after its last delivery.
 */
export const DEAD_LETTER_PAYLOAD_BYTES = 64 * 1024;
/** Longest reason kept in a dead letter. */
export const DEAD_LETTER_REASON_CHARS = 2_000;

/** Code of a message refused for its size before any decoding, at every actor's input and at `himari run`. */
export const OVERSIZED_CODE = 'too_large';

export interface DeadLetterPayload {
  payload: Uint8Array;
  /** Length of the original message, whatever `payload` kept. */
  payload_bytes: number;
  /** sha256 (hex) of the original message: matches a producer's copy even when truncated. */
  payload_sha256: string;
  payload_truncated: boolean;
}

export function deadLetterPayload(data: Uint8Array, maxBytes = DEAD_LETTER_PAYLOAD_BYTES): DeadLetterPayload {
  const truncated = data.length > maxBytes;
  return {
    payload: truncated ? data.subarray(0, maxBytes) : data,
    payload_bytes: data.length,
    payload_sha256: createHash('sha256').update(data).digest('hex'),
    payload_truncated: truncated,
  };
}

export function boundedReason(reason: string): string {
  return reason.length > DEAD_LETTER_REASON_CHARS ? `${reason.slice(0, DEAD_LETTER_REASON_CHARS)}…` : reason;
}
