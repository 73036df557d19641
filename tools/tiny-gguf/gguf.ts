/**
 * A GGUF v3 writer, by the format's specification (ggml/docs/gguf.md): header, metadata key/values, tensor infos,
 * then tensor data, every tensor aligned to `general.alignment` (32 by default). Little-endian throughout.
 * Enough for test models: scalar, string and array metadata; F32 and F16 tensors.
 */
import { writeFileSync } from 'node:fs';

const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const VERSION = 3;
export const DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value types. */
export const GgufType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;
export type GgufScalarType = Exclude<keyof typeof GgufType, 'array'>;

/** ggml tensor element types this writer can store. */
export const GgmlTensorType = { f32: 0, f16: 1 } as const;
export type GgmlTensorType = keyof typeof GgmlTensorType;

export type GgufValue =
  | { type: Exclude<GgufScalarType, 'string' | 'bool'>; value: number | bigint }
  | { type: 'string'; value: string }
  | { type: 'bool'; value: boolean }
  | { type: 'array'; itemType: Exclude<GgufScalarType, 'string' | 'bool'>; value: readonly (number | bigint)[] }
  | { type: 'array'; itemType: 'string'; value: readonly string[] }
  | { type: 'array'; itemType: 'bool'; value: readonly boolean[] };

export interface GgufTensor {
  name: string;
  /** ggml order: the first dimension is the innermost (contiguous) one. */
  dims: readonly number[];
  type: GgmlTensorType;
  /** Row-major in ggml order, `product(dims)` values. */
  data: Float32Array;
}

export interface GgufFile {
  metadata: ReadonlyArray<readonly [string, GgufValue]>;
  tensors: readonly GgufTensor[];
}

/** Grows as it writes; the file is small enough to build in memory. */
class Writer {
  private buf = Buffer.alloc(1 << 16);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u8(v: number): void {
    this.reserve(1);
    this.length = this.buf.writeUInt8(v, this.length);
  }
  i8(v: number): void {
    this.reserve(1);
    this.length = this.buf.writeInt8(v, this.length);
  }
  u16(v: number): void {
    this.reserve(2);
    this.length = this.buf.writeUInt16LE(v, this.length);
  }
  i16(v: number): void {
    this.reserve(2);
    this.length = this.buf.writeInt16LE(v, this.length);
  }
  u32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeUInt32LE(v, this.length);
  }
  i32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeInt32LE(v, this.length);
  }
  f32(v: number): void {
    this.reserve(4);
    this.length = this.buf.writeFloatLE(v, this.length);
  }
  f64(v: number): void {
    this.reserve(8);
    this.length = this.buf.writeDoubleLE(v, this.length);
  }
  u64(v: number | bigint): void {
    this.reserve(8);
    this.length = this.buf.writeBigUInt64LE(BigInt(v), this.length);
  }
  i64(v: number | bigint): void {
    this.reserve(8);
    this.length = this.buf.writeBigInt64LE(BigInt(v), this.length);
  }
  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.bytes(bytes);
  }
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  padTo(alignment: number): void {
    const pad = (alignment - (this.length % alignment)) % alignment;
    this.reserve(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeScalar(w: Writer, type: GgufScalarType, v: number | bigint | string | boolean): void {
  switch (type) {
    case 'uint8':
      return w.u8(Number(v));
    case 'int8':
      return w.i8(Number(v));
    case 'uint16':
      return w.u16(Number(v));
    case 'int16':
      return w.i16(Number(v));
    case 'uint32':
      return w.u32(Number(v));
    case 'int32':
      return w.i32(Number(v));
    case 'float32':
      return w.f32(Number(v));
    case 'float64':
      return w.f64(Number(v));
    case 'uint64':
      return w.u64(v as number | bigint);
    case 'int64':
      return w.i64(v as number | bigint);
    case 'bool':
      return w.u8(v ? 1 : 0);
    case 'string':
      return w.str(String(v));
  }
}

function writeValue(w: Writer, v: GgufValue): void {
  w.u32(GgufType[v.type]);
  if (v.type !== 'array') {
    writeScalar(w, v.type, v.value);
    return;
  }
  w.u32(GgufType[v.itemType]);
  w.u64(v.value.length);
  for (const item of v.value) writeScalar(w, v.itemType, item);
}

function tensorBytes(t: GgufTensor): Buffer {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== n) throw new Error(`tensor ${t.name}: ${t.data.length} values for dims [${t.dims.join(', ')}] (${n})`);
  if (t.type === 'f32') return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) out.writeUInt16LE(toHalf(t.data[i]!), i * 2);
  return out;
}

/** IEEE-754 binary16 from a float, round-to-nearest-even on the dropped mantissa bits. */
export function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0]!;
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  let mant = u & 0x7fffff;
  if (((u >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 0x1f) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
  }
  const half = (exp << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  return sign | (half + (rem > 0x1000 || (rem === 0x1000 && half & 1) ? 1 : 0));
}

export function encodeGguf(file: GgufFile): Buffer {
  const alignmentKv = file.metadata.find(([k]) => k === 'general.alignment');
  const alignment = alignmentKv && alignmentKv[1].type === 'uint32' ? Number(alignmentKv[1].value) : DEFAULT_ALIGNMENT;
  const names = new Set<string>();
  for (const t of file.tensors) {
    if (names.has(t.name)) throw new Error(`duplicate tensor ${t.name}`);
    names.add(t.name);
  }

  const w = new Writer();
  w.u32(MAGIC);
  w.u32(VERSION);
  w.u64(file.tensors.length);
  w.u64(file.metadata.length);
  for (const [key, value] of file.metadata) {
    w.str(key);
    writeValue(w, value);
  }
  const datas = file.tensors.map(tensorBytes);
  let offset = 0;
  file.tensors.forEach((t, i) => {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GgmlTensorType[t.type]);
    w.u64(offset);
    offset += datas[i]!.length;
    offset += (alignment - (offset % alignment)) % alignment;
  });
  w.padTo(alignment);
  for (const data of datas) {
    w.bytes(data);
    w.padTo(alignment);
  }
  return w.result();
}

export function writeGguf(path: string, file: GgufFile): number {
  const bytes = encodeGguf(file);
  writeFileSync(path, bytes);
  return bytes.length;
}
