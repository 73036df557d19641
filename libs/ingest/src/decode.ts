import { decodeRaw } from '@himari/contracts';
import { RejectCode, reject, type IngestRejection } from './codes.ts';
import { describeType } from './timestamp.ts';

export type Decoded = { ok: true; value: Record<string, unknown> } | IngestRejection;

const utf8 = new TextDecoder('utf-8', { fatal: true });

const BOM = [0xef, 0xbb, 0xbf] as const;

/** Index of the first byte that is not a UTF-8 BOM or JSON whitespace; `bytes.length` when there is none. */
function firstSignificant(bytes: Uint8Array): number {
  let i = bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2] ? 3 : 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) break;
    i++;
  }
  return i;
}

/** msgpack fixmap/fixarray, array16/32, map16/32: bytes that begin like this were meant as msgpack. */
function isMsgpackContainerMarker(b: number): boolean {
  return (b >= 0x80 && b <= 0x9f) || (b >= 0xdc && b <= 0xdf);
}

function isPrintableAscii(b: number): boolean {
  return b >= 0x21 && b <= 0x7e;
}

/**
 * JSON or msgpack, told apart by the first byte: a msgpack object never starts with printable ASCII, and JSON text
 * always does. So printable ASCII means JSON text; anything else is tried as msgpack, and when that fails the reason
 * says what the bytes most likely were.
 */
export function decodeObject(bytes: Uint8Array): Decoded {
  const start = firstSignificant(bytes);
  if (start === bytes.length) return reject(RejectCode.empty_message, 'the message is empty or only whitespace');
  const first = bytes[start] ?? 0;
  const value = isPrintableAscii(first) ? decodeJsonText(bytes) : decodeMsgpack(bytes, first);
  if (!value.ok) return value;
  if (!isPlainObject(value.value)) {
    return reject(RejectCode.not_object, `the message must be an object {id, text, asset, ...}, got ${describeType(value.value)}`);
  }
  return { ok: true, value: value.value };
}

type Parsed = { ok: true; value: unknown } | IngestRejection;

function decodeUtf8(bytes: Uint8Array): { ok: true; text: string } | IngestRejection {
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return reject(RejectCode.invalid_utf8, `the message is not valid UTF-8 (first bad byte near offset ${firstInvalidUtf8(bytes)})`);
  }
}

function decodeJsonText(bytes: Uint8Array): Parsed {
  const text = decodeUtf8(bytes);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.text) as unknown };
  } catch (err) {
    return reject(RejectCode.invalid_json, `the message is not valid JSON: ${(err as Error).message.slice(0, 120)}`);
  }
}

function decodeMsgpack(bytes: Uint8Array, first: number): Parsed {
  try {
    return { ok: true, value: decodeRaw(bytes) };
  } catch (err) {
    const why = err instanceof Error ? err.message.slice(0, 120) : 'unknown error';
    if (isMsgpackContainerMarker(first)) return reject(RejectCode.undecodable, `the message starts as msgpack but does not decode: ${why}`);
    const text = decodeUtf8(bytes);
    if (!text.ok) return text;
    return reject(RejectCode.invalid_json, 'the message is text that is neither a JSON object nor msgpack');
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Offset of the first byte where a UTF-8 sequence goes wrong, for the reason text only. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k] ?? 0;
      // The second byte's range is narrower after E0/ED/F0/F4: overlong forms, surrogates, beyond U+10FFFF.
      const lo = k === 1 && b === 0xe0 ? 0xa0 : k === 1 && b === 0xf0 ? 0x90 : 0x80;
      const hi = k === 1 && b === 0xed ? 0x9f : k === 1 && b === 0xf4 ? 0x8f : 0xbf;
      if (c < lo || c > hi) return i;
    }
    i += len;
  }
  return i;
}
